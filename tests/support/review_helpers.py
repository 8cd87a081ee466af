"""Helpers for the review tests: a logged-in librarian, sign-ups, and times set directly."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, update
from werkzeug.test import TestResponse

from signup_fn.api import queries as api_queries
from signup_fn.auth import queries as auth_queries
from signup_fn.services import services
from signup_fn.store import schema
from signup_fn.store.engine import transaction
from tests.support.samples import VALID
from tests.support.web import PASSWORD, post_form

SETUP_LINK = re.compile(r"https://fn\.site\.example(/admin/setup\?token=\S+)")
ACTIVATION_LINK = re.compile(r"https://fn\.site\.example/activate\?token=[A-Za-z0-9_-]+")


def add_librarian(app: Flask, username: str = "rina", email: str | None = None) -> str:
    """A librarian (CLI); returns the setup path."""
    args = ["librarian", "add", username]
    if email:
        args += ["--email", email]
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code == 0, result.output
    return SETUP_LINK.search(result.output).group(1)


def librarian_login(
    app: Flask, client: FlaskClient, username: str = "rina", email: str | None = None
) -> int:
    """Add a librarian, set the password through the link, log `client` in; returns the id."""
    path = add_librarian(app, username, email)
    response = post_form(client, path, {"password": PASSWORD, "password_confirm": PASSWORD})
    assert response.status_code == 303
    response = post_form(
        client, "/admin/login", {"username": username, "password": PASSWORD, "code": ""}
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    with app.app_context(), services().engine.connect() as connection:
        return auth_queries.find_librarian(connection, username)["id"]


def sign_up(client: FlaskClient, **values: Any) -> None:
    """A sign-up through the public API (202)."""
    response = client.post("/api/signup", json={**VALID, **values})
    assert response.status_code == 202, response.get_data(as_text=True)


def reject(client: FlaskClient, request_id: int, **data: str) -> TestResponse:
    """POST the rejection form of request `request_id` with `data`, as the librarian would."""
    return post_form(
        client,
        f"/admin/requests/{request_id}/reject",
        data,
        form_path=f"/admin/requests/{request_id}",
    )


def add_request(app: Flask, **values: Any) -> int:
    """A pending request stored directly; returns its id."""
    fields = {key: value for key, value in VALID.items() if key not in {"consent", "elapsed_ms"}}
    request = api_queries.NewRequest(**{**fields, "consent_version": "2025-01", **values})
    with app.app_context(), transaction(services().engine) as connection:
        request_id, created = api_queries.insert_request(connection, request)
    assert created
    return request_id


def set_request_times(
    app: Flask,
    request_id: int,
    *,
    created_at: datetime | None = None,
    decided_at: datetime | None = None,
    activated_at: datetime | None = None,
) -> None:
    """Move a request's recorded times (reports on a known data set)."""
    with app.app_context(), transaction(services().engine) as connection:
        if created_at is not None:
            connection.execute(
                update(schema.account_requests)
                .where(schema.account_requests.c.id == request_id)
                .values(created_at=created_at)
            )
        if decided_at is not None:
            connection.execute(
                update(schema.request_decisions)
                .where(schema.request_decisions.c.request_id == request_id)
                .values(decided_at=decided_at)
            )
        if activated_at is not None:
            account_id = connection.scalar(
                select(schema.request_decisions.c.account_id).where(
                    schema.request_decisions.c.request_id == request_id
                )
            )
            connection.execute(
                update(schema.accounts)
                .where(schema.accounts.c.id == account_id)
                .values(status="active", activated_at=activated_at)
            )
