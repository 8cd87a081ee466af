"""Audit rows: one per outcome, in the same transaction as the change, append-only, no
personal data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, update
from sqlalchemy.exc import DBAPIError

from signup_fn.services import services
from signup_fn.store import schema
from signup_fn.store.engine import transaction
from tests.support.audit_trail import block_audit_inserts
from tests.support.samples import VALID
from tests.support.stored import audit_rows, requests_stored

PERSONAL = [VALID["member_id"], VALID["name"], VALID["email"], VALID["phone"], "Siti", "203.0.113"]


def test_each_outcome_writes_one_row_without_personal_data(make_app) -> None:
    app = make_app(RATE_LIMIT_MEMBER_COUNT=3)
    client = app.test_client()
    client.post("/api/signup", json=VALID, environ_base={"REMOTE_ADDR": "203.0.113.5"})
    client.post("/api/signup", json=VALID)
    client.post("/api/signup", json={**VALID, "website": "x"})
    client.post("/api/signup", json=VALID)
    client.post("/api/signup", json={**VALID, "email": "budi"})
    rows = audit_rows(app)
    assert [(row["outcome"], row["reason"]) for row in rows] == [
        ("received", None),
        ("duplicate", None),
        ("refused", "honeypot"),
        ("rate_limited", "member"),
        ("invalid", "email"),
    ]
    request_id = requests_stored(app)[0]["id"]
    assert [row["request_id"] for row in rows] == [request_id, request_id, None, None, None]
    for row in rows:
        assert row["actor"] == "public"
        assert row["action"] == "signup"
        assert datetime.now(UTC) - row["created_at"] < timedelta(minutes=1)
        assert row["created_at"].utcoffset() == timedelta(0)
        flat = " ".join(str(value) for value in row.values())
        assert not [item for item in PERSONAL if item.lower() in flat.lower()]


def engine(app: Flask):
    with app.app_context():
        return services().engine


def test_audit_log_is_append_only(app: Flask, client: FlaskClient) -> None:
    client.post("/api/signup", json=VALID)
    for statement in (
        update(schema.audit_log).values(outcome="forged"),
        delete(schema.audit_log),
    ):
        with pytest.raises(DBAPIError, match="append-only"), transaction(engine(app)) as conn:
            conn.execute(statement)
    assert [row["outcome"] for row in audit_rows(app)] == ["received"]


def test_request_is_not_stored_when_its_audit_row_fails(app: Flask) -> None:
    """Same transaction: if the audit row cannot be written, the request is not kept."""
    block_audit_inserts(app)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().post("/api/signup", json=VALID)
    assert response.status_code == 500
    assert response.get_json() == {"error": "Terjadi kesalahan pada server."}
    assert requests_stored(app) == []
