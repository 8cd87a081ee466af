"""`flask --app signup_fn privacy export|delete|purge`: a person's data on request, and the
retention purge that never touches an active account (a Koha bug once deleted real patrons)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import select, update

from signup_fn.auth import accounts
from signup_fn.auth import queries as auth_queries
from signup_fn.auth import sessions as auth_session
from signup_fn.mail import outbox as mail
from signup_fn.mail import queries as mail_queries
from signup_fn.services import services
from signup_fn.slims import queries as slims_queries
from signup_fn.store import schema
from signup_fn.store.engine import transaction
from signup_fn.web import queries as web_queries
from signup_fn.web.ratelimit import limit_key
from tests.support.audit_trail import block_audit_inserts
from tests.support.samples import VALID
from tests.support.stored import audit_rows, count, requests_stored, rows
from tests.support.web import PASSWORD, login, post_form, session_cookie

MEMBER = VALID["member_id"]
OTHER = {
    **VALID,
    "member_id": "P27820121999",
    "name": "Budi Santoso",
    "email": "budi@example.ac.id",
}


def engine(app: Flask):
    with app.app_context():
        return services().engine


def sign_up(app: Flask, body: dict[str, Any] = VALID) -> int:
    response = app.test_client().post("/api/signup", json=body)
    assert response.status_code in (200, 201, 202), response.get_data(as_text=True)
    stored = [row for row in requests_stored(app) if row["member_id"] == body["member_id"]]
    return stored[-1]["id"]


def set_status(app: Flask, request_id: int, status: str, age: timedelta = timedelta(0)) -> None:
    table = schema.account_requests
    with transaction(engine(app)) as connection:
        row = connection.execute(select(table).where(table.c.id == request_id)).mappings().one()
        connection.execute(
            update(table)
            .where(table.c.id == request_id)
            .values(
                status=status,
                created_at=row["created_at"] - age,
                updated_at=row["updated_at"] - age,
            )
        )


def patron(app: Flask, body: dict[str, Any] = VALID) -> tuple[int, int, Any]:
    """A signed-up, approved and activated patron, logged in: (request id, account id, client)."""
    request_id = sign_up(app, body)
    set_status(app, request_id, "approved")
    client = app.test_client()
    with app.test_request_context(), transaction(engine(app)) as connection:
        account_id, token = accounts.create_account_for_request(
            connection, request_id, member_id=body["member_id"], email=body["email"]
        )
    response = post_form(
        client, f"/activate?token={token}", {"password": PASSWORD, "password_confirm": PASSWORD}
    )
    assert response.status_code == 303
    with app.test_request_context(), transaction(engine(app)) as connection:
        accounts.request_password_reset(connection, body["member_id"])  # a token and a mail
    login(app.test_client(), body["member_id"], "wrong password, twice over")  # a failure
    return request_id, account_id, client


def test_export_gives_the_data_and_its_processing_record(app: Flask, runner) -> None:
    request_id, account_id, _ = patron(app)
    sign_up(app, OTHER)
    result = runner.invoke(args=["privacy", "export", MEMBER.lower()])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["member_id"] == MEMBER
    assert [request["id"] for request in data["requests"]] == [request_id]
    request = data["requests"][0]
    assert (request["name"], request["email"], request["phone"]) == (
        VALID["name"],
        VALID["email"],
        VALID["phone"],
    )
    assert request["consent_version"] == app.config["PRIVACY_NOTICE_VERSION"]
    assert request["consent_at"].endswith("+00:00")
    assert data["account"]["id"] == account_id
    assert data["account"]["status"] == "active"
    assert "password_hash" not in data["account"]
    assert data["sessions"] >= 1
    assert [mail_row["subject"] for mail_row in data["outbox"]]
    assert all(mail_row["to_address"] == VALID["email"] for mail_row in data["outbox"])
    actions = {row["action"] for row in data["processing_record"]}
    assert {"signup", "activated", "login_failed", "password_reset_requested"} <= actions
    assert "Budi" not in result.output
    exported = [row for row in audit_rows(app) if row["action"] == "export"]
    assert [(row["actor"], row["reason"], row["request_id"]) for row in exported] == [
        ("cli", f"patron:{account_id}", request_id)
    ]


def test_export_of_an_unknown_member_says_so(app: Flask, runner) -> None:
    result = runner.invoke(args=["privacy", "export", "X123"])
    assert result.exit_code == 1
    assert "Tidak ada data" in result.output
    assert audit_rows(app) == []


def snapshot(app: Flask) -> list[dict[str, Any]]:
    return audit_rows(app)


def test_delete_removes_the_person_and_keeps_the_audit_trail(app: Flask, runner) -> None:
    request_id, account_id, client = patron(app)
    old_cookie = session_cookie(client)
    other_request = sign_up(app, OTHER)
    before = snapshot(app)
    with transaction(engine(app)) as connection:
        slims_queries.replace_library_members(
            connection,
            [
                {
                    "member_id": MEMBER,
                    "name": VALID["name"],
                    "email": VALID["email"],
                    "member_type": "Mahasiswa",
                    "inst_name": "D3 Keperawatan",
                    "expire_date": None,
                }
            ],
            actor="cli",
        )
    result = runner.invoke(args=["privacy", "delete", MEMBER, "--yes"])
    assert result.exit_code == 0, result.output
    assert "requests 1" in result.output and "accounts 1" in result.output

    assert [row["id"] for row in requests_stored(app)] == [other_request]
    assert rows(app, schema.accounts) == []
    assert [row for row in rows(app, schema.tokens) if row["purpose"] != "librarian_setup"] == []
    assert rows(app, schema.sessions) == []
    assert [row["to_address"] for row in rows(app, schema.outbox)] == []
    with app.test_request_context():
        key = limit_key(app.config["SECRET_KEY"], "login:patron", MEMBER.casefold())
    assert [row for row in rows(app, schema.login_failures) if row["key"] == key] == []
    # the library's own member list is not ours to delete
    assert count(app, schema.library_members) == 1

    after = snapshot(app)
    assert after[: len(before)] == before  # nothing in the trail changed or went
    deletion = [row for row in after if row["action"] == "deletion"]
    assert {(row["request_id"], row["reason"]) for row in deletion} == {
        (request_id, None),
        (None, f"patron:{account_id}"),
    }
    personal = [MEMBER, VALID["name"], VALID["email"], "Siti"]
    for row in after:
        flat = " ".join(str(value) for value in row.values()).lower()
        assert not [item for item in personal if item.lower() in flat], row
    # the old session cookie is dead; the deleted patron cannot log in
    replay = app.test_client()
    replay.set_cookie(auth_session.COOKIE_NAME, old_cookie)
    assert replay.get("/members").status_code == 302
    assert login(app.test_client(), MEMBER).status_code == 200  # the login form again


def test_delete_asks_first(app: Flask, runner) -> None:
    sign_up(app)
    result = runner.invoke(args=["privacy", "delete", MEMBER], input="n\n")
    assert result.exit_code == 1
    assert len(requests_stored(app)) == 1
    assert [row["action"] for row in audit_rows(app)] == ["signup"]


def test_delete_is_all_or_nothing(app: Flask) -> None:
    """A failure half-way (here: the audit row) leaves every row of the person in place."""
    patron(app)
    block_audit_inserts(app)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["privacy", "delete", MEMBER, "--yes"])
    assert result.exit_code != 0
    assert len(requests_stored(app)) == 1
    assert count(app, schema.accounts) == 1


def age(app: Flask, table: Any, row_id: Any, **deltas: timedelta) -> None:
    with transaction(engine(app)) as connection:
        row = connection.execute(select(table).where(table.c.id == row_id)).mappings().one()
        values = {column: row[column] - delta for column, delta in deltas.items()}
        connection.execute(update(table).where(table.c.id == row_id).values(**values))


def test_purge_deletes_stale_data_and_never_an_active_account(app: Flask, runner) -> None:
    long_ago = timedelta(days=400)
    # an approved request with an active account, far older than the retention: kept
    kept_request, account_id, client = patron(app)
    set_status(app, kept_request, "approved", long_ago)
    age(app, schema.accounts, account_id, created_at=long_ago, activated_at=long_ago)
    # a pending and a rejected request older than 90 days: purged
    stale_pending = sign_up(app, {**OTHER, "member_id": "P1001"})
    set_status(app, stale_pending, "pending", timedelta(days=91))
    stale_rejected = sign_up(app, {**OTHER, "member_id": "P1002"})
    set_status(app, stale_rejected, "rejected", timedelta(days=91))
    # recent ones: kept
    fresh_pending = sign_up(app, {**OTHER, "member_id": "P1003"})
    fresh_rejected = sign_up(app, {**OTHER, "member_id": "P1004"})
    set_status(app, fresh_rejected, "rejected", timedelta(days=89))
    # an old rejected request of a member who has an account since: kept with the account
    old_rejected_of_patron = sign_up(app, {**VALID, "email": "lama@example.ac.id"})
    set_status(app, old_rejected_of_patron, "rejected", long_ago)
    # a pending account's activation link that expired long ago: the link goes, the account stays
    with app.test_request_context(), transaction(engine(app)) as connection:
        pending_account, _ = accounts.create_account_for_request(
            connection, None, member_id="P1005", email="p1005@example.ac.id"
        )
    expired = next(
        row
        for row in rows(app, schema.tokens)
        if row["subject_id"] == pending_account and row["purpose"] == "activation"
    )
    age(app, schema.tokens, expired["id"], created_at=long_ago, expires_at=long_ago)
    # an ended session and a sent old message; the logged-in session stays
    ended = app.test_client()
    login(ended, MEMBER)
    post_form(ended, "/logout", {}, form_path="/members")
    sent = [row["id"] for row in rows(app, schema.outbox)]
    with transaction(engine(app)) as connection:
        for mail_id in sent:
            mail_queries.mark_mail_sent(connection, mail_id)
        with app.test_request_context():
            unsent = mail.queue_mail(
                connection,
                "p1005@example.ac.id",
                "password_reset",
                member_id="P1005",
                link="l",
                minutes=1,
            )
    for mail_id in [*sent, unsent]:
        age(app, schema.outbox, mail_id, created_at=long_ago, next_attempt_at=long_ago)
    for mail_id in sent:
        age(app, schema.outbox, mail_id, sent_at=long_ago)
    # an old failed login and an old rate-limit window
    with transaction(engine(app)) as connection:
        auth_queries.add_login_failure(connection, "f" * 64)
        old_failure = connection.scalar(
            select(schema.login_failures.c.id).order_by(schema.login_failures.c.id.desc())
        )
        web_queries.count_hit(connection, "k" * 64, 0)
    age(app, schema.login_failures, old_failure, created_at=long_ago)
    before = audit_rows(app)

    result = runner.invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert "requests 2" in result.output

    remaining = {row["id"] for row in requests_stored(app)}
    assert remaining == {kept_request, fresh_pending, fresh_rejected, old_rejected_of_patron}
    stored_accounts = {row["id"]: row["status"] for row in rows(app, schema.accounts)}
    assert stored_accounts == {account_id: "active", pending_account: "pending_activation"}
    assert expired["id"] not in {row["id"] for row in rows(app, schema.tokens)}
    assert all(row["revoked_at"] is None for row in rows(app, schema.sessions))
    assert client.get("/members").status_code == 200  # still logged in, still active
    assert {row["id"] for row in rows(app, schema.outbox)} == {unsent}  # unsent mail is never lost
    assert old_failure not in {row["id"] for row in rows(app, schema.login_failures)}
    assert "k" * 64 not in {row["key"] for row in rows(app, schema.rate_limits)}
    after = audit_rows(app)
    assert after[: len(before)] == before
    purge_rows = [row for row in after if row["action"] == "purge"]
    assert len(purge_rows) == 1
    assert purge_rows[0]["reason"].startswith("requests:2 tokens:")
    assert purge_rows[0]["actor"] == "cli"
    # the patron still logs in after the purge
    assert login(app.test_client(), MEMBER).status_code == 303


def test_purge_follows_the_configured_retention(make_app) -> None:
    app = make_app(RETENTION_DAYS=30)
    request_id = sign_up(app)
    set_status(app, request_id, "pending", timedelta(days=31))
    result = app.test_cli_runner().invoke(args=["privacy", "purge"])
    assert result.exit_code == 0, result.output
    assert requests_stored(app) == []
