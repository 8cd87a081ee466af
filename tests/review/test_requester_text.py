"""Text the requester chooses: a name is what a name needs, and no e-mail carries other text
the requester chose (a rejection goes to an address nobody has confirmed)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from signup_fn.store import schema
from tests.support.review_helpers import sign_up
from tests.support.samples import VALID
from tests.support.stored import requests_stored, rows


@pytest.mark.parametrize(
    "name",
    [
        "Siti Nurhaliza",
        "Siti Nurhaliza, S.Kep., Ns.",
        "Hj. Sri Mulyani, A.Md.Keb.",
        "I Gusti Ngurah Rai",
        "Nur-Aini O'Neil",
        "D\u2019Angelo",
        "José Ñúñez",
        "Nguyễn Văn An",
        "A" * 80,
    ],
)
def test_names_as_people_write_them(app: Flask, client: FlaskClient, name: str) -> None:
    sign_up(client, name=name)
    assert requests_stored(app)[0]["name"] == name


@pytest.mark.parametrize(
    "name",
    [
        "Hadiah menanti di evil.com",
        "www.evil.com",
        "https://evil.example/klaim",
        "Budi Santoso 0812345678",
        "Budi@evil",
        "Budi / Ani",
        "Budi  Santoso",
        "Budi :)",
        "<b>Budi</b>",
        "A" * 81,
    ],
)
def test_names_refuse_links_digits_and_symbols(app: Flask, client: FlaskClient, name: str) -> None:
    response = client.post("/api/signup", json={**VALID, "name": name})
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"name"}
    assert requests_stored(app) == []


def test_the_rejection_mail_carries_no_text_the_requester_chose(
    app: Flask, client: FlaskClient
) -> None:
    programme = "Klaim hadiah Anda di kantor pos terdekat"
    sign_up(client, name="Pemenang Undian Berhadiah", programme=programme)
    [request] = requests_stored(app)
    reason = ["requests", "reject", str(request["id"]), "--reason", "bukan_anggota"]
    assert app.test_cli_runner().invoke(args=reason).exit_code == 0
    [mail] = rows(app, schema.outbox)
    assert "Pemenang" not in mail["body"] and "Undian" not in mail["body"]
    assert programme not in mail["body"] and "Klaim" not in mail["subject"]
    assert "Bukan anggota perpustakaan" in mail["body"]
    assert VALID["member_id"] in mail["body"]
