"""`catalog.clock`: the library's date and month, on both sides of the UTC/WIB date line, the
same whatever the machine's zone; unknown zones named by their setting."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from catalog import clock

JAKARTA, MAKASSAR, JAYAPURA = (
    ZoneInfo(n) for n in ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura")
)
D = date(2026, 12, 3)
NEXT = date(2026, 12, 4)


@pytest.mark.parametrize(
    ("moment", "jakarta", "utc"),
    [
        (datetime(2026, 12, 3, 16, 59, tzinfo=UTC), D, D),  # 23:59 WIB
        (datetime(2026, 12, 3, 17, 1, tzinfo=UTC), NEXT, D),  # 00:01 WIB
        (datetime(2026, 12, 3, 23, 30, tzinfo=UTC), NEXT, D),  # 06:30 WIB
    ],
)
def test_today_is_the_date_at_the_library(
    time_machine: time_machine.TimeMachineFixture, moment: datetime, jakarta: date, utc: date
) -> None:
    time_machine.move_to(moment, tick=False)
    assert clock.today_in(JAKARTA) == jakarta
    assert clock.today_in(ZoneInfo("UTC")) == utc
    assert clock.utc_now() == moment and clock.utc_now().tzinfo is UTC


def test_the_three_indonesian_zones(time_machine: time_machine.TimeMachineFixture) -> None:
    time_machine.move_to(datetime(2026, 12, 3, 15, 30, tzinfo=UTC), tick=False)
    assert [clock.today_in(zone) for zone in (JAKARTA, MAKASSAR, JAYAPURA)] == [D, D, NEXT]
    assert clock.now_in(JAYAPURA).strftime("%H:%M %Z") == "00:30 WIT"


@pytest.mark.parametrize(
    "machine_zone", ["UTC", "Asia/Jakarta", "America/New_York", "Pacific/Kiritimati"]
)
def test_the_machines_zone_never_matters(
    time_machine: time_machine.TimeMachineFixture,
    monkeypatch: pytest.MonkeyPatch,
    machine_zone: str,
) -> None:
    monkeypatch.setenv("TZ", machine_zone)
    time.tzset()
    try:
        time_machine.move_to(datetime(2026, 12, 3, 17, 1, tzinfo=UTC), tick=False)
        assert clock.today_in(JAKARTA) == NEXT
        assert clock.month_of(datetime(2026, 11, 30, 17, 1), JAKARTA) == "2026-12"  # naive: UTC
    finally:
        monkeypatch.undo()
        time.tzset()


def test_months_and_times_of_stored_instants() -> None:
    moment = datetime(2026, 11, 30, 17, 30, tzinfo=UTC)
    assert clock.month_of(moment, JAKARTA) == "2026-12"
    assert clock.month_of(moment, ZoneInfo("UTC")) == "2026-11"
    assert clock.local_time(moment, JAKARTA).isoformat() == "2026-12-01T00:30:00+07:00"
    assert clock.local_time(moment.replace(tzinfo=None), JAKARTA) == moment


@pytest.mark.parametrize("name", ["Asia/Jakarta", " Asia/Makassar ", "UTC"])
def test_iana_names_are_accepted(name: str) -> None:
    assert clock.parse_timezone(name, setting="PORTAL_TIMEZONE").key == name.strip()


@pytest.mark.parametrize("name", ["WIB", "Asia/Jakart", "", "   ", None, 7, "../etc/passwd"])
def test_unknown_zones_name_the_setting(name: object) -> None:
    with pytest.raises(clock.UnknownTimezone, match=r"^PORTAL_TIMEZONE: ") as raised:
        clock.parse_timezone(name, setting="PORTAL_TIMEZONE")
    assert clock.DEFAULT_TIMEZONE in str(raised.value)  # an example to copy
