"""One password for the portal and SLiMS' member area (with `PORTAL_SLIMS_WRITE=1`).

The rule: whenever a patron's portal password is set (activation, reset, change; all through
`accounts.store_password`), the member's SLiMS `member.mpasswd` gets the same password as a
bcrypt hash in the `$2y$10$` form PHP's `password_hash`/`password_verify` use, so the patron
logs in to both with one password. The `bcrypt` package writes `$2b$`; the algorithm is the
same, only the prefix differs. bcrypt reads at most 72 bytes (PHP silently ignores the rest,
and so do we, by cutting the UTF-8 bytes there); the portal's own argon2id hash uses it all.

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

from . import db, slims
from .slims_write import write_engine

BCRYPT_COST = 10  # PHP's default for PASSWORD_BCRYPT
BCRYPT_MAX_BYTES = 72
FLASH_CATEGORY = "slims_password"


class Outcome(Enum):
    NOT_ENABLED = "not_enabled"
    UPDATED = "ok"
    NO_MEMBER = "no_member"
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
    Outcome.UNAVAILABLE: (
        "Kata sandi portal sudah diganti, tetapi kata sandi area anggota SLiMS belum: SLiMS "
        "sedang tidak dapat dihubungi. Di SLiMS kata sandi lama Anda tetap berlaku. Ganti lagi "
        "kata sandi Anda di portal nanti agar keduanya sama, atau hubungi perpustakaan."
    ),
}


def slims_password_hash(password: str) -> str:
    """bcrypt (cost 10) of the password's first 72 UTF-8 bytes, as `$2y$10$...`."""
    secret = password.encode("utf-8")[:BCRYPT_MAX_BYTES]
    hashed = bcrypt.hashpw(secret, bcrypt.gensalt(rounds=BCRYPT_COST)).decode("ascii")
    return "$2y$" + hashed.removeprefix("$2b$")


def set_slims_password(member_id: str, password: str) -> Outcome:
    """Store the member-area password in SLiMS (with write access); never raises for SLiMS."""
    engine = write_engine()
    if engine is None:
        return Outcome.NOT_ENABLED
    mpasswd = slims_password_hash(password)
    try:
        with slims.slims_transaction(engine) as connection:
            found = slims.set_member_password(connection, member_id, mpasswd)
    except slims.SlimsUnavailable:
        return Outcome.UNAVAILABLE
    return Outcome.UPDATED if found else Outcome.NO_MEMBER


def share_with_slims(
    connection: Connection, account: dict[str, Any], password: str, *, actor: str
) -> Outcome:
    """Give SLiMS the password just stored for `account` (the caller's transaction gets the
    audit row) and tell the patron how it went."""
    outcome = set_slims_password(account["member_id"], password)
    if outcome is Outcome.NOT_ENABLED:
        return outcome
    db.add_audit(connection, action="slims_password_set", outcome=outcome.value, actor=actor)
    if has_request_context():
        flash(MESSAGES[outcome], FLASH_CATEGORY)
    return outcome
