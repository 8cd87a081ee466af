"""SLiMS-style member export text for the tests (the format signup_fn/SLIMS.md describes).

Each value is enclosed in `"` and escaped as MySQL does (a backslash before `\\`, `"`, `'`,
newline, carriage return, tab, NUL); the optional header row ends with a trailing separator.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from signup_fn.slims.member_csv import COLUMNS
from tests.support.slims_fixture import library_today

MYSQL_ESCAPES = {"\\": "\\\\", '"': '\\"', "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
MYSQL_ESCAPES["\0"] = "\\0"


def member_row(member_id: str, name: str, **values: Any) -> dict[str, str]:
    """All 18 export columns: a member of type Standard, valid to 2030, other values empty."""
    row = dict.fromkeys(COLUMNS, "")
    row.update(
        member_id=member_id,
        member_name=name,
        gender="0",
        member_type_name="Standard",
        is_new="0",
        member_since_date="2024-08-01",
        register_date="2024-08-01",
        expire_date=str(library_today() + timedelta(days=365)),
        birth_date="0000-00-00",
    )
    row.update({key: str(value) for key, value in values.items()})
    return row


def escape(value: str) -> str:
    return "".join(MYSQL_ESCAPES.get(char, char) for char in value)


def export_text(
    rows: Iterable[Mapping[str, str]], *, header: bool = False, newline: str = "\n"
) -> str:
    """The export as SLiMS writes it: enclosed, escaped, `,`-separated, one record a line."""
    lines = []
    if header:
        lines.append(",".join(f'"{name}"' for name in COLUMNS) + ",")
    for row in rows:
        lines.append(",".join(f'"{escape(row[name])}"' for name in COLUMNS))
    return "".join(line + newline for line in lines)
