"""Loan status from SLiMS (`/loans`): current loans listed right, SLiMS down or not set up."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from flask import Flask

from signup_fn.slims.connection import Loan
from tests.support.slims_fixture import fresh_slims_database, library_today
from tests.support.slims_portal import Slims, down_slims_url, slims_for_module
from tests.support.web import active_account

pytestmark = pytest.mark.mariadb


@pytest.fixture(scope="module")
def slims(mariadb_url: str) -> Iterator[Slims]:
    with fresh_slims_database(mariadb_url) as url:
        yield from slims_for_module(url)


def test_current_loans_listed_right(make_app: Callable[..., Flask], slims: Slims) -> None:
    patron, other = slims.member(), slims.member("Budi")
    slims.loan(patron, "Anatomi dan Fisiologi Manusia", due_in=5)
    _, late_code = slims.loan(patron, "Farmakologi Dasar", due_in=-3, renewed=1)
    slims.loan(patron, "Buku yang Sudah Kembali", due_in=-10, returned=True)
    slims.loan(other, "Pinjaman Orang Lain", due_in=2)
    app = make_app(SLIMS_DATABASE_URL=slims.url)
    client = app.test_client()
    active_account(app, client, patron)

    response = client.get("/loans")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "Anatomi dan Fisiologi Manusia" in page and "Farmakologi Dasar" in page
    assert "Buku yang Sudah Kembali" not in page  # returned: excluded
    assert "Pinjaman Orang Lain" not in page  # another member's loan: never shown
    row = page[page.index(late_code) :]
    assert "<strong>3 hari</strong>" in row.split("</tr>")[0]  # overdue by three days
    assert "1 kali" in row.split("</tr>")[0]  # renewed once
    assert page.count("<strong>") == 1  # the other loan is not overdue
    assert page.index("Farmakologi Dasar") < page.index("Anatomi")  # the most urgent first


DAY = date(2026, 3, 10)  # D
LATE_EVENING_WIB = datetime(2026, 3, 10, 16, 30, tzinfo=UTC)  # 23:30 WIB on D, 01:30 WIT on D+1


@pytest.mark.parametrize(("zone", "overdue"), [("Asia/Jakarta", None), ("Asia/Jayapura", 1)])
def test_overdue_days_count_on_the_library_clock(
    make_app: Callable[..., Flask],
    slims: Slims,
    time_machine: time_machine.TimeMachineFixture,
    zone: str,
    overdue: int | None,
) -> None:
    time_machine.move_to(LATE_EVENING_WIB, tick=False)
    patron = slims.member()
    loan_id, code = slims.loan(patron, "Kimia Klinik", due_in=0)
    assert slims.loan_row(loan_id)["due_date"] == DAY
    app = make_app(SLIMS_DATABASE_URL=slims.url, TIMEZONE=zone)
    client = app.test_client()
    active_account(app, client, patron)

    row = client.get("/loans").get_data(as_text=True).split(f"<td>{code}</td>")[1]
    row = row.split("</tr>")[0]
    if overdue is None:  # 23:30 WIB on D: due today, not late
        assert "<strong>" not in row and "<td>tidak</td>" in row
    else:  # 01:30 WIT on D+1: a day late
        assert f"<strong>{overdue} hari</strong>" in row


def test_titles_are_escaped_and_no_loans_said(make_app: Callable[..., Flask], slims: Slims) -> None:
    patron = slims.member()
    app = make_app(SLIMS_DATABASE_URL=slims.url)
    client = app.test_client()
    active_account(app, client, patron)
    assert "tidak sedang meminjam" in client.get("/loans").get_data(as_text=True)
    slims.loan(patron, "<script>alert(1)</script>", due_in=1)
    page = client.get("/loans").get_data(as_text=True)
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)" in page


def test_overdue_days_count_whole_days_before_today() -> None:
    today = library_today()
    due = today - timedelta(days=10)
    assert Loan(1, "B1", "T", due - timedelta(days=7), due, 0).overdue_days(today) == 10
    assert Loan(1, "B1", "T", today, today, 0).overdue_days(today) == 0  # due today: not late
    assert Loan(1, "B1", "T", None, None, 0).overdue_days(today) == 0  # SLiMS' 0000-00-00


def test_login_required(make_app: Callable[..., Flask], slims: Slims) -> None:
    client = make_app(SLIMS_DATABASE_URL=slims.url).test_client()
    response = client.get("/loans")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_slims_down_says_so_and_the_portal_keeps_working(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(SLIMS_DATABASE_URL=down_slims_url(), SITE_URL="https://site.example")
    client = app.test_client()
    active_account(app, client, "P27820121001")
    response = client.get("/loans")
    page = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "Data pinjaman sedang tidak tersedia" in page
    assert "SLiMS" in page and "WhatsApp" in page
    assert 'href="https://site.example/layanan-daring/"' in page
    assert "Traceback" not in page
    assert client.get("/password").status_code == 200  # the rest of the portal works
    assert client.get("/api/health").status_code == 200


def test_without_slims_the_page_points_to_the_member_area(
    make_app: Callable[..., Flask],
) -> None:
    app = make_app(SLIMS_MEMBER_AREA_URL="https://slims.example/index.php?p=member")
    client = app.test_client()
    active_account(app, client)
    response = client.get("/loans")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "area anggota SLiMS" in page
    assert 'href="https://slims.example/index.php?p=member"' in page
