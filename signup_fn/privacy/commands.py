"""`flask --app signup_fn privacy ...`: a person's data (UU PDP) and the scheduled purge."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from ..api.schema import FIELD_LABELS
from ..auth import queries as auth_queries
from ..member_numbers import normalise_member_number
from ..services import services
from ..store.engine import transaction
from ..store.statuses import AccountStatus
from ..typed_text import CLI_TEXT
from .service import InvalidCorrection, correct_person, delete_person, export_person, purge

privacy_cli = AppGroup("privacy", help="Hak subjek data (UU PDP) dan penghapusan berkala.")


@privacy_cli.command("export")
@click.argument("member_id", type=CLI_TEXT)
def export_command(member_id: str) -> None:
    """Cetak data tentang MEMBER_ID dan catatan pemrosesannya (JSON)."""
    with transaction(services().engine) as connection:
        data = export_person(connection, member_id)
    if data is None:
        raise click.ClickException(f"Tidak ada data untuk nomor anggota {member_id}.")
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


@privacy_cli.command("delete")
@click.argument("member_id", type=CLI_TEXT)
@click.option("--yes", is_flag=True, help="Hapus tanpa bertanya lagi.")
def delete_command(member_id: str, yes: bool) -> None:
    """Hapus data MEMBER_ID (permintaan, akun, tautan, sesi, e-mail)."""
    if not yes:
        click.confirm(
            f"Hapus semua data nomor anggota {member_id}? Tindakan ini tidak dapat dibatalkan.",
            abort=True,
        )
    with transaction(services().engine) as connection:
        counts = delete_person(connection, member_id)
    if counts is None:
        raise click.ClickException(f"Tidak ada data untuk nomor anggota {member_id}.")
    click.echo("Dihapus: " + ", ".join(f"{kind} {count}" for kind, count in counts.items()) + ".")


@privacy_cli.command("correct")
@click.argument("member_id", type=CLI_TEXT)
@click.option("--email", default=None, help="Alamat e-mail yang benar.")
@click.option("--name", default=None, help="Nama lengkap yang benar.")
@click.option("--phone", default=None, help='Nomor telepon yang benar ("" menghapusnya).')
@click.option("--programme", default=None, help="Program studi atau unit yang benar.")
def correct_command(member_id: str, **options: str | None) -> None:
    """Perbaiki data MEMBER_ID (permintaan menunggu/disetujui dan e-mail akunnya)."""
    values = {field: value for field, value in options.items() if value is not None}
    if not values:
        raise click.UsageError("Sebutkan data yang diperbaiki: --email/--name/--phone/--programme.")
    try:
        with transaction(services().engine) as connection:
            changes = correct_person(connection, member_id, values)
            account = auth_queries.find_account(connection, normalise_member_number(member_id))
    except InvalidCorrection as invalid:
        problems = "".join(
            f"--{field} ({FIELD_LABELS[field]}): {message}\n"
            for field, message in invalid.errors.items()
        )
        raise click.ClickException(f"{problems}Tidak ada data yang diubah.") from None
    if changes is None:
        raise click.ClickException(
            f"Tidak ada permintaan (menunggu/disetujui) atau akun untuk nomor anggota {member_id}."
        )
    if not changes:
        click.echo("Tidak ada yang berubah: data sudah sama.")
        return
    for change in changes:
        place = "Akun" if change.request_id is None else f"Permintaan #{change.request_id}"
        old = "-" if change.old is None else change.old
        new = "-" if change.new is None else change.new
        click.echo(f"{place}: {FIELD_LABELS[change.field]}: {old} → {new}")
    account_mail_changed = any(change.request_id is None for change in changes)
    if (
        account_mail_changed
        and account is not None
        and account["status"] == AccountStatus.PENDING_ACTIVATION
    ):
        click.echo(
            "Akun belum diaktifkan: kirim tautan aktivasi ke alamat baru dengan "
            "`flask --app signup_fn requests resend ID`."
        )


@privacy_cli.command("purge")
def purge_command() -> None:
    """Hapus permintaan, tautan, sesi dan penghitung yang lewat masa simpan (harian, penjadwal)."""
    with transaction(services().engine) as connection:
        counts = purge(connection)
    click.echo("Dihapus: " + ", ".join(f"{kind} {count}" for kind, count in counts.items()) + ".")
