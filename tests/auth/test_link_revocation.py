"""Outstanding activation and reset links die when the account's address changes, the account
is disabled (and stay dead when it is enabled again), or its password changes."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from signup_fn.auth import queries as auth_queries
from signup_fn.auth import tokens
from signup_fn.services import services
from signup_fn.store.engine import transaction
from tests.support.web import PASSWORD, active_account, login, new_account, post_form

NEW = "kuda baterai staples salah"
OTHER = "lampu meja jendela hijau"


def reset_link(app: Flask, account_id: int) -> str:
    """A reset link as /forgot would mail it."""
    with app.test_request_context(), transaction(services().engine) as connection:
        token = tokens.issue(
            connection, tokens.Purpose.PASSWORD_RESET, account_id, app.permanent_session_lifetime
        )
    return f"/reset?token={token}"


def try_link(client: FlaskClient, path: str, password: str) -> int:
    """The status of the link's page; when it shows a form, the status of using it."""
    page = client.get(path)
    if page.status_code != 200:
        return page.status_code
    return post_form(client, path, {"password": password, "password_confirm": password}).status_code


def cli(app: Flask, *args: str) -> None:
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output


def test_activation_link_dies_when_the_address_is_corrected(app: Flask) -> None:
    _, token = new_account(app)
    assert app.test_client().get(f"/activate?token={token}").status_code == 200  # live before
    cli(app, "privacy", "correct", "P27820121001", "--email", "baru@example.ac.id")
    assert try_link(app.test_client(), f"/activate?token={token}", PASSWORD) == 404
    with app.app_context(), services().engine.connect() as connection:
        assert (
            auth_queries.find_account(connection, "P27820121001")["status"] == "pending_activation"
        )


def test_reset_link_dies_when_the_address_is_corrected(app: Flask, client: FlaskClient) -> None:
    account_id = active_account(app, client)
    path = reset_link(app, account_id)
    cli(app, "privacy", "correct", "P27820121001", "--email", "baru@example.ac.id")
    assert try_link(app.test_client(), path, NEW) == 404
    assert login(app.test_client(), password=PASSWORD).status_code == 303


def test_reset_link_stays_dead_after_disable_and_enable(app: Flask, client: FlaskClient) -> None:
    account_id = active_account(app, client)
    path = reset_link(app, account_id)
    assert app.test_client().get(path).status_code == 200  # live before
    cli(app, "accounts", "disable", "P27820121001")
    cli(app, "accounts", "enable", "P27820121001")
    assert try_link(app.test_client(), path, NEW) == 404
    assert login(app.test_client(), password=NEW).status_code == 200  # refused
    assert login(app.test_client(), password=PASSWORD).status_code == 303


def test_activation_link_stays_dead_after_disable_and_enable(app: Flask) -> None:
    _, token = new_account(app)
    cli(app, "accounts", "disable", "P27820121001")
    cli(app, "accounts", "enable", "P27820121001")
    assert try_link(app.test_client(), f"/activate?token={token}", PASSWORD) == 404


def test_reset_link_dies_when_the_password_is_changed(app: Flask, client: FlaskClient) -> None:
    account_id = active_account(app, client)
    path = reset_link(app, account_id)
    response = post_form(
        client,
        "/password",
        {"current_password": PASSWORD, "new_password": OTHER, "new_password_confirm": OTHER},
    )
    assert response.status_code == 200 and "salah" not in response.get_data(as_text=True)
    assert try_link(app.test_client(), path, NEW) == 404
    assert login(app.test_client(), password=OTHER).status_code == 303
