"""A person's rights under UU PDP, and the retention purge: `flask --app signup_fn privacy ...`.

- `export MEMBER_ID`: the person's data as JSON (requests and the decisions on them,
  account without its password hash, how many sessions, loan extension requests, mail sent
  to them, the copy of their entry in the imported SLiMS list) and its processing record
  (the audit rows about their requests and account). Audit `export`.
- `delete MEMBER_ID [--yes]`: deletes the person's requests and their decisions, account,
  its tokens, sessions and loan extension requests, mail to them and their failed-login
  counters, in one transaction with audit rows `deletion` that name ids only. The audit
  trail stays whole: it holds no personal data. `library_members` is left alone: it is a
  copy of the library's own member register (SLiMS), replaced whole by each import; a
  membership ends in SLiMS, and the next import would bring the entry back anyway.
- `correct MEMBER_ID [--email E] [--name N] [--phone P] [--programme X]`: each value is checked
  by the sign-up form's own rules (`validation.SignupRequest`, field by field), then the
  person's pending and approved requests, and the account's e-mail, take the new values in one
  transaction; a new e-mail makes the account's outstanding links stop working (`requests
  resend` sends a new one). Audit `correction` per request and for the account, naming the
  fields changed, never their values.
- `purge` (for a scheduler, e.g. daily): pending and rejected requests older than
  `RETENTION_DAYS` (90, as docs/privasi.md promises), unused expired links, ended sessions,
  old rate-limit windows and failed logins, sent mail older than `SENT_MAIL_RETENTION_DAYS`.
  Never an account, nor a request an account came from. Audit `purge` with the counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import click
from flask import current_app
from pydantic import ValidationError
from sqlalchemy import Connection

from ..api.schema import SignupRequest, message_for
from ..auth import queries as auth_queries
from ..auth.tokens import revoke_account_links
from ..member_numbers import normalise_member_number
from ..slims import queries as slims_queries
from ..store.audit import add_audit, audit_actor
from ..store.engine import utcnow
from ..store.statuses import RequestStatus, SessionKind
from ..web.ratelimit import limit_key
from . import queries

ACTOR = "cli"
PATRON = SessionKind.PATRON


def account_ref(account_id: int) -> str:
    """How audit rows name an account."""
    return audit_actor(PATRON, account_id)


@dataclass(frozen=True)
class Person:
    """What the database holds about one member number."""

    member_id: str
    requests: list[dict[str, Any]]
    account: dict[str, Any] | None

    @property
    def request_ids(self) -> list[int]:
        return [request["id"] for request in self.requests]

    @property
    def addresses(self) -> list[str]:
        found = [request["email"] for request in self.requests]
        if self.account is not None:
            found.append(self.account["email"])
        return found

    @property
    def found(self) -> bool:
        return bool(self.requests) or self.account is not None


def find_person(connection: Connection, member_id: str) -> Person:
    member_id = normalise_member_number(member_id)
    return Person(
        member_id=member_id,
        requests=queries.requests_of_member(connection, member_id),
        account=auth_queries.find_account(connection, member_id),
    )


def plain(value: Any) -> Any:
    """JSON-ready values: dates and times as ISO 8601 (times in UTC)."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def export_person(connection: Connection, member_id: str) -> dict[str, Any] | None:
    """The person's data and processing record; None when nothing is stored. Audits `export`."""
    person = find_person(connection, member_id)
    if not person.found:
        return None
    account = person.account
    reference = account_ref(account["id"]) if account else None
    library_member = slims_queries.find_library_member(connection, person.member_id)
    data = {
        "member_id": person.member_id,
        "exported_at": utcnow(),
        "requests": person.requests,
        "decisions": queries.decisions_of(connection, person.request_ids),
        "account": (
            {key: value for key, value in account.items() if key != "password_hash"}
            if account
            else None
        ),
        "sessions": auth_queries.count_user_sessions(connection, PATRON, account["id"])
        if account
        else 0,
        "extension_requests": queries.extension_requests_of(connection, account["id"])
        if account
        else [],
        "outbox": queries.outbox_to(connection, person.addresses),
        "library_member": dict(library_member) if library_member else None,
        "processing_record": queries.audit_rows_about(connection, person.request_ids, reference),
    }
    add_audit(
        connection,
        action="export",
        outcome="ok",
        actor=ACTOR,
        reason=reference,
        request_id=person.request_ids[-1] if person.request_ids else None,
    )
    return plain(data)


def delete_person(connection: Connection, member_id: str) -> dict[str, int] | None:
    """Delete the person's data (see the module); None when nothing is stored."""
    person = find_person(connection, member_id)
    if not person.found:
        return None
    account_id = person.account["id"] if person.account else None
    secret = current_app.config["SECRET_KEY"]
    counts = queries.delete_person(
        connection,
        request_ids=person.request_ids,
        account_id=account_id,
        addresses=person.addresses,
        login_keys=[limit_key(secret, f"login:{PATRON}", person.member_id.casefold())],
    )
    for request_id in person.request_ids:
        add_audit(connection, action="deletion", outcome="ok", actor=ACTOR, request_id=request_id)
    if account_id is not None:
        add_audit(
            connection, action="deletion", outcome="ok", actor=ACTOR, reason=account_ref(account_id)
        )
    return counts


