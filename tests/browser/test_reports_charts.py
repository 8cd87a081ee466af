"""In Debian's chromium, as developed and as deployed (production settings over HTTPS): the
reports page of a signed-in librarian shows every chart under the function's own
Content-Security-Policy with no console error, and axe-core finds no WCAG 2.1 A/AA violation;
the print stylesheet puts each section on its own page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from signup_fn.config import DEVELOPMENT_IDENTITY
from signup_fn.store import schema
from tests.browser.journey_steps import Patron, sign_in_new_librarian, sign_up
from tests.browser.portal_stack import AS_DEVELOPED_AND_DEPLOYED, Portal
from tests.browser.test_accessibility import violations

pytestmark = [pytest.mark.slow, AS_DEVELOPED_AND_DEPLOYED]

CHART_PATIENT = Patron("P2024000777", "Rahma Aulia", "rahma.aulia@example.ac.id")
SEEDED = [  # resources of the repository's catalog, two months
    ("garuda", "2026-10", 12, 9),
    ("garuda", "2026-11", 20, 14),
    ("sinta", "2026-11", 7, 5),
    ("ipusnas", "2026-10", 3, 3),
]


def seed_usage(portal: Portal) -> None:
    engine = sa.create_engine(portal.database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                schema.resource_usage.insert(),
                [
                    {"resource_id": r, "month": m, "total_requests": t, "unique_requests": u}
                    for r, m, t, u in SEEDED
                ],
            )
    finally:
        engine.dispose()


def test_charts_show_under_the_csp_without_errors_and_pass_axe(
    new_page: Callable[..., Page], portal: Portal
) -> None:
    seed_usage(portal)
    page = new_page()
    sign_up(page, CHART_PATIENT)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}")
            if message.type in ("error", "warning")
            else None
        ),
    )
    sign_in_new_librarian(page, portal, "pustakawan.grafik", "rak buku lantai dua")
    response = page.goto(portal.function.url("/admin/reports?from=2026-10&to=2026-11"))
    assert response is not None and response.ok
    csp = response.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    expect(page.get_by_role("heading", level=1)).to_have_text("Laporan")
    page.wait_for_load_state("networkidle")
    images = page.locator("img.chart__image")
    assert images.count() >= 3  # requests, uses by access, most used (others may be empty)
    loaded = page.evaluate(
        "[...document.querySelectorAll('img.chart__image')]"
        ".map(image => image.complete && image.naturalWidth > 0)"
    )
    assert all(loaded), loaded
    for index in range(images.count()):
        assert images.nth(index).get_attribute("alt")
    assert problems == []
    assert violations(page) == []

    page.emulate_media(media="print")
    sections = page.locator("section.report-section")
    breaks = [
        sections.nth(index).evaluate("element => getComputedStyle(element).breakBefore")
        for index in range(sections.count())
    ]
    assert breaks[0] == "auto" and set(breaks[1:]) == {"page"}
    heading = page.locator(".print-heading").first
    expect(heading).to_be_visible()
    library_name = portal.function_env.get("PORTAL_LIBRARY_NAME")
    expect(heading).to_contain_text(library_name or DEVELOPMENT_IDENTITY["LIBRARY_NAME"])
    expect(heading).to_contain_text("2026-10 s.d. 2026-11")
    expect(page.locator(".report-filter")).to_be_hidden()
