"""security.md "Records (audit) and privacy": one audit row per change in the same
transaction, append-only on both databases, UTC, no personal data, consent with its version."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from signup_fn.services import services
from signup_fn.store import schema
from signup_fn.store.engine import transaction
from tests.support.audit_trail import block_audit_inserts
from tests.support.catalog_sample import write_catalog
from tests.support.samples import VALID
from tests.support.stored import audit_rows, requests_stored, rows
from tests.support.web import active_account


def engine(app: Flask):
    with app.app_context():
        return services().engine


def test_a_click_and_its_access_row_are_one_transaction(make_app, tmp_path: Path) -> None:
    app = make_app(CATALOG_PATH=str(write_catalog(tmp_path / "resources.yml")))
    client = app.test_client()
    active_account(app, client)
    block_audit_inserts(app)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = client.get("/go/koleksi-anggota")
    assert response.status_code == 500
    assert "Location" not in response.headers  # no access without its record
    assert rows(app, schema.resource_usage) == []


def test_privacy_commands_write_nothing_without_their_audit_row(app: Flask) -> None:
    app.test_client().post("/api/signup", json=VALID)
    block_audit_inserts(app)
    runner = app.test_cli_runner()
    for args in (["privacy", "export", VALID["member_id"]], ["privacy", "purge"]):
        assert runner.invoke(args=args).exit_code != 0
    assert len(requests_stored(app)) == 1


def test_audit_log_refuses_update_delete_and_truncate(app: Flask) -> None:
    app.test_client().post("/api/signup", json=VALID)
    statements = [update(schema.audit_log).values(actor="forged"), delete(schema.audit_log)]
    if engine(app).dialect.name == "postgresql":
        statements.append(text("TRUNCATE audit_log"))
    for statement in statements:
        with (
            pytest.raises(DBAPIError, match="append-only"),
            transaction(engine(app)) as connection,
        ):
            connection.execute(statement)
    assert [row["action"] for row in audit_rows(app)] == ["signup"]


def test_audit_timestamps_are_utc(app: Flask) -> None:
    before = datetime.now(UTC)
    app.test_client().post("/api/signup", json=VALID)
    (row,) = audit_rows(app)
    assert row["created_at"].utcoffset() == timedelta(0)
    assert before - timedelta(seconds=1) <= row["created_at"] <= datetime.now(UTC)
    with engine(app).connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SET TIME ZONE 'Asia/Jakarta'"))
            raw = connection.scalar(text("SELECT created_at FROM audit_log"))
            assert raw.utcoffset() == timedelta(hours=7)  # a real instant, shown in any zone
            assert raw == row["created_at"]
        else:  # SQLite keeps no zone: the stored text is the UTC time
            raw = connection.scalar(text("SELECT created_at FROM audit_log"))
            stored = datetime.fromisoformat(str(raw)).replace(tzinfo=UTC)
            assert stored == row["created_at"]


def test_consent_is_stored_with_the_notice_version(make_app) -> None:
    app = make_app(PRIVACY_NOTICE_VERSION="2027-02-01")
    app.test_client().post("/api/signup", json=VALID)
    (request,) = requests_stored(app)
    assert request["consent_version"] == "2027-02-01"
    assert datetime.now(UTC) - request["consent_at"] < timedelta(minutes=1)
    assert request["consent_at"].utcoffset() == timedelta(0)


def test_consent_is_required(app: Flask) -> None:
    response = app.test_client().post("/api/signup", json={**VALID, "consent": False})
    assert response.status_code == 422
    assert requests_stored(app) == []


def test_the_audit_table_has_no_column_for_personal_data() -> None:
    assert set(schema.audit_log.c.keys()) == {
        "id",
        "created_at",
        "actor",
        "action",
        "outcome",
        "reason",
        "request_id",
    }
    assert set(schema.resource_usage.c.keys()) == {
        "resource_id",
        "month",
        "total_requests",
        "unique_requests",
    }
    with pytest.raises(KeyError):
        select(schema.audit_log.c["email"])
