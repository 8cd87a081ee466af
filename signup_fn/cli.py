"""Command-line commands on `app.cli` (`flask --app signup_fn ...`)."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import with_appcontext

from . import db
from .members_cli import members_cli
from .services import services


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
    app.cli.add_command(init_db_command)
    app.cli.add_command(members_cli)
