"""A SLiMS database in the real MariaDB, made by SLiMS' own installer SQL (tests only).

`fresh_slims_database(server_url)` creates `slims_test_<hex>` as SLiMS' installer does
(database default utf8mb4 / utf8mb4_bin), runs the statements of the tree's
`install/install.sql.php` (every table, SLiMS' default rows, the three `loan` triggers; see
tests/support/slims_tree.py), yields its URL and drops it afterwards. The `add_*` helpers
insert rows as SLiMS' modules write them; pass only what a test cares about.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from catalog.clock import DEFAULT_TIMEZONE, now_in, today_in
from tests.support.slims_tree import installer_sql


def library_today(zone: str = DEFAULT_TIMEZONE) -> date:
    """Today on the library clock the portal uses (`PORTAL_TIMEZONE`, by default the zone
    SLiMS' own sysconfig sets): how fixtures date loans and memberships."""
    return today_in(ZoneInfo(zone))


def library_now(zone: str = DEFAULT_TIMEZONE) -> datetime:
    """The library's wall-clock time, naive, as SLiMS stores its DATETIME columns."""
    return now_in(ZoneInfo(zone)).replace(tzinfo=None)


@contextmanager
def fresh_slims_database(server_url: str) -> Iterator[str]:
    """Create an empty SLiMS-shaped database beside `server_url`'s; yield its URL; drop it."""
    schema = installer_sql()
    base = sa.make_url(server_url)
    name = f"slims_test_{secrets.token_hex(6)}"
    admin = sa.create_engine(base)
    try:
        with admin.begin() as connection:
            connection.exec_driver_sql(
                f"CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
            )
        url = base.set(database=name)
        engine = sa.create_engine(url)
        try:
            with engine.begin() as connection:
                for statement in schema.statements + schema.triggers:
                    connection.exec_driver_sql(statement)
        finally:
            engine.dispose()
        try:
            yield url.render_as_string(hide_password=False)
        finally:
            with admin.begin() as connection:
                connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
    finally:
        admin.dispose()


def insert(connection: sa.Connection, table: str, values: dict[str, Any]) -> int:
    """INSERT one row; returns the auto-increment id (0 for tables without one)."""
    columns = ", ".join(values)
    placeholders = ", ".join(f":{column}" for column in values)
    result = connection.execute(
        sa.text(f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"), values
    )
    return result.lastrowid


def add_member_type(connection: sa.Connection, name: str, **values: Any) -> int:
    """A member type; SLiMS' table has no defaults, so every value is written as SLiMS' member
    type form writes it (these are the form's starting values)."""
    row = {
        "member_type_name": name,
        "loan_limit": 2,
        "loan_periode": 7,
        "member_periode": 365,
        "reborrow_limit": 1,
        "fine_each_day": 0,
        "grace_periode": 0,
        "input_date": library_today(),
        "last_update": library_today(),
        **values,
    }
    return insert(connection, "mst_member_type", row)


def add_holiday(
    connection: sa.Connection, *, dayname: str, holiday_date: date | None = None
) -> int:
    """A closed day as SLiMS' holiday module writes it: a weekly day (`sat`, `sun`...,
    lower-case, no date) or a dated holiday (the date's `Mon`...`Sun`)."""
    return insert(
        connection,
        "holiday",
        {"holiday_dayname": dayname, "holiday_date": holiday_date, "description": "Libur"},
    )


def add_member(connection: sa.Connection, member_id: str, name: str, **values: Any) -> None:
    """A member of type "Standard" (id 1), valid for a year, not pending, no password."""
    today = library_today()
    row = {
        "member_id": member_id,
        "member_name": name,
        "gender": 0,
        "member_type_id": 1,
        "member_since_date": today,
        "register_date": today,
        "expire_date": today + timedelta(days=365),
        "is_pending": 0,
        "input_date": today,
        "last_update": today,
        **values,
    }
    insert(connection, "member", row)


def add_title_copy(
    connection: sa.Connection, title: str, item_code: str, *, coll_type_id: int = 1
) -> int:
    """A title in `biblio` and one copy of it in `item` (collection type 1, "Reference", one
    of SLiMS' default rows); returns the biblio_id."""
    now = library_now()
    biblio_id = insert(
        connection, "biblio", {"title": title, "input_date": now, "last_update": now}
    )
    insert(
        connection,
        "item",
        {
            "biblio_id": biblio_id,
            "item_code": item_code,
            "coll_type_id": coll_type_id,
            "input_date": now,
            "last_update": now,
        },
    )
    return biblio_id


def add_loan(
    connection: sa.Connection,
    member_id: str,
    item_code: str,
    *,
    loan_date: date,
    due_date: date,
    returned: bool = False,
    **values: Any,
) -> int:
    """A loan: current (is_lent=1, is_return=0) or, with `returned`, returned on its due date."""
    row = {
        "member_id": member_id,
        "item_code": item_code,
        "loan_date": loan_date,
        "due_date": due_date,
        "is_lent": 1,
        "is_return": 1 if returned else 0,
        "return_date": due_date if returned else None,
        "input_date": library_now(),
        "last_update": library_now(),
        "uid": 1,
        **values,
    }
    return insert(connection, "loan", row)


def add_loan_rule(connection: sa.Connection, member_type_id: int, **values: Any) -> int:
    """A loan rule (loan_periode, reborrow_limit...) for a member type; returns its id."""
    return insert(connection, "mst_loan_rules", {"member_type_id": member_type_id, **values})


def add_reserve(connection: sa.Connection, member_id: str, biblio_id: int, item_code: str) -> int:
    """A reservation of the copy `item_code` (of `biblio_id`) by `member_id`."""
    values = {
        "member_id": member_id,
        "biblio_id": biblio_id,
        "item_code": item_code,
        "reserve_date": library_today(),
    }
    return insert(connection, "reserve", values)
