"""Acceptance: the whole path through HTTP, on SQLite and the real PostgreSQL.

sign-up → a librarian (added on the command line, password set through the setup link)
logs in → the member check shows the evidence of the member database (an imported SLiMS CSV
export, or SLiMS' own `member` table in the real MariaDB) → approve → the e-mail arrives at a
real SMTP server on loopback → the activation link from it → password → login → /members
lists the members-only resources → /go/<id> redirects to the real URL; logged out, to login.
The rejection path likewise. Afterwards no audit row holds the member number, name, e-mail,
phone, a password, the activation token or a session cookie.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from signup_fn.auth import sessions as auth_session
from tests.support.audit_trail import leaks
from tests.support.catalog_sample import MEMBERS_URL, SECOND_MEMBERS_URL, write_catalog
from tests.support.review_helpers import librarian_login
from tests.support.samples import VALID
from tests.support.slims_export import export_text, member_row
from tests.support.slims_fixture import add_member, fresh_slims_database, library_today
from tests.support.smtp_server import SmtpServer
from tests.support.stored import audit_rows, requests_stored
from tests.support.web import PASSWORD as LIBRARIAN_PASSWORD
from tests.support.web import csrf_token, post_form, session_cookie

PATRON_PASSWORD = "ombak pagi di pantai anyer"
BASE_URL = "https://fn.site.example"
ACTIVATION_LINK = re.compile(re.escape(BASE_URL) + r"(/activate\?token=([A-Za-z0-9_-]+))")
MAIL_FROM = "Perpustakaan <perpustakaan@poltekkes.example.ac.id>"
SITE = "https://site.example"


@pytest.fixture
def catalog_path(tmp_path: Path) -> Path:
    return write_catalog(tmp_path / "resources.yml")


@pytest.fixture
def csv_app(
    make_app: Callable[..., Flask], smtp_server: SmtpServer, catalog_path: Path, tmp_path: Path
) -> Flask:
    """The function with the SLiMS member list imported from a CSV export."""
    app = make_app(SMTP_URL=smtp_server.url, MAIL_FROM=MAIL_FROM, CATALOG_PATH=str(catalog_path))
    export = tmp_path / "anggota.csv"
    export.write_text(
        export_text(
            [
                member_row(VALID["member_id"], VALID["name"], member_email=VALID["email"]),
                member_row("P27820121002", "Budi Santoso", member_email="budi@example.ac.id"),
            ],
            header=True,
        ),
        encoding="utf-8",
    )
    result = app.test_cli_runner().invoke(args=["members", "import", str(export)])
    assert result.exit_code == 0, result.output
    return app


@pytest.fixture
def slims_app(
    make_app: Callable[..., Flask], smtp_server: SmtpServer, catalog_path: Path, mariadb_url: str
) -> Iterator[Flask]:
    """The function looking members up in a SLiMS-shaped `member` table in the real MariaDB."""
    with fresh_slims_database(mariadb_url) as slims_url:
        engine = sa.create_engine(slims_url)
        with engine.begin() as connection:
            add_member(
                connection,
                VALID["member_id"],
                VALID["name"],
                member_email=VALID["email"],
                inst_name=VALID["programme"],
                expire_date=library_today() + timedelta(days=300),
            )
        engine.dispose()
        yield make_app(
            SMTP_URL=smtp_server.url,
            MAIL_FROM=MAIL_FROM,
            CATALOG_PATH=str(catalog_path),
            SLIMS_DATABASE_URL=slims_url,
        )


def sign_up(app: Flask, body: dict[str, Any] = VALID) -> int:
    """The site's form posts to the public API; returns the stored request's id."""
    response = app.test_client().post("/api/signup", json=body, headers={"Origin": SITE})
    assert response.status_code == 202, response.get_data(as_text=True)
    assert response.headers["Access-Control-Allow-Origin"] == SITE
    (request,) = [row for row in requests_stored(app) if row["member_id"] == body["member_id"]]
    assert request["status"] == "pending"
    return request["id"]


def deliver(app: Flask, smtp_server: SmtpServer, count: int) -> list[Any]:
    """The messages at the SMTP server (sent after the response, else by `mail send`)."""
    if len(smtp_server.messages) < count:
        result = app.test_cli_runner().invoke(args=["mail", "send"])
        assert result.exit_code == 0, result.output
    assert len(smtp_server.messages) == count
    return smtp_server.messages


def decide(librarian: FlaskClient, request_id: int, action: str, **data: str) -> str:
    detail = f"/admin/requests/{request_id}"
    response = post_form(librarian, f"{detail}/{action}", data, form_path=detail)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def walk_to_the_resource(app: Flask, smtp_server: SmtpServer, source_label: str) -> None:
    request_id = sign_up(app)

    librarian = app.test_client()
    librarian_login(app, librarian)
    queue = librarian.get("/admin/").get_data(as_text=True)
    assert source_label in queue
    assert VALID["name"] in queue
    assert "Anggota dikenal; nama sama" in queue and "e-mail sama" in queue
    detail = librarian.get(f"/admin/requests/{request_id}").get_data(as_text=True)
    assert "ditemukan" in detail and "kedaluwarsa: tidak" in detail
    assert "Saran: Cocok" in detail
    decide(librarian, request_id, "approve")
    assert requests_stored(app)[0]["status"] == "approved"

    (message,) = deliver(app, smtp_server, 1)
    assert message["To"] == VALID["email"]
    assert "disetujui" in message["Subject"]
    body = message.get_content()
    assert VALID["member_id"] in body
    path, token = ACTIVATION_LINK.search(body).groups()

    patron = app.test_client()
    assert VALID["member_id"] in patron.get(path).get_data(as_text=True)
    activated = post_form(
        patron, path, {"password": PATRON_PASSWORD, "password_confirm": PATRON_PASSWORD}
    )
    assert (activated.status_code, activated.headers["Location"]) == (303, "/members")
    cookies = [session_cookie(patron)]
    assert patron.get(path).status_code == 404  # the link works once

    post_form(patron, "/logout", {}, form_path="/members")
    assert patron.get("/members").status_code == 302
    logged_in = post_form(
        patron, "/login", {"member_id": VALID["member_id"], "password": PATRON_PASSWORD}
    )
    assert (logged_in.status_code, logged_in.headers["Location"]) == (303, "/members")
    cookies.append(session_cookie(patron))

    page = patron.get("/members").get_data(as_text=True)
    assert "Koleksi Anggota" in page and "Buku Anggota" in page
    assert "Jurnal Berbayar" not in page and "Sumber Gratis" not in page
    assert VALID["member_id"] in page and VALID["email"] in page
    opened = patron.get("/go/koleksi-anggota")
    assert (opened.status_code, opened.headers["Location"]) == (302, MEMBERS_URL)
    assert patron.get("/go/buku-anggota").headers["Location"] == SECOND_MEMBERS_URL

    post_form(patron, "/logout", {}, form_path="/members")
    bounced = patron.get("/go/koleksi-anggota")
    assert (bounced.status_code, bounced.headers["Location"]) == (
        302,
        "/login?next=/go/koleksi-anggota",
    )
    replay = app.test_client()
    replay.set_cookie(auth_session.COOKIE_NAME, cookies[-1])
    assert replay.get("/go/koleksi-anggota").headers["Location"].startswith("/login")

    actions = [row["action"] for row in audit_rows(app)]
    for step in (
        "signup",
        "checked",
        "approved",
        "mail_queued",
        "mailed",
        "activated",
        "login_ok",
        "access",
        "logout",
    ):
        assert step in actions, step
    secrets = [
        VALID["member_id"],
        VALID["name"],
        VALID["email"],
        VALID["phone"],
        PATRON_PASSWORD,
        LIBRARIAN_PASSWORD,
        token,
        *cookies,
        session_cookie(librarian),
        csrf_token(librarian, "/admin/"),
    ]
    assert leaks(audit_rows(app), secrets) == []


def test_whole_path_with_the_imported_slims_csv(csv_app: Flask, smtp_server: SmtpServer) -> None:
    walk_to_the_resource(csv_app, smtp_server, "daftar anggota hasil impor CSV dari SLiMS")


def test_whole_path_with_slims_in_mariadb(slims_app: Flask, smtp_server: SmtpServer) -> None:
    walk_to_the_resource(slims_app, smtp_server, "basis data SLiMS")


def test_whole_path_of_a_rejection(csv_app: Flask, smtp_server: SmtpServer) -> None:
    stranger = {
        **VALID,
        "member_id": "P27820129999",
        "name": "Tak Dikenal",
        "email": "tak.dikenal@example.ac.id",
    }
    request_id = sign_up(csv_app, stranger)
    librarian = csv_app.test_client()
    librarian_login(csv_app, librarian)
    queue = librarian.get("/admin/").get_data(as_text=True)
    assert "Nomor anggota <strong>tidak ditemukan</strong>" in queue
    detail = librarian.get(f"/admin/requests/{request_id}").get_data(as_text=True)
    assert "Tolak: bukan anggota" in detail
    decide(librarian, request_id, "reject", reason="bukan_anggota")
    assert requests_stored(csv_app)[0]["status"] == "rejected"

    (message,) = deliver(csv_app, smtp_server, 1)
    assert message["To"] == stranger["email"]
    body = message.get_content()
    assert "Alasan: Bukan anggota perpustakaan" in body
    assert "Langkah selanjutnya:" in body and "meja layanan" in body
    assert "/activate" not in body

    patron = csv_app.test_client()
    refused = post_form(
        patron, "/login", {"member_id": stranger["member_id"], "password": PATRON_PASSWORD}
    )
    assert refused.status_code == 200  # the login form again: no account
    assert patron.get("/go/koleksi-anggota").headers["Location"].startswith("/login")
    rejected = [row for row in audit_rows(csv_app) if row["action"] == "rejected"]
    assert [row["request_id"] for row in rejected] == [request_id]
    secrets = [stranger["member_id"], stranger["name"], stranger["email"], VALID["phone"]]
    assert leaks(audit_rows(csv_app), secrets) == []
