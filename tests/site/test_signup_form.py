"""The account request form of the static site (docs/daftar.md + overrides/signup.html).

The site is built for real with `mkdocs build --strict` and the pages are read with the
standard library's HTML parser. The rules: the form posts to `{function_url}/api/signup` with
exactly the endpoint's field names; every control has a label and its help text; the consent
label links to the privacy notice and names its version; the honeypot is out of sight and
reach; the enhancing script is loaded (without inline scripts) and is valid JavaScript.

When the function is importable it is served for real on loopback: the form's own fields,
posted as a browser without JavaScript would, are answered with the redirect to the thank-you
page; the script's JSON request passes CORS from the site's origin; every field message of a
422 has its place on the page; a 429's Retry-After is readable by the site's origin.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
import time_machine
import yaml

from signup_fn.member_numbers import MEMBER_NUMBER_PATTERN
from tests.support.site_build import mkdocs_build

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs"
MY_FILES = (
    "daftar.md",
    "daftar-terkirim.md",
    "javascripts/signup-form.js",
    "stylesheets/signup-form.css",
)
# What the full site needs besides our files: B's hook and catalog, C's pages.
FULL_SITE_NEEDS = (
    REPO / "hooks" / "catalog_pages.py",
    REPO / "resources.yml",
    *(DOCS / page for page in ("akun.md", "privasi.md", "bantuan.md", "layanan-daring.md")),
)
STUB_PAGES = {
    "index.md": "Beranda",
    "akun.md": "Cara mendapatkan akun",
    "privasi.md": "Kebijakan Privasi",
    "bantuan.md": "Bantuan & Kontak",
}

CONTRACT_FIELDS = {"member_id", "name", "email", "phone", "programme", "role", "consent"}
ANTI_ABUSE_FIELDS = {"website"}  # elapsed_ms is added by the script, never a control
ROLES = {"student", "lecturer", "staff"}
VOID_TAGS = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip


# --- a small DOM on top of html.parser ----------------------------------------------------


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    parent: Node | None = None
    children: list[Node | str] = field(default_factory=list)

    def iter(self, tag: str | None = None) -> Iterator[Node]:
        """This node and every element below it, in document order."""
        if tag is None or self.tag == tag:
            yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter(tag)

    def find_all(self, tag: str | None = None, **attrs: str) -> list[Node]:
        """Elements whose attributes equal `attrs` (`class_` is class, `data_x` is data-x)."""
        wanted = {key.rstrip("_").replace("_", "-"): value for key, value in attrs.items()}
        return [
            node
            for node in self.iter(tag)
            if all(node.attrs.get(key) == value for key, value in wanted.items())
        ]

    def find(self, tag: str | None = None, **attrs: str) -> Node:
        found = self.find_all(tag, **attrs)
        assert found, f"no <{tag or '*'}> with {attrs}"
        return found[0]

    def ancestors(self) -> Iterator[Node]:
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    @property
    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text for c in self.children]
        return re.sub(r"\s+", " ", "".join(parts)).strip()

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def urls(self, tag: str, attribute: str, base: str) -> set[str]:
        """Where the `attribute` of each `tag` below this node points, resolved from `base`."""
        return {urljoin(base, node.attrs[attribute]) for node in self.iter(tag)
                if attribute in node.attrs}  # fmt: skip


class TreeBuilder(HTMLParser):
    """Builds a Node tree; void elements never take children, stray end tags are ignored."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {key: value or "" for key, value in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID_TAGS:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.current.children.append(
            Node(tag, {key: value or "" for key, value in attrs}, self.current)
        )

    def handle_endtag(self, tag: str) -> None:
        open_tags = [self.current, *self.current.ancestors()]
        for node in open_tags:
            if node.tag == tag:
                self.current = node.parent or self.root
                return

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


def parse_html(path: Path) -> Node:
    builder = TreeBuilder()
    builder.feed(path.read_text(encoding="utf-8"))
    builder.close()
    return builder.root


# --- building the site --------------------------------------------------------------------


class TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml even when it holds `!!python/name:` or `!ENV` tags (read as None)."""


TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def read_mkdocs_config() -> dict:
    return yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), Loader=TolerantLoader)


def write_minimal_site(workdir: Path, config: dict) -> Path:
    """Our pages, stubs of the pages they link to, and a config with the repository's theme
    overrides and `extra`: for building while the rest of the site is not there yet."""
    docs = workdir / "docs"
    for name in MY_FILES:
        target = docs / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(DOCS / name, target)
    for name, title in STUB_PAGES.items():
        (docs / name).write_text(f"# {title}\n", encoding="utf-8")
    minimal = {
        "site_name": config["site_name"],
        "site_url": config.get("site_url"),
        "docs_dir": str(docs),
        "theme": {
            "name": "material",
            "language": "id",
            "custom_dir": str(REPO / "overrides"),
            "font": False,
        },
        "plugins": ["search"],
        "markdown_extensions": ["attr_list", "md_in_html", "admonition", "toc"],
        "nav": [
            {"Beranda": "index.md"},
            {"Cara mendapatkan akun": "akun.md"},
            {"Daftar akun": "daftar.md"},
            {"Bantuan & Kontak": "bantuan.md"},
            {"Kebijakan Privasi": "privasi.md"},
        ],
        "not_in_nav": "/daftar-terkirim.md",
        "extra": config["extra"],
    }
    config_file = workdir / "mkdocs.yml"
    config_file.write_text(yaml.safe_dump(minimal, allow_unicode=True), encoding="utf-8")
    return config_file


@dataclass(frozen=True)
class BuiltSite:
    root: Path
    config: dict
    full: bool

    @property
    def function_url(self) -> str:
        return str(self.config["extra"]["catalog"]["function_url"]).rstrip("/")

    def page(self, url_path: str) -> Node:
        return parse_html(self.root / url_path.strip("/") / "index.html")

    def exists(self, url_path: str) -> bool:
        relative = url_path.strip("/")
        target = self.root / relative
        return (target / "index.html").is_file() if url_path.endswith("/") else target.is_file()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    """The site built with `mkdocs build --strict`: the whole site when all of its parts are
    in the repository, otherwise our pages alone with stubs of the pages they link to."""
    config = read_mkdocs_config()
    workdir = tmp_path_factory.mktemp("site")
    full = all(path.exists() for path in FULL_SITE_NEEDS)
    config_file = REPO / "mkdocs.yml" if full else write_minimal_site(workdir, config)
    out = workdir / "out"
    result = mkdocs_build(config_file, site_dir=out)
    assert result.returncode == 0, f"mkdocs build failed:\n{result.stderr[-4000:]}"
    return BuiltSite(out, config, full)


@pytest.fixture(scope="module")
def page(site: BuiltSite) -> Node:
    return site.page("/daftar/")


@pytest.fixture(scope="module")
def form(page: Node) -> Node:
    return page.find("form", id="signup-form")


def controls(form: Node) -> list[Node]:
    """The form's named controls (what a browser submits), in document order."""
    return [
        node
        for node in form.iter()
        if node.tag in {"input", "select", "textarea"} and node.attrs.get("name")
    ]


def label_for(page: Node, control: Node) -> Node:
    control_id = control.attrs.get("id")
    assert control_id, f"control {control.attrs.get('name')} has no id"
    labels = page.find_all("label", for_=control_id)
    assert len(labels) == 1, f"#{control_id} has {len(labels)} labels"
    assert labels[0].text, f"the label of #{control_id} is empty"
    return labels[0]


# --- the form -----------------------------------------------------------------------------


def test_form_posts_to_the_function(site: BuiltSite, form: Node) -> None:
    assert form.attrs["method"] == "post"
    assert form.attrs["action"] == f"{site.function_url}/api/signup"
    assert "enctype" not in form.attrs  # urlencoded, as the function expects


def test_field_names_are_the_endpoints(form: Node) -> None:
    names = {control.attrs["name"] for control in controls(form)}
    assert names == CONTRACT_FIELDS | ANTI_ABUSE_FIELDS

    radios = form.find_all("input", name="role")
    assert {radio.attrs["type"] for radio in radios} == {"radio"}
    assert {radio.attrs["value"] for radio in radios} == ROLES

    consent = form.find("input", name="consent")
    assert consent.attrs["type"] == "checkbox"
    assert consent.attrs["value"] == "true"
    assert all("name" not in button.attrs for button in form.iter("button"))


