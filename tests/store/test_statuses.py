"""The status enums are the schema's values: the CHECK constraints and partial indexes made
from them keep the SQL text the migrations wrote (a change there is a schema change)."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, Index

from signup_fn.store import schema
from signup_fn.store.statuses import (
    AccountStatus,
    ExtensionStatus,
    RequestStatus,
    SessionKind,
    equals,
    one_of,
)

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
    found = {
        index.name: str(index.dialect_options[dialect]["where"])
        for table in schema.metadata.tables.values()
        for index in table.indexes
        if isinstance(index, Index)
        for dialect in ("sqlite", "postgresql")
        if index.dialect_options[dialect]["where"] is not None
    }
    assert found == PARTIAL_INDEXES


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
