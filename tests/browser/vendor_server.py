"""A loopback HTTP server standing in for resources' sites ("the vendor"): answers every GET
with a small page and records each request's path and `Referer`."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PAGE = b"<!doctype html><html lang='id'><title>vendor</title><p>vendor</p></html>"


@dataclass
class Vendor:
    url: str  # origin, no trailing slash
    seen: list[tuple[str, str | None]] = field(default_factory=list)  # (path, Referer)


@contextmanager
def running_vendor() -> Iterator[Vendor]:
    vendor = Vendor(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            vendor.seen.append((self.path, self.headers.get("Referer")))
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(PAGE)))
            self.end_headers()
            self.wfile.write(PAGE)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    vendor.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield vendor
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
