"""Helpers for tests of the HTML pages: CSRF tokens, accounts, logins (real HTTP flow)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update
from werkzeug.test import TestResponse

from signup_fn.auth import accounts
from signup_fn.auth import sessions as auth_session
from signup_fn.auth.tokens import Purpose
from signup_fn.services import services
from signup_fn.store import schema
from signup_fn.store.engine import transaction

PASSWORD = "kuda baterai staples benar"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(client: FlaskClient, path: str) -> str:
    """The CSRF token of the form at `path` (GET)."""
    page = client.get(path)
    found = CSRF_FIELD.search(page.get_data(as_text=True))
    assert found, f"no CSRF field on {path} ({page.status_code})"
    return found.group(1)


def post_form(
    client: FlaskClient,
    path: str,
    data: dict[str, Any],
    *,
    form_path: str | None = None,
    **kwargs: Any,
) -> TestResponse:
    """POST `data` with the CSRF token of the form at `form_path` (default: `path`)."""
    token = csrf_token(client, form_path or path)
    return client.post(path, data={**data, "csrf_token": token}, **kwargs)


def new_account(
    app: Flask,
    member_id: str = "P27820121001",
    email: str = "siti@example.ac.id",
    request_id: int | None = None,
) -> tuple[int, str]:
    """A pending account (as approval makes it): (account id, raw activation token)."""
    with app.test_request_context(), transaction(services().engine) as connection:
        return accounts.create_account_for_request(
            connection, request_id, member_id=member_id, email=email
        )


def active_account(
    app: Flask, client: FlaskClient, member_id: str = "P27820121001", password: str = PASSWORD
) -> int:
    """An account activated through its link (the client ends up logged in)."""
    account_id, token = new_account(app, member_id)
    response = post_form(
        client, f"/activate?token={token}", {"password": password, "password_confirm": password}
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    return account_id


def login(
    client: FlaskClient, member_id: str = "P27820121001", password: str = PASSWORD, **data: str
) -> TestResponse:
    return post_form(client, "/login", {"member_id": member_id, "password": password, **data})


def session_cookie(client: FlaskClient) -> str | None:
    cookie = client.get_cookie(auth_session.COOKIE_NAME)
    return cookie.value if cookie else None


def age_tokens(app: Flask, purpose: Purpose, by: timedelta) -> None:
    """Move every token of `purpose` back in time (to test expiry)."""
    table = schema.tokens
    with app.app_context(), transaction(services().engine) as connection:
        rows = connection.execute(select(table).where(table.c.purpose == purpose)).mappings()
        for row in list(rows):
            connection.execute(
                update(table)
                .where(table.c.id == row["id"])
                .values(created_at=row["created_at"] - by, expires_at=row["expires_at"] - by)
            )
