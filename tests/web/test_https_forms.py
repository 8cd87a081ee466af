"""Every HTML form works over HTTPS with the production settings, as a browser posts it.

The function runs as DEPLOY.md deploys it (deployment.py: deploy/portal.env.example,
deploy/gunicorn.conf.py, PostgreSQL, HTTPS). Each POST here carries what Chromium sends for a
form on a page of the same origin under `Referrer-Policy: no-referrer`: the form's CSRF token,
`Origin` and `Sec-Fetch-Site: same-origin`, and no Referer. Patron login, activation, reset,
password change, librarian setup and login, and the decisions on the queue all succeed; the
same posts from another origin, or with no origin at all, are refused.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import requests

from tests.support.deployment import DeployedFunction
from tests.support.https_client import (
    EXPIRED_FORM,
    LIBRARIAN,
    LIBRARIAN_PASSWORD,
    NEW_PASSWORD,
    PATRON_PASSWORD,
    activation_link,
    active_patron,
    ask_for_account,
    browser_session,
    deployed_with_mail,
    link_in,
    post_form,
    same_origin_headers,
    set_up_librarian,
    wait_for_mail,
)
from tests.support.smtp_server import SmtpServer, running_smtp_server

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpServer]:
    with running_smtp_server() as server:
        yield server


@pytest.fixture(scope="module")
def deployed(
    postgres_url: str, smtp: SmtpServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DeployedFunction]:
    with deployed_with_mail(
        tmp_path_factory.mktemp("deployed"), postgres_url, "https_forms", smtp
    ) as function:
        yield function


@pytest.fixture(scope="module")
def librarian(deployed: DeployedFunction) -> requests.Session:
    """A librarian set up through the link and logged in, both over HTTPS."""
    session = browser_session(deployed)
    set_up_librarian(session, deployed, LIBRARIAN)
    answer = post_form(
        session,
        deployed,
        deployed.url + "/admin/login",
        {"username": LIBRARIAN, "password": LIBRARIAN_PASSWORD, "code": ""},
    )
    assert answer.status_code == 303, answer.text
    assert session.get(deployed.url + "/admin/").status_code == 200
    return session


def test_librarian_setup_and_login_over_https(librarian: requests.Session) -> None:
    cookies = {cookie.name: cookie for cookie in librarian.cookies}
    assert cookies, "no session cookie"
    assert all(cookie.secure for cookie in cookies.values())


def test_admin_decisions_over_https(
    deployed: DeployedFunction, librarian: requests.Session, smtp: SmtpServer
) -> None:
    approved = ask_for_account(deployed, "P2026090001", "p2026090001@example.ac.id")
    rejected = ask_for_account(deployed, "P2026090002", "p2026090002@example.ac.id")
    detail = f"{deployed.url}/admin/requests/{approved}"
    answer = post_form(
        librarian, deployed, f"{detail}/approve", {"contact": "langsung"}, form_url=detail
    )
    assert answer.status_code == 200, answer.text
    assert "disetujui" in answer.text
    detail = f"{deployed.url}/admin/requests/{rejected}"
    reason = re.search(r'name="reason" value="([^"]+)"', librarian.get(detail).text)
    assert reason, "no reason to choose on the request's page"
    answer = post_form(
        librarian,
        deployed,
        f"{detail}/reject",
        {"reason": reason.group(1), "reason_other": ""},
        form_url=detail,
    )
    assert answer.status_code == 200, answer.text
    assert "ditolak" in answer.text
    wait_for_mail(smtp, "p2026090001@example.ac.id", "disetujui")


def test_activation_over_https(deployed: DeployedFunction, smtp: SmtpServer) -> None:
    link = activation_link(deployed, smtp, "P2026090003")
    session = browser_session(deployed)
    answer = post_form(
        session,
        deployed,
        link,
        {"password": PATRON_PASSWORD, "password_confirm": PATRON_PASSWORD},
    )
    assert answer.status_code == 303, answer.text
    assert session.get(deployed.url + "/members", allow_redirects=False).status_code == 200


def test_patron_login_and_password_change_over_https(
    deployed: DeployedFunction, smtp: SmtpServer
) -> None:
    active_patron(deployed, smtp, "P2026090004")
    session = browser_session(deployed)
    login = deployed.url + "/login"
    answer = post_form(
        session, deployed, login, {"member_id": "P2026090004", "password": PATRON_PASSWORD}
    )
    assert answer.status_code == 303, answer.text
    answer = post_form(
        session,
        deployed,
        deployed.url + "/password",
        {
            "current_password": PATRON_PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_confirm": NEW_PASSWORD,
        },
    )
    assert answer.status_code == 200, answer.text
    again = browser_session(deployed)
    answer = post_form(
        again, deployed, login, {"member_id": "P2026090004", "password": NEW_PASSWORD}
    )
    assert answer.status_code == 303, answer.text


def test_forgot_and_reset_over_https(deployed: DeployedFunction, smtp: SmtpServer) -> None:
    active_patron(deployed, smtp, "P2026090005")
    session = browser_session(deployed)
    answer = post_form(session, deployed, deployed.url + "/forgot", {"identifier": "P2026090005"})
    assert answer.status_code == 200, answer.text
    link = link_in(wait_for_mail(smtp, "p2026090005@example.ac.id", "kata sandi baru"), "reset")
    answer = post_form(
        session, deployed, link, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    )
    assert answer.status_code == 200, answer.text
    assert "Kata sandi sudah diganti" in answer.text


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "same-site", "Origin": "https://perpustakaan.example.ac.id"},
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Referer": "https://evil.example/page"},
        {},
    ],
    ids=["cross-site", "same-site", "foreign-origin", "null-origin", "foreign-referer", "none"],
)
def test_posts_from_elsewhere_are_refused_over_https(
    deployed: DeployedFunction, headers: dict[str, str]
) -> None:
    session = browser_session(deployed)
    login = deployed.url + "/login"
    answer = post_form(
        session,
        deployed,
        login,
        {"member_id": "P2026090099", "password": PATRON_PASSWORD},
        headers=headers,
    )
    assert answer.status_code == 400
    assert EXPIRED_FORM in answer.text


def test_a_post_from_this_origin_needs_its_token(deployed: DeployedFunction) -> None:
    session = browser_session(deployed)
    answer = session.post(
        deployed.url + "/login",
        data={"member_id": "P2026090099", "password": PATRON_PASSWORD},
        headers=same_origin_headers(deployed),
        allow_redirects=False,
    )
    assert answer.status_code == 400
    assert EXPIRED_FORM in answer.text
