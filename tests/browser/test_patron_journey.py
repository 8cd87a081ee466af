"""A patron uses the portal in a real browser: find e-resources, then ask for an account.

The site is the repository's own (mkdocs.yml, resources.yml, docs/) built for real and served
on loopback, the form posts to the real function under gunicorn, and the database is read
directly afterwards. Every test runs twice: against the development portal, and as deployed
(production settings over HTTPS for the site and the function, PostgreSQL). Each step leaves a
screenshot in test-artifacts/browser/ (numbered in the order of the journey; the librarian's
steps of test_librarian_journey.py follow on from 20).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.journey_steps import query, stored_requests
from tests.browser.portal_stack import AS_DEVELOPED_AND_DEPLOYED, Portal

pytestmark = [pytest.mark.slow, AS_DEVELOPED_AND_DEPLOYED]

Screenshot = Callable[[Page, str], Path]
SHOWN_ITEMS = "#az-list .az-item:not(.az-item--alternate):not([hidden])"
MATCHING = re.compile(r"^(\d+) dari (\d+) sumber cocok$")


def audit_outcomes(portal: Portal, request_id: int) -> list[str]:
    sql = "SELECT outcome FROM audit_log WHERE request_id = :r ORDER BY id"
    return [row.outcome for row in query(portal, sql, r=request_id)]


def shown_count(page: Page, before: str) -> int:
    """The number the filter's status line announces once it has left `before` (the filter
    applies on the next animation frame), checked against the visible items."""
    status = page.locator("#az-status")
    expect(status).not_to_have_text(before)
    expect(status).to_have_text(MATCHING)
    shown = int(MATCHING.match(status.inner_text().strip()).group(1))  # type: ignore[union-attr]
    expect(page.locator(SHOWN_ITEMS)).to_have_count(shown)
    return shown


def test_home_page_and_search(page: Page, screenshot: Screenshot) -> None:
    page.goto("/")
    expect(page).to_have_title(re.compile("Portal E-Resource"))
    expect(page.locator("html")).to_have_attribute("lang", "id")
    screenshot(page, "01-home")

    # the home page's search box opens the search page (Pagefind) with the query
    page.locator("#portal-search-q").fill("kubuku")
    page.locator(".portal-search__button").click()
    expect(page).to_have_url(re.compile(r"/cari/\?q=kubuku$"))
    result = page.locator(".pagefind-ui__result-link[href*='sumber/kubuku']").first
    expect(result).to_be_visible()
    screenshot(page, "02-search-results")
    result.click()
    expect(page.locator("h1")).to_have_text(re.compile("Kubuku"))


def test_az_filter_narrows_the_list(page: Page, screenshot: Screenshot) -> None:
    page.goto("/katalog/")
    form = page.locator("#az-filter")
    expect(form).to_be_visible()  # shown by az-filter.js
    status = page.locator("#az-status")
    expect(status).to_have_text(re.compile(r"^\d+ sumber$"))
    total = int(status.inner_text().split()[0])
    expect(page.locator(SHOWN_ITEMS)).to_have_count(total)
    screenshot(page, "03-az-list")

    steps = [
        ("#az-subject", "keperawatan", "04-az-subject"),
        ("#az-type", "journal", "05-az-type"),
        ("#az-access", "members", "06-az-access"),
    ]
    for selector, value, step in steps:
        page.locator("button.az-filter__reset").click()
        expect(status).to_have_text(f"{total} sumber")
        page.locator(selector).select_option(value)
        count = shown_count(page, before=f"{total} sumber")
        assert 0 < count < total, (selector, value, count, total)
        screenshot(page, step)

    page.locator("button.az-filter__reset").click()
    page.locator("#az-text").fill("kubuku")
    assert shown_count(page, before=f"{total} sumber") == 1
    expect(page.locator(SHOWN_ITEMS).first).to_contain_text("Kubuku")
    screenshot(page, "07-az-text")

    one_match = status.inner_text()
    page.locator("#az-access").select_option("free")
    assert shown_count(page, before=one_match) == 0
    expect(page.locator("#az-empty")).to_be_visible()


def test_resource_pages_and_members_link(
    page: Page, portal: Portal, screenshot: Screenshot
) -> None:
    page.goto("/katalog/")
    first = page.locator(SHOWN_ITEMS).first.locator("a.az-item__name")
    name = first.inner_text().strip()
    first.click()
    expect(page.locator("h1")).to_have_text(name)
    expect(page.locator(".portal-resource__open a.md-button")).to_be_visible()
    screenshot(page, "08-resource-page")

    page.goto("/katalog/?akses=members")
    members = page.locator(SHOWN_ITEMS).first.locator("a.az-item__name")
    members.click()
    match = re.search(r"/sumber/([^/]+)/$", page.url)
    assert match, page.url
    link = page.locator(".portal-resource__open a.md-button")
    expect(link).to_have_attribute("href", f"{portal.function_url}/go/{match.group(1)}")
    screenshot(page, "09-members-resource-page")


def fill_signup(page: Page, *, member_id: str, name: str, email: str, phone: str) -> None:
    page.locator("#signup-member_id").fill(member_id)
    page.locator("#signup-name").fill(name)
    page.locator("#signup-email").fill(email)
    page.locator("#signup-phone").fill(phone)
    page.locator("#signup-programme").fill("D-III Keperawatan")
    page.locator("#signup-role-student").check()
    page.locator("#signup-consent").check()


def test_signup_with_javascript(page: Page, portal: Portal, screenshot: Screenshot) -> None:
    page.goto("/daftar/")
    screenshot(page, "10-signup-form")
    # Passes the browser's own checks (required, type=email, pattern) but not the function's.
    fill_signup(page, member_id="P2024000123", name="   ", email="siti@kampus", phone="12345")
    page.locator("#signup-form button[type=submit]").click()

    status = page.locator("#signup-status")
    expect(status).to_contain_text("Ada isian yang perlu diperbaiki")
    for field in ("name", "email", "phone"):
        error = page.locator(f"#signup-{field}-error")
        expect(error).to_be_visible()
        expect(error).not_to_be_empty()
        control = page.locator(f"#signup-{field}")
        expect(control).to_have_attribute("aria-invalid", "true")
        expect(control).to_have_attribute("aria-describedby", re.compile(f"signup-{field}-error"))
    expect(page.locator("#signup-member_id-error")).to_be_hidden()
    expect(page.locator("#signup-member_id")).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator("#signup-name")).to_be_focused()
    screenshot(page, "11-signup-errors")
    assert stored_requests(portal, "P2024000123") == []

    page.locator("#signup-name").fill("Siti Nurhaliza")
    page.locator("#signup-email").fill("siti@example.ac.id")
    page.locator("#signup-phone").fill("0812-3456-7890")
    page.locator("#signup-form button[type=submit]").click()
    expect(status).to_contain_text("Permintaan terkirim")
    expect(page.locator("#signup-form")).to_be_hidden()
    screenshot(page, "12-signup-success")

    stored = stored_requests(portal, "P2024000123")
    assert [status for _, status in stored] == ["pending"]
    assert audit_outcomes(portal, stored[0][0]) == ["received"]


def test_signup_without_javascript(
    new_page: Callable[..., Page], portal: Portal, screenshot: Screenshot
) -> None:
    page = new_page(javascript=False)
    page.goto("/daftar/")
    # Without the script a bad form is answered by the function's own page of messages.
    fill_signup(page, member_id="P2024000456", name="   ", email="budi@example.ac.id", phone="")
    page.locator("#signup-form button[type=submit]").click()
    expect(page.locator("h1")).to_have_text("Permintaan akun belum terkirim")
    expect(page.locator("body")).to_contain_text("Nama lengkap")
    screenshot(page, "13-signup-nojs-errors")
    page.locator("a", has_text="Kembali ke formulir pendaftaran").click()
    page.wait_for_url(f"{portal.site_url}/daftar/")

    fill_signup(
        page, member_id="P2024000456", name="Budi Santoso", email="budi@example.ac.id", phone=""
    )
    page.locator("#signup-form button[type=submit]").click()
    page.wait_for_url(f"{portal.site_url}/daftar-terkirim/")
    expect(page.locator("h1")).to_have_text("Permintaan terkirim")
    screenshot(page, "14-signup-nojs-sent")

    stored = stored_requests(portal, "P2024000456")
    assert [status for _, status in stored] == ["pending"]
    assert audit_outcomes(portal, stored[0][0]) == ["received"]
