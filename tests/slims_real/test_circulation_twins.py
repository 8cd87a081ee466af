"""Extensions: the portal's grant (or refusal) equals SLiMS' own circulation on a twin loan.

Each case makes one member with two identical loans (same type, dates, times renewed, rule,
collection type, reservations). SLiMS' circulation (admin login → start transaction → loan
list → Extend → finish) extends the first; the portal, as its least-privilege user, decides
and writes the second with the code its librarians' grant runs (`slims.loan_states`,
`extensions.grant_refusal`, `slims.extend_loan`). Then the two loans must agree column for
column (`due_date`, `renewed`, `return_date`, `is_return`, `last_update`, their `loan_history`
rows) and so must their `fines` rows; a refusal must be a refusal on both sides.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from catalog.clock import now_in, today_in
from signup_fn.loans import renewals as extensions
from signup_fn.slims import connection as slims
from signup_fn.slims.circulation import WEEKDAY_NAMES
from tests.slims_real.portal_app import portal_app
from tests.slims_real.site_driver import SlimsSite
from tests.support.slims_fixture import (
    add_holiday,
    add_loan,
    add_loan_rule,
    add_member,
    add_member_type,
    add_reserve,
    add_title_copy,
)
from tests.support.slims_portal import librarian_client
from tests.support.web import active_account, post_form

pytestmark = pytest.mark.mariadb

JAKARTA = ZoneInfo("Asia/Jakarta")  # SLiMS' sysconfig.inc.php zone, and the library's
FINE_DESCRIPTION = "Overdue fines for item {item_code}"  # SLiMS' en_US text (the default)


@dataclass(frozen=True)
class Case:
    member_type: str
    due_in: int  # days from today
    expire_in: int | None = 365  # None: `0000-00-00`
    renewed: int = 0
    rule: bool = False  # the loan names the lecturers' loan rule (collection type 2)
    reserved_by: str | None = None  # "self" or "other"
    extended: bool = True  # what SLiMS does (checked too, so each case tests what it says)


CASES = {
    "on-time": Case("Standard", due_in=3),
    "overdue": Case("Mahasiswa", due_in=-10),
    "lecturer": Case("Dosen", due_in=-5, rule=True),
    "lecturer-in-grace": Case("Dosen", due_in=-2),
    "capped-by-expiry": Case("Mahasiswa", due_in=-1, expire_in=3),
    "around-a-holiday": Case("Libur", due_in=1),
    "reserved-by-self": Case("Mahasiswa", due_in=2, reserved_by="self"),
    "reserved-by-other": Case("Mahasiswa", due_in=2, reserved_by="other", extended=False),
    "limit-reached": Case("Standard", due_in=2, renewed=1, extended=False),
    "expired-member": Case("Mahasiswa", due_in=-3, expire_in=-1, extended=False),
    "expiry-0000-00-00": Case("Mahasiswa", due_in=-3, expire_in=None, extended=False),
}


@dataclass
class Library:
    site: SlimsSite
    today: date
    types: dict[str, int]
    rule: int
    reader: sa.Engine
    writer: sa.Engine


@pytest.fixture(scope="module")
def library(slims_site: SlimsSite) -> Iterator[Library]:
    """Member types, a loan rule and closed days in the real SLiMS; then a fresh librarian
    login (SLiMS reads the closed days into the session at login)."""
    today = today_in(JAKARTA)
    with slims_site.engine.begin() as connection:
        types = {
            "Standard": 1,  # the installer's: 7 days, extended once, no fine
            "Mahasiswa": add_member_type(
                connection, "Mahasiswa", loan_limit=3, reborrow_limit=2, fine_each_day=500
            ),
            "Dosen": add_member_type(
                connection,
                "Dosen",
                loan_limit=5,
                loan_periode=14,
                reborrow_limit=3,
                fine_each_day=1000,
                grace_periode=3,
            ),
            "Libur": add_member_type(connection, "Libur", loan_periode=10),
        }
        rule = add_loan_rule(
            connection,
            types["Dosen"],
            coll_type_id=2,
            loan_limit=5,
            loan_periode=21,
            reborrow_limit=2,
            fine_each_day=200,
            grace_periode=0,
        )
        # "Libur" loans fall due on a dated holiday, and the day after is a weekly closed day.
        holiday = today + timedelta(days=10)
        add_holiday(connection, dayname=f"{holiday:%a}", holiday_date=holiday)
        add_holiday(connection, dayname=WEEKDAY_NAMES[(holiday + timedelta(days=1)).weekday()])
    slims_site.relogin()
    reader = slims.make_slims_engine(slims_site.portal_url)
    writer = slims.make_slims_engine(slims_site.portal_url, write=True)
    yield Library(slims_site, today, types, rule, reader, writer)
    reader.dispose()
    writer.dispose()
    with slims_site.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM holiday WHERE description = 'Libur'")
    slims_site.relogin()


def twin_loans(library: Library, case: Case) -> tuple[str, int, int]:
    """A member with two identical loans: (member id, SLiMS' loan, the portal's loan)."""
    today = library.today
    member_id = f"2019 {secrets.randbelow(100):02d}.{secrets.randbelow(10**6):06d}"
    expire: Any = "0000-00-00" if case.expire_in is None else today + timedelta(case.expire_in)
    loans = []
    with library.site.engine.begin() as connection:
        add_member(
            connection, member_id, "Siti Aminah", member_type_id=library.types[case.member_type]
        )
        connection.execute(
            sa.text("UPDATE member SET expire_date = :e WHERE member_id = :m"),
            {"e": expire, "m": member_id},
        )
        other = f"O{secrets.token_hex(4)}"
        add_member(connection, other, "Anggota Lain")
        for _ in range(2):
            code = f"B{secrets.token_hex(5).upper()}"
            biblio_id = add_title_copy(
                connection, "Keperawatan Dasar", code, coll_type_id=2 if case.rule else 1
            )
            loans.append(
                add_loan(
                    connection,
                    member_id,
                    code,
                    loan_date=today + timedelta(case.due_in - 7),
                    due_date=today + timedelta(case.due_in),
                    renewed=case.renewed,
                    loan_rules_id=library.rule if case.rule else 0,
                )
            )
            if case.reserved_by:
                by = member_id if case.reserved_by == "self" else other
                add_reserve(connection, by, biblio_id, code)
    return member_id, loans[0], loans[1]


def slims_extends(site: SlimsSite, member_id: str, loan_id: int) -> bool:
    """SLiMS' circulation: Extend when the loan list offers it; True when the loan changed."""
    before = loan_row(site, loan_id)
    with site.circulation(member_id) as circulation:
        if circulation.extend_offered(loan_id):
            circulation.extend(loan_id)
    return loan_row(site, loan_id) != before


