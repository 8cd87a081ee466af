"""The portal for a second, made-up library: nothing outside `resources.yml`, `mkdocs.yml` and
`docs/` names the first.

The second library ("Perpustakaan Politeknik Contoh Nusantara", PPCN, in WITA) writes its own
mkdocs.yml (the repository's, with its own identity settings), its own resources.yml and its
own pages; the repository's code, templates, overrides, hooks and assets are used as they are.
Its site is built with the real `mkdocs build --strict`; its function runs in production
(`PORTAL_*` from the environment, the identity as scripts/library_env.py prints it from that
mkdocs.yml, a real SQLite database, a real SMTP server on loopback)
through a sign-up, an approval, the activation e-mail, a login, a password reset, a rejection,
a librarian's TOTP set-up and every admin page and report reached from the admin tabs. Every
built file, every response body, every e-mail and every command's output is searched for the
first library's words and contacts (read from the repository's mkdocs.yml and the tests'
function settings); the second library's name must be on every page and in every e-mail.
"""

from __future__ import annotations

import gzip
import re
import secrets
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import EmailMessage
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo

import pyotp
import pytest
import time_machine
import yaml
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from scripts.library_env import library_settings
from signup_fn import create_app
from tests.support.catalog_sample import MEMBERS_URL, write_catalog
from tests.support.fixtures import engine_of
from tests.support.samples import LIBRARY, VALID
from tests.support.site_build import REPO, mkdocs_build
from tests.support.slims_export import export_text, member_row
from tests.support.smtp_server import SmtpServer
from tests.support.web import post_form

NAME = "Perpustakaan Politeknik Contoh Nusantara"
SHORT_NAME = "PPCN"
EMAIL = "layanan@ppcn.example.ac.id"
PHONE = "+62 411 555 0123"
WHATSAPP = "6281100002222"
ADDRESS = "Jl. Pendidikan No. 7, Makassar"
WEBSITE = "https://ppcn.example.ac.id/"
TIMEZONE = "Asia/Makassar"
SITE = "https://eresource.ppcn.example.ac.id"
BASE_URL = "https://akun.ppcn.example.ac.id"
LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48">'
    '<title>PPCN</title><circle cx="24" cy="24" r="20" fill="#0b6e4f"/></svg>'
)
PATRON_PASSWORD = "layar terkembang di teluk losari"
LIBRARIAN_PASSWORD = "pinisi berlayar ke selatan jauh"
SECOND_MEMBER = {
    **VALID,
    "member_id": "P27820121002",
    "name": "Andi Baso",
    "email": "andi@example.ac.id",
}
# 01:30 UTC is 09:30 WITA: a working morning at the second library.
MORNING = datetime(2026, 11, 20, 1, 30, tzinfo=UTC)
# Built files that hold no text (images, fonts); gzip files are searched unpacked.
BINARY_SUFFIXES = {".png", ".jpg", ".jpeg", ".ico", ".woff", ".woff2", ".ttf", ".wasm"}


def first_library_traces() -> tuple[str, ...]:
    """What names the first library: its words, and its identity and contact as the
    repository's mkdocs.yml and the tests' function settings give them (lower-cased)."""
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    library, services = config["extra"]["library"], config["extra"]["services"]
    values = [
        "Poltekkes",
        "Banten",
        "Kemenkes",
        library["name"],
        library["short_name"],
        library["address"],
        library["website"],
        services["email"],
        services["phone"],
        services["whatsapp"]["number"],
        config["site_name"],
        config["repo_url"],
        LIBRARY["LIBRARY_NAME"],
        LIBRARY["LIBRARY_SHORT_NAME"],
        MORNING.astimezone(ZoneInfo(config["extra"]["catalog"]["timezone"])).strftime("%Z"),
    ]
    return tuple(sorted({value.lower() for value in values if value}))


TRACES = first_library_traces()
# Each trace as a whole word ("WIB", not the letters inside another word), in any case.
TRACE = re.compile("|".join(rf"(?<!\w){re.escape(trace)}(?!\w)" for trace in TRACES), re.I)


