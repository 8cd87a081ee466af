"""POST /api/signup: what is stored, what is answered, for JSON and plain form posts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient

from signup_fn.api.schema import unknown_fields_message
from tests.support.samples import FORM, VALID
from tests.support.stored import audit_rows, requests_stored


def test_new_request_is_stored_once_with_consent(app: Flask, client: FlaskClient) -> None:
    response = client.post("/api/signup", json=VALID)
    assert response.status_code == 202
    assert response.get_json() == {"status": "received"}
    [stored] = requests_stored(app)
    assert stored["member_id"] == "P27820121001"
    assert stored["name"] == "Siti Nurhaliza"
    assert stored["email"] == "siti@example.ac.id"
    assert stored["status"] == "pending"
    assert stored["consent_version"] == app.config["PRIVACY_NOTICE_VERSION"]
    assert datetime.now(UTC) - stored["consent_at"] < timedelta(minutes=1)
    assert stored["created_at"].tzinfo is not None


def test_duplicate_answers_alike_and_is_stored_once(app: Flask, client: FlaskClient) -> None:
    first = client.post("/api/signup", json=VALID)
    second = client.post("/api/signup", json={**VALID, "name": "Orang Lain"})
    lower_case = client.post("/api/signup", json={**VALID, "member_id": "p27820121001"})
    assert first.status_code == second.status_code == lower_case.status_code == 202
    assert first.get_data() == second.get_data() == lower_case.get_data()
    [stored] = requests_stored(app)
    assert stored["name"] == "Siti Nurhaliza"
    outcomes = [(row["outcome"], row["request_id"]) for row in audit_rows(app)]
    assert outcomes == [(outcome, stored["id"]) for outcome in ("received", *["duplicate"] * 2)]


def test_text_is_nfc_normalised_and_trimmed(app: Flask, client: FlaskClient) -> None:
    decomposed = "Nu\u0301r Aini"  # u + combining acute
    response = client.post("/api/signup", json={**VALID, "name": f"  {decomposed} "})
    assert response.status_code == 202
    assert requests_stored(app)[0]["name"] == "N\u00far Aini"


def test_phone_is_optional(app: Flask, client: FlaskClient) -> None:
    body = {key: value for key, value in VALID.items() if key != "phone"}
    assert client.post("/api/signup", json=body).status_code == 202
    assert (
        client.post("/api/signup", json={**VALID, "member_id": "X1", "phone": None}).status_code
        == 202
    )
    assert [row["phone"] for row in requests_stored(app)] == [None, None]


@pytest.mark.parametrize("role", ["student", "lecturer", "staff"])
def test_every_role_is_accepted(client: FlaskClient, role: str) -> None:
    assert client.post("/api/signup", json={**VALID, "role": role}).status_code == 202


def test_honeypot_is_answered_alike_but_not_stored(app: Flask, client: FlaskClient) -> None:
    response = client.post("/api/signup", json={**VALID, "website": "http://spam.example"})
    assert response.status_code == 202
    assert response.get_json() == {"status": "received"}
    assert requests_stored(app) == []
    [row] = audit_rows(app)
    assert (row["outcome"], row["reason"], row["request_id"]) == ("refused", "honeypot", None)


def test_too_fast_is_answered_alike_but_not_stored(app: Flask, client: FlaskClient) -> None:
    response = client.post("/api/signup", json={**VALID, "elapsed_ms": 800})
    assert response.status_code == 202
    assert requests_stored(app) == []
    [row] = audit_rows(app)
    assert (row["outcome"], row["reason"]) == ("refused", "too_fast")


def test_slow_enough_and_empty_honeypot_are_stored(app: Flask, client: FlaskClient) -> None:
    body = {**VALID, "elapsed_ms": 45_000, "website": ""}
    assert client.post("/api/signup", json=body).status_code == 202
    assert len(requests_stored(app)) == 1


def test_min_fill_time_is_configurable(make_app, database_url: str) -> None:
    app = make_app(MIN_FILL_MS=100)
    assert (
        app.test_client().post("/api/signup", json={**VALID, "elapsed_ms": 800}).status_code == 202
    )
    assert len(requests_stored(app)) == 1


# --- plain HTML form posts -------------------------------------------------------------------


def test_form_post_redirects_to_the_thank_you_page(app: Flask, client: FlaskClient) -> None:
    response = client.post("/api/signup", data=FORM)
    assert response.status_code == 303
    assert response.headers["Location"] == "https://site.example/daftar-terkirim/"
    assert len(requests_stored(app)) == 1


def test_form_post_consent_true_and_empty_phone(app: Flask, client: FlaskClient) -> None:
    response = client.post("/api/signup", data={**FORM, "consent": "true", "phone": ""})
    assert response.status_code == 303
    assert requests_stored(app)[0]["phone"] is None


def test_form_honeypot_redirects_like_success(app: Flask, client: FlaskClient) -> None:
    response = client.post("/api/signup", data={**FORM, "website": "spam"})
    assert response.status_code == 303
    assert requests_stored(app) == []


def test_thanks_url_is_configurable(make_app) -> None:
    app = make_app(THANKS_URL="https://site.example/terima-kasih/")
    response = app.test_client().post("/api/signup", data=FORM)
    assert response.headers["Location"] == "https://site.example/terima-kasih/"


def test_form_errors_are_an_escaped_indonesian_page(app: Flask, client: FlaskClient) -> None:
    hostile = "<script>alert(1)</script>"
    response = client.post("/api/signup", data={**FORM, "email": "bukan-email", hostile: "x"})
    assert response.status_code == 422
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert '<html lang="id">' in page
    assert "Alamat e-mail tidak valid." in page
    assert unknown_fields_message(1) in page
    assert "script" not in page  # an unknown field's name is not printed at all
    assert 'href="https://site.example/daftar/"' in page
    assert requests_stored(app) == []


def test_form_without_consent_is_refused(app: Flask, client: FlaskClient) -> None:
    form = {key: value for key, value in FORM.items() if key != "consent"}
    response = client.post("/api/signup", data=form)
    assert response.status_code == 422
    assert "Persetujuan" in response.get_data(as_text=True)
    assert requests_stored(app) == []


@pytest.mark.parametrize("value", ["yes", "1", "false", ""])
def test_form_consent_other_values_are_refused(client: FlaskClient, value: str) -> None:
    assert client.post("/api/signup", data={**FORM, "consent": value}).status_code == 422


def test_form_field_sent_twice_is_refused(app: Flask, client: FlaskClient) -> None:
    data = [*FORM.items(), ("member_id", "OTHER1")]
    response = client.post(
        "/api/signup",
        data=urlencode(data),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 422
    assert "Kolom dikirim lebih dari sekali." in response.get_data(as_text=True)
    assert requests_stored(app) == []


@pytest.mark.parametrize("elapsed", ["١٢٣٤٥", "5e3", "-1", "abc"])
def test_form_elapsed_ms_must_be_ascii_digits(client: FlaskClient, elapsed: str) -> None:
    response = client.post("/api/signup", data={**FORM, "elapsed_ms": elapsed})
    assert response.status_code == 422
