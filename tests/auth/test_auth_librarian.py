"""Librarians: CLI setup link, setup page with TOTP, login, guard, disable."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pyotp
import time_machine
from flask import Flask
from flask.testing import FlaskClient

from signup_fn.store import schema
from tests.support.stored import audit_rows, rows
from tests.support.web import CSRF_FIELD, PASSWORD, active_account, post_form, session_cookie

SETUP_LINK = re.compile(r"https://fn\.site\.example(/admin/setup\?token=\S+)")


def add(app: Flask, username: str = "rina") -> str:
    result = app.test_cli_runner().invoke(
        args=["librarian", "add", username, "--email", "rina@example.ac.id"]
    )
    assert result.exit_code == 0, result.output
    found = SETUP_LINK.search(result.output)
    assert found, result.output
    return found.group(1)


def admin_login(
    client: FlaskClient, username: str = "rina", password: str = PASSWORD, code: str = ""
) -> object:
    return post_form(
        client, "/admin/login", {"username": username, "password": password, "code": code}
    )


def test_setup_without_totp_then_login(app: Flask, client: FlaskClient) -> None:
    path = add(app)
    assert path.rsplit("token=", 1)[1] not in repr(rows(app, schema.tokens))  # stored hashed only
    response = post_form(client, path, {"password": PASSWORD, "password_confirm": PASSWORD})
    assert response.status_code == 303
    assert client.get(path).status_code == 404  # single use
    assert client.get("/admin/").status_code == 302
    response = admin_login(client)
    assert response.status_code == 303 and response.headers["Location"] == "/admin/"
    assert "Antrean permintaan" in client.get("/admin/").get_data(as_text=True)
    assert "librarian_setup" in [row["action"] for row in audit_rows(app)]


def wrong_code(secret: str) -> str:
    """A six-digit code valid in none of the steps the portal accepts now."""
    totp, now = pyotp.TOTP(secret), datetime.now(UTC)
    valid = {totp.at(now + timedelta(seconds=drift * totp.interval)) for drift in (-1, 0, 1)}
    return next(code for code in ("000000", "111111", "222222", "333333") if code not in valid)


NEAR_A_STEP_END = datetime(2026, 12, 3, 16, 59, 59, tzinfo=UTC)  # one second before a new code


def test_setup_with_totp_requires_code(
    app: Flask, client: FlaskClient, time_machine: time_machine.TimeMachineFixture
) -> None:
    time_machine.move_to(NEAR_A_STEP_END, tick=False)  # the same TOTP step all along
    path = add(app)
    page = client.get(path).get_data(as_text=True)
    secret = re.search(r'name="totp_secret" value="([A-Z2-7]{32})"', page).group(1)
    assert "otpauth://totp/" in page
    token = CSRF_FIELD.search(page).group(1)
    wrong = client.post(
        path,
        data={
            "password": PASSWORD,
            "password_confirm": PASSWORD,
            "totp_secret": secret,
            "code": wrong_code(secret),
            "csrf_token": token,
        },
    )
    assert wrong.status_code == 422
    code = pyotp.TOTP(secret).now()
    done = client.post(
        path,
        data={
            "password": PASSWORD,
            "password_confirm": PASSWORD,
            "totp_secret": secret,
            "code": code,
            "csrf_token": token,
        },
    )
    assert done.status_code == 303
    assert rows(app, schema.librarians)[0]["totp_secret"] == secret
    assert admin_login(app.test_client()).status_code == 200  # no code: refused
    fresh = app.test_client()
    assert admin_login(fresh, code=pyotp.TOTP(secret).now()).status_code == 303
    assert admin_login(app.test_client(), code=pyotp.TOTP(secret).now()).status_code == 200  # once


def test_disable_ends_sessions(app: Flask, client: FlaskClient) -> None:
    path = add(app)
    post_form(client, path, {"password": PASSWORD, "password_confirm": PASSWORD})
    admin_login(client)
    cookie = session_cookie(client)
    result = app.test_cli_runner().invoke(args=["librarian", "disable", "rina"])
    assert result.exit_code == 0 and "1 sesi" in result.output
    thief = app.test_client()
    thief.set_cookie("portal_session", cookie)
    assert thief.get("/admin/").status_code == 302
    assert admin_login(app.test_client()).status_code == 200


def test_patron_session_is_not_a_librarian(app: Flask, client: FlaskClient) -> None:
    active_account(app, client)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login?next=/admin/")


def test_cli_refuses_bad_or_duplicate_names(app: Flask) -> None:
    runner = app.test_cli_runner()
    assert runner.invoke(args=["librarian", "add", "Bad Name!"]).exit_code != 0
    add(app)
    assert runner.invoke(args=["librarian", "add", "rina"]).exit_code != 0
    assert runner.invoke(args=["librarian", "disable", "nobody"]).exit_code != 0