def traces_in(text: str) -> list[str]:
    return sorted({found.lower() for found in TRACE.findall(text)})


# --- the second library's site ----------------------------------------------------------


def second_library_config(folder: Path, catalog: Path) -> Path:
    """The repository's mkdocs.yml with the second library's identity, building its own docs
    (the repository's assets, its own pages) into `folder/site`."""
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    docs = folder / "docs"
    write_own_docs(docs)
    (docs / "assets").mkdir()
    (docs / "assets" / "logo.svg").write_text(LOGO, encoding="utf-8")
    config.update(
        site_name=f"Portal E-Resource {NAME}",
        copyright=NAME,
        site_url=f"{SITE}/",
        repo_url="https://github.com/ppcn/eresource-portal",
        docs_dir=str(docs),
        site_dir=str(folder / "site"),
        hooks=[str(REPO / hook) for hook in config["hooks"]],
    )
    config["theme"].update(
        custom_dir=str(REPO / "overrides"), logo="assets/logo.svg", favicon="assets/logo.svg"
    )
    extra = config["extra"]
    extra["library"] = {
        "name": NAME,
        "short_name": SHORT_NAME,
        "address": ADDRESS,
        "website": WEBSITE,
    }
    extra["catalog"].update(
        file=catalog.name,
        timezone=TIMEZONE,
        function_url=BASE_URL,
        edit_url="https://github.com/ppcn/eresource-portal/blob/main/resources.yml",
        issues_url="https://github.com/ppcn/eresource-portal/issues",
    )
    extra["services"].update(
        sample_data=False,
        email=EMAIL,
        phone=PHONE,
        whatsapp={
            "number": WHATSAPP,
            "message": f"Halo {NAME}, saya ingin bertanya.",
            "extension_message": f"Halo {NAME}, saya ingin memperpanjang pinjaman.",
        },
        hours=[{"days": "Senin–Jumat", "time": "08.00–16.00 WITA"}],
    )
    text = yaml.safe_dump(config, allow_unicode=True, sort_keys=False)
    assert not traces_in(text), f"the second library's mkdocs.yml keeps {traces_in(text)}"
    path = folder / "mkdocs.yml"
    path.write_text(text, encoding="utf-8")
    return path


def write_own_docs(docs: Path) -> None:
    """The repository's assets (scripts, styles) as they are, and a page of the second
    library's own for each of the repository's pages (same name, title and template)."""
    source = REPO / "docs"
    for path in source.rglob("*"):
        target = docs / path.relative_to(source)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        elif path.suffix != ".md":
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, target)
    for page in source.rglob("*.md"):
        front = yaml.safe_load(page.read_text(encoding="utf-8").split("---\n")[1])
        own = {key: front[key] for key in ("title", "template", "search") if key in front}
        body = f"# {own['title']}\n\nHalaman ini ditulis oleh {NAME}.\n"
        target = docs / page.relative_to(source)
        target.parent.mkdir(parents=True, exist_ok=True)
        head = yaml.safe_dump(own, allow_unicode=True, sort_keys=False)
        target.write_text(f"---\n{head}---\n\n{body}", encoding="utf-8")


def built_text(path: Path) -> str | None:
    """A built file's text (gzip unpacked); None for images and fonts."""
    if path.suffix.lower() in BINARY_SUFFIXES:
        return None
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data.decode("utf-8", errors="replace")


@pytest.fixture(scope="module")
def second_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("second-library-site")
    catalog = write_catalog(folder / "resources.yml")
    result = mkdocs_build(second_library_config(folder, catalog), catalog)
    assert result.returncode == 0, result.stderr
    return folder / "site"


def test_the_built_site_holds_no_trace_of_the_first_library(second_site: Path) -> None:
    found = {}
    for path in sorted(second_site.rglob("*")):
        text = built_text(path) if path.is_file() else None
        if text is not None and traces_in(text):
            found[str(path.relative_to(second_site))] = traces_in(text)
    assert found == {}


