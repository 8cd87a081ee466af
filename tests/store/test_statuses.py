"""The status enums are the schema's values: the CHECK constraints and partial indexes made
from them keep the SQL text the migrations wrote (a change there is a schema change)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import CheckConstraint, create_engine

from signup_fn.store import schema
from signup_fn.store.statuses import (
    AccountStatus,
    ExtensionStatus,
    RequestStatus,
    SessionKind,
    equals,
    one_of,
)
from tests.support.stored import partial_indexes_unlike_the_schema

ROOT = Path(__file__).resolve().parents[2]

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


# Creates the schema in a new interpreter, where no earlier creation has given the partial
# indexes' conditions to any dialect yet.
CREATE = textwrap.dedent(
    """
    import sys
    import sqlalchemy as sa
    from signup_fn.store import schema

    url, how = sys.argv[1:]
    with sa.create_engine(url).begin() as connection:
        if how == "create_all":
            schema.metadata.create_all(connection)
        else:
            for table in schema.metadata.sorted_tables:
                table.create(connection)
    """
)


@pytest.mark.parametrize("how", ["create_all", "table_create"])
def test_the_schema_is_made_with_its_partial_indexes(database_url: str, how: str) -> None:
    """Made by `create_all` (the app's first start) or a table's own `create`, each partial
    index gets its condition on the database it is made on."""
    result = subprocess.run(
        [sys.executable, "-c", CREATE, database_url, how],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            assert partial_indexes_unlike_the_schema(connection) == []
    finally:
        engine.dispose()


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
