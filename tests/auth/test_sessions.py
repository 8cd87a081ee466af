"""Server-side sessions: revoked on the server, replay fails; cookie flags; CSRF on forms."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from signup_fn.auth import accounts
from signup_fn.auth.sessions import COOKIE_NAME
from signup_fn.services import services
from signup_fn.store import schema
from signup_fn.store.engine import transaction, utcnow
from tests.support.stored import audit_rows
from tests.support.web import PASSWORD, active_account, login, post_form, session_cookie


def replay(app: Flask, cookie: str) -> int:
    """Status of /password for a new browser holding only `cookie` (200 = logged in)."""
    thief = app.test_client()
    thief.set_cookie(COOKIE_NAME, cookie)
    return thief.get("/password").status_code


def test_logout_ends_session_on_server(app: Flask, client: FlaskClient) -> None:
    account_id = active_account(app, client)
    cookie = session_cookie(client)
    assert cookie and replay(app, cookie) == 200
    response = post_form(client, "/logout", {}, form_path="/password")
    assert response.status_code == 303
    assert session_cookie(client) is None
    assert replay(app, cookie) == 302
    assert any(
        row["action"] == "logout" and row["actor"] == f"patron:{account_id}"
        for row in audit_rows(app)
    )


def test_password_change_ends_other_sessions(app: Flask, client: FlaskClient) -> None:
    active_account(app, client)
    other = app.test_client()
    login(other)
    old_cookie = session_cookie(other)
    new = "kata sandi baru yang panjang"
    response = post_form(
        client,
        "/password",
        {"current_password": PASSWORD, "new_password": new, "new_password_confirm": new},
    )
    assert response.status_code == 200 and "sudah diganti" in response.get_data(as_text=True)
    assert replay(app, old_cookie) == 302
    assert client.get("/password").status_code == 200  # this browser stays logged in
    assert login(app.test_client(), password=new).status_code == 303
    assert login(app.test_client(), password=PASSWORD).status_code == 200


def test_wrong_current_password_changes_nothing(app: Flask, client: FlaskClient) -> None:
    active_account(app, client)
    response = post_form(
        client,
        "/password",
        {
            "current_password": "bukan ini",
            "new_password": "x" * 20,
            "new_password_confirm": "x" * 20,
        },
    )
    assert response.status_code == 422
    assert login(app.test_client()).status_code == 303


def change(client: FlaskClient, current: str, new: str) -> int:
    data = {"current_password": current, "new_password": new, "new_password_confirm": new}
    return post_form(client, "/password", data).status_code


def test_password_change_has_the_login_attempt_limit(make_app: Callable[..., Flask]) -> None:
    app = make_app(LOGIN_ACCOUNT_LIMIT=3)
    client = app.test_client()
    active_account(app, client)
    # as many guesses as logins from this browser: its device cookie's, then the untrusted ones
    for number in range(6):
        assert change(client, f"tebakan ke-{number}", "lampu meja jendela hijau") == 422
    assert change(client, PASSWORD, "lampu meja jendela hijau") == 422  # limited now
    assert login(app.test_client(), password="lampu meja jendela hijau").status_code == 200
    reasons = [row["reason"] for row in audit_rows(app) if row["action"] == "password_changed"]
    assert reasons == ["wrong_password"] * 7


def test_disable_ends_sessions(app: Flask, client: FlaskClient) -> None:
    account_id = active_account(app, client)
    cookie = session_cookie(client)
    with app.test_request_context(), transaction(services().engine) as connection:
        accounts.disable_account(connection, account_id, by="librarian:1")
    assert replay(app, cookie) == 302


def test_login_rotates_session(app: Flask, client: FlaskClient) -> None:
    active_account(app, client)
    before = session_cookie(client)
    login(client)
    after = session_cookie(client)
    assert before and after and before != after
    assert replay(app, before) == 302


def test_idle_and_absolute_timeouts(app: Flask, client: FlaskClient) -> None:
    active_account(app, client)
    cookie = session_cookie(client)
    engine_table = schema.sessions
    with app.app_context(), transaction(services().engine) as connection:
        connection.execute(
            update(engine_table).values(last_seen_at=utcnow() - timedelta(minutes=31))
        )
    assert replay(app, cookie) == 302
    login(client)
    cookie = session_cookie(client)
    with app.app_context(), transaction(services().engine) as connection:
        connection.execute(update(engine_table).values(expires_at=utcnow() - timedelta(seconds=1)))
    assert replay(app, cookie) == 302


def cookie_header(client: FlaskClient, response_headers: list[str]) -> str:
    return next(value for value in response_headers if value.startswith(f"{COOKIE_NAME}="))


def test_cookie_flags_development(app: Flask, client: FlaskClient) -> None:
    active_account(app, client)
    response = login(client)
    header = cookie_header(client, response.headers.getlist("Set-Cookie"))
    assert "HttpOnly" in header and "SameSite=Lax" in header and "Path=/" in header
    assert "Secure" not in header and "Domain" not in header


def test_cookie_flags_production(make_app: Callable[..., Flask]) -> None:
    app = make_app(ENV="production", ALLOW_SQLITE_IN_PRODUCTION=True, TRUSTED_HOSTS=["localhost"])
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"
    active_account(app, client)
    response = login(client)
    header = cookie_header(client, response.headers.getlist("Set-Cookie"))
    assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header
    assert "Domain" not in header
    for value in response.headers.getlist("Set-Cookie"):
        assert "Secure" in value  # the CSRF cookie too


def test_csrf_refused_without_token(app: Flask, client: FlaskClient) -> None:
    active_account(app, client)
    for path, data in [
        ("/login", {"member_id": "P27820121001", "password": PASSWORD}),
        ("/password", {"current_password": PASSWORD}),
        ("/logout", {}),
        ("/forgot", {"identifier": "P27820121001"}),
        ("/admin/login", {"username": "x", "password": "y"}),
    ]:
        response = client.post(path, data=data)
        assert response.status_code == 400, path
        assert "Formulir kedaluwarsa" in response.get_data(as_text=True)
        response = client.post(path, data={**data, "csrf_token": "forged"})
        assert response.status_code == 400, path
    assert client.get("/password").status_code == 200  # still logged in


def test_get_changes_nothing(app: Flask, client: FlaskClient) -> None:
    active_account(app, client)
    assert client.get("/logout").status_code == 405
    assert client.get("/admin/logout").status_code == 405
    assert client.get("/password").status_code == 200
