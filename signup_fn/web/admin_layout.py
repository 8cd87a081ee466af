"""What every admin page's layout (`templates/admin/layout.html`) needs: the tabs, the
librarian's name, the pending count, and the filters for times and figures.

The tabs live in one list, `ADMIN_TABS`: another area adds its tab with one line, e.g.
`AdminTab("Perpanjangan", ("extensions.index",)),`. A tab is active when the request's endpoint
is one of its endpoints; the first endpoint is where the tab links to.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, g

from .. import db
from ..clock import format_moment
from ..services import services


@dataclass(frozen=True)
class AdminTab:
    label: str
    endpoints: tuple[str, ...]
    badge: str | None = None  # a name in BADGES: its count is shown beside the label

    @property
    def endpoint(self) -> str:
        return self.endpoints[0]


ADMIN_TABS: list[AdminTab] = [
    AdminTab(
        "Antrean",
        ("admin.queue", "admin.request_detail", "admin.approve", "admin.reject"),
        "pending",
    ),
    AdminTab("Laporan", ("admin_reports.index",)),
    AdminTab("Perpanjangan", ("admin_extensions.index",)),
]


def pending_count() -> int:
    with services().engine.connect() as connection:
        return db.count_pending(connection.execution_options(read_only=True))


BADGES: dict[str, Callable[[], int]] = {"pending": pending_count}


def badge(name: str) -> int:
    """A tab's count, read once per request."""
    cache: dict[str, int] = g.setdefault("admin_badges", {})
    if name not in cache:
        cache[name] = BADGES[name]()
    return cache[name]


def librarian_name() -> str | None:
    """The logged-in librarian's username (set by `librarian_required`)."""
    librarian_id = g.get("librarian_id")
    if librarian_id is None:
        return None
    if "librarian_name" not in g:
        with services().engine.connect() as connection:
            row = db.get_librarian(connection.execution_options(read_only=True), librarian_id)
        g.librarian_name = row["username"] if row else None
    return g.librarian_name


def age(moment: datetime, now: datetime | None = None) -> str:
    """How long ago, in Indonesian: "baru saja", "5 menit yang lalu", "3 jam yang lalu"..."""
    seconds = ((now or db.utcnow()) - moment).total_seconds()
    if seconds < 60:
        return "baru saja"
    for unit, size in (("hari", 86400), ("jam", 3600), ("menit", 60)):
        if seconds >= size:
            return f"{int(seconds // size)} {unit} yang lalu"
    return "baru saja"  # pragma: no cover (unreachable)


def duration(minutes: float | None) -> str:
    """Minutes as Indonesian text with a decimal comma: `11,5 menit`, `3,2 jam`, `2,0 hari`."""
    if minutes is None:
        return "-"
    delta = timedelta(minutes=minutes)
    if delta < timedelta(hours=2):
        value, unit = minutes, "menit"
    elif delta < timedelta(days=2):
        value, unit = minutes / 60, "jam"
    else:
        value, unit = minutes / 1440, "hari"
    return f"{value:.1f}".replace(".", ",") + f" {unit}"


def percent(share: float | None) -> str:
    return "-" if share is None else f"{share * 100:.0f}%"


def layout_context() -> dict[str, Any]:
    return {"admin_tabs": ADMIN_TABS, "admin_badge": badge, "admin_librarian": librarian_name}


def init_app(app: Flask) -> None:
    app.context_processor(layout_context)
    app.add_template_filter(age, "age")
    app.add_template_filter(format_moment, "library_time")
    app.add_template_filter(duration, "duration")
    app.add_template_filter(percent, "percent")
