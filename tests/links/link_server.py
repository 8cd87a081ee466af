"""A loopback HTTP server whose paths behave like the web's good and bad links.

Paths: `/ok`, `/status/CODE`, `/perm` (301 → /ok), `/perm308`, `/temp` (302 → /ok),
`/perm-then-temp` (301 → /temp), `/hang` (never answers), `/nohead` (HEAD 405, GET 206 for a
ranged request), `/flaky/KEY` (503 with `Retry-After: 0` twice, then 200), `/slow` (200 after
0.2 s). It counts requests and the most requests in flight at once, and keeps each request's
method, path and headers.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections import Counter
from dataclasses import dataclass, field

from aiohttp import web


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]


@dataclass
class LinkServer:
    port: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    requests: list[Seen] = field(default_factory=list)
    flaky: Counter = field(default_factory=Counter)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def reset(self) -> None:
        self.max_in_flight = 0
        self.requests.clear()
        self.flaky.clear()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.requests.append(Seen(request.method, request.path, dict(request.headers)))
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            return await self._answer(request)
        finally:
            self.in_flight -= 1

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        redirects = {
            "/perm": (301, "/ok"),
            "/perm308": (308, "/ok"),
            "/temp": (302, "/ok"),
            "/perm-then-temp": (301, "/temp"),
            "/perm-to-404": (301, "/status/404"),
        }
        if path in redirects:
            status, location = redirects[path]
            return web.Response(status=status, headers={"Location": location})
        if path == "/ok":
            return web.Response(text="baik")
        if path.startswith("/status/"):
            return web.Response(status=int(path.rsplit("/", 1)[1]))
        if path == "/hang":
            await asyncio.sleep(3600)
        if path == "/nohead":
            if request.method == "HEAD":
                return web.Response(status=405)
            if request.headers.get("Range") == "bytes=0-0":
                return web.Response(status=206, body=b"x")
            return web.Response(text="seluruh halaman")
        if path.startswith("/flaky/"):
            self.flaky[path] += 1
            if self.flaky[path] <= 2:
                return web.Response(status=503, headers={"Retry-After": "0"})
            return web.Response(text="pulih")
        if path == "/slow":
            await asyncio.sleep(0.2)
            return web.Response(text="lambat")
        return web.Response(status=404)


def start_server() -> tuple[LinkServer, callable]:
    """Start a LinkServer on a free loopback port in a thread; returns it and a stopper."""
    server = LinkServer()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server.port = sock.getsockname()[1]
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", server.handle)
    runner = web.AppRunner(
        app, handle_signals=False, shutdown_timeout=0.1, handler_cancellation=True
    )

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.SockSite(runner, sock).start())
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait(10)

    def stop() -> None:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)

    return server, stop
