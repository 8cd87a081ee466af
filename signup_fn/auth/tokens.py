"""Single-use tokens for links sent to people (activation, password reset, librarian setup).

A token is `secrets.token_urlsafe(32)` (256 random bits). Only its SHA-256 is stored, with the
purpose, the subject (an account or librarian id), and its expiry; a new token of the same
purpose for the same subject makes older ones expire. Using a token is one conditional UPDATE,
so it works once even when two requests race. A patron's outstanding links die when the
account's address changes, the account is disabled, or its password changes.

A link carries its token in the query string (`/activate?token=...`), never in the path: the
deployed access log (deploy/gunicorn.conf.py) and the proxy's (DEPLOY.md) record the path only.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from urllib.parse import urlencode

from sqlalchemy import Connection

from ..store.engine import utcnow
from ..store.statuses import ACCOUNT_LINKS, Purpose
from . import queries

TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 100  # longer tokens are not ours: refused before hashing
TOKEN_PARAMETER = "token"  # noqa: S105 (the query parameter's name, not a secret)


def revoke_account_links(connection: Connection, account_id: int) -> int:
    """A patron's outstanding activation and reset links stop working (the address changed, the
    account was disabled, or the password changed); returns how many."""
    return queries.revoke_tokens(connection, ACCOUNT_LINKS, account_id)


def link_path(path: str, token: str) -> str:
    """`path` with `token` in its query string, where no log records it."""
    return f"{path}?{urlencode({TOKEN_PARAMETER: token})}"


def hash_token(token: str) -> str:
    """What is stored and looked up: the hex SHA-256 of the token."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def issue(connection: Connection, purpose: Purpose, subject_id: int, lifetime: timedelta) -> str:
    """A new token for `subject_id`, valid for `lifetime`; returns the raw token (never stored)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    queries.insert_token(
        connection,
        token_hash=hash_token(token),
        purpose=purpose,
        subject_id=subject_id,
        expires_at=utcnow() + lifetime,
    )
    return token


def peek(connection: Connection, purpose: Purpose, token: str) -> int | None:
    """The subject of a valid token without using it (to show its form), else None."""
    if len(token) > MAX_TOKEN_LENGTH:
        return None
    return queries.find_valid_token(connection, hash_token(token), purpose)


def consume(connection: Connection, purpose: Purpose, token: str) -> int | None:
    """Use the token once: its subject, or None when unknown, used, superseded or expired."""
    if len(token) > MAX_TOKEN_LENGTH:
        return None
    return queries.use_token(connection, hash_token(token), purpose)
