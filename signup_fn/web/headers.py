"""Headers on every response: security headers, and CORS for the exact site origin(s) only."""

from __future__ import annotations

from flask import Flask, Response, current_app, request
from werkzeug.datastructures import Headers

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
PREFLIGHT_MAX_AGE = "600"


def add_security_headers(response: Response) -> Response:
    """CSP, nosniff, no referrer, and `no-store`, unless a view chose its own caching or
    referrer policy (only /go/ for a resource whose vendor checks the referring page)."""
    headers = response.headers
    present = header_names(response)
    if "content-security-policy" not in present:
        headers.add("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    put(headers, present, "X-Content-Type-Options", "nosniff")
    if "referrer-policy" not in present:
        headers.add("Referrer-Policy", "no-referrer")
    if "cache-control" not in present:
        headers.add("Cache-Control", "no-store")
    if current_app.config["ENV"] == "production":
        put(headers, present, "Strict-Transport-Security", "max-age=31536000")
    return response


def add_cors_headers(response: Response) -> Response:
    """Echo `Origin` only when it equals a configured site origin exactly (never `*`/`null`)."""
    if not request.path.startswith("/api/"):
        return response
    vary_on_origin(response)
    origin = request_origin()
    if origin is None or origin not in current_app.config["SITE_URL"]:
        return response
    response.headers["Access-Control-Allow-Origin"] = origin
    response.headers["Access-Control-Expose-Headers"] = "Retry-After"  # read by the site's form
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "POST"
        response.headers["Access-Control-Allow-Headers"] = "Content-Type"
        response.headers["Access-Control-Max-Age"] = PREFLIGHT_MAX_AGE
    return response


def request_origin() -> str | None:
    """The request's `Origin` header, or None. Read from the WSGI environ: a missing header
    costs werkzeug's `headers.get` a raised and caught exception (~2 µs), on every request."""
    return request.environ.get("HTTP_ORIGIN")


def client_address() -> str:
    """The client's address as the trusted proxies report it (`TRUSTED_PROXIES`, ProxyFix);
    "unknown" when the server gives none. Rate limits and visitor counts key on it."""
    return request.remote_addr or "unknown"


def header_names(response: Response) -> set[str]:
    """The response's header names, lower-cased: one pass over its few headers, where each
    `in`/`setdefault` of a missing name costs werkzeug a raised and caught exception."""
    return {name.lower() for name, _ in response.headers}


def put(headers: Headers, present: set[str], name: str, value: str) -> None:
    """Set `name` to `value`, replacing it only when `present` says it is there."""
    if name.lower() in present:
        headers[name] = value
    else:
        headers.add(name, value)


def vary_on_origin(response: Response) -> None:
    """Add `Origin` to `Vary`. Most API answers have no `Vary` yet: setting the header
    directly skips parsing and re-serialising a header set (measured ~5 µs a response)."""
    if "vary" in header_names(response):
        response.vary.add("Origin")
    else:
        response.headers.add("Vary", "Origin")


def init_app(app: Flask) -> None:
    app.after_request(add_cors_headers)
    app.after_request(add_security_headers)
