"""In Debian's chromium: a `referrer: true` resource reaches its vendor with the portal's
`/go/<id>` address as `Referer`; any other resource reaches its vendor with none.

The function runs in a thread (werkzeug's server) on a SQLite file; the "vendor" is a
loopback HTTP server recording each request's `Referer`. The patron logs in through the
function's own activation link in a test client, and chromium gets that session cookie.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from playwright.sync_api import Browser
from werkzeug.serving import make_server

from signup_fn import create_app
from signup_fn.auth.sessions import COOKIE_NAME
from tests.browser.vendor_server import running_vendor
from tests.support.catalog_sample import catalog_text, resource, write_catalog
from tests.support.fresh_databases import sqlite_url
from tests.support.samples import TEST_SECRET
from tests.support.web import active_account

MEMBER = "P27820121001"


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """The app on a free loopback port, in a thread; yields its origin."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_only_a_referrer_resource_sends_the_portal_address(
    browser: Browser, tmp_path: Path
) -> None:
    with running_vendor() as vendor:
        extra = resource(
            "buku-vendor", "Buku Vendor", f"{vendor.url}/buku?lembaga=kampus", "members",
            referrer="true",
        ) + resource("buku-biasa", "Buku Biasa", f"{vendor.url}/biasa", "members")  # fmt: skip
        catalog = write_catalog(tmp_path / "resources.yml", catalog_text(extra_resources=extra))
        app = create_app(
            {
                "DATABASE_URL": sqlite_url(tmp_path / "portal.sqlite3"),
                "SECRET_KEY": TEST_SECRET,
                "SITE_URL": "http://127.0.0.1:8",
                "CATALOG_PATH": str(catalog),
            }
        )
        client = app.test_client()
        active_account(app, client, MEMBER)
        cookie = client.get_cookie(COOKIE_NAME)
        assert cookie is not None
        with serving(app) as function_url:
            context = browser.new_context()
            try:
                context.add_cookies(
                    [{"name": COOKIE_NAME, "value": cookie.value, "url": function_url}]
                )
                page = context.new_page()
                page.goto(f"{function_url}/members")
                page.click("#buku-vendor h2 a")
                page.wait_for_url(f"{vendor.url}/buku?lembaga=kampus")
                page.goto(f"{function_url}/members")
                page.click("#buku-biasa h2 a")
                page.wait_for_url(f"{vendor.url}/biasa")
            finally:
                context.close()
    assert ("/buku?lembaga=kampus", f"{function_url}/go/buku-vendor") in vendor.seen
    assert [referer for path, referer in vendor.seen if path == "/biasa"] == [None]
