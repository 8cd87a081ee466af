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
import time
from collections.abc import Iterator
from email.message import EmailMessage

import pytest
import requests
import sqlalchemy as sa
from deployment import DeployedFunction, deployed_function, make_certificate
from fresh_databases import fresh_postgres_database
from samples import VALID
from smtp_server import SmtpServer, make_smtp_server

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

SITE = "https://perpustakaan.example.ac.id"
MAIL_FROM = "Perpustakaan <perpustakaan@example.ac.id>"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
LIBRARIAN = "pustakawan.https"
LIBRARIAN_PASSWORD = "rak buku biru di lantai dua"
PATRON_PASSWORD = "lampu teras menyala sore hari"
NEW_PASSWORD = "kursi kayu di ruang baca timur"
EXPIRED_FORM = "Formulir kedaluwarsa"


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpServer]:
    server = make_smtp_server()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def deployed(
    postgres_url: str, smtp: SmtpServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DeployedFunction]:
    folder = tmp_path_factory.mktemp("deployed")
    with (
        fresh_postgres_database(postgres_url, "https_forms") as database_url,
        deployed_function(
            folder,
            database_url=database_url,
            site_origin=SITE,
            certificate=make_certificate(folder / "tls"),
            extra={"PORTAL_SMTP_URL": smtp.url, "PORTAL_MAIL_FROM": MAIL_FROM},
        ) as function,
    ):
        yield function


def browser_session(function: DeployedFunction) -> requests.Session:
    """A client that trusts the test certificate and, like Chromium, sends no Referer."""
    session = requests.Session()
    session.trust_env = False  # the environment's CA bundle would override `verify`
    session.verify = str(function.certificate.cert)
    return session


def same_origin_headers(function: DeployedFunction) -> dict[str, str]:
    return {"Origin": function.url, "Sec-Fetch-Site": "same-origin"}


def form_token(session: requests.Session, url: str) -> str:
    page = session.get(url, allow_redirects=False)
    assert page.status_code == 200, (url, page.status_code)
    found = CSRF_FIELD.search(page.text)
    assert found, f"no CSRF field on {url}"
    return found.group(1)


def post_form(
    session: requests.Session,
    function: DeployedFunction,
    url: str,
    data: dict[str, str],
    *,
    form_url: str | None = None,
    headers: dict[str, str] | None = None,
) -> requests.Response:
    """GET the form at `form_url` (default `url`), then POST it as the browser does."""
    token = form_token(session, form_url or url)
    sent = same_origin_headers(function) if headers is None else headers
    response = session.post(
        url, data={"csrf_token": token, **data}, headers=sent, allow_redirects=False
    )
    assert EXPIRED_FORM not in response.text or headers is not None, response.text
    return response


def wait_for_mail(smtp: SmtpServer, address: str, subject_part: str) -> EmailMessage:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        for message in list(smtp.messages):
            if message["To"] == address and subject_part in message["Subject"]:
                return message
        time.sleep(0.1)
    raise AssertionError(f"no e-mail {subject_part!r} to {address}")


def link_in(message: EmailMessage, kind: str) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None
    links = re.findall(rf"https://\S+/{kind}\S*", part.get_content())
    assert len(links) == 1, part.get_content()
    return links[0]


def request_id_of(function: DeployedFunction, member_id: str) -> int:
    engine = sa.create_engine(function.settings["PORTAL_DATABASE_URL"])
    try:
        with engine.connect() as connection:
            return (
                connection.execute(
                    sa.text(
                        "SELECT id FROM account_requests WHERE member_id = :m ORDER BY id DESC"
                    ),
                    {"m": member_id},
                )
                .scalars()
                .first()
            )
    finally:
        engine.dispose()


def ask_for_account(function: DeployedFunction, member_id: str, email: str) -> int:
    """The site's form through the public API (its own origin, no CSRF token)."""
    body = {**VALID, "member_id": member_id, "email": email, "elapsed_ms": 9000}
    answer = requests.post(
        function.url + "/api/signup",
        json=body,
        headers={"Origin": SITE},
        verify=str(function.certificate.cert),
        timeout=10,
    )
    assert answer.status_code in {200, 201, 202}, answer.text
    return request_id_of(function, member_id)


def activation_link(function: DeployedFunction, smtp: SmtpServer, member_id: str) -> str:
    email = f"{member_id.lower()}@example.ac.id"
    request_id = ask_for_account(function, member_id, email)
    function.flask("requests", "approve", str(request_id), "--contact", "langsung")
    return link_in(wait_for_mail(smtp, email, "disetujui"), "activate")


def active_patron(function: DeployedFunction, smtp: SmtpServer, member_id: str) -> None:
    link = activation_link(function, smtp, member_id)
    answer = post_form(
        browser_session(function),
        function,
        link,
        {"password": PATRON_PASSWORD, "password_confirm": PATRON_PASSWORD},
    )
    assert answer.status_code == 303, answer.text


@pytest.fixture(scope="module")
def librarian(deployed: DeployedFunction) -> requests.Session:
    """A librarian set up through the link and logged in, both over HTTPS."""
    output = deployed.flask("librarian", "add", LIBRARIAN)
    setup = re.search(r"^(https://\S+/admin/setup\S+)$", output, re.MULTILINE)
    assert setup, output
    session = browser_session(deployed)
    answer = post_form(
        session,
        deployed,
        setup.group(1),
        {"password": LIBRARIAN_PASSWORD, "password_confirm": LIBRARIAN_PASSWORD, "code": ""},
    )
    assert answer.status_code == 303, answer.text
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