def test_client_side_hints(form: Node) -> None:
    by_name = {control.attrs["name"]: control for control in controls(form)}
    member_id = by_name["member_id"]
    assert member_id.attrs["maxlength"] == "20"
    # the portal's member number rule, with the spaces it trims at either end
    assert member_id.attrs["pattern"] == " *" + MEMBER_NUMBER_PATTERN[1:-1] + " *"
    assert by_name["email"].attrs["type"] == "email"
    assert by_name["email"].attrs["autocomplete"] == "email"
    assert by_name["name"].attrs["autocomplete"] == "name"
    assert by_name["phone"].attrs["type"] == "tel"
    assert by_name["phone"].attrs["inputmode"] == "tel"
    for name in ("member_id", "name", "email", "programme", "role", "consent"):
        assert "required" in by_name[name].attrs, name
    assert "required" not in by_name["phone"].attrs
    assert "required" not in by_name["website"].attrs
    for name in ("member_id", "name", "email", "phone", "programme"):
        assert int(by_name[name].attrs["maxlength"]) > 0, name
    assert form.find_all("button", type="submit")


def test_every_control_has_a_label_and_its_help(page: Node, form: Node) -> None:
    ids = {node.attrs["id"] for node in page.iter() if "id" in node.attrs}
    for control in controls(form):
        label_for(page, control)
        for described_by in control.attrs.get("aria-describedby", "").split():
            assert described_by in ids, f"{control.attrs['id']}: #{described_by} is missing"
        if control.attrs["name"] not in ANTI_ABUSE_FIELDS | {"role"}:
            assert control.attrs.get("aria-describedby"), f"{control.attrs['id']} has no help"
    for field_name in CONTRACT_FIELDS:  # where the script puts the function's message
        assert f"signup-{field_name}-error" in ids, field_name


def test_role_is_a_group_with_a_legend(form: Node) -> None:
    radio = form.find("input", name="role")
    fieldset = next(node for node in radio.ancestors() if node.tag == "fieldset")
    assert fieldset.find("legend").text == "Status"
    labels = {label.text for label in fieldset.iter("label")}
    assert labels == {"Mahasiswa", "Dosen", "Tenaga kependidikan"}


def test_consent_links_the_privacy_notice_and_its_version(
    site: BuiltSite, page: Node, form: Node
) -> None:
    label = label_for(page, form.find("input", name="consent"))
    links = list(label.iter("a"))
    assert len(links) == 1
    target = urljoin("/daftar/", links[0].attrs["href"])
    assert target == "/privasi/"
    assert site.exists(target)
    version = str(site.config["extra"]["privacy_notice_version"])
    assert version in label.text


def test_honeypot_is_out_of_sight_and_reach(site: BuiltSite, form: Node) -> None:
    trap = form.find("input", name="website")
    assert trap.attrs["type"] == "text"
    assert trap.attrs["tabindex"] == "-1"
    assert trap.attrs["autocomplete"] == "off"
    assert trap.attrs.get("value", "") == ""
    wrapper = next(node for node in trap.ancestors() if "aria-hidden" in node.attrs)
    assert wrapper.attrs["aria-hidden"] == "true"
    assert "signup-form__trap" in wrapper.classes

    css = (site.root / "stylesheets" / "signup-form.css").read_text(encoding="utf-8")
    rule = re.search(r"\.signup-form__trap\s*\{([^}]*)\}", css)
    assert rule, "the stylesheet does not hide the honeypot"
    assert re.search(r"position:\s*absolute", rule.group(1))
    assert re.search(r"left:\s*-\d{4,}px", rule.group(1))


