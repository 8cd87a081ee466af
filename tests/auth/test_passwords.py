"""Password hashing and policy (security.md: Accounts and passwords)."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask.testing import FlaskClient

from signup_fn.auth import queries as auth_queries
from signup_fn.passwords import (
    PasswordRejected,
    check_policy,
    hash_password,
    needs_rehash,
    verify_password,
)
from signup_fn.services import services
from signup_fn.store import schema
from signup_fn.store.engine import transaction
from tests.support.stored import rows
from tests.support.web import PASSWORD, active_account, login


def test_hash_is_argon2id_with_its_parameters() -> None:
    stored = hash_password(PASSWORD)
    assert stored.startswith("$argon2id$v=19$m=")
    assert "t=" in stored and "p=" in stored  # parameters travel with the hash
    assert verify_password(stored, PASSWORD)
    assert not verify_password(stored, PASSWORD + "x")


@pytest.mark.parametrize("password", ["1234567", "abcdefg", "       "])
def test_seven_characters_are_refused(password: str) -> None:
    with pytest.raises(PasswordRejected, match="paling sedikit 8"):
        check_policy(password)


def test_long_unicode_and_spaces_are_accepted() -> None:
    assert check_policy("x" * 64 + "y" * 64) == "x" * 64 + "y" * 64
    assert check_policy("kopi susu ☕ di pagi hari")
    assert check_policy("Perpustakaan الكتاب 書籍 ünïcödé")


def test_nfc_normalised() -> None:
    decomposed = "cafe\u0301 au lait!"
    composed = "caf\u00e9 au lait!"
    assert check_policy(decomposed) == composed
    assert verify_password(hash_password(decomposed), composed)


def test_over_128_refused_never_truncated() -> None:
    with pytest.raises(PasswordRejected, match="128"):
        check_policy("a" * 129)
    base = "sebuah kalimat panjang yang mudah diingat tetapi sulit ditebak " * 2
    first = (base[:89] + "A" + base[90:100])[:100]
    second = (base[:89] + "B" + base[90:100])[:100]
    assert len(first) == 100 and first != second
    assert not verify_password(hash_password(first), second)


@pytest.mark.parametrize(
    "password", ["password", "12345678", "iloveyou", "perpustakaan", "qwertyuiop"]
)
def test_common_passwords_are_refused(password: str) -> None:
    with pytest.raises(PasswordRejected, match="terlalu umum"):
        check_policy(password)


def test_username_itself_is_refused() -> None:
    with pytest.raises(PasswordRejected, match="nomor anggota"):
        check_policy("p27820121001", username="P27820121001")


def test_no_composition_rules() -> None:
    assert check_policy("semuahurufkecilsaja")


def test_old_parameters_rehashed_at_login(app: Flask, client: FlaskClient) -> None:
    account_id = active_account(app, client)
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    assert needs_rehash(weak)
    with app.app_context(), transaction(services().engine) as connection:
        auth_queries.update_account(connection, account_id, password_hash=weak)
    assert login(app.test_client()).status_code == 303
    stored = rows(app, schema.accounts)[0]["password_hash"]
    assert stored != weak and not needs_rehash(stored)
    assert verify_password(stored, PASSWORD)