def portal_extends(library: Library, loan_id: int) -> bool:
    """The portal's decision and write for this loan, as its librarians' grant makes them."""
    with slims.slims_connection(library.reader) as connection:
        state = slims.loan_states(connection, [loan_id], library.today)[loan_id]
    if extensions.grant_refusal(state) is not None:
        return False
    new_due_date = state.new_due_date()
    assert new_due_date is not None
    with slims.slims_transaction(library.writer) as connection:
        return slims.extend_loan(
            connection,
            state,
            new_due_date,
            now=now_in(JAKARTA),
            fine_description=FINE_DESCRIPTION,
        )


def loan_row(site: SlimsSite, loan_id: int) -> dict[str, Any]:
    with site.engine.connect() as connection:
        row = connection.execute(
            sa.text("SELECT * FROM loan WHERE loan_id = :id"), {"id": loan_id}
        ).one()
    return dict(row._mapping)


def history_row(site: SlimsSite, loan_id: int) -> dict[str, Any]:
    with site.engine.connect() as connection:
        row = connection.execute(
            sa.text(
                "SELECT due_date, renewed, is_lent, is_return, return_date FROM loan_history "
                "WHERE loan_id = :id"
            ),
            {"id": loan_id},
        ).one()
    return dict(row._mapping)


def fine_rows(site: SlimsSite, member_id: str, item_code: str) -> list[tuple[Any, ...]]:
    """The member's fines for this copy, its code replaced so twins compare equal."""
    with site.engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT fines_date, member_id, debet, credit, description FROM fines "
                "WHERE member_id = :m AND description LIKE :code ORDER BY fines_id"
            ),
            {"m": member_id, "code": f"%{item_code}"},
        ).all()
    return [(*row[:4], row[4].replace(item_code, "{item_code}")) for row in rows]


