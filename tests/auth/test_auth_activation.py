"""Activation and forgotten passwords through the pages, with e-mail to a real SMTP server."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient

from signup_fn.auth.tokens import Purpose
from signup_fn.store import schema
from tests.support.smtp_server import SmtpServer
from tests.support.stored import audit_rows, rows
from tests.support.web import (
    CSRF_FIELD,
    PASSWORD,
    active_account,
    age_tokens,
    csrf_token,
    login,
    new_account,
    post_form,
)

FROM = "Perpustakaan <perpustakaan@poltekkes.example.ac.id>"
NEW = "sebuah kata sandi baru"


def activate(client: FlaskClient, token: str, password: str, confirm: str | None = None) -> object:
    return post_form(
        client,
        f"/activate?token={token}",
        {"password": password, "password_confirm": confirm if confirm is not None else password},
    )


def test_activation_sets_password_once(app: Flask, client: FlaskClient) -> None:
    account_id, token = new_account(app)
    page = client.get(f"/activate?token={token}")
    assert page.status_code == 200 and "P27820121001" in page.get_data(as_text=True)
    response = activate(client, token, PASSWORD)
    assert response.status_code == 303  # logged in
    [account] = rows(app, schema.accounts)
    assert account["status"] == "active" and account["activated_at"] is not None
    assert account["password_hash"].startswith("$argon2id$")
    assert client.get(f"/activate?token={token}").status_code == 404
    reused = client.post(
        f"/activate?token={token}",
        data={
            "password": "lain lagi sandinya",
            "password_confirm": "lain lagi sandinya",
            "csrf_token": csrf_token(client, "/forgot"),
        },
    )
    assert reused.status_code == 404
    assert any(
        row["action"] == "activated" and row["actor"] == f"patron:{account_id}"
        for row in audit_rows(app)
    )


def test_activation_policy_and_mismatch_keep_link(app: Flask, client: FlaskClient) -> None:
    _, token = new_account(app)
    assert activate(client, token, "pendek").status_code == 422
    assert activate(client, token, "password123").status_code == 422
    assert activate(client, token, PASSWORD, PASSWORD + "!").status_code == 422
    assert activate(client, token, PASSWORD).status_code == 303


def test_expired_activation_link(app: Flask, client: FlaskClient) -> None:
    _, token = new_account(app)
    age_tokens(app, Purpose.ACTIVATION, timedelta(hours=72, seconds=1))
    assert client.get(f"/activate?token={token}").status_code == 404


def test_new_approval_link_replaces_old(app: Flask, client: FlaskClient) -> None:
    _, old = new_account(app)
    _, new = new_account(app)
    assert client.get(f"/activate?token={old}").status_code == 404
    assert client.get(f"/activate?token={new}").status_code == 200


def link_in(message: object) -> str:
    found = re.search(r"https?://\S+", message.get_content())  # type: ignore[attr-defined]
    assert found
    return found.group(0)


def test_forgot_password_mail_and_reset(
    make_app: Callable[..., Flask], smtp_server: SmtpServer
) -> None:
    app = make_app(SMTP_URL=smtp_server.url, MAIL_FROM=FROM)
    client = app.test_client()
    active_account(app, client)
    stranger = app.test_client()
    answers = set()
    for identifier in ("P27820121001", "UNKNOWN1", "nobody@example.ac.id"):
        # The request names another host: links must still come from BASE_URL.
        form = stranger.get("/forgot", base_url="http://evil.example").get_data(as_text=True)
        token = CSRF_FIELD.search(form).group(1)
        response = stranger.post(
            "/forgot",
            base_url="http://evil.example",
            data={"identifier": identifier, "csrf_token": token},
        )
        response.close()  # as a WSGI server does once the response is out: sending runs
        answers.add((response.status_code, response.get_data(as_text=True)))
    assert len(answers) == 1  # the very same answer, account or not
    assert next(iter(answers))[0] == 200
    [message] = smtp_server.messages  # sent right after the request
    link = link_in(message)
    assert link.startswith("https://fn.site.example/reset?token=")  # BASE_URL, not the Host header
    path = link.removeprefix("https://fn.site.example")
    old_cookie = client.get_cookie("portal_session").value
    response = post_form(stranger, path, {"password": NEW, "password_confirm": NEW})
    assert response.status_code == 200 and "sudah diganti" in response.get_data(as_text=True)
    assert stranger.get(path).status_code == 404  # used
    replay = app.test_client()
    replay.set_cookie("portal_session", old_cookie)
    assert replay.get("/password").status_code == 302  # reset ends every session
    assert login(app.test_client(), password=NEW).status_code == 303
    actions = [row["action"] for row in audit_rows(app)]
    assert "password_reset_requested" in actions and "mailed" in actions
    assert "password_changed" in actions


def test_forgot_by_email_and_expiry(
    make_app: Callable[..., Flask], smtp_server: SmtpServer
) -> None:
    app = make_app(SMTP_URL=smtp_server.url, MAIL_FROM=FROM)
    active_account(app, app.test_client())
    post_form(app.test_client(), "/forgot", {"identifier": "SITI@example.ac.id"}).close()
    [message] = smtp_server.messages
    path = link_in(message).removeprefix("https://fn.site.example")
    age_tokens(app, Purpose.PASSWORD_RESET, timedelta(minutes=61))
    assert app.test_client().get(path).status_code == 404


def test_forgot_for_pending_account_sends_nothing(
    make_app: Callable[..., Flask], smtp_server: SmtpServer
) -> None:
    app = make_app(SMTP_URL=smtp_server.url, MAIL_FROM=FROM)
    new_account(app)
    response = post_form(app.test_client(), "/forgot", {"identifier": "P27820121001"})
    assert response.status_code == 200
    assert smtp_server.messages == [] and rows(app, schema.outbox) == []
