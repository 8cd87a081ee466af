"""The second floor for bench/signup.py: the least a Flask sign-up can do and still meet the rule.

The rule no sign-up can skip: store the request (duplicates collapsed by the
partial unique index) and its audit row in one write transaction, before answering. This app
does exactly that and nothing else — no validation, no rate limits, no hooks, no pool — on the
function's own tables (`signup_fn.store.revision.init_db`) with the function's own SQL text
(compiled from its statements), one `sqlite3` connection per worker with the function's
settings (`store.engine.configure_sqlite`), `BEGIN IMMEDIATE`. Served the same way as the others:

gunicorn --workers 4 "write_floor_app:create_app()"   (PORTAL_DATABASE_URL: a sqlite:/// file)

Its requests/s beside the hello floor's, in the same run, is the ceiling of the ratio any
Flask implementation of the rule can reach on that machine. Not part of the product.
"""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import UTC, datetime
from typing import Any

from flask import Flask, Response, request
from sqlalchemy import make_url

from signup_fn.api import queries as api_queries
from signup_fn.store import hot_path, revision
from signup_fn.store.audit import INSERT_AUDIT
from signup_fn.store.engine import configure_sqlite, make_engine

REQUEST_COLUMNS = (
    "member_id",
    "name",
    "email",
    "phone",
    "programme",
    "role",
    "status",
    "consent_at",
    "consent_version",
    "created_at",
    "updated_at",
)
AUDIT_COLUMNS = ("created_at", "actor", "action", "outcome", "reason", "request_id")


def positional_sql(statement: Any, dialect: Any, columns: tuple[str, ...]) -> str:
    """The statement's SQL text, its `?` parameters in the order of `columns` (checked)."""
    compiled = hot_path.compiled_for(statement, dialect, columns)
    if tuple(name for name, _, _ in compiled.slots) != columns:
        raise RuntimeError(f"parameter order changed: {compiled.sql}")
    return compiled.sql


def create_app() -> Flask:
    """POST /api/signup: decode the JSON, two INSERTs in one transaction, answer 202."""
    database = make_url(os.environ["PORTAL_DATABASE_URL"]).database
    if not database:
        raise RuntimeError("PORTAL_DATABASE_URL names no SQLite file")
    engine = make_engine(f"sqlite:///{database}")
    revision.init_db(engine)
    dialect = engine.dialect
    engine.dispose()
    insert_request = positional_sql(
        api_queries.insert_request_statement("sqlite"), dialect, REQUEST_COLUMNS
    )
    insert_audit = positional_sql(INSERT_AUDIT, dialect, AUDIT_COLUMNS)
    connection = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    configure_sqlite(connection)

    app = Flask(__name__)

    @app.post("/api/signup")
    def signup() -> Response:
        body = json.loads(request.get_data())
        now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
        cursor = connection.cursor()
        cursor.execute("BEGIN IMMEDIATE")
        try:
            cursor.execute(
                insert_request,
                (
                    body["member_id"],
                    body["name"],
                    body["email"],
                    body.get("phone"),
                    body["programme"],
                    body["role"],
                    "pending",
                    now,
                    "1",
                    now,
                    now,
                ),
            )
            row = cursor.fetchone()
            request_id = row[0] if row is not None else None
            cursor.execute(insert_audit, (now, "public", "signup", "received", None, request_id))
            cursor.execute("COMMIT")
        except BaseException:
            cursor.execute("ROLLBACK")
            raise
        return Response(b'{"status":"received"}\n', status=202, mimetype="application/json")

    return app
