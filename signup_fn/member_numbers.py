"""Member numbers (NIM/NIP) as SLiMS issues them, and their one normal form.

SLiMS' `member.member_id` is up to 20 characters and may hold spaces and dots
(`2019 01 005`, `2019.01.006`); SLiMS compares it ignoring case. The portal accepts ASCII
letters and digits with spaces, dots and hyphens between them, and keeps every member number in
one normal form (`normalise_member_number`): spaces at either end dropped, each run of spaces
inside written as one space, letters upper-case. The sign-up, the patron's login and password
reset, the CLI, the member look-ups (SLiMS and the imported list) and the CSV import all use it.
"""

from __future__ import annotations

import re

MAX_LENGTH = 20
# The normal form: groups of letters and digits, each two joined by one space, dot or hyphen.
MEMBER_NUMBER_PATTERN = r"^[A-Za-z0-9]+(?:[ .\-][A-Za-z0-9]+)*$"
MEMBER_NUMBER = re.compile(MEMBER_NUMBER_PATTERN)
SPACES = re.compile(r" +")


def normalise_member_number(value: str) -> str:
    """The normal form of a typed or exported member number (it may still be invalid)."""
    return SPACES.sub(" ", value.strip(" ")).upper()


def valid_member_number(normal: str) -> bool:
    """True when `normal` (already normalised) is a member number the portal accepts."""
    return 0 < len(normal) <= MAX_LENGTH and MEMBER_NUMBER.fullmatch(normal) is not None


def member_key(member_id: str) -> str:
    """The case-insensitive key of a member number (the imported list's primary key)."""
    return normalise_member_number(member_id).lower()
