"""The library the function serves: its name, short name, contact and logo (`PORTAL_LIBRARY_*`).

The rule: no page, e-mail, report or authenticator entry names a library (or its time zone) by
itself. Templates read `library` and `library_zone` (context variables of every template,
mails included); code reads `current()`.
The short name is the issuer authenticator apps list; the name and its words are refused as
passwords. The logo, when set, is served at `/logo` (the pages' CSP allows images of 'self'
only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, current_app, send_file

from . import clock
from .config import LOGO_TYPES, ConfigError
from .mail.outbox import InvalidAddress, checked_address

EXTENSION = "library"
LOGO_MAX_AGE = 86400
WORD = re.compile(r"[^\W_]+")

bp = Blueprint("library", __name__)


@dataclass(frozen=True)
class Library:
    """What patrons and librarians read of the library; empty contact fields are not shown."""

    name: str
    short_name: str
    email: str = ""
    phone: str = ""
    address: str = ""
    website: str = ""
    logo: str = ""  # the logo file's path, "" = none

    @property
    def has_contact(self) -> bool:
        return bool(self.email or self.phone or self.address or self.website)

    def password_words(self) -> frozenset[str]:
        """The words of the name and short name, and every run of them written together
        (`Perpustakaan Politeknik Contoh` → ..., `politeknikcontoh`), lower-cased."""
        words: set[str] = set()
        for name in (self.name, self.short_name):
            parts = [part.casefold() for part in WORD.findall(name)]
            for start in range(len(parts)):
                for end in range(start + 1, len(parts) + 1):
                    words.add("".join(parts[start:end]))
        return frozenset(words)


def from_config(config: dict[str, object]) -> Library:
    """The identity of checked settings (config.check_identity)."""
    return Library(
        name=str(config["LIBRARY_NAME"] or ""),
        short_name=str(config["LIBRARY_SHORT_NAME"] or ""),
        email=str(config["LIBRARY_EMAIL"] or ""),
        phone=str(config["LIBRARY_PHONE"] or ""),
        address=str(config["LIBRARY_ADDRESS"] or ""),
        website=str(config["LIBRARY_WEBSITE"] or ""),
        logo=str(config["LIBRARY_LOGO"] or ""),
    )


def current() -> Library:
    """The library of the current app."""
    library: Library = current_app.extensions[EXTENSION]
    return library


def template_context() -> dict[str, object]:
    """`library`, and `library_zone` (WIB, WITA, WIT) for texts that name the zone."""
    return {"library": current(), "library_zone": clock.zone_abbreviation()}


@bp.get("/logo")
def logo() -> Response:
    """The library's logo file; 404 when none is set."""
    path = current().logo
    if not path:
        abort(404)
    response = send_file(path, mimetype=LOGO_TYPES[Path(path).suffix.lower()])
    response.headers["Cache-Control"] = f"public, max-age={LOGO_MAX_AGE}"
    return response


def init_app(app: Flask) -> None:
    """Check the e-mail address once (as the mail's own addresses are), then serve `library`."""
    library = from_config(app.config)
    if library.email:
        try:
            checked_address(library.email)
        except InvalidAddress as exc:
            raise ConfigError(f"PORTAL_LIBRARY_EMAIL: {exc}") from None
    app.extensions[EXTENSION] = library
    app.context_processor(template_context)
    app.register_blueprint(bp)
