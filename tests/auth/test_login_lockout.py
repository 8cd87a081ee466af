"""A stranger cannot lock the real user out (ASVS 5.0 V6.3; OWASP device cookies): a browser
that logged in before (or used a mailed link) keeps logging in whatever others try, librarians
with TOTP included; untrusted guesses for an account stay limited; an address behind a campus
NAT is only slowed down, never shut out."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyotp
import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient

from signup_fn.auth.login_guard import DEVICE_COOKIES
from signup_fn.config import DEFAULTS
from tests.support.review_helpers import add_librarian
from tests.support.stored import audit_rows
from tests.support.web import CSRF_FIELD, PASSWORD, active_account, csrf_token, login, post_form

MEMBER = "P27820121001"
START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> Iterator[time_machine.Coordinates]:
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def stranger_fails(app: Flask, username_field: str, path: str, username: str, times: int) -> None:
    """`times` wrong passwords for `username`, each from a new browser (no device cookie)."""
    for number in range(times):
        stranger = app.test_client()
        data = {username_field: username, "password": f"tebakan {number}"}
        if path == "/admin/login":
            data["code"] = "123456"
        response = post_form(stranger, path, data)
        assert response.status_code == 200


def test_a_strangers_failures_do_not_lock_out_the_members_browser(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(LOGIN_ACCOUNT_LIMIT=5)
    member = app.test_client()
    active_account(app, member)  # the activation link gives this browser its device cookie
    assert member.get_cookie(DEVICE_COOKIES["patron"]) is not None
    member.post("/logout", data={"csrf_token": csrf_token(member, "/password")})
    stranger_fails(app, "member_id", "/login", MEMBER, 12)
    assert login(member).status_code == 303  # right password, trusted browser: in
    assert login(app.test_client()).status_code == 200  # a new browser: the account's limit
    reasons = {row["reason"] for row in audit_rows(app) if row["action"] == "lockout"}
    assert reasons == {"account"}


def test_untrusted_guesses_for_an_account_stay_limited(make_app: Callable[..., Flask]) -> None:
    app = make_app(LOGIN_ACCOUNT_LIMIT=5)
    active_account(app, app.test_client())
    stranger_fails(app, "member_id", "/login", MEMBER, 5)
    assert login(app.test_client()).status_code == 200  # even the right password
    active_account(app, app.test_client(), "P2")
    assert login(app.test_client(), "P2").status_code == 303


def test_a_device_cookie_is_signed_and_bound_to_its_user(make_app: Callable[..., Flask]) -> None:
    app = make_app(LOGIN_ACCOUNT_LIMIT=3)
    holder = app.test_client()
    active_account(app, holder, "P1")
    active_account(app, app.test_client(), "P2")
    stranger_fails(app, "member_id", "/login", "P2", 3)
    assert login(holder, "P2").status_code == 200  # P1's cookie does not vouch for P2
    forged = app.test_client()
    value = holder.get_cookie(DEVICE_COOKIES["patron"]).value
    nonce, _, signature = value.partition(".")
    forged.set_cookie(DEVICE_COOKIES["patron"], f"{nonce}x.{signature}")
    stranger_fails(app, "member_id", "/login", "P1", 3)
    assert login(forged, "P1").status_code == 200  # tampered: untrusted, and P1 is limited
    assert login(holder, "P1").status_code == 303


def test_guesses_from_a_trusted_browser_are_limited_too(make_app: Callable[..., Flask]) -> None:
    app = make_app(LOGIN_ACCOUNT_LIMIT=3)
    shared = app.test_client()  # e.g. a library computer the member once used
    active_account(app, shared)
    for number in range(6):  # the cookie's own 3, then the untrusted 3
        assert login(shared, password=f"tebakan {number}").status_code == 200
    assert login(shared).status_code == 200
    assert login(app.test_client()).status_code == 200
    reasons = [row["reason"] for row in audit_rows(app) if row["action"] == "lockout"]
    assert reasons == ["device", "account"]


def test_a_campus_behind_one_address_is_only_slowed_down(
    make_app: Callable[..., Flask], clock: time_machine.Coordinates
) -> None:
    assert DEFAULTS["LOGIN_ADDRESS_LIMIT"] >= 100 and DEFAULTS["LOGIN_ADDRESS_WINDOW"] <= 60
    app = make_app(LOGIN_ADDRESS_LIMIT=4, LOGIN_ADDRESS_WINDOW=60, TRUSTED_PROXIES=1)
    campus = {"X-Forwarded-For": "203.0.113.9"}
    member = app.test_client()
    active_account(app, member)
    for number in range(4):
        stranger = app.test_client()
        token = csrf_token(stranger, "/login")
        stranger.post(
            "/login",
            data={"member_id": f"X{number}", "password": "tebak", "csrf_token": token},
            headers=campus,
        )
    classmate = app.test_client()
    active_account(app, app.test_client(), "P2")

    def campus_login(client: FlaskClient, member_id: str) -> int:
        token = csrf_token(client, "/login")
        data = {"member_id": member_id, "password": PASSWORD, "csrf_token": token}
        return client.post("/login", data=data, headers=campus).status_code

    assert campus_login(classmate, "P2") == 200  # slowed: this minute is used up
    assert campus_login(member, MEMBER) == 303  # a trusted browser is never slowed
    clock.shift(timedelta(seconds=61))
    assert campus_login(classmate, "P2") == 303  # a minute later, in


def totp_librarian(app: Flask, browser: FlaskClient) -> str:
    """A librarian `rina` with TOTP, set up in `browser`; returns the TOTP secret."""
    path = add_librarian(app)
    page = browser.get(path).get_data(as_text=True)
    secret = re.search(r'name="totp_secret" value="([A-Z2-7]{32})"', page).group(1)
    data = {
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "totp_secret": secret,
        "code": pyotp.TOTP(secret).now(),
        "csrf_token": CSRF_FIELD.search(page).group(1),
    }
    assert browser.post(path, data=data).status_code == 303
    return secret


def test_a_librarian_with_totp_is_not_locked_out_by_a_stranger(
    make_app: Callable[..., Flask], clock: time_machine.Coordinates
) -> None:
    app = make_app(LOGIN_ACCOUNT_LIMIT=5)
    desk = app.test_client()
    secret = totp_librarian(app, desk)
    clock.shift(timedelta(seconds=30))
    first = {"username": "rina", "password": PASSWORD, "code": pyotp.TOTP(secret).now()}
    assert post_form(desk, "/admin/login", first).status_code == 303
    desk.post("/admin/logout", data={"csrf_token": csrf_token(desk, "/admin/")})
    stranger_fails(app, "username", "/admin/login", "rina", 12)
    clock.shift(timedelta(seconds=30))
    again = {"username": "rina", "password": PASSWORD, "code": pyotp.TOTP(secret).now()}
    assert post_form(desk, "/admin/login", again).status_code == 303
    clock.shift(timedelta(seconds=30))
    elsewhere = {"username": "rina", "password": PASSWORD, "code": pyotp.TOTP(secret).now()}
    assert post_form(app.test_client(), "/admin/login", elsewhere).status_code == 200


def test_the_privacy_notice_names_the_device_cookie() -> None:
    notice = (Path(__file__).parents[2] / "docs" / "privasi.md").read_text(encoding="utf-8")
    assert "cookie perangkat" in notice
