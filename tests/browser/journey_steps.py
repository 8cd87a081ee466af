"""Steps the librarian's journey and the accessibility checks share: a patron's sign-up through
the site's form, the member list imported from a SLiMS export, a librarian created with the CLI
and signed in through the browser, and the e-mails the local SMTP server caught.

Each step leaves the page where a person would be after it, so a test can look at (and
screenshot) every page on the way.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pyotp
import sqlalchemy as sa
from playwright.sync_api import Locator, Page, expect

from tests.browser.portal_stack import Portal
from tests.support.slims_export import export_text, member_row

MAIL_WAIT_SECONDS = 15.0
SETUP_LINK = re.compile(r"^(https?://\S+/admin/setup\?token=\S+)$", re.MULTILINE)


@dataclass(frozen=True)
class Patron:
    """Who asks for an account, as typed into the sign-up form."""

    member_id: str
    name: str
    email: str
    programme: str = "D-III Keperawatan"


def sign_up(page: Page, patron: Patron) -> None:
    """Send the site's sign-up form (JavaScript on) and wait for its success message."""
    page.goto("/daftar/")
    page.locator("#signup-member_id").fill(patron.member_id)
    page.locator("#signup-name").fill(patron.name)
    page.locator("#signup-email").fill(patron.email)
    page.locator("#signup-programme").fill(patron.programme)
    page.locator("#signup-role-student").check()
    page.locator("#signup-consent").check()
    page.locator("#signup-form button[type=submit]").click()
    expect(page.locator("#signup-status")).to_contain_text("Permintaan terkirim")


def import_members(portal: Portal, folder: Path, patrons: list[Patron]) -> str:
    """`flask members import` of a SLiMS export listing `patrons`; the command's output."""
    rows = [
        member_row(
            patron.member_id, patron.name, member_email=patron.email, inst_name=patron.programme
        )
        for patron in patrons
    ]
    export = folder / "slims-members.csv"
    export.write_text(export_text(rows), "utf-8")
    return portal.flask("members", "import", str(export))


def add_librarian(portal: Portal, username: str) -> str:
    """`flask librarian add USERNAME`; the single-use setup link it prints."""
    output = portal.flask("librarian", "add", username)
    found = SETUP_LINK.search(output)
    assert found, f"no setup link in the CLI's output:\n{output}"
    return found.group(1)


def complete_setup(page: Page, password: str, *, authenticator: bool = False) -> str | None:
    """On the setup page: set the password and, with `authenticator`, enrol the key the page
    shows with its current code (as an authenticator app would); lands on /admin/login.
    Returns the enrolled key, or None."""
    page.locator("#password").fill(password)
    page.locator("#password_confirm").fill(password)
    secret = None
    if authenticator:
        secret = page.locator("input[name=totp_secret]").get_attribute("value")
        assert secret, "the setup page shows no authenticator key"
        page.locator("#code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Simpan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Masuk pustakawan")
    return secret


def log_in_librarian(
    page: Page, username: str, password: str, totp_secret: str | None = None
) -> None:
    """On /admin/login: log in (with the authenticator's code when enrolled); lands on the
    queue. The code is the next time step's (accepted one step early), so it is never the one
    the setup just used."""
    page.locator("#username").fill(username)
    page.locator("#password").fill(password)
    if totp_secret is not None:
        totp = pyotp.TOTP(totp_secret)
        page.locator("#code").fill(totp.at(time.time() + totp.interval))
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Antrean permintaan")


def sign_in_new_librarian(page: Page, portal: Portal, username: str, password: str) -> None:
    """A librarian created with the CLI, set up through the link and logged in (on /admin/)."""
    page.goto(add_librarian(portal, username))
    complete_setup(page, password)
    log_in_librarian(page, username, password)


def queue_row(page: Page, patron: Patron) -> Locator:
    """The queue's table row of `patron`'s request."""
    return page.locator("tbody tr", has_text=patron.member_id)


def mail_to(portal: Portal, address: str, subject: str) -> EmailMessage:
    """The message to `address` with `subject` the SMTP server caught (waits for it)."""
    deadline = time.monotonic() + MAIL_WAIT_SECONDS
    while time.monotonic() < deadline:
        for message in list(portal.smtp.messages):
            if message["To"] == address and message["Subject"] == subject:
                return message
        time.sleep(0.1)
    caught = [(message["To"], message["Subject"]) for message in portal.smtp.messages]
    raise AssertionError(f"no e-mail {subject!r} to {address} (caught: {caught})")


def body_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None, "the e-mail has no text part"
    return part.get_content()


def query(portal: Portal, sql: str, **params: object) -> list[sa.Row]:
    """The rows of one read-only SQL query on the portal's database."""
    engine = sa.create_engine(portal.database_url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(sa.text(sql), params).all())
    finally:
        engine.dispose()


def stored_requests(portal: Portal, member_id: str) -> list[tuple[int, str]]:
    """(id, status) of every stored request of `member_id`."""
    rows = query(
        portal, "SELECT id, status FROM account_requests WHERE member_id = :m", m=member_id
    )
    return [(row.id, row.status) for row in rows]


def request_of(portal: Portal, member_id: str) -> tuple[int, str]:
    """(id, status) of `member_id`'s only request, read from the database."""
    rows = stored_requests(portal, member_id)
    assert len(rows) == 1, rows
    return rows[0]


def audit_actions(portal: Portal, *, request_id: int | None = None) -> list[tuple[str, str]]:
    """(action, reason) of the audit rows, of one request or of all, oldest first."""
    sql = "SELECT action, reason FROM audit_log"
    params: dict[str, int] = {}
    if request_id is not None:
        sql += " WHERE request_id = :r"
        params["r"] = request_id
    rows = query(portal, sql + " ORDER BY id", **params)
    return [(row.action, row.reason or "") for row in rows]
