"""NUL and other refused characters in every form and the API: a 422 naming the field and the
character, decided before the database (PostgreSQL's driver refuses NUL with an error). The
`app` and `client` fixtures run each test on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.support.review_helpers import add_librarian, add_request, librarian_login, reject
from tests.support.samples import FORM, VALID
from tests.support.stored import requests_stored
from tests.support.web import PASSWORD, active_account, login, new_account, post_form

NUL = "\x00"


def refused_with(response: TestResponse, label: str, code: str = "U+0000") -> None:
    assert response.status_code == 422, response.get_data(as_text=True)
    page = response.get_data(as_text=True)
    assert label in page and code in page, page


@pytest.mark.parametrize(
    ("field", "label"), [("member_id", "Nomor anggota"), ("password", "Kata sandi")]
)
def test_login_refuses_nul(app: Flask, client: FlaskClient, field: str, label: str) -> None:
    active_account(app, app.test_client())
    data = {"member_id": VALID["member_id"], "password": PASSWORD}
    data[field] = data[field][:3] + NUL + data[field][3:]
    refused_with(post_form(client, "/login", data), label)


@pytest.mark.parametrize("identifier", [f"P278{NUL}20121001", f"siti{NUL}@example.ac.id"])
def test_forgot_refuses_nul(client: FlaskClient, identifier: str) -> None:
    response = post_form(client, "/forgot", {"identifier": identifier})
    refused_with(response, "Nomor anggota atau e-mail")


def test_activation_and_password_forms_refuse_nul(app: Flask, client: FlaskClient) -> None:
    _, token = new_account(app, member_id="P1")
    bad = f"kuda{NUL}baterai staples"
    response = post_form(
        client, f"/activate?token={token}", {"password": bad, "password_confirm": bad}
    )
    refused_with(response, "Kata sandi")
    active_account(app, client)
    login(client)
    response = post_form(
        client,
        "/password",
        {"current_password": bad, "new_password": PASSWORD, "new_password_confirm": PASSWORD},
    )
    refused_with(response, "Kata sandi saat ini")


@pytest.mark.parametrize(
    ("field", "label"),
    [("username", "Nama pengguna"), ("password", "Kata sandi"), ("code", "Kode autentikator")],
)
def test_librarian_login_refuses_nul(
    app: Flask, client: FlaskClient, field: str, label: str
) -> None:
    add_librarian(app)
    data = {"username": "rina", "password": PASSWORD, "code": "123456"}
    data[field] = data[field][:2] + NUL + data[field][2:]
    refused_with(post_form(client, "/admin/login", data), label)


def test_rejection_reason_refuses_nul(app: Flask, client: FlaskClient) -> None:
    librarian_login(app, client)
    request_id = add_request(app)
    response = reject(client, request_id, reason="", reason_other=f"Data{NUL}palsu")
    refused_with(response, "Alasan lain")
    assert requests_stored(app)[0]["status"] == "pending"


@pytest.mark.parametrize("field", ["member_id", "name", "email", "phone", "programme"])
def test_signup_refuses_nul_in_json_and_form_posts(
    app: Flask, client: FlaskClient, field: str
) -> None:
    value = VALID[field][:3] + NUL + VALID[field][3:]
    response = client.post("/api/signup", json={**VALID, field: value})
    assert response.status_code == 422 and field in response.get_json()["errors"]
    response = client.post("/api/signup", data={**FORM, field: value})
    assert response.status_code == 422 and response.mimetype == "text/html"
    assert requests_stored(app) == []
