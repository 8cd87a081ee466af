"""Driving real SLiMS over HTTP as its users do (tests only): the OPAC member login, the admin
login, circulation (start, loan list, extend, finish) and the member export.

SLiMS' forms carry hidden CSRF fields; `hidden_fields` reads them from the page like a browser.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests
import sqlalchemy as sa

README = Path(__file__).resolve().parents[2] / "signup_fn" / "README.md"
TIMEOUT = 60


def portal_user_grants(database: str, user: str, password: str) -> list[str]:
    """The portal user as signup_fn/README.md documents it: every `GRANT` line there, for this
    database and a loopback user (so the documentation is what the suite tests)."""
    documented = [
        line.strip() for line in README.read_text().splitlines() if line.startswith("GRANT ")
    ]
    assert documented, "signup_fn/README.md documents no GRANT"
    account = f"'{user}'@'127.0.0.1'"
    return [f"CREATE USER {account} IDENTIFIED BY '{password}'"] + [
        line.replace("slims.", f"{database}.").replace("'portal_ro'@'10.0.0.5'", account)
        for line in documented
    ]


def hidden_fields(page: str, action: str) -> dict[str, str]:
    """The hidden inputs of the page's form whose action contains `action`."""
    form = re.search(
        r'<form[^>]*action="[^"]*' + re.escape(action) + r'[^"]*"[^>]*>(.*?)</form>', page, re.S
    )
    assert form is not None, f"no form for {action}"
    found = {}
    for tag in re.findall(r"<input[^>]*>", form.group(1)):
        if 'type="hidden"' not in tag:
            continue
        name = re.search(r'name="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            found[html.unescape(name.group(1))] = html.unescape(value.group(1) if value else "")
    return found


EXTEND_LINK = re.compile(r"confirmProcess\((\d+), '[^']*', 'extend'\)")


@dataclass
class SlimsSite:
    base_url: str
    database_url: str  # root: writes data the way SLiMS' modules write it
    portal_url: str  # the portal's least-privilege user
    admin_password: str
    _admin: requests.Session | None = field(default=None, repr=False)
    _engine: sa.Engine | None = field(default=None, repr=False)

    @property
    def engine(self) -> sa.Engine:
        if self._engine is None:
            self._engine = sa.create_engine(self.database_url)
        return self._engine

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()

    # --- the OPAC -------------------------------------------------------------------------
    def opac_login(self, member_id: str, password: str) -> bool:
        """Log in to the member area as a patron would; True when SLiMS let them in."""
        browser = requests.Session()
        page = browser.get(self.base_url + "index.php?p=member", timeout=TIMEOUT).text
        data = hidden_fields(page, "p=member")
        data.update(memberID=member_id, memberPassWord=password, logMeIn="Login")
        browser.post(self.base_url + "index.php?p=member", data=data, timeout=TIMEOUT)
        area = browser.get(self.base_url + "index.php?p=member", timeout=TIMEOUT).text
        return "logout=1" in area

    # --- the admin side -------------------------------------------------------------------
    @property
    def admin(self) -> requests.Session:
        """A logged-in librarian (SLiMS loads the holidays into the session at login)."""
        if self._admin is None:
            browser = requests.Session()
            page = browser.get(self.base_url + "index.php?p=login", timeout=TIMEOUT).text
            data = hidden_fields(page, "p=login")
            data.update(userName="admin", passWord=self.admin_password, logMeIn="Login")
            browser.post(self.base_url + "index.php?p=login", data=data, timeout=TIMEOUT)
            assert "logout" in browser.get(self.base_url + "admin/index.php").text.lower()
            self._admin = browser
        return self._admin

    def relogin(self) -> None:
        """A new librarian session (after changing holidays: SLiMS reads them at login)."""
        self._admin = None

    @contextmanager
    def circulation(self, member_id: str) -> Iterator[Circulation]:
        """A circulation transaction for this member, finished at the end."""
        action = self.base_url + "admin/modules/circulation/circulation_action.php"
        started = self.admin.post(
            action, data={"memberID": member_id, "start": "Start Transaction"}, timeout=TIMEOUT
        )
        assert "not valid" not in started.text, started.text
        try:
            yield Circulation(self, started.text)
        finally:
            self.admin.post(action, data={"finish": "true"}, timeout=TIMEOUT)

    def export_members(self) -> bytes:
        """Membership → Export, with the form's defaults and the column names row."""
        path = self.base_url + "admin/modules/membership/export.php"
        self.admin.get(path, timeout=TIMEOUT)
        data = {
            "fieldSep": ",",
            "fieldEnc": '"',
            "recordSep": "NEWLINE",
            "recordNum": "0",
            "recordOffset": "1",
            "header": "1",
            "doExport": "Export Now",
        }
        response = self.admin.post(path, data=data, timeout=TIMEOUT)
        assert "attachment" in response.headers.get("Content-Disposition", ""), response.text
        return response.content


@dataclass
class Circulation:
    site: SlimsSite
    start_page: str

    def loan_list(self) -> str:
        url = self.site.base_url + "admin/modules/circulation/loan_list.php"
        return self.site.admin.get(url, timeout=TIMEOUT).text

    def extend_offered(self, loan_id: int) -> bool:
        """True when SLiMS' loan list offers "Extend" for this loan."""
        return str(loan_id) in EXTEND_LINK.findall(self.loan_list())

    def extend(self, loan_id: int) -> str:
        """Click "Extend" (SLiMS' hidden form posts `process=extend&loanID=`)."""
        url = self.site.base_url + "admin/modules/circulation/circulation_action.php"
        data = {"process": "extend", "loanID": str(loan_id)}
        return self.site.admin.post(url, data=data, timeout=TIMEOUT).text
