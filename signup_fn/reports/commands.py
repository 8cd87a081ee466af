"""`flask --app signup_fn usage report`: the usage report of /admin/reports on the command line
(the same figures, filters and CSV)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from .. import clock, library
from ..resources.catalog_source import CatalogUnavailable, current_catalog
from ..services import services
from . import queries
from . import usage as usage_report

usage_cli = AppGroup("usage", help="Penggunaan e-resource (aturan COUNTER Release 5).")


@usage_cli.command("report")
@click.option("--from", "start", metavar="TTTT-BB", help="Bulan pertama (bawaan: data pertama).")
@click.option("--to", "end", metavar="TTTT-BB", help="Bulan terakhir (bawaan: data terakhir).")
@click.option("--access", help="Akses: free, paid atau members.")
@click.option("--type", "kind", help="Jenis sumber, mis. journal atau ebook.")
@click.option("--subject", help="Id subjek katalog.")
@click.option("--csv", "as_csv", is_flag=True, help="Cetak sebagai CSV format COUNTER R5.")
def report_command(
    start: str | None,
    end: str | None,
    access: str | None,
    kind: str | None,
    subject: str | None,
    as_csv: bool,
) -> None:
    """Cetak Total_Item_Requests dan Unique_Item_Requests per sumber dan bulan."""
    try:
        catalog = current_catalog()
    except CatalogUnavailable:
        catalog = None
        click.echo("Katalog tidak dapat dibaca: sumber ditampilkan dengan id-nya.", err=True)
    values = {"from": start, "to": end, "access": access, "type": kind, "subject": subject}
    try:
        filters = usage_report.parse_filter(values, catalog.subjects_by_id if catalog else {})
    except usage_report.InvalidFilter as error:
        raise click.BadParameter(str(error)) from None
    with services().engine.connect() as connection:
        rows = queries.resource_usage_rows(connection.execution_options(read_only=True))
    report = usage_report.build_usage_report(rows, catalog, filters)
    if as_csv:
        text = usage_report.to_csv(
            report, institution=library.current().name, created=clock.library_now()
        )
        click.echo(text.removeprefix(usage_report.BYTE_ORDER_MARK), nl=False)
        return
    if not report.rows:
        click.echo("Belum ada penggunaan yang tercatat pada periode dan pilihan ini.")
        return
    for cells in usage_report.table(report):
        click.echo("\t".join(cells))
