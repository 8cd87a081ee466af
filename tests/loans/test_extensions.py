"""Extension requests: the patron asks, the librarian grants (in SLiMS with write access, or
by hand in SLiMS circulation) or declines, the patron is e-mailed."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from signup_fn.loans.renewals import tanggal
from signup_fn.mail import outbox as mail
from signup_fn.slims import write as slims_write
from signup_fn.slims.connection import extend_loan, loan_states, make_slims_engine
from signup_fn.store import schema
from tests.support.slims_fixture import (
    add_loan_rule,
    add_member_type,
    add_reserve,
    fresh_slims_database,
    library_now,
    library_today,
)
from tests.support.slims_portal import Slims, librarian_client, slims_for_module
from tests.support.smtp_server import SmtpServer
from tests.support.stored import audit_rows, rows
from tests.support.web import active_account, post_form

pytestmark = pytest.mark.mariadb

FROM = "Perpustakaan <perpustakaan@example.ac.id>"


@pytest.fixture(scope="module")
def slims(mariadb_url: str) -> Iterator[Slims]:
    with fresh_slims_database(mariadb_url) as url:
        for access in slims_for_module(url):
            with access.engine.begin() as connection:
                student = add_member_type(connection, "Mahasiswa", loan_periode=7, reborrow_limit=1)
                lecturer = add_member_type(connection, "Dosen", loan_periode=14, reborrow_limit=2)
                rule = add_loan_rule(connection, lecturer, loan_periode=21, reborrow_limit=3)
            access.types = {"Mahasiswa": student, "Dosen": lecturer, "rule": rule}  # type: ignore[attr-defined]
            yield access


@pytest.fixture
def portal(
    make_app: Callable[..., Flask], slims: Slims, smtp_server: SmtpServer
) -> Callable[..., Flask]:
    """An app on the module's SLiMS with mail to the test SMTP server; `write=True` for write
    access."""

    def build(write: bool = False) -> Flask:
        return make_app(
            SLIMS_DATABASE_URL=slims.url,
            SLIMS_WRITE=write,
            SMTP_URL=smtp_server.url,
            MAIL_FROM=FROM,
        )

    return build


def patron_with_loan(
    app: Flask, slims: Slims, *, due_in: int = 3, member_type: str = "Mahasiswa", **loan: object
) -> tuple[FlaskClient, str, int, str]:
    """A logged-in patron with one current loan: (client, member id, loan id, item code)."""
    member_id = slims.member(member_type_id=slims.types[member_type])  # type: ignore[attr-defined]
    loan_id, code = slims.loan(member_id, "Keperawatan Medikal Bedah", due_in=due_in, **loan)
    client = app.test_client()
    active_account(app, client, member_id)
    return client, member_id, loan_id, code


def ask(client: FlaskClient, loan_id: int, note: str = "Masih isolasi mandiri") -> object:
    return post_form(client, f"/loans/{loan_id}/extend", {"note": note}, form_path="/password")


def only_request(app: Flask) -> dict:
    [found] = rows(app, schema.extension_requests)
    return found


def decide(librarian: FlaskClient, extension_id: int, action: str, note: str = "") -> str:
    response = post_form(
        librarian,
        f"/admin/extensions/{extension_id}/{action}",
        {"decision_note": note},
        form_path="/admin/extensions/",
    )
    assert response.status_code == 303
    return librarian.get("/admin/extensions/").get_data(as_text=True)


def delivered(app: Flask, smtp_server: SmtpServer) -> list:
    mail.send_due(app)
    return smtp_server.messages


def test_patron_asks_once_per_loan(portal: Callable[..., Flask], slims: Slims) -> None:
    app = portal()
    client, _, loan_id, code = patron_with_loan(app, slims)
    response = ask(client, loan_id)
    assert response.status_code == 303 and response.headers["Location"] == "/loans"
    page = client.get("/loans").get_data(as_text=True)
    assert "Permintaan perpanjangan sudah dikirim" in page
    assert "sedang menunggu keputusan" in page
    ask(client, loan_id, "lagi")  # a second click: still one open request
    found = only_request(app)
    assert (found["loan_id"], found["item_code"], found["status"]) == (loan_id, code, "pending")
    assert (
        found["title"] == "Keperawatan Medikal Bedah" and found["note"] == "Masih isolasi mandiri"
    )
    outcomes = [(r["action"], r["outcome"]) for r in audit_rows(app) if "extension" in r["action"]]
    assert outcomes == [("extension_requested", "ok"), ("extension_requested", "duplicate")]
    assert all(code not in (r["reason"] or "") for r in audit_rows(app))  # no loan data there


def test_only_own_current_loans(portal: Callable[..., Flask], slims: Slims) -> None:
    app = portal()
    client, member_id, _, _ = patron_with_loan(app, slims)
    returned, _ = slims.loan(member_id, "Sudah Kembali", due_in=-1, returned=True)
    someone_else, _ = slims.loan(slims.member("Budi"), "Milik Budi", due_in=4)
    assert ask(client, returned).status_code == 404
    assert ask(client, someone_else).status_code == 404
    assert ask(client, 99_999_999).status_code == 404
    assert rows(app, schema.extension_requests) == []
    anonymous = app.test_client()
    assert anonymous.post("/loans/1/extend").status_code == 400  # no CSRF token


def test_granted_in_slims_with_write_access(
    portal: Callable[..., Flask], slims: Slims, smtp_server: SmtpServer
) -> None:
    app = portal(write=True)
    client, _, loan_id, code = patron_with_loan(app, slims)
    before = slims.loan_row(loan_id)
    ask(client, loan_id)
    librarian = librarian_client(app)
    queue = librarian.get("/admin/extensions/").get_data(as_text=True)
    assert "diperpanjang 0 dari" in queue and "1 kali" in queue and "Perpanjangan" in queue
    page = decide(librarian, only_request(app)["id"], "grant", "Semoga lekas sehat")
    new_due = library_today() + timedelta(days=7)  # the member type's loan_periode from today
    assert f"sudah diperpanjang di SLiMS: item {code} sampai tanggal {tanggal(new_due)}" in page
    after = slims.loan_row(loan_id)
    assert (after["due_date"], after["renewed"]) == (new_due, before["renewed"] + 1)
    assert (after["return_date"], after["is_return"]) == (library_today(), 0)  # SLiMS' way
    found = only_request(app)
    assert (found["status"], found["new_due_date"], found["slims_updated"]) == (
        "granted",
        new_due,
        True,
    )
    [message] = delivered(app, smtp_server)
    assert message["To"] == "siti@example.ac.id"
    assert "disetujui" in message["Subject"]
    body = message.get_content()
    assert tanggal(new_due) in body and code in body and "Semoga lekas sehat" in body
    assert tanggal(new_due) in client.get("/loans").get_data(as_text=True)


def test_the_loan_rule_sets_the_period(portal: Callable[..., Flask], slims: Slims) -> None:
    app = portal(write=True)
    client, _, loan_id, _ = patron_with_loan(
        app,
        slims,
        member_type="Dosen",
        loan_rules_id=slims.types["rule"],  # type: ignore[attr-defined]
    )
    before = slims.loan_row(loan_id)
    ask(client, loan_id)
    decide(librarian_client(app), only_request(app)["id"], "grant")
    assert before["due_date"] != library_today() + timedelta(days=21)
    assert slims.loan_row(loan_id)["due_date"] == library_today() + timedelta(days=21)


def test_refused_at_the_limit_then_declined(
    portal: Callable[..., Flask], slims: Slims, smtp_server: SmtpServer
) -> None:
    app = portal(write=True)
    client, _, loan_id, code = patron_with_loan(app, slims, due_in=-2, renewed=1)
    before = slims.loan_row(loan_id)
    ask(client, loan_id)
    librarian = librarian_client(app)
    extension_id = only_request(app)["id"]
    page = decide(librarian, extension_id, "grant")
    assert (
        "Belum disetujui: Batas perpanjangan tercapai: sudah diperpanjang 1 kali dari batas 1"
        in (page)
    )
    assert slims.loan_row(loan_id) == before  # SLiMS untouched
    assert only_request(app)["status"] == "pending"  # left for the librarian to decline
    assert delivered(app, smtp_server) == []
    page = decide(librarian, extension_id, "decline")  # a reason is required
    assert "Tulis alasan penolakan" in page and only_request(app)["status"] == "pending"
    decide(librarian, extension_id, "decline", "Batas perpanjangan sudah tercapai.")
    assert only_request(app)["status"] == "declined"
    [message] = delivered(app, smtp_server)
    assert "tidak dapat disetujui" in message["Subject"]
    assert "Batas perpanjangan sudah tercapai." in message.get_content() and code in (
        message.get_content()
    )
    assert "Batas perpanjangan sudah tercapai." in client.get("/loans").get_data(as_text=True)


def test_a_reserved_copy_is_not_extended(portal: Callable[..., Flask], slims: Slims) -> None:
    app = portal(write=True)
    client, _, loan_id, code = patron_with_loan(app, slims)
    with slims.engine.begin() as connection:
        add_reserve(connection, slims.member("Budi"), 1, code)
    ask(client, loan_id)
    page = decide(librarian_client(app), only_request(app)["id"], "grant")
    assert "sedang dipesan (reservasi)" in page and only_request(app)["status"] == "pending"
    assert slims.loan_row(loan_id)["renewed"] == 0


def test_read_only_tells_the_librarian_what_to_do_in_slims(
    portal: Callable[..., Flask], slims: Slims, smtp_server: SmtpServer
) -> None:
    app = portal(write=False)
    client, _, loan_id, code = patron_with_loan(app, slims)
    before = slims.loan_row(loan_id)
    ask(client, loan_id)
    librarian = librarian_client(app)
    extension_id = only_request(app)["id"]
    page = decide(librarian, extension_id, "grant")
    new_due = tanggal(library_today() + timedelta(days=7))
    instruction = f"Perpanjang di modul sirkulasi SLiMS: item {code} sampai tanggal {new_due}."
    assert page.count(instruction) == 2  # the message, and the to-do list
    assert slims.loan_row(loan_id) == before  # nothing written to SLiMS
    assert slims_write.WRITE_ENGINE_KEY not in app.extensions  # no write Engine was ever made
    found = only_request(app)
    assert (found["status"], found["slims_updated"]) == ("granted", False)
    [message] = delivered(app, smtp_server)
    assert new_due in message.get_content() and "Pustakawan mencatat" in message.get_content()
    response = post_form(
        librarian, f"/admin/extensions/{extension_id}/done", {}, form_path="/admin/extensions/"
    )
    assert response.status_code == 303
    page = librarian.get("/admin/extensions/").get_data(as_text=True)
    assert "Ditandai sudah dikerjakan" in page and instruction not in page
    assert "extension_done_in_slims" in [row["action"] for row in audit_rows(app)]


def test_the_guard_refuses_a_stale_or_exhausted_loan(slims: Slims) -> None:
    member_id = slims.member(member_type_id=slims.types["Mahasiswa"])  # type: ignore[attr-defined]
    loan_id, _ = slims.loan(member_id, "Gizi Klinik", due_in=3)
    reader, writer = make_slims_engine(slims.url), make_slims_engine(slims.url, write=True)
    today = library_today()
    write = {"now": library_now(), "fine_description": "Overdue fines for item {item_code}"}
    try:
        with reader.connect() as connection:
            state = loan_states(connection, [loan_id], today)[loan_id]
        new_due = state.new_due_date()
        assert new_due is not None
        with reader.connect() as connection, pytest.raises(sa.exc.DBAPIError, match="READ ONLY"):
            extend_loan(connection, state, new_due, **write)  # the read-only session refuses
        with writer.begin() as connection:
            assert extend_loan(connection, state, new_due, **write)
        with writer.begin() as connection:
            assert not extend_loan(connection, state, new_due, **write)  # stale: it changed
        with reader.connect() as connection:
            fresh = loan_states(connection, [loan_id], today)[loan_id]
        assert fresh.limit_reached and fresh.extended_today
        with writer.begin() as connection:
            assert not extend_loan(connection, fresh, new_due, **write)  # extended today
    finally:
        reader.dispose()
        writer.dispose()
    assert slims.loan_row(loan_id)["renewed"] == 1


def test_slims_down_when_granting_changes_nothing(
    portal: Callable[..., Flask], slims: Slims, make_app: Callable[..., Flask]
) -> None:
    app = portal(write=True)
    client, _, loan_id, _ = patron_with_loan(app, slims)
    ask(client, loan_id)
    librarian = librarian_client(app)
    app.config["SLIMS_DATABASE_URL"] = re.sub(r"@[^/]+/", "@127.0.0.1:1/", slims.url)
    for key in ("signup_fn.slims_engine", slims_write.WRITE_ENGINE_KEY):
        engine = app.extensions.pop(key, None)
        if engine is not None:
            engine.dispose()
    queue = librarian.get("/admin/extensions/")
    assert queue.status_code == 200 and "SLiMS sedang tidak dapat dihubungi" in queue.get_data(
        as_text=True
    )
    page = decide(librarian, only_request(app)["id"], "grant")
    assert "Belum disetujui: Basis data SLiMS sedang tidak dapat dihubungi" in page
    assert only_request(app)["status"] == "pending"


@pytest.mark.parametrize(("bad", "action"), [("\x00", "grant"), ("\x1b[31m", "decline")])
def test_notes_follow_the_typed_text_rule(
    portal: Callable[..., Flask], slims: Slims, smtp_server: SmtpServer, bad: str, action: str
) -> None:
    app = portal(write=True)
    client, _, loan_id, _ = patron_with_loan(app, slims)
    before = slims.loan_row(loan_id)
    ask(client, loan_id, f"Masih{bad}isolasi\u202e")  # the patron's note: nothing stored
    assert rows(app, schema.extension_requests) == []
    ask(client, loan_id, "Masih isolasi\r\nmandiri")
    librarian = librarian_client(app)
    extension_id = only_request(app)["id"]
    assert only_request(app)["note"] == "Masih isolasi\nmandiri"
    page = decide(librarian, extension_id, action, f"Buku{bad}dipesan")
    assert f"U+{ord(bad[0]):04X}" in page
    assert only_request(app)["status"] == "pending"
    assert only_request(app)["decision_note"] is None
    assert slims.loan_row(loan_id) == before
    assert delivered(app, smtp_server) == []
    # line breaks are allowed (a pasted note), then joined into one line
    decide(librarian, extension_id, "decline", "Sudah dipesan\r\nanggota lain.")
    assert only_request(app)["decision_note"] == "Sudah dipesan anggota lain."
