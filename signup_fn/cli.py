"""Command-line commands on `app.cli` (`flask --app signup_fn ...`)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from . import db
from .accounts_cli import accounts_cli
from .librarians import librarian_cli
from .members_cli import members_cli
from .privacy import privacy_cli
from .review_cli import requests_cli
from .services import services
from .usage_cli import usage_cli


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Create the tables (if missing) and record the schema version."""
    engine = services().engine
    db.init_db(engine)
    with engine.connect() as connection:
        version = db.current_schema_version(connection.execution_options(read_only=True))
    click.echo(f"Basis data siap (versi skema {version}).")


def init_app(app: Flask) -> None:
    """Register every command group (the outbox's `mail send` registers with mail.py)."""
    for command in (
        init_db_command,
        librarian_cli,  # librarian add / disable / reset
        members_cli,  # members import / show: the member list from SLiMS
        requests_cli,  # requests list / show / approve / reject / resend / notify / report
        accounts_cli,  # accounts disable / enable / expire
        privacy_cli,  # privacy export / correct / delete / purge
        usage_cli,  # usage report: COUNTER uses per resource and month
    ):
        app.cli.add_command(command)
