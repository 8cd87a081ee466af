"""Brute-force limits on logins without a lock-out a stranger can cause (ASVS 5.0 V6.3; OWASP's
"Slow down online guessing attacks with device cookies"), counted in the database (shared by
every worker).

- A successful login (and an activation or reset through a mailed link) gives the browser a
  *device cookie* for that user: a random nonce with a keyed signature binding it to the kind
  and username (`DEVICE_COOKIES`; HttpOnly, `DEVICE_COOKIE_DAYS` days).
- An attempt with a valid device cookie for the username is *trusted*: its failures count
  against that cookie only (`LOGIN_ACCOUNT_LIMIT` within `LOGIN_ACCOUNT_WINDOW`); a cookie over
  its limit is treated as absent until its failures leave the window. A stranger's failures
  therefore never lock the real user out on a device they have logged in from before.
- Any other attempt is *untrusted*: its failures count against the username (the same limit,
  shared by every untrusted client; ASVS 4.0.3 2.2.1: config keeps it within 100 an hour) and
  against the client address (the real one: ProxyFix handles trusted proxies). The address
  limit is high and its window short (`LOGIN_ADDRESS_LIMIT` per `LOGIN_ADDRESS_WINDOW`): it
  only slows one address down, never shuts a campus behind one NAT out for long, and never
  touches trusted attempts.
- A success clears the failures of the counter it used. Keys are keyed hashes, so no username,
  address or nonce is stored.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from hashlib import sha256

from flask import Response, after_this_request, current_app, request
from sqlalchemy import Connection

from ..passwords import verify_password
from ..store.audit import add_audit
from ..store.engine import utcnow
from ..store.statuses import SessionKind
from ..web.headers import client_address
from ..web.ratelimit import limit_key
from . import queries

DEVICE_COOKIES = {SessionKind.PATRON: "portal_device", SessionKind.LIBRARIAN: "portal_admin_device"}
DEVICE_COOKIE_PATHS = {SessionKind.PATRON: "/", SessionKind.LIBRARIAN: "/admin"}
DEVICE_COOKIE_DAYS = 180
NONCE_BYTES = 16


@dataclass(frozen=True)
class Keys:
    account: str
    address: str
    device: str | None  # the trusted device cookie's counter, None for an untrusted client


def signature(kind: SessionKind, username: str, nonce: str) -> str:
    secret = current_app.config["SECRET_KEY"].encode()
    message = f"device:{kind}:{username.casefold()}:{nonce}".encode()
    return hmac.new(secret, message, sha256).hexdigest()


def device_nonce(kind: SessionKind, username: str) -> str | None:
    """The nonce of this browser's device cookie when it was issued for `username`, else None."""
    value = request.cookies.get(DEVICE_COOKIES[kind], "")
    nonce, _, signed = value.partition(".")
    if not nonce or len(value) > 200:
        return None
    return nonce if hmac.compare_digest(signed, signature(kind, username, nonce)) else None


def keys_for(kind: SessionKind, username: str) -> Keys:
    secret = current_app.config["SECRET_KEY"]
    nonce = device_nonce(kind, username)
    return Keys(
        account=limit_key(secret, f"login:{kind}", username.casefold()),
        address=limit_key(secret, "login:address", client_address()),
        device=limit_key(secret, f"login:device:{kind}", nonce) if nonce else None,
    )


def give_device_cookie(kind: SessionKind, username: str) -> None:
    """This browser proved to be `username`'s (a login, or a mailed link used): the response
    carries a new device cookie for that user."""
    nonce = secrets.token_urlsafe(NONCE_BYTES)
    value = f"{nonce}.{signature(kind, username, nonce)}"
    secure = bool(current_app.config["SESSION_COOKIE_SECURE"])

    @after_this_request
    def set_cookie(response: Response) -> Response:
        response.set_cookie(
            DEVICE_COOKIES[kind],
            value,
            max_age=int(timedelta(days=DEVICE_COOKIE_DAYS).total_seconds()),
            httponly=True,
            secure=secure,
            samesite="Lax",
            path=DEVICE_COOKIE_PATHS[kind],
        )
        return response