def test_the_built_site_names_the_second_library(second_site: Path) -> None:
    home = (second_site / "index.html").read_text(encoding="utf-8")
    assert f"repositori dari {NAME} untuk" in home
    assert f"<title>Beranda - Portal E-Resource {NAME}</title>" in home
    assert 'src="assets/logo.svg"' in home  # Material's header
    structured = re.search(r'application/ld\+json">(.*?)</script>', home).group(1)
    for value in (NAME, SHORT_NAME, EMAIL, PHONE, ADDRESS, WEBSITE, f"{SITE}/assets/logo.svg"):
        assert value in structured
    services = (second_site / "layanan-daring" / "index.html").read_text(encoding="utf-8")
    for value in (ADDRESS, EMAIL, PHONE, WEBSITE, f"wa.me/{WHATSAPP}", "WITA"):
        assert value in services
    assert (second_site / "assets" / "logo.svg").read_text(encoding="utf-8") == LOGO


# --- the second library's function -------------------------------------------------------


class Links(HTMLParser):
    """The same-origin addresses a page links to or loads (href, src)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value and value.startswith("/"):
                self.found.append(value)


def links_of(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    return parser.found


class Recorder:
    """Every response the function gave, and every e-mail and command output it produced."""

    def __init__(self) -> None:
        self.responses: list[tuple[str, TestResponse]] = []
        self.outputs: list[str] = []


class BrowserClient(FlaskClient):
    """A browser at the function's https address: its own requests are same-origin; every
    response is recorded."""

    recorder: Recorder

    def open(self, *args: Any, **kwargs: Any) -> TestResponse:
        kwargs.setdefault("base_url", BASE_URL)
        kwargs["headers"] = {"Sec-Fetch-Site": "same-origin", **(kwargs.get("headers") or {})}
        response = super().open(*args, **kwargs)
        self.recorder.responses.append(
            (f"{response.request.method} {response.request.path}", response)
        )
        return response


@pytest.fixture
def second_function(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, smtp_server: SmtpServer
) -> Iterator[tuple[Flask, Recorder]]:
    """The function deployed for the second library: production, its PORTAL_* settings, the
    identity printed by scripts/library_env.py from its mkdocs.yml."""
    catalog = write_catalog(tmp_path / "resources.yml")
    identity = library_settings(second_library_config(tmp_path / "site", catalog))
    assert identity == {
        "PORTAL_LIBRARY_NAME": NAME,
        "PORTAL_LIBRARY_SHORT_NAME": SHORT_NAME,
        "PORTAL_LIBRARY_EMAIL": EMAIL,
        "PORTAL_LIBRARY_PHONE": PHONE,
        "PORTAL_LIBRARY_ADDRESS": ADDRESS,
        "PORTAL_LIBRARY_WEBSITE": WEBSITE,
        "PORTAL_LIBRARY_LOGO": str(tmp_path / "site" / "docs" / "assets" / "logo.svg"),
        "PORTAL_TIMEZONE": TIMEZONE,
    }
    for key, value in identity.items():
        monkeypatch.setenv(key, value)
    settings = {
        "ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        "ALLOW_SQLITE_IN_PRODUCTION": "1",
        "SITE_URL": SITE,
        "BASE_URL": BASE_URL,
        "SMTP_URL": smtp_server.url,
        "MAIL_FROM": f"{NAME} <{EMAIL}>",
        "CATALOG_PATH": str(catalog),
        "MIN_FILL_MS": "0",
    }
    for key, value in settings.items():
        monkeypatch.setenv(f"PORTAL_{key}", value)
    app = create_app()
    recorder = Recorder()
    app.test_client_class = type("Browser", (BrowserClient,), {"recorder": recorder})
    yield app, recorder
    engine_of(app).dispose()


def run(app: Flask, recorder: Recorder, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exit_code == 0, result.output
    recorder.outputs.append(result.output)
    return result.output


def delivered(app: Flask, recorder: Recorder, smtp: SmtpServer, count: int) -> EmailMessage:
    """The `count`-th message at the SMTP server (sent after the response, else by `mail
    send`)."""
    if len(smtp.messages) < count:
        run(app, recorder, "mail", "send")
    assert len(smtp.messages) == count
    return smtp.messages[-1]


def crawl(client: FlaskClient, start: list[str]) -> set[str]:
    """GET every same-origin address reachable from `start` (logout and one-time links are
    forms or left alone); returns the paths visited."""
    seen: set[str] = set()
    queue = list(start)
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if response.mimetype == "text/html":
            queue.extend(
                link for link in links_of(response.get_data(as_text=True)) if link not in seen
            )
    return seen


def test_the_function_serves_the_second_library_only(
    second_function: tuple[Flask, Recorder],
    smtp_server: SmtpServer,
    tmp_path: Path,
    time_machine: time_machine.TimeMachineFixture,
) -> None:
    time_machine.move_to(MORNING)
    app, recorder = second_function
    members = tmp_path / "anggota.csv"
    rows = [
        member_row(m["member_id"], m["name"], member_email=m["email"])
        for m in (VALID, SECOND_MEMBER)
    ]
    members.write_text(export_text(rows, header=True), encoding="utf-8")
    run(app, recorder, "members", "import", str(members))
    site = {"Origin": SITE, "Sec-Fetch-Site": "same-site"}
    assert app.test_client().post("/api/signup", json=VALID, headers=site).status_code == 202
    assert (
        app.test_client().post("/api/signup", json=SECOND_MEMBER, headers=site).status_code == 202
    )

    # a librarian with an authenticator app, set up through the link the command prints
    output = run(
        app, recorder, "librarian", "add", "andi", "--email", "andi.pustakawan@ppcn.example.ac.id"
    )
    setup = re.search(re.escape(BASE_URL) + r"(/admin/setup\?token=\S+)", output).group(1)
    librarian = app.test_client()
    page = librarian.get(setup).get_data(as_text=True)
    uri = urlsplit(
        re.search(r"<code>(otpauth://[^<]+)</code>", page).group(1).replace("&amp;", "&")
    )
    assert unquote(uri.path) == f"/{SHORT_NAME}:andi"
    assert parse_qs(uri.query)["issuer"] == [SHORT_NAME]
    secret = parse_qs(uri.query)["secret"][0]
    code = pyotp.TOTP(secret).now()
    done = post_form(
        librarian,
        setup,
        {
            "password": LIBRARIAN_PASSWORD,
            "password_confirm": LIBRARIAN_PASSWORD,
            "totp_secret": secret,
            "code": code,
        },
    )
    assert done.status_code == 303, done.get_data(as_text=True)
    time_machine.shift(31)  # the next TOTP step: a code is used once
    logged_in = post_form(
        librarian,
        "/admin/login",
        {"username": "andi", "password": LIBRARIAN_PASSWORD, "code": pyotp.TOTP(secret).now()},
    )
    assert logged_in.status_code == 303, logged_in.get_data(as_text=True)

    # the new-requests digest, the approval and the rejection
    run(app, recorder, "requests", "notify")
    digest = delivered(app, recorder, smtp_server, 1)
    assert digest["To"] == "andi.pustakawan@ppcn.example.ac.id"
    queue = librarian.get("/admin/").get_data(as_text=True)
    ids = [int(found) for found in re.findall(r'href="/admin/requests/(\d+)"', queue)]
    first, second = sorted(set(ids))
    decided = post_form(
        librarian, f"/admin/requests/{first}/approve", {}, form_path=f"/admin/requests/{first}"
    )
    assert decided.status_code == 200, decided.get_data(as_text=True)
    activation = delivered(app, recorder, smtp_server, 2)
    assert re.search(r"sampai \d\d-\d\d-2026 \d\d:\d\d WITA", activation.get_content())
    rejected = post_form(
        librarian,
        f"/admin/requests/{second}/reject",
        {"reason": "bukan_anggota"},
        form_path=f"/admin/requests/{second}",
    )
    assert rejected.status_code == 200, rejected.get_data(as_text=True)
    rejection = delivered(app, recorder, smtp_server, 3)
    assert "belum dapat disetujui" in rejection["Subject"]

    # the patron: activation link from the e-mail, login, members' page, a password reset
    link = re.search(
        re.escape(BASE_URL) + r"(/activate\?token=[A-Za-z0-9_-]+)", activation.get_content()
    ).group(1)
    patron = app.test_client()
    activated = post_form(
        patron, link, {"password": PATRON_PASSWORD, "password_confirm": PATRON_PASSWORD}
    )
    assert activated.status_code == 303
    opened = patron.get("/go/koleksi-anggota")
    assert (opened.status_code, opened.headers["Location"]) == (302, MEMBERS_URL)
    crawl(patron, ["/members", "/loans", "/password", "/nonexistent"])
    post_form(patron, "/logout", {}, form_path="/members")
    visitor = app.test_client()
    crawl(visitor, ["/login", "/forgot", "/admin/login"])
    forgot = post_form(visitor, "/forgot", {"identifier": VALID["member_id"]})
    assert forgot.status_code in (200, 303)
    reset = delivered(app, recorder, smtp_server, 4)
    assert "kata sandi baru" in reset["Subject"]
    login = post_form(
        visitor, "/login", {"member_id": VALID["member_id"], "password": PATRON_PASSWORD}
    )
    assert login.status_code == 303

    # every admin page and report the tabs lead to, the printed header, the CSV downloads
    visited = crawl(librarian, ["/admin/", "/admin/reports?from=2026-10&to=2026-11"])
    assert any(path.startswith("/admin/reports.csv") for path in visited)
    assert any(path.startswith("/admin/reports/chart/") for path in visited)
    reports = librarian.get("/admin/reports?from=2026-10&to=2026-11").get_data(as_text=True)
    heading = re.search(r'<p class="print-heading">(.*?)</p>', reports, re.DOTALL).group(1)
    assert NAME in heading and 'src="/logo"' in heading
    assert "Permintaan akun per bulan (WITA)" in reports
    usage = librarian.get("/admin/reports.csv?report=usage").get_data(as_text=True)
    assert f'"Institution_Name","{NAME}"' in usage or f"Institution_Name,{NAME}" in usage
    assert NAME in app.test_client().get("/api/openapi.json").get_json()["info"]["title"]
    assert app.test_client().get("/logo").get_data(as_text=True) == LOGO

    # nothing the function said names the first library; every page and e-mail the second
    for label, response in recorder.responses:
        body = (
            response.get_data(as_text=True)
            if response.mimetype.startswith(("text/", "application/", "image/svg"))
            else ""
        )
        assert not traces_in(body + str(response.headers)), (label, traces_in(body))
        if response.mimetype == "text/html" and response.status_code == 200 and "<title>" in body:
            assert NAME in body, label
    assert len(smtp_server.messages) == 4
    for message in smtp_server.messages:
        text = f"{message['From']}\n{message['Subject']}\n{message.get_content()}"
        assert not traces_in(text), (message["Subject"], traces_in(text))
        assert NAME in message.get_content(), message["Subject"]
    for output in recorder.outputs:
        assert not traces_in(output), output


def test_every_mail_template_is_signed_by_the_second_library(
    second_function: tuple[Flask, Recorder],
) -> None:
    """Mails the journey above does not send (extensions) rendered with empty values."""
    app, _ = second_function
    from signup_fn.mail import outbox as mail

    templates = sorted((Path(app.root_path) / "templates" / "mail").glob("[!_]*.txt"))
    assert len(templates) >= 6
    with app.test_request_context(base_url=BASE_URL):
        for template in templates:
            subject, body = mail.render(template.stem)
            assert not traces_in(subject + body), (template.name, traces_in(subject + body))
            assert NAME in body, template.name
