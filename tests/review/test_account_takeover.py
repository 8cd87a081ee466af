"""Someone who knows a member's number and name cannot take the member's account: no request
is dropped in silence, requests from different contacts are a conflict the librarian resolves,
the member check says "Cocok" only when the request's e-mail is the one SLiMS holds, an
unverified contact is approved only with how it was verified, someone else's requests never
block the member's own, and SLiMS' password is written only for the e-mail SLiMS holds."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from signup_fn.services import services
from signup_fn.store import schema
from tests.support.review_helpers import ACTIVATION_LINK, add_request, librarian_login, sign_up
from tests.support.slims_export import export_text, member_row
from tests.support.slims_fixture import fresh_slims_database
from tests.support.slims_portal import Slims, slims_for_module
from tests.support.stored import audit_rows, requests_stored, rows
from tests.support.web import PASSWORD, post_form

MEMBER = "P27820121001"
STRANGER = {"name": "Siti Nurhaliza", "email": "pencuri@example.com", "phone": "0899 1111 2222"}


def import_members(app: Flask, tmp_path: Path, **values: str) -> None:
    csv_file = tmp_path / "anggota.csv"
    csv_file.write_text(export_text([member_row(MEMBER, "Siti Nurhaliza", **values)]))
    result = app.test_cli_runner().invoke(args=["members", "import", str(csv_file)])
    assert result.exit_code == 0, result.output


def approve(client: FlaskClient, request_id: int, **data: str):
    return post_form(
        client,
        f"/admin/requests/{request_id}/approve",
        data,
        form_path=f"/admin/requests/{request_id}",
    )


def test_the_members_own_request_is_kept_after_a_strangers(client: FlaskClient) -> None:
    sign_up(client, **STRANGER)
    sign_up(client)  # the member, with the own address
    sign_up(client)  # the member again: one open request per member number and e-mail
    stored = requests_stored(client.application)
    assert sorted(row["email"] for row in stored) == ["pencuri@example.com", "siti@example.ac.id"]
    assert {row["status"] for row in stored} == {"pending"}


def test_strangers_requests_never_block_the_members_own(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(RATE_LIMIT_MEMBER_COUNT=2, RATE_LIMIT_ADDRESS_COUNT=0)
    stranger = app.test_client()
    for _ in range(5):
        stranger.post("/api/signup", json={"member_id": MEMBER, **STRANGER, **CONSENT})
    member = app.test_client()
    response = member.post("/api/signup", json=MEMBERS_OWN)
    assert response.status_code == 202
    assert "siti@example.ac.id" in [row["email"] for row in requests_stored(app)]


CONSENT = {"programme": "D3 Keperawatan", "role": "student", "consent": True, "elapsed_ms": 9000}
MEMBERS_OWN = {"member_id": MEMBER, "name": "Siti Nurhaliza", "email": "siti@example.ac.id"}
MEMBERS_OWN.update(CONSENT)


def test_a_conflict_is_shown_and_blocks_approval_until_resolved(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    import_members(app, tmp_path, member_email="siti@example.ac.id", member_phone="081234567890")
    librarian_login(app, client)
    strangers = add_request(app, **STRANGER)
    own = add_request(app)
    queue = client.get("/admin/").get_data(as_text=True)
    assert queue.count("Konflik") == 2 and "pencuri@example.com" in queue
    detail = client.get(f"/admin/requests/{own}").get_data(as_text=True)
    assert "Konflik" in detail and f"#{strangers}" in detail
    refused = approve(client, own)
    assert refused.status_code == 409 and "kontak lain" in refused.get_data(as_text=True)
    refused = approve(client, strangers, contact="whatsapp")
    assert refused.status_code == 409
    assert rows(app, schema.accounts) == []
    rejected = post_form(
        client,
        f"/admin/requests/{strangers}/reject",
        {"reason": "data_tidak_sesuai"},
        form_path=f"/admin/requests/{strangers}",
    )
    assert rejected.status_code == 200
    assert "Konflik" not in client.get(f"/admin/requests/{own}").get_data(as_text=True)
    approved = approve(client, own)  # its e-mail is SLiMS': no verification to record
    assert approved.status_code == 200, approved.get_data(as_text=True)
    (account,) = rows(app, schema.accounts)
    assert account["email"] == "siti@example.ac.id"
    reasons = [row["reason"] for row in audit_rows(app) if row["action"] == "approved"]
    assert reasons == ["contact:slims_email"]


def test_no_email_in_slims_is_not_cocok_and_says_how_to_verify(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    import_members(app, tmp_path, member_phone="081234567890")  # SLiMS holds no e-mail
    librarian_login(app, client)
    request_id = add_request(app, **STRANGER)
    for page in (client.get("/admin/"), client.get(f"/admin/requests/{request_id}")):
        text = page.get_data(as_text=True)
        assert "Saran: Cocok" not in text
        assert "e-mail belum terverifikasi (SLiMS tidak menyimpan e-mail anggota ini)" in text
        assert "telepon berbeda dengan di SLiMS" in text
        assert "WhatsApp" in text and "kartu mahasiswa" in text
    shown = app.test_cli_runner().invoke(args=["requests", "show", str(request_id)])
    assert "Cocok" not in shown.output and "--contact" in shown.output


def test_an_unverified_contact_needs_how_it_was_verified(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    import_members(app, tmp_path)
    librarian_login(app, client)
    by_page = add_request(app)
    by_cli = add_request(app, member_id="P2")
    refused = approve(client, by_page)
    assert refused.status_code == 422 and "belum terverifikasi" in refused.get_data(as_text=True)
    assert approve(client, by_page, contact="sembarang").status_code == 422
    assert rows(app, schema.accounts) == []
    assert approve(client, by_page, contact="whatsapp").status_code == 200
    runner = app.test_cli_runner()
    cli_refused = runner.invoke(args=["requests", "approve", str(by_cli)])
    assert cli_refused.exit_code == 1 and "belum terverifikasi" in cli_refused.output
    cli_ok = runner.invoke(args=["requests", "approve", str(by_cli), "--contact", "langsung"])
    assert cli_ok.exit_code == 0, cli_ok.output
    assert ACTIVATION_LINK.search(cli_ok.output)
    reasons = [row["reason"] for row in audit_rows(app) if row["action"] == "approved"]
    assert reasons == ["contact:whatsapp", "contact:langsung"]


@pytest.fixture(scope="module")
def slims(mariadb_url: str) -> Iterator[Slims]:
    with fresh_slims_database(mariadb_url) as url:
        yield from slims_for_module(url)


@pytest.mark.mariadb
def test_slims_password_is_written_only_for_the_email_slims_holds(
    make_app: Callable[..., Flask], slims: Slims
) -> None:
    without_email = slims.member("Siti Nurhaliza")
    with_email = slims.member("Siti Nurhaliza", member_email="Siti@Example.ac.id")
    app = make_app(SLIMS_DATABASE_URL=slims.url, SLIMS_WRITE=True)
    librarian = app.test_client()
    librarian_login(app, librarian)
    for member_id in (without_email, with_email):
        request_id = add_request(app, member_id=member_id)
        response = approve(librarian, request_id, contact="langsung")
        link = ACTIVATION_LINK.search(response.get_data(as_text=True)).group(0)
        patron = app.test_client()
        path = link.removeprefix("https://fn.site.example")
        post_form(patron, path, {"password": PASSWORD, "password_confirm": PASSWORD})
    assert slims.mpasswd(without_email) is None
    assert slims.mpasswd(with_email) is not None
    outcomes = [r["outcome"] for r in audit_rows(app) if r["action"] == "slims_password_set"]
    assert outcomes == ["other_email", "ok"]


def db_engine(app: Flask) -> sa.Engine:
    with app.app_context():
        return services().engine


def test_a_correction_cannot_merge_a_conflict(app: Flask) -> None:
    add_request(app, **STRANGER)
    add_request(app)
    result = app.test_cli_runner().invoke(
        args=["privacy", "correct", MEMBER, "--email", "siti@example.ac.id"]
    )
    assert result.exit_code == 1 and "tolak yang bukan milik anggota dulu" in result.output
    assert sorted(row["email"] for row in requests_stored(app)) == [
        "pencuri@example.com",
        "siti@example.ac.id",
    ]
