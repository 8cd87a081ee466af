"""One password for the portal and SLiMS' member area (with `PORTAL_SLIMS_WRITE=1`).

The rule: whenever a patron's portal password is set (activation, reset, change; all through
`accounts.store_password`) and the account's e-mail is the one SLiMS holds for the member,
the member's SLiMS `member.mpasswd` gets the same password as a bcrypt hash in the `$2y$10$`
form PHP's `password_hash`/`password_verify` use, so the patron logs in to both with one
password. The `bcrypt` package writes `$2b$`; the algorithm is the
same, only the prefix differs.

"The same password" means: what the patron types in SLiMS' OPAC login must verify. SLiMS does
not pass the typed value to `password_verify` as it is: its request sanitizer runs PHP `trim`
(spaces, tabs, NUL... at either end), then `strip_tags` (drops everything from a `<`), then
mysqli `escape_string` (a backslash before backslash, `'`, `"`, and NUL, newline, CR, Ctrl-Z
escaped) on every posted value. So:
- a password that `trim` or `strip_tags` would change is refused before anything is saved,
  saying why (`slims_refusal`): one with a space at either end, or with `<`;
- the hash stored in `mpasswd` is of the escaped form (`slims_login_form`), which is exactly
  what SLiMS verifies when the patron types the password;
- bcrypt reads 72 bytes at most (PHP ignores the rest, so SLiMS would accept any password
  sharing the first 72 bytes): a password whose escaped form is longer is refused too.
These apply only with SLiMS write access (the portal then writes `mpasswd`); the portal's own
argon2id hash is always of the password as typed.

When SLiMS cannot be reached (or has no such member), the portal password still changes: the
patron is told on the next page that the SLiMS password was not changed (the old one keeps
working there) and how to fix it (change the password again later), and an audit row records
the outcome. Nothing is queued: a waiting copy of a password hash would be one more thing to
protect. The password is never logged.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import bcrypt
from flask import flash, has_request_context
from sqlalchemy import Connection

from ..passwords import PasswordRejected
from ..slims import connection as slims
from ..slims.write import write_engine
from ..store.audit import add_audit

BCRYPT_COST = 10  # PHP's default for PASSWORD_BCRYPT
BCRYPT_MAX_BYTES = 72
FLASH_CATEGORY = "slims_password"


class Outcome(Enum):
    NOT_ENABLED = "not_enabled"
    UPDATED = "ok"
    NO_MEMBER = "no_member"
    OTHER_EMAIL = "other_email"
    UNAVAILABLE = "unavailable"


MESSAGES = {
    Outcome.UPDATED: (
        "Kata sandi area anggota SLiMS juga sudah diganti: pakai kata sandi yang sama untuk "
        "masuk ke SLiMS."
    ),
    Outcome.NO_MEMBER: (
        "Kata sandi area anggota SLiMS tidak diganti: nomor anggota Anda tidak ditemukan di "
        "SLiMS. Hubungi perpustakaan."
    ),
    Outcome.OTHER_EMAIL: (
        "Kata sandi area anggota SLiMS tidak diganti: e-mail akun Anda bukan e-mail yang "
        "tercatat di data anggota SLiMS. Minta perpustakaan mencatat e-mail Anda di SLiMS, lalu "
        "ganti kata sandi portal lagi."
    ),
    Outcome.UNAVAILABLE: (
        "Kata sandi portal sudah diganti, tetapi kata sandi area anggota SLiMS belum: SLiMS "
        "sedang tidak dapat dihubungi. Di SLiMS kata sandi lama Anda tetap berlaku. Ganti lagi "
        "kata sandi Anda di portal nanti agar keduanya sama, atau hubungi perpustakaan."
    ),
}


# PHP's trim() characters, and what mysqli's escape_string writes for each character it escapes.
PHP_TRIM = " \t\n\r\0\x0b"
MYSQL_ESCAPES = {
    "\\": "\\\\",
    "\0": "\\0",
    "\n": "\\n",
    "\r": "\\r",
    "'": "\\'",
    '"': '\\"',
    "\x1a": "\\Z",
}


def slims_login_form(password: str) -> str:
    """What SLiMS' OPAC login verifies when the patron types `password` (one `slims_refusal`
    accepts): its sanitizer's `escape_string` of it."""
    return "".join(MYSQL_ESCAPES.get(char, char) for char in password)


