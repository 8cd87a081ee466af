"""Command-line commands on `app.cli` (`flask --app signup_fn ...`).

The rule: every command group is listed once, in `GROUPS`, by where it lives; its module is
imported when the command line names it (or lists all commands), never when the app is built,
so a web process does not pay for the command line.
"""

from __future__ import annotations

import importlib

import click
from flask import Flask
from flask.cli import AppGroup, FlaskGroup, with_appcontext

from .services import services
from .store import revision

GROUPS = {
    "librarian": "signup_fn.auth.commands:librarian_cli",  # add / disable / reset
    "members": "signup_fn.slims.commands:members_cli",  # import / show: the member list from SLiMS
    "requests": "signup_fn.review.commands:requests_cli",  # list / show / approve / reject / ...
    "accounts": "signup_fn.auth.commands:accounts_cli",  # disable / enable / expire
    "privacy": "signup_fn.privacy.commands:privacy_cli",  # export / correct / delete / purge
    "mail": "signup_fn.mail.commands:mail_cli",  # send: the outbox
    "usage": "signup_fn.reports.commands:usage_cli",  # report: COUNTER uses per resource and month
}


class DeferredCommands(AppGroup):
    """`app.cli` with `GROUPS` imported on first use.

    On a database at another schema revision (`refusal`), every command but `init-db` stops
    with the refusal's message, as the app's start does.
    """

    def __init__(self, groups: dict[str, str], refusal: revision.SchemaMismatch | None) -> None:
        super().__init__()
        self.deferred = dict(groups)
        self.refusal = refusal

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if self.refusal is not None and cmd_name != init_db_command.name:
            raise click.ClickException(str(self.refusal))
        target = self.deferred.pop(cmd_name, None)
        if target is not None:
            module, attribute = target.split(":")
            self.add_command(getattr(importlib.import_module(module), attribute), cmd_name)
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.deferred})


@click.command("init-db")
@with_appcontext
def init_db_command() -> None:
    """Buat tabel pada basis data kosong, atau naikkan skema basis data lama ke revisi kode ini."""
    try:
        head = revision.init_db(services().engine)
    except revision.SchemaMismatch as refusal:
        raise click.ClickException(str(refusal)) from refusal
    click.echo(f"Basis data siap (revisi skema {head}).")


def looking_up_a_command() -> bool:
    """True while `flask` builds the app to find the command it was given (then a schema
    refusal waits for the command's name: `init-db` must still run)."""
    context = click.get_current_context(silent=True)
    return context is not None and isinstance(context.command, FlaskGroup)


def init_app(app: Flask, refusal: revision.SchemaMismatch | None = None) -> None:
    """Give the app its command line: `init-db` and every group of `GROUPS`."""
    app.cli = DeferredCommands(GROUPS, refusal)
    app.cli.add_command(init_db_command)
