"""The library clock: every date a patron or librarian sees is a date in the library's zone.

The rule: "today" is the calendar date at the library (an IANA zone, by default Western
Indonesian Time), never the machine's date and never UTC. The static site and the function both
take their zone from their settings and ask this module for the date; nothing else names a zone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "Asia/Jakarta"


class UnknownTimezone(ValueError):
    """The setting names no IANA time zone; the message names the setting."""


def parse_timezone(name: object, *, setting: str) -> ZoneInfo:
    """The zone called `name` (e.g. `Asia/Makassar`), or `UnknownTimezone` naming `setting`."""
    if not isinstance(name, str) or not name.strip():
        raise UnknownTimezone(f"{setting}: give an IANA time zone name, e.g. {DEFAULT_TIMEZONE}")
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise UnknownTimezone(
            f"{setting}: unknown time zone {name!r}; use an IANA name such as "
            f"{DEFAULT_TIMEZONE} (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT)"
        ) from None


def utc_now() -> datetime:
    """The current instant, aware, in UTC (what the databases store)."""
    return datetime.now(UTC)


def now_in(zone: ZoneInfo) -> datetime:
    """The current wall-clock time at the library."""
    return utc_now().astimezone(zone)


def today_in(zone: ZoneInfo) -> date:
    """The library's calendar date now (what "today", "overdue" and "expired" mean)."""
    return now_in(zone).date()


def local_time(moment: datetime, zone: ZoneInfo) -> datetime:
    """A stored instant as the library's wall-clock time (naive values are taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(zone)


def month_of(moment: datetime, zone: ZoneInfo) -> str:
    """The library's `YYYY-MM` month of a stored instant (how reports group by month)."""
    return local_time(moment, zone).strftime("%Y-%m")