def slims_refusal(password: str) -> str | None:
    """Why this password cannot be the SLiMS member-area password too (Indonesian), or None."""
    if password != password.strip(PHP_TRIM):
        return (
            "Kata sandi tidak boleh diawali atau diakhiri spasi: SLiMS membuang spasi itu saat "
            "masuk, sehingga kata sandi yang sama tidak akan berlaku di SLiMS."
        )
    if "<" in password:
        return (
            "Kata sandi tidak boleh memuat tanda <: SLiMS membuang tanda itu beserta semua "
            "yang sesudahnya saat masuk, sehingga kata sandi yang sama tidak akan berlaku di SLiMS."
        )
    if len(slims_login_form(password).encode("utf-8")) > BCRYPT_MAX_BYTES:
        return (
            f"Kata sandi terlalu panjang untuk SLiMS: paling banyak {BCRYPT_MAX_BYTES} byte "
            "(huruf beraksen 2 byte, emoji 4 byte, tanda kutip dan garis miring terbalik 2 "
            "byte). SLiMS mengabaikan sisanya, sehingga kata sandi lebih lemah di sana."
        )
    return None


def check_for_slims(password: str) -> None:
    """Refuse (PasswordRejected) a password that would not work in SLiMS as typed, when the
    portal writes SLiMS' member-area password."""
    if write_engine() is None:
        return
    refusal = slims_refusal(password)
    if refusal is not None:
        raise PasswordRejected(refusal)


def slims_password_hash(password: str) -> str:
    """bcrypt (cost 10) of what SLiMS' login verifies for `password`, as `$2y$10$...`."""
    secret = slims_login_form(password).encode("utf-8")
    if len(secret) > BCRYPT_MAX_BYTES:
        raise PasswordRejected(slims_refusal(password) or "")
    hashed = bcrypt.hashpw(secret, bcrypt.gensalt(rounds=BCRYPT_COST)).decode("ascii")
    return "$2y$" + hashed.removeprefix("$2b$")


def same_email(ours: str, theirs: str | None) -> bool:
    return bool(theirs) and ours.strip().casefold() == (theirs or "").strip().casefold()


def set_slims_password(member_id: str, email: str, password: str) -> Outcome:
    """Store the member-area password in SLiMS (with write access) when the account's `email`
    is the one SLiMS holds for the member: an account approved for another contact never
    sets the member's SLiMS password. Never raises for SLiMS."""
    engine = write_engine()
    if engine is None:
        return Outcome.NOT_ENABLED
    mpasswd = slims_password_hash(password)
    try:
        with slims.slims_transaction(engine) as connection:
            found = slims.find_member(connection, member_id)
            if found is None:
                return Outcome.NO_MEMBER
            if not same_email(email, found["member_email"]):
                return Outcome.OTHER_EMAIL
            slims.set_member_password(connection, found["member_id"], mpasswd)
    except slims.SlimsUnavailable:
        return Outcome.UNAVAILABLE
    return Outcome.UPDATED


def share_with_slims(
    connection: Connection, account: dict[str, Any], password: str, *, actor: str
) -> Outcome:
    """Give SLiMS the password just stored for `account` (the caller's transaction gets the
    audit row) and tell the patron how it went."""
    outcome = set_slims_password(account["member_id"], account["email"], password)
    if outcome is Outcome.NOT_ENABLED:
        return outcome
    add_audit(connection, action="slims_password_set", outcome=outcome.value, actor=actor)
    if has_request_context():
        flash(MESSAGES[outcome], FLASH_CATEGORY)
    return outcome
