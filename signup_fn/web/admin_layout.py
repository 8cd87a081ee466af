"""What every admin page's layout (`templates/admin/layout.html`) needs: the tabs with their
counts, and the filters for times and figures.

Each area adds its tab in its own `init_app`, with one call, e.g.
`admin_layout.add_tab(app, AdminTab("Perpanjangan", ("admin_extensions.index",)))`; the tabs
show in the order the areas are registered (`create_app`). A tab is active when the request's
endpoint is one of its endpoints; the first endpoint is where the tab links to. A tab with a
`badge` shows the count its area gives beside the label. The logged-in librarian's name comes
from the auth area (`admin_librarian`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app, g

from ..clock import format_moment
from ..store.engine import utcnow

TABS = "signup_fn.admin_tabs"
BADGES = "signup_fn.admin_badges"


@dataclass(frozen=True)
class AdminTab:
    label: str
    endpoints: tuple[str, ...]
    badge: str | None = None  # the name its count is given under (`add_tab`)

    @property
    def endpoint(self) -> str:
        return self.endpoints[0]


def add_tab(app: Flask, tab: AdminTab, count: Callable[[], int] | None = None) -> None:
    """Show `tab` on every admin page, after the tabs added before it; `count` gives the number
    beside its label (the tab names it in `badge`)."""
    app.extensions.setdefault(TABS, []).append(tab)
    if tab.badge is not None:
        if count is None:
            raise ValueError(f"tab {tab.label!r} names badge {tab.badge!r} but gives no count")
        app.extensions.setdefault(BADGES, {})[tab.badge] = count


def admin_tabs() -> list[AdminTab]:
    tabs: list[AdminTab] = current_app.extensions.get(TABS, [])
    return tabs


def badge(name: str) -> int:
    """A tab's count, read once per request."""
    cache: dict[str, int] = g.setdefault("admin_badges", {})
    if name not in cache:
        cache[name] = current_app.extensions[BADGES][name]()
    return cache[name]


def age(moment: datetime, now: datetime | None = None) -> str:
    """How long ago, in Indonesian: "baru saja", "5 menit yang lalu", "3 jam yang lalu"..."""
    seconds = ((now or utcnow()) - moment).total_seconds()
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
    return {"admin_tabs": admin_tabs(), "admin_badge": badge}


def init_app(app: Flask) -> None:
    app.context_processor(layout_context)
    app.add_template_filter(age, "age")
    app.add_template_filter(format_moment, "library_time")
    app.add_template_filter(duration, "duration")
    app.add_template_filter(percent, "percent")
