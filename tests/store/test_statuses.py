"""The status enums are the schema's values: the CHECK constraints and partial indexes made
from them keep the SQL text the migrations wrote (a change there is a schema change)."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import CheckConstraint, text

from signup_fn.store import schema
from signup_fn.store.statuses import (
    AccountStatus,
    ExtensionStatus,
    RequestStatus,
    SessionKind,
    equals,
    one_of,
)
from tests.support.fixtures import engine_of

# the constraints' SQL as migration 0001 created it
CONSTRAINTS = {
    "ck_request_role": "role IN ('student', 'lecturer', 'staff')",
    "ck_account_status": "status IN ('pending_activation', 'active', 'disabled')",
    "ck_session_kind": "kind IN ('patron', 'librarian')",
    "ck_decision": "decision IN ('approved', 'rejected')",
    "ck_extension_status": "status IN ('pending', 'granted', 'declined')",
}
PARTIAL_INDEXES = {
    "uq_open_request_contact": "status = 'pending'",
    "uq_open_extension_loan": "status = 'pending'",
}


def test_check_constraints_keep_their_sql() -> None:
    found = {
        constraint.name: str(constraint.sqltext)
        for table in schema.metadata.tables.values()
        for constraint in table.constraints
        if isinstance(constraint, CheckConstraint)
    }
    assert found == CONSTRAINTS


def test_partial_indexes_keep_their_condition() -> None:
    found = {index.name: str(where) for index, where in schema.PARTIAL_CONDITIONS.items()}
    assert found == PARTIAL_INDEXES


INDEX_DEFINITIONS = {
    "sqlite": "SELECT name, sql FROM sqlite_master WHERE type = 'index'",
    "postgresql": "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()",
}


def test_the_schema_is_made_with_its_partial_indexes(app: Flask) -> None:
    """The app's first start creates the schema; each partial index gets its condition on the
    database it is made on (the condition is given to that dialect only when it is made)."""
    with engine_of(app).connect() as connection:
        rows = connection.execute(text(INDEX_DEFINITIONS[connection.dialect.name]))
        made = {name: definition for name, definition in rows if name in PARTIAL_INDEXES}
    assert set(made) == set(PARTIAL_INDEXES)
    for definition in made.values():
        assert definition.startswith("CREATE UNIQUE INDEX"), definition
        _, _, condition = definition.partition(" WHERE ")
        assert "status" in condition and "'pending'" in condition, definition


def test_sql_of_an_enum() -> None:
    assert one_of("status", AccountStatus) == CONSTRAINTS["ck_account_status"]
    assert one_of("kind", SessionKind) == CONSTRAINTS["ck_session_kind"]
    assert one_of("status", ExtensionStatus) == CONSTRAINTS["ck_extension_status"]
    assert equals("status", RequestStatus.PENDING) == "status = 'pending'"


def test_members_are_their_text() -> None:
    """Rows read back hold plain text: they compare equal to the members, and the members
    format as their value in audit actors and keys (`patron:12`)."""
    assert RequestStatus.PENDING == "pending"
    assert f"{SessionKind.PATRON}:12" == "patron:12"
    assert AccountStatus("disabled") is AccountStatus.DISABLED
