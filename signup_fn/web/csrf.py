"""CSRF protection of the HTML forms: Flask-WTF's token, and a same-origin check.

The rules: every POST outside the public API carries the form's CSRF token (Flask-WTF), and
comes from a page of this origin. Pages send `Referrer-Policy: no-referrer`, so a browser's
form post carries no Referer; the origin is therefore judged as the OWASP CSRF cheat sheet
says, from the first of these headers present: `Sec-Fetch-Site` (`same-origin`, or `none` for
what the person did themselves), `Origin` (this origin exactly), `Referer` (this origin). A
secure POST with none of the three is refused, as Flask-WTF's strict check did; over plain
HTTP (development) the token alone decides.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, g, request
from flask_wtf.csrf import CSRFProtect

from .headers import request_origin

log = logging.getLogger(__name__)

SAME_ORIGIN_FETCH_SITES = frozenset({"same-origin", "none"})
DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> tuple[str, str, int | None] | None:
    """(scheme, host, port) of `url`, the default port filled in; None when it has none."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:
        return None
    if not parts.scheme or not parts.hostname:
        return None
    return parts.scheme.lower(), parts.hostname.lower(), port


def is_this_origin(url: str) -> bool:
    """True when `url` (an Origin or a Referer) is the origin this request was sent to."""
    own = origin_of(f"{request.scheme}://{request.host}/")
    return own is not None and origin_of(url) == own


def cross_origin_reason() -> str | None:
    """Why this POST does not come from this origin, or None when it does."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        if fetch_site.strip().lower() in SAME_ORIGIN_FETCH_SITES:
            return None
        return "Sec-Fetch-Site is not same-origin."
    origin = request_origin()
    if origin is not None:
        return None if is_this_origin(origin) else "The Origin does not match the host."
    referrer = request.headers.get("Referer")
    if referrer is not None:
        return None if is_this_origin(referrer) else "The referrer does not match."
    if request.is_secure:
        return "No Sec-Fetch-Site, Origin or Referer header on a secure request."
    return None


class SameOriginCSRFProtect(CSRFProtect):
    """Flask-WTF's token check, then `cross_origin_reason` instead of its strict Referer check."""

    def protect(self, *args: Any, **kwargs: Any) -> None:
        super().protect(*args, **kwargs)
        if not g.get("csrf_valid"):
            return  # exempt, or a method without side effects
        reason = cross_origin_reason()
        if reason is not None:
            g.csrf_valid = False
            log.info(reason)
            self._error_response(reason)

    def init_app(self, app: Flask) -> None:
        app.config["WTF_CSRF_SSL_STRICT"] = False  # replaced by the same-origin check
        super().init_app(app)


csrf = SameOriginCSRFProtect()  # the blueprints it exempts are the same for every app


def init_app(app: Flask) -> None:
    """Every POST needs the form's token and this origin, outside the blueprints exempted."""
    csrf.init_app(app)


def exempt(blueprint: Blueprint) -> None:
    """A public API's blueprint: its POSTs carry no CSRF token and come from other origins."""
    csrf.exempt(blueprint)
