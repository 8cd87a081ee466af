"""In Debian's chromium: opening a free, a paid and a members-only resource from every kind of
page counts one use each (COUNTER rules, counted by the real function under gunicorn); a double
click counts one; a robot's user agent counts none; with the function stopped the link still
opens.

The "vendor" is a loopback HTTP server standing in for the resources' sites; the catalog is a
small synthetic one pointing at it. Each page kind is visited by its own browser (its own user
agent), so the 30-second double-click rule keeps no visit from the next; headless chromium's
own user agent (`HeadlessChrome`) is on the COUNTER-Robots list, so every context names a
desktop one.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext
from sqlalchemy import create_engine, select

from signup_fn import create_app
from signup_fn.auth.sessions import COOKIE_NAME
from signup_fn.store import schema
from tests.browser.portal_stack import Portal, running_portal
from tests.browser.vendor_server import running_vendor
from tests.support.catalog_sample import resource
from tests.support.web import active_account

pytestmark = pytest.mark.slow

MEMBER = "P27820121001"
DESKTOP = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0"
ROBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
PAGES = {
    "home": "/",
    "az": "/katalog/",
    "subject": "/subjek/umum/",
    "type": "/jenis/ebook/",
    "access": "/akses/{access}/",
    "resource": "/sumber/{id}/",
}
RESOURCES = {"sumber-gratis": "free", "jurnal-berbayar": "paid", "koleksi-anggota": "members"}
COUNT_WAIT = 10.0


@pytest.fixture(scope="module")
def vendor_url() -> Iterator[str]:
    with running_vendor() as vendor:
        yield vendor.url


@pytest.fixture(scope="module")
def counting_portal(
    tmp_path_factory: pytest.TempPathFactory, vendor_url: str, browser: Browser
) -> Iterator[Portal]:
    folder = tmp_path_factory.mktemp("usage-portal")
    catalog = folder / "resources.yml"
    catalog.write_text(
        "subjects:\n  - id: umum\n    name: Umum\n\nresources:\n"
        + "".join(
            resource(
                rid, rid.replace("-", " ").title(), f"{vendor_url}/{rid}", access, featured="true"
            )
            for rid, access in RESOURCES.items()
        ),
        encoding="utf-8",
    )
    # the per-address limit has its own tests; here every click comes from 127.0.0.1
    settings = {"PORTAL_RATE_LIMIT_USE_COUNT": "100000"}
    with running_portal(folder, catalog=catalog, extra_env=settings, strict=False) as portal:
        yield portal


@pytest.fixture(scope="module")
def patron_cookie(counting_portal: Portal) -> str:
    """A logged-in patron's session, made through the function's own activation link."""
    env = counting_portal.function_env
    app = create_app(
        {
            "DATABASE_URL": env["PORTAL_DATABASE_URL"],
            "SITE_URL": env["PORTAL_SITE_URL"],
            "BASE_URL": env["PORTAL_BASE_URL"],
            "CATALOG_PATH": env["PORTAL_CATALOG_PATH"],
        }
    )
    client = app.test_client()
    active_account(app, client, MEMBER)
    cookie = client.get_cookie(COOKIE_NAME)
    assert cookie is not None
    return cookie.value


def totals(portal: Portal) -> dict[str, int]:
    """Total_Item_Requests per resource, all months."""
    engine = create_engine(portal.database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(select(schema.resource_usage)).mappings().all()
    finally:
        engine.dispose()
    found: dict[str, int] = {}
    for row in rows:
        found[row["resource_id"]] = found.get(row["resource_id"], 0) + row["total_requests"]
    return found


def wait_for_totals(portal: Portal, expected: dict[str, int]) -> dict[str, int]:
    """The totals once they reach `expected` (pings are sent beside the navigation), or
    whatever they are after COUNT_WAIT seconds; then a moment more to catch any extra."""
    deadline = time.monotonic() + COUNT_WAIT
    while time.monotonic() < deadline:
        if all(totals(portal).get(key, 0) >= value for key, value in expected.items()):
            break
        time.sleep(0.1)
    time.sleep(0.5)
    found = totals(portal)
    return {key: found.get(key, 0) for key in expected}


def visitor(
    browser: Browser, portal: Portal, agent: str, cookie: str | None, *, javascript: bool = True
) -> BrowserContext:
    context = browser.new_context(
        base_url=portal.site_url, user_agent=agent, locale="id-ID", java_script_enabled=javascript
    )
    context.set_default_timeout(15_000)
    if cookie:
        context.add_cookies([{"name": COOKIE_NAME, "value": cookie, "url": portal.function_url}])
    return context


def open_from(
    context: BrowserContext, page_path: str, href: str, target: str, *, double: bool = False
) -> None:
    """Open `page_path`, click the content's link to `href`, wait until `target` answers."""
    page = context.new_page()
    page.goto(page_path)
    page.wait_for_load_state("load")
    link = page.locator(f'article a[href="{href}"], main a[href="{href}"]').first
    if double:
        link.dblclick()
    else:
        link.click()
    page.wait_for_url(target)
    page.close()


