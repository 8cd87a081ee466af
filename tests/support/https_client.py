"""A browser's form posts to the deployed function, made with requests (deployment.py).

A post carries what Chromium sends for a form on a page of the same origin under
`Referrer-Policy: no-referrer`: the form's CSRF token, `Origin` and `Sec-Fetch-Site:
same-origin`, and no Referer. The links the function mails are read from the SMTP server.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage
from pathlib import Path

import requests
import sqlalchemy as sa

from tests.support.deployment import DeployedFunction, deployed_function, make_certificate
from tests.support.fresh_databases import fresh_postgres_database
from tests.support.samples import VALID
from tests.support.smtp_server import SmtpServer

SITE = "https://perpustakaan.example.ac.id"
MAIL_FROM = "Perpustakaan <perpustakaan@example.ac.id>"
CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
LIBRARIAN = "pustakawan.https"
LIBRARIAN_PASSWORD = "rak buku biru di lantai dua"
PATRON_PASSWORD = "lampu teras menyala sore hari"
NEW_PASSWORD = "kursi kayu di ruang baca timur"
EXPIRED_FORM = "Formulir kedaluwarsa"


@contextmanager
def deployed_with_mail(
    folder: Path, postgres_url: str, database: str, smtp: SmtpServer
) -> Iterator[DeployedFunction]:
    """The function deployed over HTTPS as SITE on a fresh PostgreSQL database named after
    `database`, mailing through `smtp`."""
    with (
        fresh_postgres_database(postgres_url, database) as database_url,
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


def activate(function: DeployedFunction, link: str) -> None:
    """The patron opens the activation `link` and sets PATRON_PASSWORD."""
    answer = post_form(
        browser_session(function),
        function,
        link,
        {"password": PATRON_PASSWORD, "password_confirm": PATRON_PASSWORD},
    )
    assert answer.status_code == 303, answer.text


def active_patron(function: DeployedFunction, smtp: SmtpServer, member_id: str) -> None:
    activate(function, activation_link(function, smtp, member_id))


def set_up_librarian(session: requests.Session, function: DeployedFunction, username: str) -> str:
    """Add librarian `username` by the CLI and set LIBRARIAN_PASSWORD through the setup link it
    prints, in `session`; the link."""
    output = function.flask("librarian", "add", username)
    setup = re.search(r"^(https://\S+/admin/setup\S+)$", output, re.MULTILINE)
    assert setup, output
    answer = post_form(
        session,
        function,
        setup.group(1),
        {"password": LIBRARIAN_PASSWORD, "password_confirm": LIBRARIAN_PASSWORD, "code": ""},
    )
    assert answer.status_code == 303, answer.text
    return setup.group(1)
