"""The values of the status and kind columns, written once.

The code compares and stores these members (a StrEnum member equals its text, so rows read
back compare with them as they are), and the tables' CHECK constraints are made from them by
`one_of`: the constraint's SQL is the same text, byte for byte, as the migrations wrote.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class RequestStatus(StrEnum):
    """`account_requests.status`: a request waits for review, then is approved or rejected."""

    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


# a request's status as the librarian reads it (the command line, the reports, the refusal of a
# decision)
REQUEST_STATUS_WORDS: dict[str, str] = {
    RequestStatus.PENDING: "menunggu",
    RequestStatus.APPROVED: "disetujui",
    RequestStatus.REJECTED: "ditolak",
}

# `request_decisions.decision`: what a librarian decided on a pending request
DECISIONS = (RequestStatus.APPROVED, RequestStatus.REJECTED)


class AccountStatus(StrEnum):
    """`accounts.status`: made at approval, active once the patron sets a password."""

    PENDING_ACTIVATION = "pending_activation"
    ACTIVE = "active"
    DISABLED = "disabled"


class ExtensionStatus(StrEnum):
    """`extension_requests.status`: a loan extension waits, then is granted or declined."""

    PENDING = "pending"
    GRANTED = "granted"
    DECLINED = "declined"


class SessionKind(StrEnum):
    """`sessions.kind`: whose session it is (patrons and librarians never share one)."""

    PATRON = "patron"
    LIBRARIAN = "librarian"


class Purpose(StrEnum):
    """`tokens.purpose`: what a single-use link does."""

    ACTIVATION = "activation"
    PASSWORD_RESET = "password_reset"  # noqa: S105 (a purpose name, not a secret)
    LIBRARIAN_SETUP = "librarian_setup"


# the links of a patron's account (revoked together when its address or password changes)
ACCOUNT_LINKS = (Purpose.ACTIVATION, Purpose.PASSWORD_RESET)


def one_of(column: str, values: Iterable[StrEnum]) -> str:
    """A CHECK constraint's SQL: `column IN ('a', 'b')`, the values in their order."""
    quoted = ", ".join(f"'{value.value}'" for value in values)
    return f"{column} IN ({quoted})"


def equals(column: str, value: StrEnum) -> str:
    """A partial index's condition: `column = 'value'`."""
    return f"{column} = '{value.value}'"