def test_stylesheet_and_script_are_loaded(site: BuiltSite, page: Node) -> None:
    head = page.find("head")
    assert "/stylesheets/signup-form.css" in head.urls("link", "href", "/daftar/")

    container = page.find(data_md_component="container")
    # inside the container: Material's instant navigation runs those scripts again
    assert "/javascripts/signup-form.js" in container.urls("script", "src", "/daftar/")
    assert site.exists("/javascripts/signup-form.js")

    section = page.find("section", class_="signup")
    assert all("src" in script.attrs for script in section.iter("script")), "inline script"
    handlers = [key for node in section.iter() for key in node.attrs if key.startswith("on")]
    assert not handlers, "inline event handler"


def test_status_region_and_messages(page: Node) -> None:
    section = page.find("section", class_="signup")
    status = section.find(role="status")
    assert status.attrs["aria-live"] == "polite"
    messages = {
        node.attrs["data-signup-message"]: node
        for node in section.iter("template")
        if "data-signup-message" in node.attrs
    }
    assert set(messages) == {"sending", "success", "invalid", "rate-limited", "failure"}
    assert "Permintaan Anda sudah kami terima" in messages["success"].text
    assert "e-mail" in messages["success"].text
    assert messages["rate-limited"].find(data_signup_slot="minutes")
    assert "/bantuan/" in messages["failure"].urls("a", "href", "/daftar/")


def test_page_introduces_the_procedure(page: Node) -> None:
    article = page.find("article")
    assert article.find("h1").text == "Daftar akun e-resource"
    assert "/akun/" in article.urls("a", "href", "/daftar/")


def test_thank_you_page(site: BuiltSite) -> None:
    thanks = site.page("/daftar-terkirim/")
    article = thanks.find("article")
    assert article.find("h1").text == "Permintaan terkirim"
    assert "e-mail" in article.text
    links = article.urls("a", "href", "/daftar-terkirim/")
    assert "/" in links
    assert "/bantuan/" in links


def test_script_is_valid_javascript() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the script's syntax is not checked")
    result = subprocess.run(
        [node, "--check", str(DOCS / "javascripts" / "signup-form.js")],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


# --- the form against the real function ---------------------------------------------------

# What a patron types, per field; each must pass the control's own pattern and maxlength.
TYPED = {
    "member_id": "P27220123001",
    "name": "Siti Nurhaliza",
    "email": "siti.nurhaliza@example.ac.id",
    "phone": "0812-3456-7890",
    "programme": "D-III Keperawatan",
    "website": "",  # the honeypot, left empty
}
CHOSEN = {"role": "student"}


def browser_submission(form: Node) -> list[tuple[str, str]]:
    """The (name, value) pairs a browser without JavaScript sends, in document order: typed
    text, the checked radio and checkbox only, no nameless button."""
    pairs: list[tuple[str, str]] = []
    for control in controls(form):
        name, kind = control.attrs["name"], control.attrs.get("type", "text")
        if kind == "radio":
            if control.attrs["value"] == CHOSEN[name]:
                pairs.append((name, control.attrs["value"]))
        elif kind == "checkbox":
            pairs.append((name, control.attrs.get("value", "on")))
        else:
            value = TYPED[name]
            if value and "pattern" in control.attrs:
                assert re.fullmatch(control.attrs["pattern"], value), (name, value)
            assert len(value) <= int(control.attrs.get("maxlength", 10**6)), name
            pairs.append((name, value))
    return pairs


def script_payload(pairs: list[tuple[str, str]]) -> dict[str, object]:
    """The JSON body signup-form.js builds from the same fields."""
    payload: dict[str, object] = dict(pairs)
    payload["consent"] = True
    payload["elapsed_ms"] = 15_000
    return payload


@dataclass(frozen=True)
class Function:
    url: str
    site_origin: str


@pytest.fixture
def function_config() -> dict[str, object]:
    """Settings of the function under test beyond the database and the site origin."""
    return {}


@pytest.fixture
def function(
    site: BuiltSite, tmp_path: Path, function_config: dict[str, object]
) -> Iterator[Function]:
    """The real sign-up function on a loopback port, with its own SQLite file."""
    signup_fn = pytest.importorskip("signup_fn", reason="the sign-up function is not there yet")
    from werkzeug.serving import make_server

    site_origin = site.config["site_url"].rstrip("/")
    app = signup_fn.create_app(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'signup.sqlite3'}",
            "SITE_URL": [site_origin],
            "SECRET_KEY": "test-secret-for-the-site-form-tests-only",
            **function_config,
        }
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Function(f"http://127.0.0.1:{server.server_port}", site_origin)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def endpoint_path(form: Node) -> str:
    return urlsplit(form.attrs["action"]).path