def link_of(portal: Portal, vendor_url: str, resource_id: str) -> str:
    if RESOURCES[resource_id] == "members":
        return f"{portal.function_url}/go/{resource_id}"
    return f"{vendor_url}/{resource_id}"


@pytest.mark.parametrize("kind", PAGES)
def test_each_page_kind_counts_one_use_per_click(
    browser: Browser,
    counting_portal: Portal,
    vendor_url: str,
    patron_cookie: str,
    kind: str,
) -> None:
    before = totals(counting_portal)
    context = visitor(browser, counting_portal, f"{DESKTOP} Pengujian/{kind}", patron_cookie)
    try:
        for resource_id, access in RESOURCES.items():
            path = PAGES[kind].format(access=access, id=resource_id)
            href = link_of(counting_portal, vendor_url, resource_id)
            open_from(context, path, href, f"{vendor_url}/{resource_id}")
    finally:
        context.close()
    expected = {resource_id: before.get(resource_id, 0) + 1 for resource_id in RESOURCES}
    assert wait_for_totals(counting_portal, expected) == expected


def test_members_page_counts_through_go(
    browser: Browser, counting_portal: Portal, vendor_url: str, patron_cookie: str
) -> None:
    before = totals(counting_portal).get("koleksi-anggota", 0)
    context = visitor(browser, counting_portal, f"{DESKTOP} Pengujian/members", patron_cookie)
    try:
        page = context.new_page()
        page.goto(counting_portal.function.url("/members"))
        page.locator('a[href$="/go/koleksi-anggota"]').first.click()
        page.wait_for_url(f"{vendor_url}/koleksi-anggota")
    finally:
        context.close()
    expected = {"koleksi-anggota": before + 1}
    assert wait_for_totals(counting_portal, expected) == expected


def test_without_javascript_the_ping_attribute_counts(
    browser: Browser, counting_portal: Portal, vendor_url: str
) -> None:
    before = totals(counting_portal)
    agent = f"{DESKTOP} Pengujian/tanpa-js"
    context = visitor(browser, counting_portal, agent, None, javascript=False)
    try:
        for resource_id in ("sumber-gratis", "jurnal-berbayar"):
            href = link_of(counting_portal, vendor_url, resource_id)
            open_from(context, "/katalog/", href, f"{vendor_url}/{resource_id}")
    finally:
        context.close()
    expected = {rid: before.get(rid, 0) + 1 for rid in ("sumber-gratis", "jurnal-berbayar")}
    assert wait_for_totals(counting_portal, expected) == expected


def test_a_double_click_counts_once(
    browser: Browser, counting_portal: Portal, vendor_url: str
) -> None:
    before = totals(counting_portal)
    context = visitor(browser, counting_portal, f"{DESKTOP} Pengujian/dobel", None)
    try:
        for resource_id in ("sumber-gratis", "jurnal-berbayar"):
            href = link_of(counting_portal, vendor_url, resource_id)
            target = f"{vendor_url}/{resource_id}"
            open_from(context, f"/sumber/{resource_id}/", href, target, double=True)
    finally:
        context.close()
    expected = {rid: before.get(rid, 0) + 1 for rid in ("sumber-gratis", "jurnal-berbayar")}
    assert wait_for_totals(counting_portal, expected) == expected


def test_a_robot_counts_none(browser: Browser, counting_portal: Portal, vendor_url: str) -> None:
    before = totals(counting_portal)
    context = visitor(browser, counting_portal, ROBOT, None)
    try:
        for resource_id in ("sumber-gratis", "jurnal-berbayar"):
            href = link_of(counting_portal, vendor_url, resource_id)
            open_from(context, f"/sumber/{resource_id}/", href, f"{vendor_url}/{resource_id}")
    finally:
        context.close()
    time.sleep(1.5)
    assert totals(counting_portal) == before


def test_with_the_function_stopped_every_link_still_opens(
    browser: Browser, counting_portal: Portal, vendor_url: str
) -> None:
    """Last in this module: it stops the function for good."""
    counting_portal.function.stop()
    context = visitor(browser, counting_portal, f"{DESKTOP} Pengujian/mati", None)
    try:
        for kind, path in PAGES.items():
            for resource_id in ("sumber-gratis", "jurnal-berbayar"):
                page_path = path.format(access=RESOURCES[resource_id], id=resource_id)
                href = link_of(counting_portal, vendor_url, resource_id)
                started = time.monotonic()
                open_from(context, page_path, href, f"{vendor_url}/{resource_id}")
                assert time.monotonic() - started < 10, (kind, resource_id)
    finally:
        context.close()
