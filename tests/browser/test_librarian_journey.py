"""The account procedure in a real browser, from request to use (SOP steps 1-5).

A patron asks for an account through the site's form; a librarian, created with the CLI, sets
a password and enrols an authenticator through the setup link and logs in to /admin/ with its
code; the queue shows the request with the
evidence of the member list imported from a SLiMS export; the librarian approves; the
activation e-mail arrives at the local SMTP server; the patron follows its link in their own
browser, sets a password and sees /members; a members-only resource opens through /go/<id>.

The catalog URL is beyond loopback: the browser follows /go/'s redirect to it and the lookup
fails inside the browser (browser_launch.py), so the test asserts the exact URL the browser
tried to open, never loads it. Screenshots continue test_patron_journey.py's, from 20.

Every test runs twice: against the development portal, and as deployed (production settings
over HTTPS for the site and the function, Secure cookies, HSTS, PostgreSQL).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Request, expect

from catalog.loader import default_today, load_catalog
from catalog.models import Access
from tests.browser.journey_steps import (
    Patron,
    add_librarian,
    audit_actions,
    body_of,
    complete_setup,
    import_members,
    log_in_librarian,
    mail_to,
    queue_row,
    request_of,
    sign_in_new_librarian,
    sign_up,
)
from tests.browser.portal_stack import AS_DEVELOPED_AND_DEPLOYED, Portal

pytestmark = [pytest.mark.slow, AS_DEVELOPED_AND_DEPLOYED]

Screenshot = Callable[[Page, str], Path]
PageFactory = Callable[..., Page]

PATRON = Patron("P2024000777", "Rina Marlina", "rina.marlina@example.ac.id")
NOT_A_MEMBER = Patron("P2024000888", "Dewi Lestari", "dewi.lestari@example.ac.id")
LIBRARIAN = "pustakawan.ani"
LIBRARIAN_PASSWORD = "rak buku biru di lantai dua"
PATRON_PASSWORD = "lampu teras menyala sore hari"
RESOURCE = "kubuku"
APPROVED_SUBJECT = "Akun e-resource Anda sudah disetujui"
REJECTED_SUBJECT = "Permintaan akun e-resource Anda belum dapat disetujui"


def members_only(portal: Portal) -> dict[str, str]:
    """Name -> URL of the catalog's members-only resources available today."""
    catalog = load_catalog(portal.catalog)
    return {
        resource.name: resource.url
        for resource in catalog.available(default_today())
        if resource.access is Access.MEMBERS
    }


def opening_attempt(
    page: Page, url: str, action: Callable[[], object], *, timeout: float | None = None
) -> Request:
    """Run `action` and return the browser's request for `url` (which fails off loopback)."""
    with page.expect_event(
        "requestfailed", lambda request: request.url == url, timeout=timeout
    ) as failed:
        action()
    return failed.value


def open_failing(page: Page, url: str) -> None:
    """Navigate to `url`, whose redirect ends off loopback: the browser reports it unresolved."""
    try:
        page.goto(url)
    except PlaywrightError as error:
        assert "ERR_NAME_NOT_RESOLVED" in error.message, error.message
    else:
        raise AssertionError(f"{url} loaded, but it should end beyond loopback")


def log_out_and_bounce(patron: Page, portal: Portal, go_url: str) -> None:
    """Log out from /members, then open `go_url`: the login page, which will come back."""
    patron.goto(f"{portal.function_url}/members")
    patron.get_by_role("button", name="Keluar").click()
    expect(patron.get_by_role("heading", level=1)).to_have_text("Masuk ke layanan e-resource")
    patron.goto(go_url)
    assert patron.url == f"{portal.function_url}/login?next=/go/{RESOURCE}"


def log_in_patron(patron: Page, member: Patron) -> None:
    patron.locator("#member_id").fill(member.member_id)
    patron.locator("#password").fill(PATRON_PASSWORD)
    patron.get_by_role("button", name="Masuk").click()