def since(window_seconds: int) -> datetime:
    return utcnow() - timedelta(seconds=window_seconds)


def failures(connection: Connection, key: str, window: int) -> int:
    return queries.count_login_failures(connection, key, since(window))


def counter_for(connection: Connection, keys: Keys) -> str | None:
    """Which counter this attempt uses: `device` (a trusted cookie under its limit) or
    `account` (untrusted, username and address under theirs); None when it is refused."""
    config = current_app.config
    limit, window = config["LOGIN_ACCOUNT_LIMIT"], config["LOGIN_ACCOUNT_WINDOW"]
    if keys.device is not None and failures(connection, keys.device, window) < limit:
        return "device"
    if failures(connection, keys.account, window) >= limit:
        return None
    address_limit, address_window = config["LOGIN_ADDRESS_LIMIT"], config["LOGIN_ADDRESS_WINDOW"]
    if failures(connection, keys.address, address_window) >= address_limit:
        return None
    return "account"


def record_failure(connection: Connection, keys: Keys, counter: str) -> str | None:
    """Count one failure on `counter`; the scope it locks just now (`device`, `account`,
    `address`), else None."""
    config = current_app.config
    window, limit = config["LOGIN_ACCOUNT_WINDOW"], config["LOGIN_ACCOUNT_LIMIT"]
    address_window = config["LOGIN_ADDRESS_WINDOW"]
    queries.prune_login_failures(connection, since(max(window, address_window)))
    if counter == "device" and keys.device is not None:
        queries.add_login_failure(connection, keys.device)
        return "device" if failures(connection, keys.device, window) == limit else None
    queries.add_login_failure(connection, keys.account)
    queries.add_login_failure(connection, keys.address)
    if failures(connection, keys.account, window) == limit:
        return "account"
    if failures(connection, keys.address, address_window) == config["LOGIN_ADDRESS_LIMIT"]:
        return "address"
    return None


def record_success(connection: Connection, keys: Keys, counter: str) -> None:
    key = keys.device if counter == "device" and keys.device is not None else keys.account
    queries.clear_login_failures(connection, key)


def verify_again(
    connection: Connection,
    *,
    kind: SessionKind,
    username: str,
    password_hash: str | None,
    password: str,
) -> bool:
    """A logged-in user's password asked again (to change it): counted and limited exactly as a
    login of that username from this browser, so a stolen session cannot guess it faster."""
    keys = keys_for(kind, username)
    counter = counter_for(connection, keys)
    if counter is None:
        verify_password(None, password)
        return False
    if verify_password(password_hash, password):
        return True
    record_failure(connection, keys, counter)
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
    connection: Connection,
    *,
    kind: SessionKind,
    username: str,
    user: Candidate | None,
    password: str,
) -> int | None:
    """The user id when the login succeeds (the browser then gets a device cookie), else None —
    the same None for an unknown user, a wrong password or code, a pending or disabled account
    and a refusal by the limits. The password is always verified against a hash (a dummy one
    when there is none), so timing tells nothing either. Every attempt writes an audit row
    (`login_ok`, `login_failed`, `lockout`)."""
    keys = keys_for(kind, username)
    actor = f"{kind}:{user.id}" if user else "public"
    counter = counter_for(connection, keys)
    if counter is None:
        verify_password(None, password)
        add_audit(
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
        record_success(connection, keys, counter)
        give_device_cookie(kind, username)
        add_audit(connection, action="login_ok", outcome="ok", actor=actor)
        return user.id
    scope = record_failure(connection, keys, counter)
    add_audit(connection, action="login_failed", outcome="refused", actor=actor, reason=reason)
    if scope is not None:
        add_audit(connection, action="lockout", outcome="locked", actor=actor, reason=scope)
    return None
