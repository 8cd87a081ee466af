"""The library's identity (`PORTAL_LIBRARY_*`): pages, e-mails, the authenticator's issuer, the
logo and the passwords refused all come from the settings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pyotp
import pytest
from flask import Flask

from signup_fn.auth import librarians
from signup_fn.library import Library
from signup_fn.mail import outbox as mail
from signup_fn.passwords import PasswordRejected, check_policy

LOGO = "<svg xmlns='http://www.w3.org/2000/svg' width='8' height='8'/>"


def contoh(make_app: Callable[..., Flask], tmp_path: Path, **settings: object) -> Flask:
    logo = tmp_path / "logo.svg"
    logo.write_text(LOGO, encoding="utf-8")
    return make_app(
        LIBRARY_NAME="Perpustakaan Politeknik Contoh",
        LIBRARY_SHORT_NAME="PPC",
        LIBRARY_EMAIL="layanan@contoh.ac.id",
        LIBRARY_PHONE="+62 411 000111",
        LIBRARY_ADDRESS="Jl. Contoh No. 2, Makassar",
        LIBRARY_WEBSITE="https://perpustakaan.contoh.ac.id",
        LIBRARY_LOGO=str(logo),
        **settings,
    )


def test_pages_name_the_library_with_its_contact_and_logo(make_app, tmp_path) -> None:
    page = contoh(make_app, tmp_path).test_client().get("/login").get_data(as_text=True)
    assert "<title>" in page and "· Perpustakaan Politeknik Contoh</title>" in page
    for text in ("layanan@contoh.ac.id", "+62 411 000111", "Jl. Contoh No. 2, Makassar"):
        assert text in page
    assert 'href="https://perpustakaan.contoh.ac.id"' in page
    assert 'src="/logo"' in page


def test_the_logo_is_served_from_its_file(make_app, tmp_path) -> None:
    response = contoh(make_app, tmp_path).test_client().get("/logo")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert response.get_data(as_text=True) == LOGO
    assert response.headers["Cache-Control"] == "public, max-age=86400"


def test_without_logo_or_contact_nothing_is_shown(make_app) -> None:
    client = make_app(
        LIBRARY_NAME="Perpustakaan Politeknik Contoh", LIBRARY_SHORT_NAME=None
    ).test_client()
    page = client.get("/login").get_data(as_text=True)
    assert "Perpustakaan Politeknik Contoh" in page
    assert "<footer" not in page and "/logo" not in page
    assert client.get("/logo").status_code == 404


def test_mails_are_signed_by_the_library(make_app, tmp_path) -> None:
    app = contoh(make_app, tmp_path)
    with app.test_request_context():
        _subject, body = mail.render(
            "activation", name="Siti", member_id="P1", hours=72, until="-", link="https://x"
        )
    assert "akun e-resource Perpustakaan Politeknik Contoh Anda" in body
    signature = body.rsplit("Salam,\n", 1)[1]
    assert signature.splitlines() == [
        "Perpustakaan Politeknik Contoh",
        "Jl. Contoh No. 2, Makassar",
        "E-mail: layanan@contoh.ac.id",
        "Telepon/WhatsApp: +62 411 000111",
        "https://perpustakaan.contoh.ac.id",
    ]


def test_the_authenticator_issuer_is_the_short_name(make_app, tmp_path) -> None:
    with contoh(make_app, tmp_path).app_context():
        uri = librarians.totp_uri(pyotp.random_base32(), "rina")
    parts = urlsplit(uri)
    assert unquote(parts.path) == "/PPC:rina"
    assert parse_qs(parts.query)["issuer"] == ["PPC"]


def test_the_short_name_defaults_to_the_name(make_app) -> None:
    with make_app(
        LIBRARY_NAME="Perpustakaan Politeknik Contoh", LIBRARY_SHORT_NAME=None
    ).app_context():
        uri = librarians.totp_uri(pyotp.random_base32(), "rina")
    assert parse_qs(urlsplit(uri).query)["issuer"] == ["Perpustakaan Politeknik Contoh"]


@pytest.mark.parametrize(
    "password", ["Politeknik", "POLITEKNIKCONTOH", "perpustakaanpoliteknik", "PPC Kampus"]
)
def test_the_library_names_are_refused_as_passwords(password: str) -> None:
    words = Library(name="Perpustakaan Politeknik Contoh", short_name="PPC Kampus").password_words()
    with pytest.raises(PasswordRejected, match="terlalu umum"):
        check_policy(password, words=words)


def test_another_library_names_are_not_refused() -> None:
    words = Library(name="Perpustakaan Politeknik Contoh", short_name="PPC").password_words()
    assert check_policy("Nusantara", words=words) == "Nusantara"