CORRECTABLE = ("email", "name", "phone", "programme")


class InvalidCorrection(Exception):
    """Values the sign-up form would refuse; `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


@dataclass(frozen=True)
class Change:
    """One field changed in one request (`request_id`), or in the account (None)."""

    request_id: int | None
    field: str
    old: Any
    new: Any


def checked_values(values: dict[str, str]) -> dict[str, str | None]:
    """The new values as the sign-up form would store them (its own validators, one field at a
    time); an empty phone clears it. Raises InvalidCorrection with every refused field."""
    model = SignupRequest.model_construct()
    checked: dict[str, str | None] = {}
    errors: dict[str, str] = {}
    for field, value in values.items():
        if field == "phone" and value == "":
            checked[field] = None
            continue
        try:
            SignupRequest.__pydantic_validator__.validate_assignment(model, field, value)
        except ValidationError as exc:
            errors[field] = message_for(exc.errors()[0])
            continue
        checked[field] = getattr(model, field)
    if errors:
        raise InvalidCorrection(errors)
    return checked


def refuse_during_conflict(requests: list[dict[str, Any]]) -> None:
    """Pending requests of one member number from different e-mails are a conflict for the
    librarian to resolve: one address for all of them would hide it (InvalidCorrection)."""
    pending = [request for request in requests if request["status"] == RequestStatus.PENDING]
    if len(pending) > 1:
        raise InvalidCorrection(
            {
                "email": f"nomor anggota ini punya {len(pending)} permintaan menunggu dari kontak "
                "berbeda; tolak yang bukan milik anggota dulu, lalu perbaiki."
            }
        )


def correct_person(
    connection: Connection, member_id: str, values: dict[str, str]
) -> list[Change] | None:
    """Correct the person's pending and approved requests and the account's e-mail (see the
    module); returns what changed, or None when no such request or account is stored."""
    unknown = set(values) - set(CORRECTABLE)
    if unknown:
        raise ValueError(f"not correctable: {sorted(unknown)}")
    new = checked_values(values)
    member_id = normalise_member_number(member_id)
    requests = queries.correctable_requests(connection, member_id)
    account = auth_queries.find_account(connection, member_id)
    if not requests and account is None:
        return None
    if "email" in new:
        refuse_during_conflict(requests)
    changes: list[Change] = []
    for request in requests:
        changed = {field: value for field, value in new.items() if request[field] != value}
        if not changed:
            continue
        queries.update_request(connection, request["id"], **changed)
        changes += [
            Change(request["id"], field, request[field], value) for field, value in changed.items()
        ]
        add_audit(
            connection,
            action="correction",
            outcome="ok",
            actor=ACTOR,
            reason="fields:" + ",".join(sorted(changed)),
            request_id=request["id"],
        )
    if account is not None and "email" in new and account["email"] != new["email"]:
        auth_queries.update_account(connection, account["id"], email=new["email"])
        revoke_account_links(connection, account["id"])
        changes.append(Change(None, "email", account["email"], new["email"]))
        add_audit(
            connection,
            action="correction",
            outcome="ok",
            actor=ACTOR,
            reason=f"{account_ref(account['id'])} fields:email",
        )
    return changes


def purge(connection: Connection) -> dict[str, int]:
    """Delete what the retention rules allow (see `privacy.queries.purge_stale`); audits `purge`."""
    config = current_app.config
    retention, sent_retention = config["RETENTION_DAYS"], config["SENT_MAIL_RETENTION_DAYS"]
    if retention < 1 or sent_retention < 1:
        raise click.UsageError("RETENTION_DAYS dan SENT_MAIL_RETENTION_DAYS minimal 1 hari.")
    now = utcnow()
    login_window = max(config["LOGIN_ACCOUNT_WINDOW"], config["LOGIN_ADDRESS_WINDOW"])
    # the longest window any limit uses (sign-up limits, and the forgot-password hour)
    rate_window = max(
        config["RATE_LIMIT_ADDRESS_WINDOW"],
        config["RATE_LIMIT_MEMBER_WINDOW"],
        config["RATE_LIMIT_USE_WINDOW"],
        3600,
    )
    counts = queries.purge_stale(
        connection,
        requests_before=now - timedelta(days=retention),
        sent_mail_before=now - timedelta(days=sent_retention),
        login_failures_before=now - timedelta(seconds=login_window),
        rate_window_before=int(now.timestamp()) - rate_window,
    )
    summary = " ".join(f"{kind}:{count}" for kind, count in counts.items())
    add_audit(connection, action="purge", outcome="ok", actor=ACTOR, reason=summary)
    return counts
