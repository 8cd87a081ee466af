"""Brute-force limits on logins, counted in the database (shared by every worker).

Each failed login adds one row per key: the username (of that kind; known or not) and the
client address (the real one: ProxyFix handles trusted proxies). A username with
`LOGIN_ACCOUNT_LIMIT` failures within `LOGIN_ACCOUNT_WINDOW` seconds is locked until the oldest
of them leaves the window (config keeps this within 100 failures an hour, ASVS 4.0.3 2.2.1); an
address is limited likewise. A successful login clears the username's failures. Keys are keyed
hashes, so no username or address is stored.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app, request
from sqlalchemy import Connection

from . import db
from .passwords import verify_password
from .ratelimit import limit_key


@dataclass(frozen=True)
class Keys:
    account: str
    address: str


def keys_for(kind: str, username: str) -> Keys:
    secret = current_app.config["SECRET_KEY"]
    return Keys(
        account=limit_key(secret, f"login:{kind}", username.casefold()),
        address=limit_key(secret, "login:address", request.remote_addr or "unknown"),
    )


def since(window_seconds: int) -> datetime:
    return db.utcnow() - timedelta(seconds=window_seconds)


def locked(connection: Connection, keys: Keys) -> bool:
    """True when the username or the address has reached its limit."""
    config = current_app.config
    account_failures = db.count_login_failures(
        connection, keys.account, since(config["LOGIN_ACCOUNT_WINDOW"])
    )
    if account_failures >= config["LOGIN_ACCOUNT_LIMIT"]:
        return True
    address_failures = db.count_login_failures(
        connection, keys.address, since(config["LOGIN_ADDRESS_WINDOW"])
    )
    return address_failures >= config["LOGIN_ADDRESS_LIMIT"]


def record_failure(connection: Connection, keys: Keys) -> str | None:
    """Count one failure; `account` or `address` when it locks that just now, else None."""
    config = current_app.config
    oldest = max(config["LOGIN_ACCOUNT_WINDOW"], config["LOGIN_ADDRESS_WINDOW"])
    db.prune_login_failures(connection, since(oldest))
    db.add_login_failure(connection, keys.account)
    db.add_login_failure(connection, keys.address)
    account_failures = db.count_login_failures(
        connection, keys.account, since(config["LOGIN_ACCOUNT_WINDOW"])
    )
    address_failures = db.count_login_failures(
        connection, keys.address, since(config["LOGIN_ADDRESS_WINDOW"])
    )
    if account_failures == config["LOGIN_ACCOUNT_LIMIT"]:
        return "account"
    if address_failures == config["LOGIN_ADDRESS_LIMIT"]:
        return "address"
    return None


def record_success(connection: Connection, keys: Keys) -> None:
    db.clear_login_failures(connection, keys.account)


def verify_again(
    connection: Connection, *, kind: str, username: str, password_hash: str | None, password: str
) -> bool:
    """A logged-in user's password asked again (to change it): counted and limited exactly as a
    login of that username, so a stolen session cannot guess it any faster."""
    keys = keys_for(kind, username)
    if locked(connection, keys):
        verify_password(None, password)
        return False
    if verify_password(password_hash, password):
        return True
    record_failure(connection, keys)
    return False


@dataclass(frozen=True)
class Candidate:
    """The stored user a login names: `refusal` (`pending`, `disabled`) when it may not log in;
    `second_factor` checks a TOTP code (librarians) after the password matched."""

    id: int
    password_hash: str | None
    refusal: str | None = None
    second_factor: Callable[[], bool] | None = None


def authenticate(
    connection: Connection, *, kind: str, username: str, user: Candidate | None, password: str
) -> int | None:
    """The user id when the login succeeds, else None — the same None for an unknown user, a
    wrong password or code, a pending or disabled account and a lock-out. The password is
    always verified against a hash (a dummy one when there is none), so timing tells nothing
    either. Every attempt writes an audit row (`login_ok`, `login_failed`, `lockout`)."""
    keys = keys_for(kind, username)
    actor = f"{kind}:{user.id}" if user else "public"
    if locked(connection, keys):
        verify_password(None, password)
        db.add_audit(
            connection, action="login_failed", outcome="refused", actor=actor, reason="locked"
        )
        return None
    matches = verify_password(user.password_hash if user else None, password)
    if user is None:
        reason = "unknown_user"
    elif user.refusal:
        reason = user.refusal
    elif not matches:
        reason = "wrong_password"
    elif user.second_factor is not None and not user.second_factor():
        reason = "wrong_code"
    else:
        record_success(connection, keys)
        db.add_audit(connection, action="login_ok", outcome="ok", actor=actor)
        return user.id
    scope = record_failure(connection, keys)
    db.add_audit(connection, action="login_failed", outcome="refused", actor=actor, reason=reason)
    if scope is not None:
        db.add_audit(connection, action="lockout", outcome="locked", actor=actor, reason=scope)
    return None