def test_request_approved_activated_and_used(
    new_page: PageFactory,
    portal: Portal,
    screenshot: Screenshot,
    tmp_path: Path,
    expected_exits: set[str],
) -> None:
    # SOP 1: the patron asks for an account on the site.
    patron = new_page()
    sign_up(patron, PATRON)
    screenshot(patron, "20-journey-signup-sent")
    request_id, status = request_of(portal, PATRON.member_id)
    assert status == "pending"

    # The member list comes from SLiMS; the librarian account from the CLI.
    imported = import_members(portal, tmp_path, [PATRON])
    assert "1 anggota diimpor" in imported, imported
    setup_link = add_librarian(portal, LIBRARIAN)
    assert setup_link.startswith(f"{portal.function_url}/admin/setup?token=")

    librarian = new_page()
    librarian.goto(setup_link)
    expect(librarian.get_by_role("heading", level=1)).to_have_text("Siapkan akun pustakawan")
    expect(librarian.locator("body")).to_contain_text(LIBRARIAN)
    screenshot(librarian, "21-librarian-setup")
    totp_secret = complete_setup(librarian, LIBRARIAN_PASSWORD, authenticator=True)
    screenshot(librarian, "22-librarian-login")
    log_in_librarian(librarian, LIBRARIAN, LIBRARIAN_PASSWORD, totp_secret)

    # SOP 2: the queue and the request's evidence from the imported list.
    row = queue_row(librarian, PATRON)
    expect(row).to_contain_text(PATRON.name)
    expect(row).to_contain_text("Anggota dikenal; nama sama")
    expect(librarian.locator("main")).to_contain_text("daftar anggota hasil impor CSV dari SLiMS")
    screenshot(librarian, "23-admin-queue")

    row.get_by_role("link", name=f"#{request_id}", exact=True).click()
    expect(librarian.get_by_role("heading", level=1)).to_have_text(f"Permintaan #{request_id}")
    evidence = librarian.locator("table tbody")
    expect(evidence.locator("tr", has_text="Nomor anggota")).to_contain_text("ditemukan")
    expect(evidence.locator("tr", has_text="Nama")).to_contain_text("sama (skor 1.00)")
    expect(evidence.locator("tr", has_text="E-mail")).to_contain_text("sama")
    expect(evidence.locator("tr", has_text="Berlaku sampai")).to_contain_text("kedaluwarsa: tidak")
    expect(librarian.locator("main")).to_contain_text("Saran:")
    screenshot(librarian, "24-admin-request-evidence")

    # SOP 3: approve; SOP 4: the activation e-mail.
    librarian.get_by_role("button", name="Setujui").click()
    expect(librarian.get_by_role("heading", level=1)).to_have_text(
        f"Permintaan #{request_id} disetujui"
    )
    screenshot(librarian, "25-admin-approved")
    assert request_of(portal, PATRON.member_id) == (request_id, "approved")
    actions = [action for action, _ in audit_actions(portal, request_id=request_id)]
    assert actions[:1] == ["signup"]
    assert {"checked", "approved", "mail_queued"} <= set(actions), actions

    mail = mail_to(portal, PATRON.email, APPROVED_SUBJECT)
    assert PATRON.name in body_of(mail)
    links = re.findall(r"http\S+/activate\?token=\S+", body_of(mail))
    assert len(links) == 1, body_of(mail)
    activation_link = links[0]
    assert activation_link.startswith(f"{portal.function_url}/activate?token=")

    # SOP 5: the patron activates the account in their own browser and uses the collection.
    patron = new_page()
    patron.goto(activation_link)
    expect(patron.get_by_role("heading", level=1)).to_have_text("Aktifkan akun Anda")
    expect(patron.locator("main")).to_contain_text(PATRON.member_id)
    patron.locator("#password").fill(PATRON_PASSWORD)
    patron.locator("#password_confirm").fill(PATRON_PASSWORD)
    screenshot(patron, "26-patron-activate")
    patron.get_by_role("button", name="Aktifkan akun").click()

    patron.wait_for_url(f"{portal.function_url}/members")
    expected = members_only(portal)
    listed = patron.locator("ul.members-resources > li h2")
    expect(listed).to_have_count(len(expected))
    assert sorted(listed.all_inner_texts()) == sorted(expected)
    expect(patron.locator("main")).to_contain_text("Aktif")
    screenshot(patron, "27-patron-members")

    resource_url = load_catalog(portal.catalog).resources_by_id[RESOURCE].url
    expected_exits.add(resource_url)
    go_url = f"{portal.function_url}/go/{RESOURCE}"
    link = patron.locator(f"li#{RESOURCE} h2 a")
    expect(link).to_have_attribute("href", f"/go/{RESOURCE}")
    attempt = opening_attempt(patron, resource_url, link.click)
    assert attempt.is_navigation_request()
    assert attempt.redirected_from is not None
    assert attempt.redirected_from.url == go_url
    assert ("access", f"resource:{RESOURCE}") in audit_actions(portal)

    # Logged out, /go/ asks for a login first; logged in again, /go/ opens the resource.
    log_out_and_bounce(patron, portal, go_url)
    screenshot(patron, "28-patron-go-login")
    with patron.expect_request(go_url):
        log_in_patron(patron, PATRON)
    attempt = opening_attempt(patron, resource_url, lambda: open_failing(patron, go_url))
    assert attempt.redirected_from is not None
    assert attempt.redirected_from.url == go_url


