"""One convention for every `flask --app signup_fn` group, checked on the real command tree.

The rule: every group is a Flask `AppGroup` listed in `cli.GROUPS` (its commands run in the
app context); every group, command and option has help, in Indonesian as the librarian reads
it; a command that fails raises `click.ClickException` (exit 1, the message on stderr) or a
usage error (exit 2), never `SystemExit`.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator

import click
from flask import Flask
from flask.cli import AppGroup

from signup_fn import cli

# Words of English prose that Indonesian help does not use (names such as COUNTER, SLiMS,
# CSV, JSON or Total_Item_Requests are fine).
ENGLISH = re.compile(r"\b(the|and|of|with|from|for|to|a|an|is|when|their|its|print|show)\b", re.I)


def commands(app: Flask) -> Iterator[tuple[str, click.Command]]:
    context = click.Context(app.cli)
    for name in app.cli.list_commands(context):
        command = app.cli.get_command(context, name)
        assert command is not None, name
        yield name, command
        if isinstance(command, click.Group):
            for sub in command.list_commands(context):
                yield f"{name} {sub}", command.commands[sub]


def test_every_group_is_an_app_group_listed_once(app: Flask) -> None:
    groups = {name: command for name, command in commands(app) if isinstance(command, click.Group)}
    assert set(groups) == set(cli.GROUPS)
    assert all(isinstance(group, AppGroup) for group in groups.values())


def test_every_help_is_indonesian(app: Flask) -> None:
    for name, command in commands(app):
        texts = [command.help or ""] + [
            param.help or "" for param in command.params if isinstance(param, click.Option)
        ]
        assert texts[0], f"`{name}` has no help"
        for text in texts:
            assert not ENGLISH.search(text), f"`{name}`: help in English: {text!r}"


def test_failures_are_click_exceptions_not_system_exit(app: Flask) -> None:
    for name, command in commands(app):
        if command.callback is not None:
            source = inspect.getsource(inspect.unwrap(command.callback))
            assert "SystemExit" not in source, f"`{name}` exits with SystemExit"


def test_a_failure_names_what_went_wrong_on_stderr(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["privacy", "export", "P404"])
    assert result.exit_code == 1
    assert "Tidak ada data untuk nomor anggota P404." in result.stderr
    assert result.stdout == ""
