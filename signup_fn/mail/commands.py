"""`flask --app signup_fn mail ...`: send the outbox."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from ..services import app_itself
from .outbox import mail_configured, send_due

mail_cli = AppGroup("mail", help="Antrean e-mail keluar.")


@mail_cli.command("send")
def send_command() -> None:
    """Kirim pesan yang sudah waktunya (jalankan dari penjadwal, mis. tiap menit)."""
    app = app_itself()
    if not mail_configured(app):
        click.echo("PORTAL_SMTP_URL belum diatur: pesan tetap dalam antrean.")
        return
    sent, failed = send_due(app)
    click.echo(f"Terkirim: {sent}; gagal (dicoba lagi nanti): {failed}.")
