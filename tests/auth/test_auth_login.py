"""Patron login: one answer for every failure, brute-force limits, audit, redirects."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from signup_fn.auth import accounts
from signup_fn.auth import queries as auth_queries
from signup_fn.services import services
from signup_fn.store.engine import transaction
from tests.support.stored import audit_rows
from tests.support.web import (
    CSRF_FIELD,
    PASSWORD,
    active_account,
    csrf_token,
    login,
    new_account,
    session_cookie,
)

FAILED = "Nomor anggota atau kata sandi salah, atau akun belum aktif."


def disable(app: Flask, account_id: int) -> None:
    with app.test_request_context(), transaction(services().engine) as connection:
        accounts.disable_account(connection, account_id, by="librarian:1")


def test_login_ok_sets_session_and_audits(app: Flask, client: FlaskClient) -> None:
    account_id = active_account(app, client)
    fresh = app.test_client()
    response = login(fresh, "p27820121001")  # case of the member number does not matter
    assert response.status_code == 303
    assert session_cookie(fresh)
    assert fresh.get("/password").status_code == 200
    ok = [row for row in audit_rows(app) if row["action"] == "login_ok"]
    assert ok[-1]["actor"] == f"patron:{account_id}"


def test_same_answer_for_every_failure(make_app: Callable[..., Flask]) -> None:
    app = make_app(LOGIN_ACCOUNT_LIMIT=3)
    client = app.test_client()
    active_account(app, client, "A1")
    active_account(app, client, "D1")
    new_account(app, "P1")  # pending activation
    with app.app_context(), services().engine.connect() as connection:
        disabled_id = auth_queries.find_account(connection, "D1")["id"]
    disable(app, disabled_id)
    locked = app.test_client()
    for _ in range(3):
        login(locked, "A1", "wrong password!")
    cases = {
        "unknown": ("NOPE123", PASSWORD),
        "wrong password": ("A1", "wrong password?"),
        "pending": ("P1", PASSWORD),
        "disabled": ("D1", PASSWORD),
        "locked (right password)": ("A1", PASSWORD),
    }
    answers = set()
    for member_id, password in cases.values():
        visitor = app.test_client()
        response = login(visitor, member_id, password)
        body = CSRF_FIELD.sub("CSRF", response.get_data(as_text=True)).replace(member_id, "ID")
        assert FAILED in body
        assert session_cookie(visitor) is None
        answers.add((response.status_code, body))
    assert len(answers) == 1  # the very same page and status for all five
    assert next(iter(answers))[0] == 200
    reasons = {row["reason"] for row in audit_rows(app) if row["action"] == "login_failed"}
    assert {"unknown_user", "wrong_password", "pending_activation", "disabled", "locked"} <= reasons


def test_account_locked_after_limit_and_audited(make_app: Callable[..., Flask]) -> None:
    app = make_app(LOGIN_ACCOUNT_LIMIT=3, LOGIN_ADDRESS_LIMIT=50)
    client = app.test_client()
    account_id = active_account(app, client)
    for _ in range(3):
        assert session_cookie_after(login(app.test_client(), password="salah sekali")) is None
    response = login(app.test_client())  # the right password, but locked
    assert FAILED in response.get_data(as_text=True)
    lockouts = [row for row in audit_rows(app) if row["action"] == "lockout"]
    assert [(row["actor"], row["reason"]) for row in lockouts] == [
        (f"patron:{account_id}", "account")
    ]


def session_cookie_after(response: TestResponse) -> str | None:
    headers = response.headers
    cookies = [value for value in headers.getlist("Set-Cookie") if "portal_session=" in value]
    return cookies[0] if cookies else None


def test_address_limit_across_usernames(make_app: Callable[..., Flask]) -> None:
    app = make_app(LOGIN_ACCOUNT_LIMIT=5, LOGIN_ADDRESS_LIMIT=4, TRUSTED_PROXIES=1)
    client = app.test_client()
    active_account(app, client)
    attacker = {"X-Forwarded-For": "203.0.113.9"}
    for number in range(4):
        token = csrf_token(client, "/login")
        client.post(
            "/login",
            data={"member_id": f"X{number}", "password": "tebak tebakan", "csrf_token": token},
            headers=attacker,
        )
    untrusted = app.test_client()  # no device cookie: the address limit applies
    token = csrf_token(untrusted, "/login")
    blocked = untrusted.post(
        "/login",
        data={"member_id": "P27820121001", "password": PASSWORD, "csrf_token": token},
        headers=attacker,
    )
    assert FAILED in blocked.get_data(as_text=True)
    token = csrf_token(client, "/login")  # the member's own browser, behind the same address
    trusted = client.post(
        "/login",
        data={"member_id": "P27820121001", "password": PASSWORD, "csrf_token": token},
        headers=attacker,
    )
    assert trusted.status_code == 303
    other = app.test_client()
    token = csrf_token(other, "/login")
    allowed = other.post(
        "/login",
        data={"member_id": "P27820121001", "password": PASSWORD, "csrf_token": token},
        headers={"X-Forwarded-For": "198.51.100.7"},
    )
    assert allowed.status_code == 303
    assert any(row["reason"] == "address" for row in audit_rows(app) if row["action"] == "lockout")


def test_success_clears_account_failures(make_app: Callable[..., Flask]) -> None:
    app = make_app(LOGIN_ACCOUNT_LIMIT=3)
    client = app.test_client()
    active_account(app, client)
    for _ in range(2):
        login(app.test_client(), password="salah sekali")
    assert login(app.test_client()).status_code == 303
    for _ in range(2):
        login(app.test_client(), password="salah sekali")
    assert login(app.test_client()).status_code == 303


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "javascript:alert(1)",
        "/\r\nSet-Cookie:x=y",
        "http:/evil.example",
    ],
)
def test_open_redirect_refused(app: Flask, client: FlaskClient, target: str) -> None:
    active_account(app, client)
    fresh = app.test_client()
    response = login(fresh, next=target)
    assert response.status_code == 303
    location = response.headers["Location"]
    assert "evil" not in location and "javascript" not in location and "\n" not in location
    assert location == "/members"  # the home page (members.index)


def test_local_next_followed(app: Flask, client: FlaskClient) -> None:
    active_account(app, client)
    response = login(app.test_client(), next="/password?x=1")
    assert response.headers["Location"] == "/password?x=1"


def test_login_required_redirects_back(client: FlaskClient) -> None:
    response = client.get("/password?a=b")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/password?a%3Db"


def test_no_secret_in_audit_or_logs(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    _, token = new_account(app, "S1", "rahasia@example.ac.id")
    secret_password = "rahasia sekali ya ampun"
    client.post(  # CSRF token from the page first
        f"/activate?token={token}",
        data={
            "password": secret_password,
            "password_confirm": secret_password,
            "csrf_token": csrf_token(client, f"/activate?token={token}"),
        },
    )
    cookie = session_cookie(client)
    login(app.test_client(), "S1", "salah salah salah")
    login(app.test_client(), "S1", secret_password)
    dump = repr(audit_rows(app)) + caplog.text
    for secret in (secret_password, token, cookie, "S1", "rahasia@example.ac.id"):
        assert secret and secret not in dump
