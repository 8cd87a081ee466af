"""`flask --app signup_fn accounts ...` and `librarian ...`: the accounts' command line.

`librarian add / disable / reset`: librarians' accounts (a single-use setup link, printed once).

`accounts ...`: end and restore patrons' accounts (the privacy notice: an account lasts as long
as the membership).

- `disable MEMBER_ID`: status `disabled`, every session ends now; audit `account_disabled`.
- `enable MEMBER_ID`: back to `active` (or `pending_activation` when no password was ever
  set); audit `account_enabled`.
- `expire [--dry-run]` (for a scheduler, e.g. daily after the member import): disables each
  account whose member the member database lists with an expiry date before the library's
  today (`PORTAL_TIMEZONE`). A member the database does not know is left alone (an import
  may lag behind SLiMS), and when the database cannot answer nothing is changed at all.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import Connection

from ..clock import expiry_text, library_today
from ..mail import outbox as mail
from ..member_numbers import normalise_member_number
from ..services import services
from ..slims.circulation import membership_expired
from ..slims.directory import DirectoryUnavailable, member_directory
from ..store.engine import transaction
from ..store.statuses import AccountStatus
from ..typed_text import CLI_TEXT
from . import accounts, queries
from .librarians import USERNAME, add_librarian, disable_librarian, reset_librarian, setup_path

ACTOR = "cli"
LIVE_STATUSES = (AccountStatus.ACTIVE, AccountStatus.PENDING_ACTIVATION)


accounts_cli = AppGroup("accounts", help="Akun pemustaka: nonaktifkan, aktifkan kembali.")


def find_account_or_fail(connection: Connection, member_id: str) -> dict[str, Any]:
    account = queries.find_account(connection, normalise_member_number(member_id))
    if account is None:
        raise click.ClickException(f"Tidak ada akun untuk nomor anggota {member_id}.")
    return account


def expired_members(member_ids: list[str]) -> list[str]:
    """The member numbers whose membership has expired by SLiMS' rule (an expiry before today
    or none that is a real date, such as `0000-00-00`); raises DirectoryUnavailable."""
    directory = member_directory()
    today = library_today()
    expired = []
    for member_id in member_ids:
        record = directory.lookup(member_id)
        if record is not None and membership_expired(record.expire_date, today):
            expired.append(member_id)
    return expired


@accounts_cli.command("disable")
@click.argument("member_id", type=CLI_TEXT)
def disable_command(member_id: str) -> None:
    """Nonaktifkan akun MEMBER_ID dan akhiri sesinya saat itu juga."""
    with transaction(services().engine) as connection:
        account = find_account_or_fail(connection, member_id)
        if account["status"] == AccountStatus.DISABLED:
            raise click.ClickException(f"Akun {account['member_id']} sudah nonaktif.")
        ended = accounts.disable_account(connection, account["id"], by=ACTOR)
    click.echo(f"Akun {account['member_id']} dinonaktifkan; {ended} sesi diakhiri.")


@accounts_cli.command("enable")
@click.argument("member_id", type=CLI_TEXT)
def enable_command(member_id: str) -> None:
    """Aktifkan kembali akun MEMBER_ID yang nonaktif."""
    with transaction(services().engine) as connection:
        account = find_account_or_fail(connection, member_id)
        if account["status"] != AccountStatus.DISABLED:
            raise click.ClickException(f"Akun {account['member_id']} tidak sedang nonaktif.")
        status = accounts.enable_account(connection, account["id"], by=ACTOR)
    if status is AccountStatus.ACTIVE:
        click.echo(f"Akun {account['member_id']} aktif kembali.")
    else:
        click.echo(
            f"Akun {account['member_id']} aktif kembali, tetapi belum pernah diaktivasi: kirim "
            "tautan aktivasi baru dengan `requests resend ID`."
        )


@accounts_cli.command("expire")
@click.option("--dry-run", is_flag=True, help="Hanya tampilkan; jangan ubah apa pun.")
def expire_command(dry_run: bool) -> None:
    """Nonaktifkan akun yang keanggotaannya kedaluwarsa di basis data anggota (harian)."""
    engine = services().engine
    with engine.connect() as connection:
        live = queries.accounts_with_status(connection, LIVE_STATUSES)
    try:
        expired = expired_members([account["member_id"] for account in live])
    except DirectoryUnavailable as error:
        raise click.ClickException(f"{error} Tidak ada akun yang diubah.") from None
    if dry_run:
        for member_id in expired:
            click.echo(f"Akan dinonaktifkan: {member_id}")
        click.echo(f"{len(expired)} akun akan dinonaktifkan (uji coba; tidak ada yang diubah).")
        return
    disabled = []
    with transaction(engine) as connection:
        for member_id in expired:
            account = queries.find_account(connection, member_id)
            if account is not None and account["status"] in LIVE_STATUSES:
                accounts.disable_account(connection, account["id"], by=ACTOR)
                disabled.append(member_id)
    for member_id in disabled:
        click.echo(f"Dinonaktifkan: {member_id}")
    click.echo(f"{len(disabled)} akun dinonaktifkan karena keanggotaannya berakhir.")


librarian_cli = AppGroup("librarian", help="Akun pustakawan: tambah, nonaktifkan, atur ulang.")


@librarian_cli.command("add")
@click.argument("username", type=CLI_TEXT)
@click.option("--email", default=None, help="Alamat e-mail pustakawan (opsional).")
def add_librarian_command(username: str, email: str | None) -> None:
    """Tambah pustakawan dan cetak tautan penyiapan sekali pakai (ditampilkan sekali)."""
    username = username.strip().lower()
    if not USERNAME.fullmatch(username):
        raise click.BadParameter(
            "2–64 huruf kecil a–z, angka, titik, garis bawah atau tanda hubung.",
            param_hint="USERNAME",
        )
    if email is not None:
        try:
            email = mail.checked_address(email)
        except mail.InvalidAddress:
            raise click.BadParameter("alamat e-mail tidak valid.", param_hint="--email") from None
    with transaction(services().engine) as connection:
        if queries.find_librarian(connection, username) is not None:
            raise click.ClickException(f"Pustakawan {username!r} sudah ada.")
        _, token = add_librarian(connection, username, email)
    hours = current_app.config["LIBRARIAN_SETUP_HOURS"]
    click.echo(f"Pustakawan {username} ditambahkan.")
    until = expiry_text(timedelta(hours=hours))
    click.echo(
        f"Tautan untuk membuat kata sandi (sekali pakai, berlaku {hours} jam, sampai {until}):"
    )
    click.echo(mail.public_url(setup_path(token)))


def find_librarian_or_fail(connection: Connection, username: str) -> dict[str, Any]:
    librarian = queries.find_librarian(connection, username.strip().lower())
    if librarian is None:
        raise click.ClickException(f"Pustakawan {username!r} tidak ditemukan.")
    return librarian


@librarian_cli.command("disable")
@click.argument("username", type=CLI_TEXT)
def disable_librarian_command(username: str) -> None:
    """Nonaktifkan pustakawan dan akhiri sesinya saat itu juga."""
    with transaction(services().engine) as connection:
        librarian = find_librarian_or_fail(connection, username)
        ended = disable_librarian(connection, librarian["id"], by="cli")
    click.echo(f"Pustakawan {librarian['username']} dinonaktifkan; {ended} sesi diakhiri.")


@librarian_cli.command("reset")
@click.argument("username", type=CLI_TEXT)
def reset_librarian_command(username: str) -> None:
    """Pemulihan: hapus kata sandi dan autentikator, akhiri sesi, cetak tautan penyiapan."""
    with transaction(services().engine) as connection:
        librarian = find_librarian_or_fail(connection, username)
        if not librarian["active"]:
            raise click.ClickException(f"Pustakawan {librarian['username']} nonaktif.")
        token, ended = reset_librarian(connection, librarian["id"], by="cli")
    hours = current_app.config["LIBRARIAN_SETUP_HOURS"]
    click.echo(
        f"Kata sandi dan autentikator pustakawan {librarian['username']} dihapus; "
        f"{ended} sesi diakhiri."
    )
    until = expiry_text(timedelta(hours=hours))
    click.echo(
        f"Tautan untuk membuat kata sandi baru (sekali pakai, berlaku {hours} jam, sampai {until}):"
    )
    click.echo(mail.public_url(setup_path(token)))
