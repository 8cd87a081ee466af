"""Every date a patron or librarian sees is on the library clock (`PORTAL_TIMEZONE`), on both
sides of the UTC/WIB date line: 16:59 UTC is 23:59 WIB on D, 17:01 UTC is 00:01 WIB on D+1,
23:30 UTC is 06:30 WIB on D+1. The clock is frozen with time-machine; nothing of ours is
patched."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from flask import Flask

from signup_fn.auth import accounts
from signup_fn.reports import service as reports
from signup_fn.services import services
from signup_fn.store import schema
from signup_fn.store.engine import transaction
from tests.support.catalog_sample import catalog_text, resource, write_catalog
from tests.support.review_helpers import add_request
from tests.support.slims_export import export_text, member_row
from tests.support.stored import rows
from tests.support.web import active_account

D = date(2026, 11, 30)
LAST_MINUTE_WIB = datetime(2026, 11, 30, 16, 59, tzinfo=UTC)  # 23:59 WIB on D
FIRST_MINUTE_WIB = datetime(2026, 11, 30, 17, 1, tzinfo=UTC)  # 00:01 WIB on D+1
MORNING_WIB = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # 06:30 WIB on D+1
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
LAST_DAY = resource(
    "koleksi-hari-terakhir",
    "Koleksi Hari Terakhir",
    "https://last-day.members.example/",
    "members",
    available_until=D.isoformat(),
)


@pytest.fixture
def members_app(make_app: Callable[..., Flask], tmp_path: Path) -> Flask:
    catalog = write_catalog(tmp_path / "resources.yml", catalog_text(extra_resources=LAST_DAY))
    return make_app(CATALOG_PATH=str(catalog))


@pytest.mark.parametrize(
    ("moment", "listed"),
    [(LAST_MINUTE_WIB, True), (FIRST_MINUTE_WIB, False), (MORNING_WIB, False)],
)
def test_members_lists_a_resource_through_its_last_day_at_the_library(
    members_app: Flask,
    time_machine: time_machine.TimeMachineFixture,
    moment: datetime,
    listed: bool,
) -> None:
    time_machine.move_to(moment, tick=False)
    client = members_app.test_client()
    active_account(members_app, client)
    page = client.get("/members").get_data(as_text=True)
    assert ("Koleksi Hari Terakhir" in page) is listed
    assert "Koleksi Anggota" in page  # the rest stays
    status = client.get("/go/koleksi-hari-terakhir").status_code
    assert status == (302 if listed else 404)


def test_members_shows_the_activation_time_on_the_library_clock(
    members_app: Flask, time_machine: time_machine.TimeMachineFixture
) -> None:
    time_machine.move_to(MORNING_WIB, tick=False)
    client = members_app.test_client()
    active_account(members_app, client)
    page = client.get("/members").get_data(as_text=True)
    assert "01-12-2026 06:30 WIB" in page


@pytest.mark.parametrize(
    ("moment", "expired"),
    [(LAST_MINUTE_WIB, 0), (FIRST_MINUTE_WIB, 1), (MORNING_WIB, 1)],
)
def test_a_membership_ends_after_its_last_day_at_the_library(
    app: Flask,
    tmp_path: Path,
    time_machine: time_machine.TimeMachineFixture,
    moment: datetime,
    expired: int,
) -> None:
    time_machine.move_to(moment, tick=False)
    active_account(app, app.test_client(), "P1")
    active_account(app, app.test_client(), "P2")
    path = tmp_path / "anggota.csv"
    path.write_text(
        export_text(
            [
                member_row("P1", "Satu", expire_date=D.isoformat()),  # SLiMS: valid through D
                member_row("P2", "Dua", expire_date=(D + timedelta(days=1)).isoformat()),
            ]
        )
    )
    imported = app.test_cli_runner().invoke(args=["members", "import", str(path)])
    assert imported.exit_code == 0, imported.output
    result = app.test_cli_runner().invoke(args=["accounts", "expire", "--dry-run"])
    assert f"{expired} akun akan dinonaktifkan" in result.output


@pytest.mark.parametrize(
    ("zone", "month"),
    [("Asia/Jakarta", "2026-12"), ("Asia/Jayapura", "2026-12"), ("UTC", "2026-11")],
)
def test_requests_and_uses_fall_in_the_librarys_month(
    make_app: Callable[..., Flask],
    tmp_path: Path,
    time_machine: time_machine.TimeMachineFixture,
    zone: str,
    month: str,
) -> None:
    # 17:01 UTC on 30 November: December at the library in WIB and WIT, still November in UTC
    app = make_app(CATALOG_PATH=str(write_catalog(tmp_path / "resources.yml")), TIMEZONE=zone)
    time_machine.move_to(FIRST_MINUTE_WIB, tick=False)
    add_request(app)
    used = app.test_client().post("/api/use/sumber-gratis", headers={"User-Agent": BROWSER})
    assert used.status_code == 204
    with app.app_context(), services().engine.connect() as connection:
        report = reports.build_report(connection)
    assert [row.month for row in report.months] == [month]
    assert report.click_months == [month]
    assert [row.months for row in report.resources] == [{month: 1}]


@pytest.mark.parametrize(
    ("zone", "until"),
    [
        ("Asia/Jakarta", "01-12-2026 07:30 WIB"),
        ("Asia/Makassar", "01-12-2026 08:30 WITA"),
        ("Asia/Jayapura", "01-12-2026 09:30 WIT"),
    ],
)
def test_link_expiry_texts_are_on_the_library_clock(
    make_app: Callable[..., Flask],
    time_machine: time_machine.TimeMachineFixture,
    zone: str,
    until: str,
) -> None:
    app = make_app(TIMEZONE=zone, RESET_TOKEN_MINUTES=60, LIBRARIAN_SETUP_HOURS=24)
    time_machine.move_to(MORNING_WIB, tick=False)
    active_account(app, app.test_client())
    with app.test_request_context(), transaction(services().engine) as connection:
        assert accounts.request_password_reset(connection, "P27820121001") == 1
    [mail] = [row for row in rows(app, schema.outbox) if "kata sandi baru" in row["subject"]]
    assert f"berlaku 60 menit,\nsampai {until}):" in mail["body"]
    added = app.test_cli_runner().invoke(args=["librarian", "add", "rina"])
    assert added.exit_code == 0, added.output
    next_day = until.replace("01-12-2026 07:30", "02-12-2026 06:30")
    next_day = next_day.replace("01-12-2026 08:30", "02-12-2026 07:30")
    next_day = next_day.replace("01-12-2026 09:30", "02-12-2026 08:30")
    assert f"berlaku 24 jam, sampai {next_day}):" in added.output
