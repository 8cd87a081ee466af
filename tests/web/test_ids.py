"""Row ids in URLs and CLI arguments: outside 1 .. 2**31 - 1 they are a 404 (or a usage
error), never a database error (500)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support.review_helpers import add_request, librarian_login
from tests.support.web import active_account, csrf_token

OUT_OF_RANGE = ["0", "2147483648", "9223372036854775807", "9223372036854775808", "1" * 40]


def assert_posts_not_found(
    client: FlaskClient, token: str, prefix: str, actions: tuple[str, ...]
) -> None:
    """POST each of `actions` on each out-of-range id under `prefix`: a 404 every time."""
    for bad in OUT_OF_RANGE:
        for action in actions:
            response = client.post(f"{prefix}/{bad}/{action}", data={"csrf_token": token})
            assert response.status_code == 404, (bad, action)


def test_admin_request_pages_refuse_ids_out_of_range(app: Flask, client: FlaskClient) -> None:
    librarian_login(app, client)
    request_id = add_request(app)
    assert client.get(f"/admin/requests/{request_id}").status_code == 200
    assert client.get("/admin/requests/2147483647").status_code == 404
    token = csrf_token(client, f"/admin/requests/{request_id}")
    for bad in OUT_OF_RANGE:
        assert client.get(f"/admin/requests/{bad}").status_code == 404, bad
    assert_posts_not_found(client, token, "/admin/requests", ("approve", "reject", "resend"))


def test_admin_extension_decisions_refuse_ids_out_of_range(app: Flask, client: FlaskClient) -> None:
    librarian_login(app, client)
    token = csrf_token(client, "/admin/extensions/")
    assert_posts_not_found(client, token, "/admin/extensions", ("grant", "decline", "done"))


def test_patron_loan_extension_refuses_ids_out_of_range(app: Flask, client: FlaskClient) -> None:
    active_account(app, client)
    token = csrf_token(client, "/password")
    assert_posts_not_found(client, token, "/loans", ("extend",))


@pytest.mark.parametrize("command", ["show", "approve", "resend"])
def test_cli_refuses_ids_out_of_range(app: Flask, command: str) -> None:
    result = app.test_cli_runner().invoke(args=["requests", command, "9223372036854775808"])
    assert result.exit_code == 2, result.output
    assert "9223372036854775808" in result.output
