"""Single-use tokens: random, hashed at rest, expiring, superseded, used once."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from flask import Flask

from signup_fn.auth.tokens import Purpose, consume, issue, peek
from signup_fn.services import services
from signup_fn.store import schema
from signup_fn.store.engine import transaction
from tests.support.stored import rows


def make(app: Flask, subject: int = 1, lifetime: timedelta = timedelta(hours=72)) -> str:
    with app.app_context(), transaction(services().engine) as connection:
        return issue(connection, Purpose.ACTIVATION, subject, lifetime)


def use(app: Flask, token: str, purpose: Purpose = Purpose.ACTIVATION) -> int | None:
    with app.app_context(), transaction(services().engine) as connection:
        return consume(connection, purpose, token)


def test_random_and_hashed_at_rest(app: Flask) -> None:
    first, second = make(app, 1), make(app, 2)
    assert first != second and len(first) >= 43  # 32 bytes, base64url
    stored = rows(app, schema.tokens)
    assert {row["token_hash"] for row in stored} == {
        hashlib.sha256(token.encode()).hexdigest() for token in (first, second)
    }
    dumped = repr(stored)
    assert first not in dumped and second not in dumped


def test_works_once(app: Flask) -> None:
    token = make(app, 7)
    with app.app_context(), services().engine.connect() as connection:
        assert peek(connection, Purpose.ACTIVATION, token) == 7  # peeking does not use it
    assert use(app, token) == 7
    assert use(app, token) is None
    assert rows(app, schema.tokens)[0]["used_at"] is not None


def test_purpose_must_match(app: Flask) -> None:
    token = make(app, 7)
    assert use(app, token, Purpose.PASSWORD_RESET) is None
    assert use(app, token, Purpose.LIBRARIAN_SETUP) is None
    assert use(app, token) == 7


def test_expires(app: Flask) -> None:
    token = make(app, 7, lifetime=timedelta(seconds=-1))
    assert use(app, token) is None


def test_new_token_invalidates_older(app: Flask) -> None:
    old = make(app, 7)
    other_subject = make(app, 8)
    new = make(app, 7)
    assert use(app, old) is None
    assert use(app, new) == 7
    assert use(app, other_subject) == 8


def test_unknown_and_oversized_tokens(app: Flask) -> None:
    assert use(app, "nope") is None
    assert use(app, "x" * 5000) is None
