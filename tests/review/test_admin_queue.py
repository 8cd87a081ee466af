"""The admin queue and a request's page: access, order and age, the member check's evidence
(imported CSV, SLiMS in MariaDB, unavailable), escaping, CSRF, no-store, audit `checked`."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from signup_fn.store.engine import utcnow
from tests.support.review_helpers import add_request, librarian_login, set_request_times
from tests.support.slims_export import export_text, member_row
from tests.support.slims_fixture import add_member, fresh_slims_database, library_today
from tests.support.stored import audit_rows
from tests.support.web import active_account, login


def import_members(app: Flask, tmp_path: Path, *rows: dict[str, str]) -> None:
    csv_file = tmp_path / "anggota.csv"
    csv_file.write_text(export_text(rows), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["members", "import", str(csv_file)])
    assert result.exit_code == 0, result.output


def test_admin_pages_need_a_librarian(app: Flask, client: FlaskClient) -> None:
    request_id = add_request(app)
    for path in ("/admin/", f"/admin/requests/{request_id}", "/admin/reports"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/admin/login?next=")
    for path in (f"/admin/requests/{request_id}/approve", f"/admin/requests/{request_id}/reject"):
        assert client.post(path).status_code in (302, 400)  # no session, no CSRF token
    # a patron's session is not a librarian's
    active_account(app, client, "P99")
    login(client, "P99")
    assert client.get("/admin/").status_code == 302
    assert client.get("/admin/reports.csv?report=status").status_code == 302


def test_queue_oldest_first_with_age_and_count(app: Flask, client: FlaskClient) -> None:
    librarian_login(app, client)
    now = utcnow()
    newer = add_request(app, member_id="P2", name="Budi Newer")
    older = add_request(app, member_id="P1", name="Ani Older")
    set_request_times(app, older, created_at=now - timedelta(hours=3, minutes=5))
    set_request_times(app, newer, created_at=now - timedelta(minutes=7))
    response = client.get("/admin/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.index("Ani Older") < page.index("Budi Newer")
    assert "3 jam yang lalu" in page and "7 menit yang lalu" in page
    assert "Antrean" in page and "(2)" in page  # the tab's badge
    assert "2 permintaan menunggu" in page
    assert "Masuk sebagai <strong>rina</strong>" in page
    assert response.headers["Cache-Control"] == "no-store"
    assert "script-src" not in response.headers["Content-Security-Policy"]
    assert "<script" not in page and "style=" not in page


def test_evidence_from_imported_csv(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    librarian_login(app, client)
    import_members(
        app,
        tmp_path,
        member_row(
            "P27820121001",
            "Siti Nurhaliza, S.Kep.",
            member_email="siti@example.ac.id",
            expire_date="2020-01-31",
        ),
        member_row("P2", "Budi Santoso", member_email="budi@example.ac.id"),
    )
    expired = add_request(app)  # Siti: the same name, membership expired
    other_name = add_request(app, member_id="P2", name="Agus Salim", email="agus@example.ac.id")
    unknown = add_request(app, member_id="P404", name="Tak Dikenal")
    page = client.get("/admin/").get_data(as_text=True)
    assert "daftar anggota hasil impor CSV dari SLiMS" in page and "2 anggota, diimpor" in page
    assert "keanggotaan berakhir 31-01-2020" in page
    assert "nama berbeda" in page and "e-mail berbeda" in page
    assert "Nomor anggota <strong>tidak ditemukan</strong>" in page
    detail = client.get(f"/admin/requests/{expired}").get_data(as_text=True)
    assert "Siti Nurhaliza, S.Kep." in detail and "31-01-2020" in detail
    assert "kedaluwarsa: ya" in detail and "Setujui" in detail and "Tolak" in detail
    for reason in ("Bukan anggota perpustakaan", "Permintaan ganda"):
        assert reason in detail
    assert client.get(f"/admin/requests/{other_name}").status_code == 200
    assert client.get(f"/admin/requests/{unknown}").status_code == 200
    assert client.get("/admin/requests/999").status_code == 404


def test_evidence_unavailable_before_any_import(app: Flask, client: FlaskClient) -> None:
    librarian_login(app, client)
    request_id = add_request(app)
    page = client.get("/admin/").get_data(as_text=True)
    assert "Data anggota tidak tersedia" in page and "belum diimpor" in page
    assert "(belum pernah diimpor)" in page
    detail = client.get(f"/admin/requests/{request_id}").get_data(as_text=True)
    assert "Periksa manual" in detail


@pytest.mark.mariadb
def test_evidence_from_slims_and_slims_down(
    make_app: Callable[..., Flask], mariadb_url: str
) -> None:
    with fresh_slims_database(mariadb_url) as slims_url:
        engine = sa.create_engine(slims_url)
        with engine.begin() as connection:
            add_member(
                connection,
                "P27820121001",
                "Siti Nurhalisa",
                member_email="siti@example.ac.id",
                is_pending=1,
                expire_date=library_today() + timedelta(days=100),
            )
        engine.dispose()
        app = make_app(SLIMS_DATABASE_URL=slims_url)
        client = app.test_client()
        librarian_login(app, client)
        request_id = add_request(app)
        page = client.get("/admin/").get_data(as_text=True)
        assert "basis data SLiMS" in page
        assert "nama mirip" in page and "tertunda: ya" in page and "e-mail sama" in page
        detail = client.get(f"/admin/requests/{request_id}").get_data(as_text=True)
        assert "Siti Nurhalisa" in detail and "keanggotaan masih tertunda" in detail
    down = make_app(SLIMS_DATABASE_URL="mysql+pymysql://root@127.0.0.1:1/none", SLIMS_TIMEOUT=1)
    client = down.test_client()
    librarian_login(down, client, "tono")
    add_request(down, member_id="P3")
    add_request(down, member_id="P4")
    page = client.get("/admin/").get_data(as_text=True)
    assert page.count("Data anggota tidak tersedia") == 3 and "basis data SLiMS" in page


def test_patron_data_is_escaped(app: Flask, client: FlaskClient) -> None:
    librarian_login(app, client)
    request_id = add_request(
        app, name="<script>alert(1)</script>", programme='"><img src=x onerror=alert(2)>'
    )
    for path in ("/admin/", f"/admin/requests/{request_id}"):
        page = client.get(path).get_data(as_text=True)
        assert "<script>alert(1)</script>" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_viewing_a_request_records_the_check_once_per_librarian(
    app: Flask, client: FlaskClient
) -> None:
    first = librarian_login(app, client)
    request_id = add_request(app)
    client.get(f"/admin/requests/{request_id}")
    client.get(f"/admin/requests/{request_id}")
    other_client = app.test_client()
    second = librarian_login(app, other_client, "tono")
    other_client.get(f"/admin/requests/{request_id}")
    checked = [row for row in audit_rows(app) if row["action"] == "checked"]
    assert [(row["actor"], row["request_id"]) for row in checked] == [
        (f"librarian:{first}", request_id),
        (f"librarian:{second}", request_id),
    ]


def test_every_post_needs_the_csrf_token(app: Flask, client: FlaskClient) -> None:
    librarian_login(app, client)
    request_id = add_request(app)
    approve = client.post(f"/admin/requests/{request_id}/approve")
    reject = client.post(f"/admin/requests/{request_id}/reject", data={"reason": "bukan_anggota"})
    forged = client.post(f"/admin/requests/{request_id}/approve", data={"csrf_token": "forged"})
    assert approve.status_code == reject.status_code == forged.status_code == 400
    assert client.get(f"/admin/requests/{request_id}").get_data(as_text=True).count("menunggu")
    assert [row for row in audit_rows(app) if row["action"] in ("approved", "rejected")] == []
