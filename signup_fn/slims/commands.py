"""`flask --app signup_fn members ...`: import SLiMS' member export, look a member up."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from ..services import services
from ..store.engine import transaction
from ..typed_text import CLI_TEXT
from . import queries
from .directory import DirectoryUnavailable, member_directory
from .member_csv import MAX_EXPORT_BYTES, CsvProblem, MemberCsvError, parse_export

members_cli = AppGroup("members", help="Daftar anggota perpustakaan (dari SLiMS).")


def read_export(path: Path) -> bytes:
    """The file's bytes, refusing (without reading it all) one larger than the cap."""
    with path.open("rb") as handle:
        data = handle.read(MAX_EXPORT_BYTES + 1)
    return data


@members_cli.command("import")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(csv_file: Path) -> None:
    """Ganti daftar anggota dengan ekspor CSV SLiMS, CSV_FILE (semua atau tidak sama sekali)."""
    try:
        export = parse_export(read_export(csv_file), path=str(csv_file))
    except MemberCsvError as exc:
        problems = "\n".join(str(problem) for problem in exc.problems)
        raise click.ClickException(
            f"{problems}\nImpor dibatalkan: {len(exc.problems)} kesalahan; daftar anggota tidak "
            "diubah."
        ) from None
    except OSError as exc:
        problem = CsvProblem(str(csv_file), 1, f"berkas tidak dapat dibaca: {exc}")
        raise click.ClickException(str(problem)) from None
    rows = [member.__dict__ for member in export.members]
    with transaction(services().engine) as connection:
        stored, previous = queries.replace_library_members(connection, rows, actor="cli")
    if export.encoding != "utf-8":
        click.echo(f"Catatan: berkas bukan UTF-8; dibaca sebagai {export.encoding}.")
    header = "dengan" if export.had_header else "tanpa"
    click.echo(f"{stored} anggota diimpor ({header} baris judul); sebelumnya {previous}.")


@members_cli.command("show")
@click.argument("member_id", type=CLI_TEXT)
def show_command(member_id: str) -> None:
    """Tampilkan data MEMBER_ID di basis data anggota."""
    directory = member_directory()
    try:
        record = directory.lookup(member_id)
    except DirectoryUnavailable as exc:
        raise click.ClickException(str(exc)) from None
    if record is None:
        raise click.ClickException(
            f"Nomor anggota {member_id} tidak ditemukan (sumber: {directory.source})."
        )
    expire = record.expire_date.isoformat() if record.expire_date else "-"
    pending = {True: "ya", False: "tidak", None: "tidak diketahui"}[record.is_pending]
    for label, value in (
        ("Nomor anggota", record.member_id),
        ("Nama", record.name),
        ("E-mail", record.email or "-"),
        ("Telepon", record.phone or "-"),
        ("Jenis anggota", record.member_type or "-"),
        ("Institusi/prodi", record.inst_name or "-"),
        ("Berlaku sampai", expire),
        ("Tertunda", pending),
        ("Sumber", record.source),
    ):
        click.echo(f"{label}: {value}")
