"""Server-side login sessions for patrons and librarians.

The cookie `portal_session` holds a random value; the database holds only its SHA-256 (the
session id), the kind (`patron` or `librarian`), the user id and the times. A session ends on
the server (logout, password change, account disabled), after `SESSION_IDLE_MINUTES` without a
request, or `SESSION_MAX_HOURS` after login: a replayed old cookie finds nothing. The cookie is
HttpOnly, SameSite=Lax, host-only (no Domain) and Secure outside development. Each login gets a
new value (and ends the session the browser had before).
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from flask import Response, after_this_request, current_app, g, request, session
from sqlalchemy import Connection

from ..services import services
from ..store.audit import add_audit
from ..store.engine import transaction, utcnow
from ..store.statuses import SessionKind
from . import queries

COOKIE_NAME = "portal_session"
TOUCH_EVERY = timedelta(minutes=1)  # write last_seen_at at most this often


@dataclass(frozen=True)
class SessionUser:
    """Who the current request belongs to."""

    session_id: str
    kind: SessionKind
    user_id: int


def session_id_of(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()


def login_user(connection: Connection, kind: SessionKind, user_id: int) -> SessionUser:
    """Start a new session in the caller's transaction; the cookie is set on the response."""
    previous = request.cookies.get(COOKIE_NAME)
    if previous:
        queries.revoke_session(connection, session_id_of(previous))
    value = secrets.token_urlsafe(32)
    user = SessionUser(session_id_of(value), kind, user_id)
    lifetime = timedelta(hours=current_app.config["SESSION_MAX_HOURS"])
    queries.insert_session(
        connection,
        session_id=user.session_id,
        kind=kind,
        user_id=user_id,
        expires_at=utcnow() + lifetime,
    )
    session.pop("csrf_token", None)  # a fresh CSRF token for the new login, too
    cookie_to_write(value)
    g.portal_session_user = user
    return user


def current_user(kind: SessionKind | None = None) -> SessionUser | None:
    """The logged-in user of this request (of `kind`, when given), or None."""
    if "portal_session_user" not in g:
        g.portal_session_user = load_user()
    user: SessionUser | None = g.portal_session_user
    if user is None or (kind is not None and user.kind != kind):
        return None
    return user


def load_user() -> SessionUser | None:
    value = request.cookies.get(COOKIE_NAME)
    if not value or len(value) > 100:
        return None
    idle = timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    now = utcnow()
    engine = services().engine
    with engine.connect() as connection:
        row = queries.find_live_session(
            connection.execution_options(read_only=True), session_id_of(value), now - idle
        )
    if row is None:
        return None
    if now - row["last_seen_at"] > TOUCH_EVERY:
        with transaction(engine) as connection:
            queries.touch_session(connection, row["id"])
    return SessionUser(row["id"], SessionKind(row["kind"]), row["user_id"])


def logout_user(connection: Connection) -> None:
    """End the current session on the server and clear the cookie."""
    user = current_user()
    if user is not None:
        queries.revoke_session(connection, user.session_id)
    cookie_to_write("")
    g.portal_session_user = None


def log_out() -> None:
    """End this browser's session on the server (whoever holds it) and record the logout."""
    user = current_user()
    with transaction(services().engine) as connection:
        if user is not None:
            add_audit(
                connection, action="logout", outcome="ok", actor=f"{user.kind}:{user.user_id}"
            )
        logout_user(connection)


def revoke_sessions(
    connection: Connection, kind: SessionKind, user_id: int, *, keep_current: bool = False
) -> int:
    """End every session of one user (password change, account disabled); returns how many.

    With `keep_current`, the session of this request survives (a patron changing the password
    stays logged in here and is logged out everywhere else)."""
    current = current_user() if keep_current else None
    return queries.revoke_user_sessions(
        connection, kind, user_id, keep=current.session_id if current else None
    )


def cookie_to_write(value: str) -> None:
    """Have this request's response set the session cookie to `value` ("": clear it). Only a
    request that logs in or out registers `write_cookie`: as a hook of every response it
    cost every other request, the public API's included, a lookup of `g`."""
    if "portal_session_cookie" not in g:
        after_this_request(write_cookie)
    g.portal_session_cookie = value


def write_cookie(response: Response) -> Response:
    """Set or clear the session cookie when this request logged in or out."""
    value = g.get("portal_session_cookie")
    if value is None:
        return response
    config = current_app.config
    if value:
        response.set_cookie(
            COOKIE_NAME,
            value,
            httponly=True,
            secure=bool(config["SESSION_COOKIE_SECURE"]),
            samesite="Lax",
            path="/",
        )
    else:
        response.delete_cookie(
            COOKIE_NAME,
            path="/",
            httponly=True,
            secure=bool(config["SESSION_COOKIE_SECURE"]),
            samesite="Lax",
        )
    return response


def local_path(target: str | None) -> str | None:
    """`target` when it is a path on this site (`/x?y`), else None: no scheme, no host, no
    `//` or `/\\` (browsers read both as another host), no control characters."""
    if not target or len(target) > 2000 or not target.startswith("/"):
        return None
    if target.startswith(("//", "/\\")) or any(
        ord(char) < 0x20 or ord(char) == 0x7F for char in target
    ):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


def request_path() -> str:
    """This request's path and query, to come back to after logging in."""
    query = request.query_string.decode("latin-1")
    return request.path + (f"?{query}" if query else "")
