"""Decisions (approve, reject) through the admin pages and the CLI: one transaction each,
e-mail through the outbox to a real SMTP server, the link shown once without one, double
decisions refused, SMTP down, and the new-requests digest."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from signup_fn.auth.tokens import hash_token
from signup_fn.services import services
from signup_fn.store import schema
from signup_fn.store.engine import transaction, utcnow
from tests.support.review_helpers import (
    ACTIVATION_LINK,
    add_request,
    librarian_login,
    reject,
    sign_up,
)
from tests.support.smtp_server import SmtpServer, free_port, make_smtp_server
from tests.support.stored import audit_rows, count, requests_stored, rows
from tests.support.web import CSRF_FIELD, PASSWORD, active_account, post_form


def approve(client: FlaskClient, request_id: int, **kwargs: object) -> object:
    return post_form(
        client,
        f"/admin/requests/{request_id}/approve",
        {"contact": "langsung"},
        form_path=f"/admin/requests/{request_id}",
        **kwargs,
    )


def actions(app: Flask, request_id: int) -> list[str]:
    return [row["action"] for row in audit_rows(app) if row["request_id"] == request_id]


def test_approve_sends_the_activation_mail_with_a_base_url_link(
    make_app: Callable[..., Flask], smtp_server: SmtpServer
) -> None:
    app = make_app(SMTP_URL=smtp_server.url, MAIL_FROM="Perpustakaan <lib@example.ac.id>")
    client = app.test_client()
    librarian_id = librarian_login(app, client)
    request_id = add_request(app)
    token = CSRF_FIELD.search(client.get(f"/admin/requests/{request_id}").get_data(as_text=True))
    for cookie in list(client._cookies.values()):  # the browser's cookies, for a forged Host
        client.set_cookie(cookie.key, cookie.value, domain="evil.example")
    response = client.post(
        f"/admin/requests/{request_id}/approve",
        data={"csrf_token": token.group(1), "contact": "langsung"},
        headers={"Host": "evil.example"},
    )
    page = response.get_data(as_text=True)
    response.close()  # the outbox is tried once the response is out
    assert response.status_code == 200 and "disetujui" in page
    assert "/activate" not in page  # mailed, not shown
    (request,) = requests_stored(app)
    assert request["status"] == "approved"
    (decision,) = rows(app, schema.request_decisions)
    assert decision["decided_by"] == f"librarian:{librarian_id}"
    (account,) = rows(app, schema.accounts)
    assert account["status"] == "pending_activation" and account["request_id"] == request_id
    assert decision["account_id"] == account["id"]
    assert actions(app, request_id) == ["checked", "approved", "mail_queued"]
    (message,) = smtp_server.messages
    assert message["To"] == "siti@example.ac.id"
    assert message["Subject"] == "Akun e-resource Anda sudah disetujui"
    body = message.get_content()
    link = ACTIVATION_LINK.search(body).group(0)  # built from BASE_URL, not the forged Host
    assert "evil.example" not in body
    token = link.rsplit("token=", 1)[1]
    stored_tokens = rows(app, schema.tokens)
    assert hash_token(token) in [row["token_hash"] for row in stored_tokens]
    assert token not in repr(stored_tokens) and token not in repr(audit_rows(app))
    # the patron activates through the link
    patron = app.test_client()
    activated = post_form(
        patron, f"/activate?token={token}", {"password": PASSWORD, "password_confirm": PASSWORD}
    )
    assert activated.status_code == 303


def test_without_smtp_the_link_is_shown_once(app: Flask, client: FlaskClient) -> None:
    librarian_login(app, client)
    request_id = add_request(app)
    response = approve(client, request_id)
    page = response.get_data(as_text=True)
    link = ACTIVATION_LINK.search(page).group(0)
    assert "hanya ditampilkan sekali" in page
    assert response.headers["Cache-Control"] == "no-store"
    assert count(app, schema.outbox) == 0  # the raw link is stored nowhere
    assert actions(app, request_id) == ["checked", "approved", "link_handed_over"]
    token = link.rsplit("token=", 1)[1]
    for path in ("/admin/", f"/admin/requests/{request_id}", "/admin/reports"):
        assert token not in client.get(path).get_data(as_text=True)
    again = approve(client, request_id)
    assert again.status_code == 409 and token not in again.get_data(as_text=True)
    assert "sudah disetujui" in again.get_data(as_text=True)


def test_reject_with_a_listed_or_typed_reason_mails_the_patron(
    make_app: Callable[..., Flask], smtp_server: SmtpServer
) -> None:
    app = make_app(SMTP_URL=smtp_server.url, MAIL_FROM="lib@example.ac.id")
    client = app.test_client()
    librarian_login(app, client)
    listed = add_request(app)
    typed = add_request(app, member_id="P2", email="budi@example.ac.id")
    missing = add_request(app, member_id="P3")
    response = reject(client, listed, reason="keanggotaan_berakhir")
    assert response.status_code == 200 and "ditolak" in response.get_data(as_text=True)
    response.close()
    reject(client, typed, reason="bukan_anggota", reason_other="Kartu anggota <rusak>").close()
    refused = reject(client, missing)
    assert refused.status_code == 422 and "Pilih alasan" in refused.get_data(as_text=True)
    statuses = {row["id"]: row["status"] for row in requests_stored(app)}
    assert statuses == {listed: "rejected", typed: "rejected", missing: "pending"}
    reasons = {row["request_id"]: row["reason"] for row in rows(app, schema.request_decisions)}
    assert reasons == {
        listed: "Keanggotaan sudah berakhir — perpanjang dulu di perpustakaan",
        typed: "Kartu anggota <rusak>",
    }
    audit = {
        row["request_id"]: row["reason"] for row in audit_rows(app) if row["action"] == "rejected"
    }
    assert audit == {listed: "keanggotaan_berakhir", typed: "lainnya"}  # no free text
    first, second = smtp_server.messages
    assert first["Subject"] == "Permintaan akun e-resource Anda belum dapat disetujui"
    assert "Keanggotaan sudah berakhir" in first.get_content()
    assert "Perpanjang keanggotaan" in first.get_content()
    assert second["To"] == "budi@example.ac.id"
    assert "Alasan: Kartu anggota <rusak>" in second.get_content()
    assert count(app, schema.accounts) == 0


def test_a_second_decision_is_refused(app: Flask, client: FlaskClient) -> None:
    librarian_login(app, client)
    request_id = add_request(app)
    page = client.get(f"/admin/requests/{request_id}").get_data(as_text=True)
    token = CSRF_FIELD.search(page).group(1)
    first = client.post(
        f"/admin/requests/{request_id}/approve", data={"csrf_token": token, "contact": "langsung"}
    )
    double = client.post(
        f"/admin/requests/{request_id}/approve", data={"csrf_token": token, "contact": "langsung"}
    )
    other = client.post(
        f"/admin/requests/{request_id}/reject",
        data={"csrf_token": token, "reason": "permintaan_ganda"},
    )
    assert first.status_code == 200
    assert double.status_code == other.status_code == 409
    assert "sudah disetujui; keputusan tidak diubah" in other.get_data(as_text=True)
    assert count(app, schema.accounts) == count(app, schema.request_decisions) == 1
    assert actions(app, request_id).count("approved") == 1
    assert client.post("/admin/requests/999/approve", data={"csrf_token": token}).status_code == 404


def test_approving_a_member_with_an_active_account_changes_nothing(
    app: Flask, client: FlaskClient
) -> None:
    active_account(app, app.test_client())
    librarian_login(app, client)
    request_id = add_request(app)
    response = approve(client, request_id)
    assert response.status_code == 409 and "sudah memiliki akun" in response.get_data(as_text=True)
    assert requests_stored(app)[0]["status"] == "pending"
    assert count(app, schema.request_decisions) == 0
    assert "approved" not in actions(app, request_id)


def test_smtp_down_keeps_the_decision_and_mail_send_delivers_later(
    make_app: Callable[..., Flask],
) -> None:
    port = free_port()
    app = make_app(SMTP_URL=f"smtp://127.0.0.1:{port}", MAIL_FROM="lib@example.ac.id")
    client = app.test_client()
    librarian_login(app, client)
    request_id = add_request(app)
    response = approve(client, request_id)
    response.close()  # the send after the response fails: the server is down
    assert response.status_code == 200
    assert requests_stored(app)[0]["status"] == "approved"
    (queued,) = rows(app, schema.outbox)
    assert queued["sent_at"] is None and queued["attempts"] == 1
    server = make_smtp_server(port)
    server.start()
    try:
        with app.app_context(), transaction(services().engine) as connection:
            connection.execute(schema.outbox.update().values(next_attempt_at=utcnow()))
        result = app.test_cli_runner().invoke(args=["mail", "send"])
        assert "Terkirim: 1" in result.output, result.output
        (message,) = server.messages
        assert ACTIVATION_LINK.search(message.get_content())
    finally:
        server.stop()


def test_cli_list_show_approve_reject(app: Flask, runner: object) -> None:
    first = add_request(app)
    second = add_request(app, member_id="P2", name="Budi Santoso", email="budi@example.ac.id")
    result = runner.invoke(args=["requests", "list"])
    assert result.exit_code == 0
    assert result.output.index(f"#{first}") < result.output.index(f"#{second}")
    assert "2 permintaan." in result.output
    shown = runner.invoke(args=["requests", "show", str(first)])
    assert "Siti Nurhaliza" in shown.output and "Periksa manual" in shown.output
    approved = runner.invoke(args=["requests", "approve", str(first), "--contact", "langsung"])
    assert approved.exit_code == 0, approved.output
    assert (
        ACTIVATION_LINK.search(approved.output) and "tidak akan ditampilkan lagi" in approved.output
    )
    again = runner.invoke(args=["requests", "approve", str(first), "--contact", "langsung"])
    assert again.exit_code == 1 and "sudah disetujui" in again.output
    assert ACTIVATION_LINK.search(again.output) is None
    librarian_id = librarian_login(app, app.test_client())
    rejected = runner.invoke(
        args=["requests", "reject", str(second), "--reason", "bukan_anggota", "--by", "rina"]
    )
    assert rejected.exit_code == 0, rejected.output
    assert "Bukan anggota perpustakaan" in rejected.output
    unknown = runner.invoke(args=["requests", "reject", "1", "--reason", "x", "--by", "nobody"])
    assert unknown.exit_code == 2
    listed = runner.invoke(args=["requests", "list", "--status", "all"])
    assert "approved" in listed.output and "rejected" in listed.output
    deciders = {row["request_id"]: row["decided_by"] for row in rows(app, schema.request_decisions)}
    assert deciders == {first: "cli", second: f"librarian:{librarian_id}"}
    assert "Keputusan" in runner.invoke(args=["requests", "show", str(second)]).output
    (mail,) = rows(app, schema.outbox)  # the rejection (no SMTP: stays queued)
    assert mail["to_address"] == "budi@example.ac.id"


def test_digest_goes_to_librarians_only_for_new_requests(
    make_app: Callable[..., Flask], smtp_server: SmtpServer
) -> None:
    app = make_app(SMTP_URL=smtp_server.url, MAIL_FROM="lib@example.ac.id")
    client = app.test_client()
    librarian_login(app, client, "rina", email="rina@example.ac.id")
    librarian_login(app, app.test_client(), "tono")  # no e-mail address
    runner = app.test_cli_runner()
    assert "Tidak ada permintaan baru" in runner.invoke(args=["requests", "notify"]).output
    sign_up(client)
    sign_up(client, member_id="P2", email="budi@example.ac.id")
    result = runner.invoke(args=["requests", "notify"])
    assert "1 pustakawan" in result.output, result.output
    (digest,) = [m for m in smtp_server.messages if m["To"] == "rina@example.ac.id"]
    assert digest["Subject"] == "2 permintaan akun e-resource baru menunggu pemeriksaan"
    assert "https://fn.site.example/admin/" in digest.get_content()
    assert "Siti" not in digest.get_content()  # how many, not who
    assert "Tidak ada permintaan baru" in runner.invoke(args=["requests", "notify"]).output
    sign_up(client, member_id="P3", email="c@example.ac.id")
    runner.invoke(args=["requests", "notify"])
    subjects = [m["Subject"] for m in smtp_server.messages if m["To"] == "rina@example.ac.id"]
    assert subjects[-1].startswith("1 permintaan")
    assert "(3)" in client.get("/admin/").get_data(as_text=True)  # the queue's count
