"""SLiMS' own member export (Membership → Export), imported by `flask --app signup_fn members
import`, gives the same members as SLiMS' `member` table, and the portal then reads each of
them as SLiMS does (member numbers with spaces and dots, `0000-00-00` expiry)."""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from catalog.clock import today_in
from signup_fn.member_numbers import normalise_member_number
from signup_fn.review.member_check import expiry_evidence
from signup_fn.services import services
from signup_fn.slims.connection import as_date
from signup_fn.slims.directory import member_directory
from signup_fn.store import schema
from tests.slims_real.portal_app import portal_app
from tests.slims_real.site_driver import SlimsSite
from tests.support.slims_fixture import add_member

pytestmark = pytest.mark.mariadb

TODAY = today_in(ZoneInfo("Asia/Jakarta"))


def test_the_export_imports_as_the_same_members(slims_site: SlimsSite, tmp_path: Path) -> None:
    suffix = secrets.token_hex(2).upper()
    tricky = {
        f"2019 01 {suffix}": {"member_name": 'Siti "Ita" O\'Neil, S.Kep.'},
        f"2019.01.{suffix}": {"member_name": "Budi\\Santoso", "member_email": "budi@example.ac.id"},
        f"p27-{suffix}": {"member_name": "Ñoño Érlangga", "inst_name": "D3 Keperawatan"},
        f"X{suffix}": {"member_name": "Tanpa Tanggal", "expire_date": "0000-00-00"},
        f"Y{suffix}": {
            "member_name": "Sudah Berakhir",
            "expire_date": TODAY - timedelta(days=1),
            "member_notes": 'baris satu\nbaris dua, "kutip"',
            "member_address": "Jl. Raya\tSerang",
        },
    }
    with slims_site.engine.begin() as connection:
        for member_id, values in tricky.items():
            fields = dict(values)
            add_member(connection, member_id, str(fields.pop("member_name")), **fields)
    path = tmp_path / "anggota.csv"
    path.write_bytes(slims_site.export_members())

    app = portal_app(slims_site, tmp_path, SLIMS_DATABASE_URL=None)  # the imported list
    result = app.test_cli_runner().invoke(args=["members", "import", str(path)])
    assert result.exit_code == 0, result.output

    with slims_site.engine.connect() as connection:
        theirs = connection.execute(
            sa.text(
                "SELECT m.member_id, m.member_name, m.member_email, mt.member_type_name, "
                "m.inst_name, CAST(m.expire_date AS CHAR) AS expire_date FROM member AS m "
                "LEFT JOIN mst_member_type AS mt ON m.member_type_id = mt.member_type_id"
            )
        ).all()
    expected = {
        (row[0], row[1], row[2] or None, row[3] or None, row[4] or None, parse_day(row[5]))
        for row in theirs
    }
    with app.app_context(), services().engine.connect() as connection:
        ours = connection.execute(sa.select(schema.library_members)).mappings().all()
        assert {
            (
                row["member_id"],
                row["name"],
                row["email"],
                row["member_type"],
                row["inst_name"],
                row["expire_date"],
            )
            for row in ours
        } == expected
        directory = member_directory()
        for member_id in tricky:
            typed = "  " + member_id.lower().replace(" ", "   ") + " "
            record = directory.lookup(normalise_member_number(typed))
            assert record is not None and record.member_id == member_id
        # SLiMS' expiry rule: 0000-00-00 and yesterday are expired, a year ahead is not
        expired = {
            member_id: expiry_evidence(directory.lookup(member_id), TODAY)[0]
            for member_id in tricky
        }
    assert expired == {
        f"2019 01 {suffix}": False,
        f"2019.01.{suffix}": False,
        f"p27-{suffix}": False,
        f"X{suffix}": True,
        f"Y{suffix}": True,
    }


def parse_day(value: str | None) -> date | None:
    return as_date(date.fromisoformat(value)) if value and value != "0000-00-00" else None


def test_slims_itself_as_the_member_database_reads_the_same(
    slims_site: SlimsSite, tmp_path: Path
) -> None:
    suffix = secrets.token_hex(2).upper()
    numbers = {f"2020 02 {suffix}": TODAY + timedelta(days=30), f"2020.02.{suffix}": "0000-00-00"}
    with slims_site.engine.begin() as connection:
        for member_id, expiry in numbers.items():
            add_member(connection, member_id, "Siti Aminah", expire_date=expiry)
    app = portal_app(slims_site, tmp_path)  # look-ups in SLiMS, as the portal's user
    with app.app_context():
        directory = member_directory()
        found = {}
        for member_id in numbers:
            record = directory.lookup(normalise_member_number(f" {member_id.lower()}  "))
            assert record is not None and record.member_id == member_id
            found[member_id] = expiry_evidence(record, TODAY)[0]
    assert found == {f"2020 02 {suffix}": False, f"2020.02.{suffix}": True}