def assert_twins_agree(site: SlimsSite, member_id: str, theirs: int, ours: int) -> None:
    slims_loan, portal_loan = loan_row(site, theirs), loan_row(site, ours)
    for column in ("loan_date", "due_date", "renewed", "is_lent", "is_return", "return_date"):
        assert portal_loan[column] == slims_loan[column], column
    # SLiMS writes its local (Asia/Jakarta) time; the two writes are seconds apart.
    gap = abs(portal_loan["last_update"] - slims_loan["last_update"])
    assert gap < timedelta(minutes=5), (portal_loan["last_update"], slims_loan["last_update"])
    assert history_row(site, ours) == history_row(site, theirs)
    assert fine_rows(site, member_id, portal_loan["item_code"]) == fine_rows(
        site, member_id, slims_loan["item_code"]
    )


@pytest.mark.parametrize("name", list(CASES))
def test_the_portal_extends_as_slims_circulation(library: Library, name: str) -> None:
    case = CASES[name]
    member_id, theirs, ours = twin_loans(library, case)
    assert slims_extends(library.site, member_id, theirs) is case.extended
    assert portal_extends(library, ours) is case.extended
    assert_twins_agree(library.site, member_id, theirs, ours)
    if name == "around-a-holiday":  # the dated holiday, then the weekly closed day
        assert loan_row(library.site, ours)["due_date"] == library.today + timedelta(12)
    if name == "capped-by-expiry":
        assert loan_row(library.site, ours)["due_date"] == library.today + timedelta(3)
    if name in {"overdue", "lecturer"}:
        assert fine_rows(library.site, member_id, loan_row(library.site, ours)["item_code"])


def test_not_twice_on_one_day(library: Library) -> None:
    member_id, theirs, ours = twin_loans(library, Case("Mahasiswa", due_in=1))
    assert slims_extends(library.site, member_id, theirs)
    assert portal_extends(library, ours)
    # SLiMS' same-day guard (the loan's return_date is today), in a new transaction
    assert not slims_extends(library.site, member_id, theirs)
    assert not portal_extends(library, ours)
    assert_twins_agree(library.site, member_id, theirs, ours)


def test_the_librarians_grant_in_the_portal_equals_slims(
    library: Library, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """The whole portal path: the patron asks on /loans, the librarian presses Setujui."""
    app = portal_app(library.site, Path(tmp_path_factory.mktemp("portal")))
    member_id, theirs, ours = twin_loans(library, Case("Mahasiswa", due_in=-4))
    assert slims_extends(library.site, member_id, theirs)
    patron = app.test_client()
    active_account(app, patron, member_id)
    asked = post_form(patron, f"/loans/{ours}/extend", {"note": ""}, form_path="/password")
    assert asked.status_code == 303, asked.get_data(as_text=True)
    librarian = librarian_client(app)
    page = librarian.get("/admin/extensions/").get_data(as_text=True)
    extension_id = int(re.search(r'id="extension-(\d+)"', page).group(1))  # type: ignore[union-attr]
    granted = post_form(
        librarian,
        f"/admin/extensions/{extension_id}/grant",
        {"decision_note": ""},
        form_path="/admin/extensions/",
    )
    assert granted.status_code == 303
    page = librarian.get("/admin/extensions/").get_data(as_text=True)
    assert "sudah diperpanjang di SLiMS" in page, page
    assert_twins_agree(library.site, member_id, theirs, ours)
