"""`flask --app signup_fn librarian reset USERNAME`: recovery from a lost password or
authenticator through a new single-use setup link."""

from __future__ import annotations

import re

import pyotp
from flask import Flask
from flask.testing import FlaskClient

from signup_fn.store import schema
from tests.support.review_helpers import SETUP_LINK, librarian_login
from tests.support.stored import audit_rows, rows
from tests.support.web import PASSWORD, post_form, session_cookie

NEW_PASSWORD = "sepeda biru di taman kota"


def admin_login(client: FlaskClient, password: str, code: str = "") -> int:
    response = post_form(
        client, "/admin/login", {"username": "rina", "password": password, "code": code}
    )
    return response.status_code


def enrol_totp(client: FlaskClient, path: str, password: str) -> str:
    page = client.get(path).get_data(as_text=True)
    secret = re.search(r'name="totp_secret" value="([A-Z2-7]{32})"', page).group(1)
    response = post_form(
        client,
        path,
        {
            "password": password,
            "password_confirm": password,
            "totp_secret": secret,
            "code": pyotp.TOTP(secret).now(),
        },
    )
    assert response.status_code == 303
    return secret


def reset(app: Flask, username: str = "rina"):
    return app.test_cli_runner().invoke(args=["librarian", "reset", username])


def test_reset_ends_sessions_and_the_old_password_and_gives_a_link_once(
    app: Flask, client: FlaskClient
) -> None:
    librarian_id = librarian_login(app, client)
    cookie = session_cookie(client)
    result = reset(app)
    assert result.exit_code == 0, result.output
    assert "1 sesi diakhiri" in result.output
    path = SETUP_LINK.search(result.output).group(1)

    thief = app.test_client()
    thief.set_cookie("portal_session", cookie)
    assert thief.get("/admin/").status_code == 302
    assert admin_login(app.test_client(), PASSWORD) == 200  # the old password stops at once

    fresh = app.test_client()
    secret = enrol_totp(fresh, path, NEW_PASSWORD)  # re-enrols a new authenticator
    assert fresh.get(path).status_code == 404  # single use
    assert admin_login(app.test_client(), NEW_PASSWORD) == 200  # the code is now needed
    assert admin_login(app.test_client(), NEW_PASSWORD, pyotp.TOTP(secret).now()) == 303

    trail = [(row["action"], row["actor"], row["reason"]) for row in audit_rows(app)]
    assert ("librarian_reset", "cli", f"librarian:{librarian_id}") in trail
    assert ("librarian_setup", f"librarian:{librarian_id}", "totp") in trail
    token = path.rsplit("token=", 1)[1]
    assert all(token not in str(row.values()) for row in audit_rows(app))


def test_reset_clears_an_enrolled_authenticator(app: Flask, client: FlaskClient) -> None:
    first = app.test_cli_runner().invoke(args=["librarian", "add", "rina"])
    enrol_totp(client, SETUP_LINK.search(first.output).group(1), PASSWORD)
    assert rows(app, schema.librarians)[0]["totp_secret"]
    result = reset(app)
    (librarian,) = rows(app, schema.librarians)
    assert librarian["totp_secret"] is None and librarian["password_hash"] is None
    path = SETUP_LINK.search(result.output).group(1)
    response = post_form(
        client, path, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD, "code": ""}
    )
    assert response.status_code == 303
    assert admin_login(app.test_client(), NEW_PASSWORD) == 303  # no second factor any more


def test_an_older_setup_link_stops_working(app: Flask) -> None:
    first = app.test_cli_runner().invoke(args=["librarian", "add", "rina"])
    old_path = SETUP_LINK.search(first.output).group(1)
    reset(app)
    assert app.test_client().get(old_path).status_code == 404


def test_reset_refuses_unknown_and_disabled_librarians(app: Flask) -> None:
    assert reset(app, "nobody").exit_code == 1
    app.test_cli_runner().invoke(args=["librarian", "add", "rina"])
    app.test_cli_runner().invoke(args=["librarian", "disable", "rina"])
    refused = reset(app)
    assert refused.exit_code == 1 and "nonaktif" in refused.output
    assert SETUP_LINK.search(refused.output) is None
    assert [row for row in audit_rows(app) if row["action"] == "librarian_reset"] == []
