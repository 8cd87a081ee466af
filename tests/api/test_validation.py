"""Strict input: bad fields get 422 with one Indonesian message per field, nothing stored."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from signup_fn.api.schema import UNKNOWN_FIELDS, unknown_fields_message
from tests.support.samples import FORM, VALID
from tests.support.stored import audit_rows, requests_stored


def refused(client: FlaskClient, body: dict[str, Any]) -> dict[str, str]:
    response = client.post("/api/signup", json=body)
    assert response.status_code == 422, response.get_data(as_text=True)
    return response.get_json()["errors"]


@pytest.mark.parametrize("field", ["status", "is_admin", "approved_by", "id", "created_at"])
def test_unknown_fields_are_refused(app: Flask, client: FlaskClient, field: str) -> None:
    errors = refused(client, {**VALID, field: "approved"})
    assert errors == {UNKNOWN_FIELDS: unknown_fields_message(1)}
    assert requests_stored(app) == []


SENDER_CHOSEN = "Hubungi-kami-di-evil.example-untuk-verifikasi"


def test_unknown_field_names_are_not_echoed_by_the_api(client: FlaskClient) -> None:
    response = client.post("/api/signup", json={**VALID, SENDER_CHOSEN: "1", "x" * 50: "2"})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {UNKNOWN_FIELDS: unknown_fields_message(2)}
    assert SENDER_CHOSEN not in response.get_data(as_text=True)


def test_unknown_field_names_are_not_echoed_by_the_form_page(
    app: Flask, client: FlaskClient
) -> None:
    # a cross-site form post, a field repeated too: the page names no field the form lacks
    body = MultiDict([*FORM.items(), (SENDER_CHOSEN, "1"), (SENDER_CHOSEN, "2")])
    response = client.post("/api/signup", data=body)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert SENDER_CHOSEN not in page
    assert unknown_fields_message(1) in page
    assert requests_stored(app) == []


def test_every_bad_field_gets_its_own_message(client: FlaskClient) -> None:
    errors = refused(client, {"member_id": "", "email": "x", "role": "admin", "consent": False})
    assert set(errors) == {
        "member_id", "name", "email", "programme", "role", "consent", "elapsed_ms"
    }  # fmt: skip
    assert errors["name"] == "Wajib diisi."
    assert errors["role"] == "Pilih salah satu: Mahasiswa, Dosen, atau Tenaga kependidikan."
    assert errors["consent"] == "Anda perlu menyetujui Kebijakan Privasi."


@pytest.mark.parametrize(
    "member_id",
    [
        "١٢٣٤٥٦",  # Arabic-Indic digits
        "۱۲۳۴۵۶",  # Extended Arabic-Indic (Persian) digits
        "１２３４５６",  # full-width digits
        "१२३४५६",  # Devanagari digits
        "12  -34",
        "12..34",
        ".1234",
        "1234-",
        "12_34",
        "12/34",
        "12\n34",
        "P2782012100112345678X",  # 21 characters
        "",
        "Ñ123",
    ],
)
def test_member_id_takes_ascii_letters_and_digits_only(client: FlaskClient, member_id: str) -> None:
    assert "member_id" in refused(client, {**VALID, "member_id": member_id})


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("2019 01 005", "2019 01 005"),  # SLiMS allows spaces and dots in member numbers
        ("2019.01.006", "2019.01.006"),
        ("  2019   01 007 ", "2019 01 007"),  # one normal form: trimmed, single spaces
        ("p27-820.a1", "P27-820.A1"),  # SLiMS ignores case; stored upper-case
    ],
)
def test_slims_member_numbers_sign_up_in_one_normal_form(
    app: Flask, client: FlaskClient, typed: str, stored: str
) -> None:
    response = client.post("/api/signup", json={**VALID, "member_id": typed})
    assert response.status_code == 202, response.get_data(as_text=True)
    assert [row["member_id"] for row in requests_stored(app)] == [stored]


@pytest.mark.parametrize(
    "phone", ["０８１２３４５６７８", "٠٨١٢٣٤٥٦٧٨", "0812 abc", "12345", "08--12345678"]
)
def test_phone_takes_ascii_digits_plus_spaces_dashes(client: FlaskClient, phone: str) -> None:
    assert "phone" in refused(client, {**VALID, "phone": phone})


@pytest.mark.parametrize("field", ["name", "email", "programme", "member_id", "phone"])
@pytest.mark.parametrize(
    "bad", ["\x00", "\r\nBcc: victim@example.com", "\n", "\x1b[31m", "\x7f", "\u2028", "\ud800"]
)
def test_controls_newlines_nul_and_lone_surrogates_are_refused(
    app: Flask, client: FlaskClient, field: str, bad: str
) -> None:
    body = {**VALID, field: "budi" + bad + ("@example.com" if field == "email" else "")}
    assert field in refused(client, body)
    assert requests_stored(app) == []


def test_lone_surrogate_escape_in_raw_json_is_refused(client: FlaskClient) -> None:
    raw = '{"member_id": "A1", "name": "x\\udc00", "email": "a@example.com", '
    raw += '"programme": "p", "role": "staff", "consent": true}'
    response = client.post("/api/signup", data=raw, content_type="application/json")
    assert response.status_code == 422
    assert "name" in response.get_json()["errors"]


@pytest.mark.parametrize(
    ("field", "limit"), [("name", 80), ("programme", 100), ("email", 254), ("member_id", 20)]
)
def test_lengths_are_strict(client: FlaskClient, field: str, limit: int) -> None:
    value = "A" * (limit + 1)
    if field == "email":
        value = "a" * 64 + "@" + "b" * (limit - 64 - 4) + ".com"
    errors = refused(client, {**VALID, field: value})
    assert field in errors


def test_lengths_at_the_limit_are_accepted(client: FlaskClient) -> None:
    body = {**VALID, "name": "N" * 80, "programme": "P" * 100, "member_id": "9" * 20}
    assert client.post("/api/signup", json=body).status_code == 202


def test_length_is_counted_after_normalisation(client: FlaskClient) -> None:
    # U+0958 (DEVANAGARI LETTER QA) becomes two code points under NFC.
    errors = refused(client, {**VALID, "programme": "\u0958" * 51})
    assert errors["programme"].startswith("Terlalu panjang")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("consent", "true"),
        ("consent", 1),
        ("consent", False),
        ("name", 123),
        ("name", ["Budi"]),
        ("name", {"first": "Budi"}),
        ("member_id", 12345),
        ("email", None),
        ("role", ["student"]),
        ("elapsed_ms", "5000"),
        ("elapsed_ms", 5000.5),
        ("elapsed_ms", True),
        ("elapsed_ms", -1),
        ("website", 1),
    ],
)
def test_wrong_types_are_refused(client: FlaskClient, field: str, value: Any) -> None:
    assert field in refused(client, {**VALID, field: value})


@pytest.mark.parametrize("email", ["budi", "budi@", "@example.com", "a b@example.com", "a@b@c.com"])
def test_email_syntax_is_checked(client: FlaskClient, email: str) -> None:
    assert refused(client, {**VALID, "email": email})["email"] == "Alamat e-mail tidak valid."


def test_email_is_normalised_without_dns(app: Flask, client: FlaskClient) -> None:
    body = {**VALID, "email": "Siti@Kampus-Yang-Tidak-Ada.Example"}
    assert client.post("/api/signup", json=body).status_code == 202
    assert requests_stored(app)[0]["email"] == "Siti@kampus-yang-tidak-ada.example"


def test_invalid_request_is_audited_without_its_content(app: Flask, client: FlaskClient) -> None:
    refused(client, {**VALID, "email": "x", "budi@example.com": "1"})
    [row] = audit_rows(app)
    assert (row["outcome"], row["reason"]) == ("invalid", "email,unknown_field")
