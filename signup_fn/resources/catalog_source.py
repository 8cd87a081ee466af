"""The catalog as the function sees it: `resources.yml`, loaded once and reloaded on change.

The rule: the function reads the private catalog file (`PORTAL_CATALOG_PATH`, default the
repository's `resources.yml`) through `catalog.loader.load_catalog`, with the same
validation as the site's build. It is loaded on first use and kept per process; each use
compares the file's modification time and size, so an updated file is picked up without a
restart. An invalid or unreadable file raises `CatalogUnavailable` (logged once per version
of the file); pages turn it into a 503, never a stack trace. A broken update does not keep
serving the old version: what the file says now is what counts.

Why not the site's `resources.json`: it deliberately carries a members-only resource's
`/go/<id>` link, never its real URL (catalog/exports.py), so the function needs the private
file anyway; one source keeps the names, notes and URLs from ever disagreeing, and no page
waits on a fetch from the site.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask, current_app

from catalog.errors import CatalogError

from ..clock import library_today

if TYPE_CHECKING:
    from catalog.loader import LoadedCatalog

EXTENSION_KEY = "signup_fn.catalog"
DEFAULT_CATALOG_PATH = Path(__file__).resolve().parents[2] / "resources.yml"

logger = logging.getLogger(__name__)


class CatalogUnavailable(RuntimeError):
    """The catalog file is missing, unreadable or invalid (the log has the details)."""


@dataclass(frozen=True)
class Version:
    """What identifies one version of the file: modification time (ns) and size."""

    mtime_ns: int
    size: int


class CatalogSource:
    """One catalog file, loaded when first needed and again whenever it changes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._version: Version | None = None
        self._loaded: LoadedCatalog | None = None
        self._error: str | None = None

    def get(self) -> LoadedCatalog:
        """The current catalog; raises CatalogUnavailable when the file cannot be used."""
        try:
            stat = os.stat(self.path)
        except OSError as exc:
            self._fail(None, f"catalog {self.path} cannot be read: {exc.strerror}")
            raise CatalogUnavailable(str(self.path)) from None
        version = Version(stat.st_mtime_ns, stat.st_size)
        with self._lock:
            if version != self._version:
                self._load(version)
            if self._loaded is None:
                raise CatalogUnavailable(self._error or str(self.path))
            return self._loaded

    def _load(self, version: Version) -> None:
        try:
            from catalog.loader import load_catalog  # YAML and the checks: on first use only

            self._loaded = load_catalog(self.path, today=library_today())
        except CatalogError as exc:
            self._fail(
                version, f"catalog {self.path} is invalid; /members and /go answer 503:\n{exc}"
            )
        except OSError as exc:
            self._fail(version, f"catalog {self.path} cannot be read: {exc.strerror}")
        else:
            self._version, self._error = version, None
            logger.info(
                "catalog %s loaded (%d resources)", self.path, len(self._loaded.catalog.resources)
            )

    def _fail(self, version: Version | None, message: str) -> None:
        if message != self._error:  # once per version of the problem, not per request
            logger.error(message)
        self._version, self._loaded, self._error = version, None, message


def catalog_path(app: Flask) -> Path:
    configured = app.config.get("CATALOG_PATH")
    return Path(configured) if configured else DEFAULT_CATALOG_PATH


def current_catalog() -> LoadedCatalog:
    """The current app's catalog; raises CatalogUnavailable."""
    return current_app.extensions[EXTENSION_KEY].get()


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION_KEY] = CatalogSource(catalog_path(app))
