"""In Debian's chromium: a `referrer: true` resource reaches its vendor with the portal's
`/go/<id>` address as `Referer`; any other resource reaches its vendor with none.

The function runs in a thread (werkzeug's server) on a SQLite file; the "vendor" is a
loopback HTTP server recording each request's `Referer`. The patron logs in through the
function's own activation link in a test client, and chromium gets that session cookie.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from catalog_sample import catalog_text, resource, write_catalog
from fresh_databases import sqlite_url
from samples import TEST_SECRET
from web import active_account
from werkzeug.serving import make_server

from signup_fn import create_app
from signup_fn.auth_session import COOKIE_NAME

MEMBER = "P27820121001"


class Vendor(BaseHTTPRequestHandler):
    seen: list[tuple[str, str | None]]

    def do_GET(self) -> None:
        self.seen.append((self.path, self.headers.get("Referer")))
        body = b"<!doctype html><title>vendor</title><p>vendor</p>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(server) -> Iterator[None]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def vendor() -> Iterator[tuple[str, list[tuple[str, str | None]]]]:
    seen: list[tuple[str, str | None]] = []
    handler = type("RecordingVendor", (Vendor,), {"seen": seen})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    for _ in serve(server):
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.server_close()


def test_only_a_referrer_resource_sends_the_portal_address(browser, vendor, tmp_path: Path):
    vendor_url, seen = vendor
    extra = resource(
        "buku-vendor",
        "Buku Vendor",
        f"{vendor_url}/buku?lembaga=kampus",
        "members",
        referrer="true",
    ) + resource("buku-biasa", "Buku Biasa", f"{vendor_url}/biasa", "members")
    catalog = write_catalog(tmp_path / "resources.yml", catalog_text(extra_resources=extra))
    app = create_app(
        {
            "DATABASE_URL": sqlite_url(tmp_path / "portal.sqlite3"),
            "SECRET_KEY": TEST_SECRET,
            "SITE_URL": "http://127.0.0.1:8",
            "CATALOG_PATH": str(catalog),
        }
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    function_url = f"http://127.0.0.1:{server.server_port}"
    client = app.test_client()
    active_account(app, client, MEMBER)
    cookie = client.get_cookie(COOKIE_NAME)
    assert cookie is not None
    for _ in serve(server):
        context = browser.new_context()
        try:
            context.add_cookies([{"name": COOKIE_NAME, "value": cookie.value, "url": function_url}])
            page = context.new_page()
            page.goto(f"{function_url}/members")
            page.click("#buku-vendor h2 a")
            page.wait_for_url(f"{vendor_url}/buku?lembaga=kampus")
            page.goto(f"{function_url}/members")
            page.click("#buku-biasa h2 a")
            page.wait_for_url(f"{vendor_url}/biasa")
        finally:
            context.close()
    server.server_close()
    assert ("/buku?lembaga=kampus", f"{function_url}/go/buku-vendor") in seen
    assert ("/biasa", None) in seen
    assert all(referer is None for path, referer in seen if path == "/biasa")
