"""Fixtures: one loopback link server per module, and catalogs whose URLs point at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.links.link_server import LinkServer, start_server


@pytest.fixture(scope="module")
def running_server() -> Iterator[LinkServer]:
    server, stop = start_server()
    try:
        yield server
    finally:
        stop()


@pytest.fixture
def server(running_server: LinkServer) -> LinkServer:
    running_server.reset()
    return running_server


CATALOG_HEAD = """\
# Katalog uji
subjects:
  - id: umum
    name: Umum

resources:
"""

ENTRY = """\
  - id: {id}
    name: Sumber {id}
    url: {url}
    access: {access}
    type: database
    subjects: [umum]
    description: Sumber uji {id}.
    added: 2024-01-01
"""


def catalog_text(entries: list[tuple[str, str, str]]) -> str:
    """A valid catalog: (id, url, access) per resource, one blank line between entries."""
    body = "\n".join(ENTRY.format(id=i, url=u, access=a) for i, u, a in entries)
    return CATALOG_HEAD + body


@pytest.fixture
def write_catalog(tmp_path: Path) -> Callable[[list[tuple[str, str, str]]], Path]:
    def write(entries: list[tuple[str, str, str]]) -> Path:
        path = tmp_path / "resources.yml"
        path.write_text(catalog_text(entries), encoding="utf-8")
        return path

    return write
