"""Helpers for tests of the portal's SLiMS pages: a SLiMS-shaped database per module, patrons
with loans in it, a logged-in librarian (tests only)."""

from __future__ import annotations

import re
import secrets
import socket
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tests.support.slims_fixture import add_loan, add_member, add_title_copy, library_today
from tests.support.web import PASSWORD, post_form


def closed_port() -> int:
    """A loopback port nothing listens on (SLiMS "down")."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def down_slims_url() -> str:
    return f"mysql+pymysql://portal_ro:x@127.0.0.1:{closed_port()}/slims"


def member_number(prefix: str = "P") -> str:
    """A member number no other test of the module uses."""
    return f"{prefix}{secrets.randbelow(10**10):010d}"


class Slims:
    """Direct access to the module's SLiMS-shaped database (as SLiMS' staff would have)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = sa.create_engine(url)

    def member(self, name: str = "Siti Aminah", **values: Any) -> str:
        member_id = member_number()
        with self.engine.begin() as connection:
            add_member(connection, member_id, name, **values)
        return member_id

    def loan(
        self, member_id: str, title: str, *, due_in: int, returned: bool = False, **values: Any
    ) -> tuple[int, str]:
        """A loan of a new copy of `title`, due `due_in` days from `today`; (loan id, code)."""
        today = library_today()
        code = f"B{secrets.token_hex(5).upper()}"
        with self.engine.begin() as connection:
            add_title_copy(connection, title, code)
            loan_id = add_loan(
                connection,
                member_id,
                code,
                loan_date=today + timedelta(days=due_in - 7),
                due_date=today + timedelta(days=due_in),
                returned=returned,
                **values,
            )
        return loan_id, code

    def loan_row(self, loan_id: int) -> dict[str, Any]:
        with self.engine.connect() as connection:
            row = connection.execute(
                sa.text("SELECT * FROM loan WHERE loan_id = :id"), {"id": loan_id}
            ).one()
        return dict(row._mapping)

    def mpasswd(self, member_id: str) -> str | None:
        with self.engine.connect() as connection:
            return connection.execute(
                sa.text("SELECT mpasswd FROM member WHERE member_id = :id"), {"id": member_id}
            ).scalar_one()

    def execute(self, statement: str, **values: Any) -> Any:
        with self.engine.begin() as connection:
            return connection.execute(sa.text(statement), values)

    def dispose(self) -> None:
        self.engine.dispose()


def slims_for_module(url: str) -> Iterator[Slims]:
    slims = Slims(url)
    try:
        yield slims
    finally:
        slims.dispose()


SETUP_LINK = re.compile(r"https://fn\.site\.example(/admin/setup\?token=\S+)")


def librarian_client(app: Flask, username: str = "rina") -> FlaskClient:
    """A client logged in as a new librarian (set up through the CLI link, no TOTP)."""
    result = app.test_cli_runner().invoke(args=["librarian", "add", username])
    assert result.exit_code == 0, result.output
    found = SETUP_LINK.search(result.output)
    assert found, result.output
    client = app.test_client()
    response = post_form(
        client, found.group(1), {"password": PASSWORD, "password_confirm": PASSWORD}
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    response = post_form(
        client, "/admin/login", {"username": username, "password": PASSWORD, "code": ""}
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    return client
