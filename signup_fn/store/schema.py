"""Every table, index and trigger of the function, read top to bottom (SQLAlchemy 2 Core).

The migrations (store/migrations/) change the schema; this file is the schema at their head.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Connection,
    Date,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TextClause,
    event,
    text,
)

from .engine import UTCDateTime
from .statuses import (
    DECISIONS,
    AccountStatus,
    ExtensionStatus,
    RequestStatus,
    SessionKind,
    equals,
    one_of,
)

metadata = MetaData()

# Partial unique indexes: unique among the rows where a condition holds. SQLAlchemy takes the
# condition as an option per dialect (`sqlite_where`, `postgresql_where`) and imports a dialect
# to check an option given for it. So the condition is given to a dialect only where one needs
# it: to the creating connection's dialect just before its table is created (`create_all` or
# the table's own `create`), and to both by the migrations' environment, so that autogenerate
# writes both; a function on SQLite never imports SQLAlchemy's PostgreSQL dialect.
PARTIAL_CONDITIONS: dict[Index, TextClause] = {}
PARTIAL_DIALECTS = ("sqlite", "postgresql")


def give_partial_conditions(dialect_names: Iterable[str]) -> None:
    """Give every partial index its condition as an option of each of these dialects."""
    for index, where in PARTIAL_CONDITIONS.items():
        for dialect_name in dialect_names:
            index.dialect_options[dialect_name]["where"] = where


def before_partial_index_table(_table: Table, connection: Connection, **_options: Any) -> None:
    give_partial_conditions([connection.dialect.name])


def partial_unique_index(name: str, *columns: Column[Any], where: TextClause) -> Index:
    """A unique index over the rows where `where` holds (its condition: `PARTIAL_CONDITIONS`)."""
    index = Index(name, *columns, unique=True)
    PARTIAL_CONDITIONS[index] = where
    table = columns[0].table
    if not event.contains(table, "before_create", before_partial_index_table):
        event.listen(table, "before_create", before_partial_index_table)
    return index


# A patron's request for an account (SOP step 1); `status` leaves `pending` on review.
account_requests = Table(
    "account_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("member_id", String(20), nullable=False),
    Column("name", String(100), nullable=False),
    Column("email", String(254), nullable=False),
    Column("phone", String(30)),
    Column("programme", String(100), nullable=False),
    Column("role", String(16), nullable=False),
    Column("status", String(16), nullable=False, server_default=RequestStatus.PENDING.value),
    Column("consent_at", UTCDateTime, nullable=False),
    Column("consent_version", String(32), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    CheckConstraint("role IN ('student', 'lecturer', 'staff')", name="ck_request_role"),
)
# One open (pending) request per member number and e-mail: the race-free way to collapse a
# person's duplicates. Requests for one member number from different e-mails are all kept (a
# stranger's request never hides the member's own); the review shows them as a conflict.
OPEN_REQUEST = text(equals("status", RequestStatus.PENDING))
partial_unique_index(
    "uq_open_request_contact",
    account_requests.c.member_id,
    account_requests.c.email,
    where=OPEN_REQUEST,
)
Index("ix_request_status_created", account_requests.c.status, account_requests.c.created_at)

# Append-only record of what happened. No personal data: `request_id` is a plain number, not a
# foreign key, so deleting a person's request never touches (or is blocked by) the record.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("actor", String(64), nullable=False),
    Column("action", String(64), nullable=False),
    Column("outcome", String(32), nullable=False),
    Column("reason", String(200)),
    Column("request_id", Integer),
)

# Fixed-window counters for rate limits; `key` is a keyed hash, never an address or number.
rate_limits = Table(
    "rate_limits",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("window_start", Integer, nullable=False),
    Column("hits", Integer, nullable=False),
)

# The audit log is append-only: triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL).
# Made with the table, by `metadata.create_all` and by the migration that creates the table, and
# made again by any migration that rebuilds the table (SQLite's batch mode drops its triggers).
APPEND_ONLY: dict[str, tuple[str, ...]] = {
    "sqlite": tuple(
        f"CREATE TRIGGER IF NOT EXISTS audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
        for verb in ("UPDATE", "DELETE")
    ),
    "postgresql": (
        "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$",
        "DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log",
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
    ),
}


def create_append_only_triggers(connection: Connection) -> None:
    """Make (or make again) the audit log's append-only triggers for the connection's dialect."""
    for statement in APPEND_ONLY.get(connection.dialect.name, ()):
        connection.exec_driver_sql(statement)


@event.listens_for(audit_log, "after_create")
def audit_log_created(_table: Table, connection: Connection, **_options: Any) -> None:
    create_append_only_triggers(connection)


# A snapshot of SLiMS' member list (SOP step 2), replaced whole by each import of SLiMS' CSV
# export. `member_id` keeps SLiMS' spelling; `member_key` (its lower case) is the key, so look-ups
# and uniqueness ignore case as SLiMS' utf8_unicode_ci collation does. Only what the member
# check needs is kept (no address, phone, birth date or PIN).
library_members = Table(
    "library_members",
    metadata,
    Column("member_key", String(20), primary_key=True),
    Column("member_id", String(20), nullable=False),
    Column("name", String(100), nullable=False),
    Column("email", String(100)),
    Column("phone", String(50)),
    Column("member_type", String(50)),
    Column("inst_name", String(100)),
    Column("expire_date", Date),
    Column("is_pending", Boolean),  # NULL = unknown: SLiMS' CSV export does not carry it
    Column("imported_at", UTCDateTime, nullable=False),
)


# A patron's account; username = the member number. No password until the patron activates it.
# `request_id` is a plain number (not a foreign key), like the audit log's.
accounts = Table(
    "accounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("member_id", String(20), nullable=False, unique=True),
    Column("request_id", Integer),
    Column("email", String(254), nullable=False),
    Column("status", String(20), nullable=False),
    Column("password_hash", String(255)),
    Column("created_at", UTCDateTime, nullable=False),
    Column("activated_at", UTCDateTime),
    Column("password_changed_at", UTCDateTime),
    CheckConstraint(one_of("status", AccountStatus), name="ck_account_status"),
)

# Librarians are not patrons: their own table, their own sessions (`kind = 'librarian'`).
librarians = Table(
    "librarians",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(64), nullable=False, unique=True),
    Column("email", String(254)),
    Column("password_hash", String(255)),
    Column("totp_secret", String(64)),
    Column("totp_last_step", Integer),  # the last accepted TOTP time step: no code twice
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UTCDateTime, nullable=False),
)

# Single-use links. Only the SHA-256 of the token is stored; `subject_id` is an account or a
# librarian id, depending on `purpose`.
tokens = Table(
    "tokens",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("purpose", String(32), nullable=False),
    Column("subject_id", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("used_at", UTCDateTime),
)
Index("ix_tokens_subject", tokens.c.purpose, tokens.c.subject_id)

# Server-side sessions; `id` is the SHA-256 of the random value kept in the cookie.
sessions = Table(
    "sessions",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("user_id", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Column("expires_at", UTCDateTime, nullable=False),
    Column("revoked_at", UTCDateTime),
    CheckConstraint(one_of("kind", SessionKind), name="ck_session_kind"),
)
Index("ix_sessions_user", sessions.c.kind, sessions.c.user_id)

# One row per failed login; `key` is a keyed hash of the username or the client address.
login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(64), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
)
Index("ix_login_failures_key", login_failures.c.key, login_failures.c.created_at)

# E-mail waiting to be sent, written in the same transaction as the change that caused it.
outbox = Table(
    "outbox",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("to_address", String(254), nullable=False),
    Column("subject", String(200), nullable=False),
    Column("body", Text, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("attempts", Integer, nullable=False, default=0),
    Column("next_attempt_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime),
    Column("last_error", String(200)),
)
Index("ix_outbox_due", outbox.c.sent_at, outbox.c.next_attempt_at)


# Uses of each resource per library month, counted by the COUNTER rules of resources/usage.py:
# Total_Item_Requests and Unique_Item_Requests (NULL for months counted before visitors were
# known: the clicks of the former `resource_clicks` table). Nothing about who used it.
resource_usage = Table(
    "resource_usage",
    metadata,
    Column("resource_id", String(64), primary_key=True),
    Column("month", String(7), primary_key=True),
    Column("total_requests", Integer, nullable=False),
    Column("unique_requests", Integer, nullable=True),
)

# De-duplication state of the current day: `key` is a keyed hash of (day, visitor, resource);
# `last_at` the visitor's last request for it; `is_new`/`counted` (0 or 1: integers, so the
# hot path reads them straight from the driver) what the last request was. Rows of earlier
# days are deleted.
usage_visits = Table(
    "usage_visits",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("day", String(10), nullable=False, index=True),
    Column("last_at", UTCDateTime, nullable=False),
    Column("is_new", Integer, nullable=False),
    Column("counted", Integer, nullable=False),
)


# One row per decided request (SOP steps 2-3): what was decided, when, by whom (an audit actor
# such as `librarian:3` or `cli`), the rejection reason, the account made. `request_id` is a
# plain number like the audit log's; account_requests keeps its own columns (`status` moves on).
request_decisions = Table(
    "request_decisions",
    metadata,
    Column("request_id", Integer, primary_key=True, autoincrement=False),
    Column("decision", String(16), nullable=False),
    Column("decided_at", UTCDateTime, nullable=False),
    Column("decided_by", String(64), nullable=False),
    Column("reason", String(200)),
    Column("account_id", Integer),
    CheckConstraint(one_of("decision", DECISIONS), name="ck_decision"),
)

# Named moments the review remembers, e.g. the newest request the last digest covered.
review_markers = Table(
    "review_markers",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("value", UTCDateTime, nullable=False),
)


# A patron's request to extend one current SLiMS loan, and the librarian's decision. The item
# code, title and due date are snapshots of the loan when asked; SLiMS stays the truth.
# `slims_updated`: the portal extended the loan in SLiMS itself (PORTAL_SLIMS_WRITE), or the
# librarian marked the extension done in SLiMS circulation; false = still to do there.
extension_requests = Table(
    "extension_requests",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("account_id", Integer, nullable=False),
    Column("loan_id", Integer, nullable=False),
    Column("item_code", String(20), nullable=False),
    Column("title", Text, nullable=False),
    Column("due_date", Date, nullable=False),
    Column("note", String(500)),
    Column("status", String(16), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("decided_at", UTCDateTime),
    Column("decided_by", Integer),  # librarians.id
    Column("decision_note", String(500)),
    Column("new_due_date", Date),
    Column("slims_updated", Boolean, nullable=False, default=False),
    CheckConstraint(one_of("status", ExtensionStatus), name="ck_extension_status"),
)
# One open (pending) request per loan: two clicks, or two tabs, make one request.
OPEN_EXTENSION = text(equals("status", ExtensionStatus.PENDING))
partial_unique_index("uq_open_extension_loan", extension_requests.c.loan_id, where=OPEN_EXTENSION)
Index("ix_extension_account", extension_requests.c.account_id, extension_requests.c.loan_id)
