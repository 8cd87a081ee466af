"""One typed-text rule for every field a person types (API, HTML forms, CLI): no bidi controls,
zero-width characters, controls or lone surrogates; never blank once invisible characters are
removed; NFC."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from signup_fn.typed_text import TextRefused, typed_text
from tests.support.review_helpers import add_request, librarian_login, reject
from tests.support.samples import FORM, VALID
from tests.support.stored import requests_stored
from tests.support.web import post_form

BIDI = ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
BIDI += ["\u200e", "\u200f", "\u061c"]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]


@pytest.mark.parametrize("char", BIDI + ZERO_WIDTH + ["\x00", "\x1b", "\x85", "\u2028", "\ud800"])
@pytest.mark.parametrize("multiline", [False, True])
def test_the_rule_refuses_invisible_and_control_characters(char: str, multiline: bool) -> None:
    with pytest.raises(TextRefused, match=f"U\\+{ord(char):04X}"):
        typed_text(f"Andi{char}gnp.exe", max_length=100, multiline=multiline)


@pytest.mark.parametrize("blank", ["   ", "\u3164", "\u2800 \u115f", "\u3000"])
def test_text_blank_once_invisible_characters_go_is_empty(blank: str) -> None:
    with pytest.raises(TextRefused, match="Wajib diisi"):
        typed_text(blank, max_length=100)
    assert typed_text(blank, max_length=100, required=False) == ""


def test_line_breaks_only_where_notes_allow_them() -> None:
    assert typed_text("satu\r\ndua\rtiga\tempat ", max_length=100, multiline=True) == (
        "satu\ndua\ntiga\tempat"
    )
    for text in ("satu\ndua", "satu\tdua"):
        with pytest.raises(TextRefused):
            typed_text(text, max_length=100)


def test_nfc_and_length_after_normalisation() -> None:
    assert typed_text("Jose\u0301", max_length=4) == "Jos\u00e9"
    with pytest.raises(TextRefused, match="paling banyak 3"):
        typed_text("Jose\u0301", max_length=3)


@pytest.mark.parametrize("field", ["name", "programme"])
@pytest.mark.parametrize("value", ["Andi\u202egnp.exe", "\u200b\u200b\u200b", "Siti\u2066"])
def test_signup_refuses_bidi_and_zero_width(
    app: Flask, client: FlaskClient, field: str, value: str
) -> None:
    response = client.post("/api/signup", json={**VALID, field: value})
    assert response.status_code == 422
    assert "U+" in response.get_json()["errors"][field]
    response = client.post("/api/signup", data={**FORM, field: value})
    assert response.status_code == 422
    assert requests_stored(app) == []


def test_login_form_refuses_a_bidi_override(client: FlaskClient) -> None:
    response = post_form(client, "/login", {"member_id": "P1\u202e", "password": "x" * 10})
    assert response.status_code == 422
    assert "Nomor anggota" in response.get_data(as_text=True)


def test_rejection_reason_refuses_a_bidi_override(app: Flask, client: FlaskClient) -> None:
    librarian_login(app, client)
    request_id = add_request(app)
    response = reject(client, request_id, reason="", reason_other="Data\u202etidak sesuai")
    assert response.status_code == 422
    assert "U+202E" in response.get_data(as_text=True)
    assert requests_stored(app)[0]["status"] == "pending"


def test_cli_options_follow_the_rule(app: Flask) -> None:
    request_id = add_request(app)
    runner = app.test_cli_runner()
    reject = ["requests", "reject", str(request_id), "--reason", "Data\u202etidak sesuai"]
    result = runner.invoke(args=reject)
    assert result.exit_code == 2 and "U+202E" in result.output
    result = runner.invoke(args=["privacy", "correct", VALID["member_id"], "--name", "Siti\u200b"])
    assert result.exit_code == 1 and "U+200B" in result.output
    result = runner.invoke(args=["accounts", "disable", "P1\u2067"])
    assert result.exit_code == 2 and "U+2067" in result.output
    assert requests_stored(app)[0]["status"] == "pending"
    assert requests_stored(app)[0]["name"] == VALID["name"]
