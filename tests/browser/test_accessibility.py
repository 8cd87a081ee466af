"""WCAG 2.1 A/AA: axe-core finds no violation on the pages patrons and librarians use.

axe-core is the copy shipped inside the Python package axe-playwright-python (no download at
run time); it runs in the real page after its scripts (the A–Z filter is visible, the sign-up
form enhanced). The function's own pages: `/login` and `/admin/login`, and, as a signed-in
librarian with a request waiting, the setup page, the `/admin/` queue and the request's detail.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.journey_steps import (
    Patron,
    add_librarian,
    complete_setup,
    log_in_librarian,
    queue_row,
    sign_up,
)
from tests.browser.portal_stack import Portal

pytestmark = pytest.mark.slow

WCAG_21_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_21_A_AA}, "resultTypes": ["violations"]}

SITE_PAGES = {
    "home": "/",
    "az-list": "/katalog/",
    "resource": "/sumber/kubuku/",
    "signup-form": "/daftar/",
}


def violations(page: Page) -> list[str]:
    """One line per violated rule: id, impact, help and the first elements it found."""
    results = Axe().run(page, options=AXE_OPTIONS)
    lines = []
    for rule in results.response["violations"]:
        targets = [", ".join(node["target"]) for node in rule["nodes"][:5]]
        lines.append(f"{rule['id']} ({rule['impact']}): {rule['help']} -> {targets}")
    return lines


@pytest.mark.parametrize("path", SITE_PAGES.values(), ids=SITE_PAGES.keys())
def test_site_page_has_no_wcag_violation(page: Page, path: str) -> None:
    page.goto(path)
    page.wait_for_load_state("networkidle")
    assert violations(page) == []


def test_signup_form_with_errors_has_no_wcag_violation(page: Page) -> None:
    page.goto("/daftar/")
    page.locator("#signup-member_id").fill("P2024000789")
    page.locator("#signup-name").fill("   ")
    page.locator("#signup-email").fill("ani@kampus")
    page.locator("#signup-programme").fill("Gizi")
    page.locator("#signup-role-lecturer").check()
    page.locator("#signup-consent").check()
    page.locator("#signup-form button[type=submit]").click()
    expect(page.locator("#signup-email-error")).to_be_visible()
    assert violations(page) == []


FUNCTION_PAGES = {"patron-login": "/login", "librarian-login": "/admin/login"}


@pytest.mark.parametrize("path", FUNCTION_PAGES.values(), ids=FUNCTION_PAGES.keys())
def test_function_page_has_no_wcag_violation(page: Page, portal: Portal, path: str) -> None:
    response = page.goto(portal.function.url(path))
    assert response is not None and response.ok, path
    page.wait_for_load_state("networkidle")
    assert violations(page) == []


AXE_PATRON = Patron("P2024000555", "Wahyu Hidayat", "wahyu.hidayat@example.ac.id")


def test_admin_queue_has_no_wcag_violation(new_page: Callable[..., Page], portal: Portal) -> None:
    """The librarian's pages with a request waiting: setup, queue and the request's detail."""
    page = new_page()
    sign_up(page, AXE_PATRON)
    found = {}
    page.goto(add_librarian(portal, "pustakawan.axe"))
    found["setup"] = violations(page)
    complete_setup(page, "meja sirkulasi dekat pintu")
    found["login"] = violations(page)
    log_in_librarian(page, "pustakawan.axe", "meja sirkulasi dekat pintu")
    row = queue_row(page, AXE_PATRON)
    expect(row).to_be_visible()
    found["queue"] = violations(page)
    row.get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Permintaan #\d+$"))
    found["request"] = violations(page)
    assert found == {"setup": [], "login": [], "queue": [], "request": []}
