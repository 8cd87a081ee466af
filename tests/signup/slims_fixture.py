"""A SLiMS-shaped database in the real MariaDB, written from ../shared/slims.md (tests only).

`fresh_slims_database(server_url)` creates `slims_test_<hex>` with SLiMS' `member`,
`member_custom`, `mst_member_type`, `mst_loan_rules`, `loan`, `item`, `biblio` and `reserve`
tables (MyISAM, utf8, as SLiMS installs them), yields its URL and drops it afterwards. The
`add_*` helpers insert rows with SLiMS' defaults; pass only what a test cares about.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa

TABLE_OPTIONS = "ENGINE=MyISAM DEFAULT CHARSET=utf8 COLLATE=utf8_unicode_ci"

SLIMS_SCHEMA = [
    f"""CREATE TABLE mst_member_type (
        member_type_id int(11) NOT NULL AUTO_INCREMENT,
        member_type_name varchar(50) NOT NULL,
        loan_limit int(11) NOT NULL DEFAULT 2,
        loan_periode int(11) NOT NULL DEFAULT 7,
        enable_reserve int(1) NOT NULL DEFAULT 0,
        reserve_limit int(11) NOT NULL DEFAULT 0,
        member_periode int(11) NOT NULL DEFAULT 365,
        reborrow_limit int(11) NOT NULL DEFAULT 1,
        fine_each_day int(11) NOT NULL DEFAULT 0,
        grace_periode int(2) DEFAULT 0,
        input_date date NOT NULL DEFAULT '2025-01-01',
        last_update date DEFAULT NULL,
        PRIMARY KEY (member_type_id),
        UNIQUE KEY member_type_name (member_type_name)
    ) {TABLE_OPTIONS}""",
    f"""CREATE TABLE member (
        member_id varchar(20) NOT NULL,
        member_name varchar(100) NOT NULL,
        gender int(1) NOT NULL,
        birth_date date DEFAULT NULL,
        member_type_id int(6) DEFAULT NULL,
        member_address varchar(255) DEFAULT NULL,
        member_mail_address varchar(255) DEFAULT NULL,
        member_email varchar(100) DEFAULT NULL,
        postal_code varchar(20) DEFAULT NULL,
        inst_name varchar(100) DEFAULT NULL,
        is_new int(1) DEFAULT NULL,
        member_image varchar(200) DEFAULT NULL,
        pin varchar(50) DEFAULT NULL,
        member_phone varchar(50) DEFAULT NULL,
        member_fax varchar(50) DEFAULT NULL,
        member_since_date date DEFAULT NULL,
        register_date date DEFAULT NULL,
        expire_date date NOT NULL,
        member_notes text,
        is_pending smallint(1) NOT NULL DEFAULT 0,
        mpasswd varchar(64) DEFAULT NULL,
        last_login datetime DEFAULT NULL,
        last_login_ip varchar(50) DEFAULT NULL,
        input_date date DEFAULT NULL,
        last_update date DEFAULT NULL,
        PRIMARY KEY (member_id),
        KEY member_name (member_name),
        KEY member_type_id (member_type_id)
    ) {TABLE_OPTIONS}""",
    f"""CREATE TABLE member_custom (
        member_id varchar(20) NOT NULL,
        PRIMARY KEY (member_id)
    ) {TABLE_OPTIONS}""",
    f"""CREATE TABLE biblio (
        biblio_id int(11) NOT NULL AUTO_INCREMENT,
        title text NOT NULL,
        sor varchar(200) DEFAULT NULL,
        edition varchar(50) DEFAULT NULL,
        isbn_issn varchar(32) DEFAULT NULL,
        publish_year varchar(20) DEFAULT NULL,
        call_number varchar(50) DEFAULT NULL,
        input_date datetime DEFAULT NULL,
        last_update datetime DEFAULT NULL,
        PRIMARY KEY (biblio_id)
    ) {TABLE_OPTIONS}""",
    f"""CREATE TABLE item (
        item_id int(11) NOT NULL AUTO_INCREMENT,
        biblio_id int(11) DEFAULT NULL,
        call_number varchar(50) DEFAULT NULL,
        item_code varchar(20) DEFAULT NULL,
        location_id varchar(3) DEFAULT NULL,
        item_status_id char(3) DEFAULT NULL,
        input_date datetime DEFAULT NULL,
        last_update datetime DEFAULT NULL,
        PRIMARY KEY (item_id),
        UNIQUE KEY item_code (item_code),
        KEY biblio_id (biblio_id)
    ) {TABLE_OPTIONS}""",
    f"""CREATE TABLE loan (
        loan_id int(11) NOT NULL AUTO_INCREMENT,
        item_code varchar(20) DEFAULT NULL,
        member_id varchar(20) DEFAULT NULL,
        loan_date date NOT NULL,
        due_date date NOT NULL,
        renewed int(11) NOT NULL DEFAULT 0,
        loan_rules_id int(11) NOT NULL DEFAULT 0,
        actual date DEFAULT NULL,
        is_lent int(11) NOT NULL DEFAULT 0,
        is_return int(11) NOT NULL DEFAULT 0,
        return_date date DEFAULT NULL,
        input_date datetime DEFAULT NULL,
        last_update datetime DEFAULT NULL,
        uid int(11) DEFAULT NULL,
        PRIMARY KEY (loan_id),
        KEY item_code (item_code),
        KEY member_id (member_id)
    ) {TABLE_OPTIONS}""",
    f"""CREATE TABLE mst_loan_rules (
        loan_rules_id int(11) NOT NULL AUTO_INCREMENT,
        member_type_id int(11) NOT NULL DEFAULT 0,
        coll_type_id int(11) DEFAULT 0,
        gmd_id int(11) DEFAULT 0,
        loan_limit int(3) DEFAULT 0,
        loan_periode int(3) DEFAULT 0,
        reborrow_limit int(3) DEFAULT 0,
        fine_each_day int(3) DEFAULT 0,
        grace_periode int(2) DEFAULT 0,
        input_date date DEFAULT NULL,
        last_update date DEFAULT NULL,
        PRIMARY KEY (loan_rules_id)
    ) {TABLE_OPTIONS}""",
    f"""CREATE TABLE reserve (
        reserve_id int(11) NOT NULL AUTO_INCREMENT,
        member_id varchar(20) NOT NULL,
        biblio_id int(11) NOT NULL,
        item_code varchar(20) NOT NULL,
        reserve_date datetime NOT NULL,
        PRIMARY KEY (reserve_id),
        KEY references_idx (member_id, biblio_id),
        KEY item_code_idx (item_code)
    ) {TABLE_OPTIONS}""",
    # SLiMS' default member type.
    "INSERT INTO mst_member_type (member_type_name, member_periode) VALUES ('Standard', 365)",
]


@contextmanager
def fresh_slims_database(server_url: str) -> Iterator[str]:
    """Create an empty SLiMS-shaped database beside `server_url`'s; yield its URL; drop it."""
    base = sa.make_url(server_url)
    name = f"slims_test_{secrets.token_hex(6)}"
    admin = sa.create_engine(base)
    try:
        with admin.begin() as connection:
            connection.exec_driver_sql(
                f"CREATE DATABASE {name} CHARACTER SET utf8 COLLATE utf8_unicode_ci"
            )
        url = base.set(database=name)
        engine = sa.create_engine(url)
        try:
            with engine.begin() as connection:
                for statement in SLIMS_SCHEMA:
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
    """A member type (loan_periode, reborrow_limit... default as SLiMS' form does)."""
    return insert(connection, "mst_member_type", {"member_type_name": name, **values})


def add_member(connection: sa.Connection, member_id: str, name: str, **values: Any) -> None:
    """A member of type "Standard" (id 1), valid for a year, not pending, no password."""
    today = date.today()
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


def add_title_copy(connection: sa.Connection, title: str, item_code: str) -> int:
    """A title in `biblio` and one copy of it in `item`; returns the biblio_id."""
    biblio_id = insert(connection, "biblio", {"title": title})
    insert(connection, "item", {"biblio_id": biblio_id, "item_code": item_code})
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
        "reserve_date": date.today(),
    }
    return insert(connection, "reserve", values)
