"""Helpers for tests of the audit trail: make audit inserts fail, scan rows for secrets."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Flask
from sqlalchemy import text

from signup_fn.services import services
from signup_fn.store.engine import transaction


def block_audit_inserts(app: Flask) -> None:
    """A database trigger that makes every audit insert fail (no change to our code)."""
    with app.app_context(), transaction(services().engine) as conn:
        if conn.dialect.name == "sqlite":
            conn.execute(
                text(
                    "CREATE TRIGGER audit_blocked BEFORE INSERT ON audit_log "
                    "BEGIN SELECT RAISE(ABORT, 'audit blocked'); END"
                )
            )
            return
        conn.execute(
            text(
                "CREATE FUNCTION audit_blocked() RETURNS trigger LANGUAGE plpgsql AS "
                "$$ BEGIN RAISE EXCEPTION 'audit blocked'; END $$"
            )
        )
        conn.execute(
            text(
                "CREATE TRIGGER audit_blocked BEFORE INSERT ON audit_log "
                "FOR EACH ROW EXECUTE FUNCTION audit_blocked()"
            )
        )


def leaks(rows: Iterable[dict[str, Any]], secrets: Iterable[str]) -> list[tuple[str, dict]]:
    """(secret, row) for every audit row that contains one of `secrets` (any case)."""
    found = []
    wanted = [secret for secret in secrets if secret]
    for row in rows:
        flat = " ".join(str(value) for value in row.values()).casefold()
        found += [(secret, row) for secret in wanted if secret.casefold() in flat]
    return found
