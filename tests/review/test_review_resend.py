"""Resending an activation link (admin button and `requests resend`), and SOP step 2 recorded
for decisions made straight from the queue."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from signup_fn.store import schema
from tests.support.review_helpers import ACTIVATION_LINK, add_request, librarian_login
from tests.support.samples import VALID
from tests.support.stored import audit_rows, rows
from tests.support.web import PASSWORD, post_form

RESEND_BUTTON = "Kirim ulang tautan aktivasi"


def approve_by_cli(app: Flask, request_id: int) -> str:
    """Approve without a mail server; returns the activation link handed over."""
    result = app.test_cli_runner().invoke(
        args=["requests", "approve", str(request_id), "--contact", "langsung"]
    )
    assert result.exit_code == 0, result.output
    return ACTIVATION_LINK.search(result.output).group(0)


def activate(client: FlaskClient, link: str) -> int:
    path = link.removeprefix("https://fn.site.example")
    response = post_form(client, path, {"password": PASSWORD, "password_confirm": PASSWORD})
    return response.status_code


def test_resend_by_cli_replaces_the_link_and_hands_it_over_once(app: Flask) -> None:
    request_id = add_request(app)
    old_link = approve_by_cli(app, request_id)
    result = app.test_cli_runner().invoke(args=["requests", "resend", str(request_id)])
    assert result.exit_code == 0, result.output
    assert "tautan lama tidak berlaku lagi" in result.output
    new_link = ACTIVATION_LINK.search(result.output).group(0)
    assert new_link != old_link
    client = app.test_client()
    assert client.get(old_link.removeprefix("https://fn.site.example")).status_code == 404
    assert activate(client, new_link) == 303
    actions = [(row["action"], row["request_id"]) for row in audit_rows(app)]
    assert ("activation_resent", request_id) in actions
    assert actions.count(("link_handed_over", request_id)) == 2
    # active now: nothing more to resend
    again = app.test_cli_runner().invoke(args=["requests", "resend", str(request_id)])
    assert again.exit_code == 1 and "tidak memiliki akun yang menunggu aktivasi" in again.output


def test_resend_needs_an_approved_request(app: Flask) -> None:
    request_id = add_request(app)
    result = app.test_cli_runner().invoke(args=["requests", "resend", str(request_id)])
    assert result.exit_code == 1 and "tidak memiliki akun" in result.output
    missing = app.test_cli_runner().invoke(args=["requests", "resend", "999"])
    assert missing.exit_code == 1 and "#999 tidak ditemukan" in missing.output
    assert [row for row in audit_rows(app) if row["action"] == "activation_resent"] == []


def test_admin_button_resends_by_mail(make_app, smtp_server) -> None:
    app = make_app(SMTP_URL=smtp_server.url, MAIL_FROM="perpustakaan@example.ac.id")
    client = app.test_client()
    librarian_id = librarian_login(app, client)
    request_id = add_request(app)
    pending_page = client.get(f"/admin/requests/{request_id}").get_data(as_text=True)
    assert RESEND_BUTTON not in pending_page
    post_form(
        client,
        f"/admin/requests/{request_id}/approve",
        {"contact": "langsung"},
        form_path="/admin/",
    )
    detail = f"/admin/requests/{request_id}"
    assert RESEND_BUTTON in client.get(detail).get_data(as_text=True)

    response = post_form(client, f"{detail}/resend", {}, form_path=detail)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    assert "tautan aktivasi baru sudah masuk antrean" in page
    assert "/activate" not in page  # the link goes by e-mail only
    outbox = rows(app, schema.outbox)
    assert [row["to_address"] for row in outbox] == [VALID["email"]] * 2
    resent = [row for row in audit_rows(app) if row["action"] == "activation_resent"]
    assert [(row["actor"], row["request_id"]) for row in resent] == [
        (f"librarian:{librarian_id}", request_id)
    ]
    for row in audit_rows(app):  # no personal data in the record
        assert VALID["email"] not in str(row.values()) and VALID["name"] not in str(row.values())


def test_admin_resend_without_mail_shows_the_link_once(app: Flask, client: FlaskClient) -> None:
    librarian_login(app, client)
    request_id = add_request(app)
    old_link = approve_by_cli(app, request_id)
    detail = f"/admin/requests/{request_id}"
    response = post_form(client, f"{detail}/resend", {}, form_path=detail)
    page = response.get_data(as_text=True)
    link = ACTIVATION_LINK.search(page).group(0)
    assert link != old_link and "hanya ditampilkan sekali" in page
    assert ACTIVATION_LINK.search(client.get(detail).get_data(as_text=True)) is None
    assert activate(app.test_client(), link) == 303
    refused = post_form(
        client, f"{detail}/resend", {}, form_path="/admin/"
    )  # activated: refused, said why
    assert refused.status_code == 409
    assert "tidak memiliki akun yang menunggu aktivasi" in refused.get_data(as_text=True)


def test_resend_needs_the_csrf_token(app: Flask, client: FlaskClient) -> None:
    librarian_login(app, client)
    request_id = add_request(app)
    approve_by_cli(app, request_id)
    response = client.post(f"/admin/requests/{request_id}/resend")
    assert response.status_code == 400
    assert [row for row in audit_rows(app) if row["action"] == "activation_resent"] == []


def test_deciding_from_the_queue_records_the_check_first(app: Flask, client: FlaskClient) -> None:
    librarian_id = librarian_login(app, client)
    approved = add_request(app)
    rejected = add_request(app, member_id="P27820121002", email="budi@example.ac.id")
    post_form(
        client, f"/admin/requests/{approved}/approve", {"contact": "langsung"}, form_path="/admin/"
    )
    post_form(
        client,
        f"/admin/requests/{rejected}/reject",
        {"reason": "bukan_anggota"},
        form_path="/admin/",
    )
    actor = f"librarian:{librarian_id}"
    trail = [(row["action"], row["request_id"]) for row in audit_rows(app) if row["actor"] == actor]
    for request_id, decision in ((approved, "approved"), (rejected, "rejected")):
        assert trail.count(("checked", request_id)) == 1
        assert trail.index(("checked", request_id)) < trail.index((decision, request_id))


def test_check_is_not_recorded_twice_nor_for_a_refused_decision(
    app: Flask, client: FlaskClient
) -> None:
    librarian_id = librarian_login(app, client)
    request_id = add_request(app)
    detail = f"/admin/requests/{request_id}"
    client.get(detail)  # the check, on viewing
    post_form(client, f"{detail}/approve", {"contact": "langsung"}, form_path=detail)
    other = app.test_client()
    other_id = librarian_login(app, other, "tono")
    late = post_form(other, f"{detail}/approve", {"contact": "langsung"}, form_path="/admin/")
    assert late.status_code == 409
    checked = [row["actor"] for row in audit_rows(app) if row["action"] == "checked"]
    assert checked == [f"librarian:{librarian_id}"]
    assert f"librarian:{other_id}" not in checked
    assert re.search(r"sudah disetujui", late.get_data(as_text=True))
