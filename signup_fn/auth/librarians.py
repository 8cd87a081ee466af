"""Librarian accounts: separate from patrons, set up through a single-use link, optional TOTP.

`flask --app signup_fn librarian add USERNAME [--email E]` prints the setup link once;
`librarian disable USERNAME` ends every session of that librarian at once;
`librarian reset USERNAME` (lost password or authenticator) clears the password and TOTP, ends
every session and prints a new setup link once. Audit actor: `librarian:<id>`.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pyotp
from flask import current_app
from sqlalchemy import Connection

from .. import library
from ..passwords import check_policy, hash_password, needs_rehash
from ..store.audit import add_audit, audit_actor
from ..store.engine import utcnow
from ..store.statuses import Purpose, SessionKind
from . import login_guard, queries
from . import sessions as auth_session
from .tokens import consume, issue, link_path, peek

KIND = SessionKind.LIBRARIAN
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")


class SetupError(Exception):
    """The setup link is unknown, used, superseded or expired."""


def actor(librarian_id: int) -> str:
    return audit_actor(KIND, librarian_id)


def setup_path(token: str) -> str:
    return link_path("/admin/setup", token)


def add_librarian(connection: Connection, username: str, email: str | None) -> tuple[int, str]:
    """A new librarian without a password; returns (id, raw setup token)."""
    librarian_id = queries.insert_librarian(connection, username=username, email=email)
    lifetime = timedelta(hours=current_app.config["LIBRARIAN_SETUP_HOURS"])
    token = issue(connection, Purpose.LIBRARIAN_SETUP, librarian_id, lifetime)
    add_audit(
        connection, action="librarian_added", outcome="ok", actor="cli", reason=actor(librarian_id)
    )
    return librarian_id, token


def librarian_for_token(connection: Connection, token: str) -> dict[str, Any]:
    librarian_id = peek(connection, Purpose.LIBRARIAN_SETUP, token)
    librarian = (
        queries.get_librarian(connection, librarian_id) if librarian_id is not None else None
    )
    if librarian is None or not librarian["active"]:
        raise SetupError()
    return librarian


def totp_uri(secret: str, username: str) -> str:
    """The otpauth:// URI an authenticator app takes (typed or pasted; no QR service); its
    issuer is the library's short name."""
    issuer = library.current().short_name
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer)


def totp_step(secret: str, code: str) -> int | None:
    """The time step `code` is valid for (now, or one step either side), else None."""
    code = code.strip().replace(" ", "")
    if not (code.isascii() and code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now = utcnow()
    for drift in (0, -1, 1):
        moment = now + timedelta(seconds=drift * totp.interval)
        if totp.verify(code, for_time=moment, valid_window=0):
            return totp.timecode(moment)
    return None


def complete_setup(
    connection: Connection, token: str, password: str, totp_secret: str | None
) -> int:
    """Set the password (and the TOTP secret, already confirmed by a code) through the link.
    Raises PasswordRejected (link left unused) or SetupError."""
    librarian = librarian_for_token(connection, token)
    password = check_policy(
        password, username=librarian["username"], words=library.current().password_words()
    )
    if consume(connection, Purpose.LIBRARIAN_SETUP, token) != librarian["id"]:
        raise SetupError()
    queries.update_librarian(
        connection,
        librarian["id"],
        password_hash=hash_password(password),
        totp_secret=totp_secret,
        totp_last_step=None,
    )
    auth_session.revoke_sessions(connection, KIND, librarian["id"])
    add_audit(
        connection,
        action="librarian_setup",
        outcome="ok",
        actor=actor(librarian["id"]),
        reason="totp" if totp_secret else None,
    )
    return librarian["id"]


def authenticate(connection: Connection, username: str, password: str, code: str) -> int | None:
    """The librarian id when password (and TOTP code, once enrolled) are right, else None."""
    username = username.strip().lower()
    librarian = queries.find_librarian(connection, username) if len(username) <= 64 else None
    candidate = None
    if librarian is not None:
        secret = librarian["totp_secret"]

        def second_factor() -> bool:
            step = totp_step(secret, code)
            return step is not None and queries.advance_totp_step(connection, librarian["id"], step)

        candidate = login_guard.Candidate(
            librarian["id"],
            librarian["password_hash"],
            None if librarian["active"] else "disabled",
            second_factor if secret else None,
        )
    librarian_id = login_guard.authenticate(
        connection, kind=KIND, username=username, user=candidate, password=password
    )
    if librarian_id is not None and librarian and needs_rehash(librarian["password_hash"]):
        queries.update_librarian(connection, librarian_id, password_hash=hash_password(password))
    return librarian_id


def reset_librarian(connection: Connection, librarian_id: int, *, by: str) -> tuple[str, int]:
    """Recovery: the password and the TOTP secret stop working now, every session ends, and a
    new setup link (its older ones stop) lets the librarian set a password and enrol TOTP
    again. Returns (raw setup token, sessions ended)."""
    queries.update_librarian(
        connection, librarian_id, password_hash=None, totp_secret=None, totp_last_step=None
    )
    ended = auth_session.revoke_sessions(connection, KIND, librarian_id)
    lifetime = timedelta(hours=current_app.config["LIBRARIAN_SETUP_HOURS"])
    token = issue(connection, Purpose.LIBRARIAN_SETUP, librarian_id, lifetime)
    add_audit(
        connection, action="librarian_reset", outcome="ok", actor=by, reason=actor(librarian_id)
    )
    return token, ended


def disable_librarian(connection: Connection, librarian_id: int, *, by: str) -> int:
    """Disable and end every session now; returns how many sessions ended."""
    queries.update_librarian(connection, librarian_id, active=False)
    queries.revoke_tokens(connection, (Purpose.LIBRARIAN_SETUP,), librarian_id)
    ended = auth_session.revoke_sessions(connection, KIND, librarian_id)
    add_audit(
        connection, action="librarian_disabled", outcome="ok", actor=by, reason=actor(librarian_id)
    )
    return ended
