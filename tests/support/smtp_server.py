"""A real SMTP server on loopback (aiosmtpd) for tests: `smtp_server` fixture.

`smtp_server.url` is what PORTAL_SMTP_URL takes; `smtp_server.messages` collects each message
received (parsed `email.message.EmailMessage`); `free_port()` gives a port nothing listens on.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Collector:
    """aiosmtpd handler keeping every message it is sent."""

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[Any] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


@dataclass
class SmtpServer:
    controller: Controller
    collector: Collector
    port: int

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def messages(self) -> list[EmailMessage]:
        return self.collector.messages

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


def make_smtp_server(port: int | None = None) -> SmtpServer:
    """A server (not started) on `port` (a free one by default)."""
    port = port or free_port()
    collector = Collector()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    return SmtpServer(controller, collector, port)


@contextmanager
def running_smtp_server() -> Iterator[SmtpServer]:
    """A server on a free port, started, and stopped after."""
    server = make_smtp_server()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A running SMTP server on 127.0.0.1 that keeps what it receives."""
    with running_smtp_server() as server:
        yield server
