"""The function's library clock: `catalog.clock` with the zone of `PORTAL_TIMEZONE`.

The rule: dates and times a patron or librarian reads (loans and overdue days, membership
expiry, `/members`, reports and their months, token expiry texts, e-mails, the audit's times)
come from here; instants are stored in UTC (`store.engine.utcnow()`, the one "now" for storing).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from flask import current_app

from catalog import clock

SETTING = "PORTAL_TIMEZONE"


def library_zone() -> ZoneInfo:
    """The zone of the current app (checked when the app was built)."""
    return clock.parse_timezone(current_app.config["TIMEZONE"], setting=SETTING)


def library_now() -> datetime:
    """The library's wall-clock time now."""
    return clock.now_in(library_zone())


def library_today() -> date:
    """The library's date now."""
    return clock.today_in(library_zone())


def library_time(moment: datetime) -> datetime:
    """A stored instant as the library's wall-clock time."""
    return clock.local_time(moment, library_zone())


def library_month(moment: datetime) -> str:
    """The library's `YYYY-MM` month of a stored instant."""
    return clock.month_of(moment, library_zone())


def zone_abbreviation() -> str:
    """The library's zone as patrons and librarians read it now: WIB, WITA or WIT."""
    return library_now().strftime("%Z")


def format_time(moment: datetime) -> str:
    """`02-12-2026 23:30 WIB`: a stored instant as a librarian or patron reads it."""
    return library_time(moment).strftime("%d-%m-%Y %H:%M %Z")


def format_moment(moment: datetime | None) -> str:
    """`format_time`, or `-` for a moment that never happened (a template filter)."""
    return "-" if moment is None else format_time(moment)


def expiry_text(lifetime: timedelta) -> str:
    """When a link issued now stops working, as the patron or librarian reads it."""
    return format_time(clock.utc_now() + lifetime)