def test_login_from_a_go_link_continues_to_the_resource(
    new_page: PageFactory, portal: Portal, expected_exits: set[str]
) -> None:
    member = Patron("P2024000999", "Sari Wulandari", "sari.wulandari@example.ac.id")
    patron = new_page()
    sign_up(patron, member)
    request_id, _ = request_of(portal, member.member_id)
    portal.flask("requests", "approve", str(request_id), "--contact", "langsung")
    body = body_of(mail_to(portal, member.email, APPROVED_SUBJECT))
    patron.goto(re.findall(r"http\S+/activate\?token=\S+", body)[0])
    patron.locator("#password").fill(PATRON_PASSWORD)
    patron.locator("#password_confirm").fill(PATRON_PASSWORD)
    patron.get_by_role("button", name="Aktifkan akun").click()
    patron.wait_for_url(f"{portal.function_url}/members")

    resource_url = load_catalog(portal.catalog).resources_by_id[RESOURCE].url
    expected_exits.add(resource_url)
    go_url = f"{portal.function_url}/go/{RESOURCE}"
    log_out_and_bounce(patron, portal, go_url)
    attempt = opening_attempt(
        patron, resource_url, lambda: log_in_patron(patron, member), timeout=5_000
    )
    assert attempt.redirected_from is not None
    assert attempt.redirected_from.url == go_url


def test_request_of_a_non_member_rejected(
    new_page: PageFactory, portal: Portal, screenshot: Screenshot
) -> None:
    patron = new_page()
    sign_up(patron, NOT_A_MEMBER)
    request_id, _ = request_of(portal, NOT_A_MEMBER.member_id)

    librarian = new_page()
    sign_in_new_librarian(librarian, portal, "pustakawan.budi", LIBRARIAN_PASSWORD)
    row = queue_row(librarian, NOT_A_MEMBER)
    expect(row).to_contain_text("tidak ditemukan")
    row.get_by_role("link", name=f"#{request_id}", exact=True).click()
    evidence = librarian.locator("table tbody")
    expect(evidence.locator("tr", has_text="Nomor anggota")).to_contain_text("tidak ditemukan")
    librarian.get_by_label("Bukan anggota perpustakaan").check()
    screenshot(librarian, "29-admin-request-not-member")
    librarian.get_by_role("button", name="Tolak").click()
    expect(librarian.get_by_role("heading", level=1)).to_have_text(
        f"Permintaan #{request_id} ditolak"
    )
    screenshot(librarian, "30-admin-rejected")

    assert request_of(portal, NOT_A_MEMBER.member_id) == (request_id, "rejected")
    body = body_of(mail_to(portal, NOT_A_MEMBER.email, REJECTED_SUBJECT))
    assert "Alasan: Bukan anggota perpustakaan" in body
    assert "/activate" not in body


def test_served_as_configured(new_page: PageFactory, portal: Portal) -> None:
    """Deployed: both origins over HTTPS, HSTS on the function's pages, Secure cookies only."""
    page = new_page()
    response = page.goto(f"{portal.function_url}/login")
    assert response is not None and response.ok
    hsts = response.headers.get("strict-transport-security")
    cookies = page.context.cookies()
    assert cookies, "the login form sets its CSRF cookie"
    if portal.deployed:
        assert portal.site_url.startswith("https://")
        assert portal.function_url.startswith("https://")
        assert hsts is not None and hsts.startswith("max-age=")
        assert all(cookie["secure"] for cookie in cookies), cookies
    else:
        assert hsts is None
    site = page.goto(portal.page("/daftar/"))
    assert site is not None and site.ok