def test_plain_form_post_is_sent_once_more_then_redirects_to_the_thank_you_page(
    site: BuiltSite, form: Node, function: Function
) -> None:
    import requests

    # Without the script there is no fill time: the function's page asks to send once more.
    first = requests.post(
        function.url + endpoint_path(form),
        data=browser_submission(form),  # urlencoded, like the browser
        headers={"Origin": function.site_origin},
        allow_redirects=False,
        timeout=30,
    )
    assert first.status_code == 200, first.text[:500]
    page = TreeBuilder()
    page.feed(first.text)
    page.close()
    confirm = page.root.find("form", method="post")
    assert confirm.attrs["action"] == endpoint_path(form)
    fields = [(field.attrs["name"], field.attrs["value"]) for field in confirm.find_all("input")]
    assert "shown" in dict(fields)
    with time_machine.travel(datetime.now(UTC) + timedelta(seconds=30), tick=True):
        response = requests.post(
            function.url + confirm.attrs["action"],
            data=fields,
            headers={"Origin": function.url},
            allow_redirects=False,
            timeout=30,
        )
    assert response.status_code == 303, response.text[:500]
    location = response.headers["Location"]
    assert location == urljoin(site.config["site_url"], "daftar-terkirim/")
    assert site.exists(urlsplit(location).path)


def test_script_request_is_accepted_cross_origin(form: Node, function: Function) -> None:
    import requests

    url = function.url + endpoint_path(form)
    preflight = requests.options(
        url,
        headers={
            "Origin": function.site_origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
        timeout=30,
    )
    assert preflight.headers.get("Access-Control-Allow-Origin") == function.site_origin
    assert "content-type" in preflight.headers.get("Access-Control-Allow-Headers", "").lower()

    response = requests.post(
        url,
        json=script_payload(browser_submission(form)),
        headers={"Origin": function.site_origin, "Accept": "application/json"},
        timeout=30,
    )
    assert response.status_code == 202, response.text[:500]
    assert response.json() == {"status": "received"}
    assert response.headers.get("Access-Control-Allow-Origin") == function.site_origin


def test_every_field_error_has_its_place_on_the_page(
    page: Node, form: Node, function: Function
) -> None:
    import requests

    bad = {
        "member_id": "NIM 12/3",
        "name": "",
        "email": "bukan-email",
        "phone": "telepon",
        "programme": "",
        "role": "guest",
        "consent": False,
        "website": "",
        "elapsed_ms": 15_000,
    }
    response = requests.post(
        function.url + endpoint_path(form),
        json=bad,
        headers={"Origin": function.site_origin},
        timeout=30,
    )
    assert response.status_code == 422, response.text[:500]
    errors = response.json()["errors"]
    assert set(errors) == CONTRACT_FIELDS - {"website"}
    ids = {node.attrs["id"] for node in page.iter() if "id" in node.attrs}
    for field_name, message in errors.items():
        assert f"signup-{field_name}-error" in ids, field_name
        assert isinstance(message, str) and message


@pytest.mark.parametrize("function_config", [{"RATE_LIMIT_ADDRESS_COUNT": 1}])
def test_script_can_read_how_long_to_wait(form: Node, function: Function) -> None:
    """The script tells the patron how many minutes to wait: Retry-After must be readable by
    the site's origin (it is not a CORS-safelisted response header)."""
    import requests

    url = function.url + endpoint_path(form)
    payload = script_payload(browser_submission(form))
    headers = {"Origin": function.site_origin}
    assert requests.post(url, json=payload, headers=headers, timeout=30).status_code == 202
    response = requests.post(url, json=payload, headers=headers, timeout=30)
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert response.headers.get("Access-Control-Allow-Origin") == function.site_origin
    exposed = response.headers.get("Access-Control-Expose-Headers", "")
    assert "retry-after" in {name.strip().lower() for name in exposed.split(",")}
