"""Password hashing (argon2id) and the password policy (ASVS 5.0 6.2, 11.4.2).

Hashes are argon2-cffi's PHC strings (`$argon2id$v=19$m=...,t=...,p=...$salt$hash`): the
parameters travel with the hash, and `needs_rehash` tells when a login should re-hash with the
current ones. Policy: 8 to 128 characters after NFC normalisation, any Unicode and spaces, no
composition rules, never truncated; common passwords (zxcvbn's list of 30,000, plus a few words
people pick first here), the words of the library's name (`library.Library.password_words`,
passed in by the caller) and the username itself are refused.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from typing import TYPE_CHECKING

from .typed_text import secret_refusal

if TYPE_CHECKING:
    from argon2 import PasswordHasher

MIN_LENGTH = 8
RECOMMENDED_LENGTH = 15
MAX_LENGTH = 128
# Words people here pick first, whatever the library (compared case-insensitively); the
# library's own names come from its settings.
LOCAL_WORDS = frozenset(
    {
        "perpustakaan",
        "indonesia",
        "bismillah",
        "sayangku",
        "password123",
    }
)


@cache
def hasher() -> PasswordHasher:
    """argon2id with the library's (RFC 9106 low-memory) defaults, made on the first hash
    (argon2-cffi is not imported by a process that never hashes a password)."""
    from argon2 import PasswordHasher

    return PasswordHasher()


class PasswordRejected(ValueError):
    """The password breaks the policy; the message (Indonesian) says why."""


@cache
def common_passwords() -> frozenset[str]:
    """zxcvbn's frequency-ordered list of leaked passwords, lower-cased, plus LOCAL_WORDS."""
    from zxcvbn.frequency_lists import FREQUENCY_LISTS  # loaded on the first password checked

    return frozenset(FREQUENCY_LISTS["passwords"]) | LOCAL_WORDS


def normalise(password: str) -> str:
    """NFC, so the same password typed on two keyboards gives the same hash."""
    return unicodedata.normalize("NFC", password)


def check_policy(
    password: str, *, username: str | None = None, words: frozenset[str] = frozenset()
) -> str:
    """Return the normalised password, or raise PasswordRejected with the reason; `words`
    (lower-cased letters and digits) are refused however the password spaces or punctuates
    them."""
    password = normalise(password)
    if secret_refusal(password) is not None:
        raise PasswordRejected("Kata sandi mengandung karakter yang tidak diizinkan.")
    if len(password) < MIN_LENGTH:
        raise PasswordRejected(
            f"Kata sandi terlalu pendek: paling sedikit {MIN_LENGTH} karakter "
            f"(disarankan {RECOMMENDED_LENGTH} atau lebih)."
        )
    if len(password) > MAX_LENGTH:
        raise PasswordRejected(f"Kata sandi terlalu panjang: paling banyak {MAX_LENGTH} karakter.")
    folded = password.casefold()
    if username and folded == username.casefold():
        raise PasswordRejected(
            "Kata sandi tidak boleh sama dengan nomor anggota atau nama pengguna."
        )
    letters = "".join(character for character in folded if character.isalnum())
    if folded in common_passwords() or folded.strip() in common_passwords() or letters in words:
        raise PasswordRejected(
            "Kata sandi ini terlalu umum dan mudah ditebak; pilih yang lain, misalnya "
            "beberapa kata acak."
        )
    return password


def hash_password(password: str) -> str:
    """The argon2id hash (PHC string) of the NFC-normalised password."""
    return hasher().hash(normalise(password))


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; a missing or broken hash is checked against a dummy so
    that the time taken does not tell whether the account exists."""
    from argon2.exceptions import InvalidHashError, VerificationError

    try:
        hasher().verify(password_hash or dummy_hash(), normalise(password))  # raises on a mismatch
    except (VerificationError, InvalidHashError):
        return False
    return bool(password_hash)


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with other parameters than the current ones."""
    return hasher().check_needs_rehash(password_hash)


@cache
def dummy_hash() -> str:
    """A hash of nothing anyone knows, verified when there is no real one (equal timing)."""
    return hasher().hash("dummy password for unknown users")
