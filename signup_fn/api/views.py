"""`POST /api/signup`: a patron's account request (SOP step 1).

Every outcome is decided and audited in one write transaction: rate limits (per client address,
then per member number and e-mail), validation, the honeypot and minimum fill time, then the
insert that collapses a person's duplicates (one open request per member number and e-mail).
New and duplicate requests, honeypot and too-fast posts all get the same answer (202, or a
redirect to the thank-you page for a form post): nothing to enumerate. A plain form post
without a fill time first gets the page that asks to send it once more (`fill_time`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from flask import (
    Blueprint,
    Flask,
    Request,
    Response,
    current_app,
    jsonify,
    redirect,
    render_template,
    request,
)
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge, UnsupportedMediaType

from ..deferred import deferred
from ..services import services
from ..store import hot_path
from ..store.audit import add_audit
from ..web import csrf
from ..web.headers import client_address
from ..web.ratelimit import Limit, limit_key
from . import fill_time, queries

if TYPE_CHECKING:
    from . import schema
    from .schema import SignupRequest
else:  # pydantic and email-validator: imported by the first sign-up, not by a start
    schema = deferred("signup_fn.api.schema")

bp = Blueprint("signup", __name__, url_prefix="/api")

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
ACTION = "signup"
# The one answer to every accepted JSON post, byte for byte what `jsonify` gives, built once.
RECEIVED_BODY = b'{"status":"received"}\n'


@dataclass(frozen=True)
class Outcome:
    """What happened to one post."""

    kind: Literal["received", "invalid", "rate_limited"]
    errors: dict[str, str] | None = None
    retry_after: int | None = None


def read_body() -> bytes:
    """The raw body; 413 when it reaches MAX_CONTENT_LENGTH. Werkzeug stops a body without
    Content-Length (chunked) silently at the limit, so a full-length read counts as too large."""
    data = request.get_data(cache=True)
    if len(data) >= current_app.config["MAX_CONTENT_LENGTH"]:
        raise RequestEntityTooLarge()
    return data


def read_payload() -> dict[str, Any]:
    """The body as a dict: a JSON object or a URL-encoded form; 400/413/415 otherwise."""
    if request.mimetype not in {JSON, FORM}:
        raise UnsupportedMediaType()
    data = read_body()
    if request.mimetype == JSON:
        try:
            body = json.loads(data)
        except (ValueError, RecursionError):
            raise BadRequest("Isi permintaan bukan JSON yang valid.") from None
        if not isinstance(body, dict):
            raise BadRequest("Isi permintaan harus berupa objek JSON.")
        return body
    return schema.form_to_payload(request.form.to_dict(flat=False))  # parsed from the cached body


def audit_reason(errors: dict[str, str]) -> str:
    """Which known fields were wrong; unknown field names are sender text, so not recorded."""
    known = schema.SignupRequest.model_fields
    names = {name if name in known else "unknown_field" for name in errors}
    return ",".join(sorted(names))[:200]


def abuse_signal(signup: SignupRequest) -> str | None:
    """`honeypot` when the hidden field was filled, `too_fast` when sent too soon."""
    if signup.website and signup.website.strip():
        return "honeypot"
    if fill_time.too_fast(signup.elapsed_ms):
        return "too_fast"
    return None


@dataclass(frozen=True)
class LimitCheck:
    """One rate limit this post counts against: its scope, counter key and limit."""

    scope: str
    key: str
    limit: Limit


def limit_checks(signup: SignupRequest | None) -> list[LimitCheck]:
    """The limits of this post, in order: the client address, then the member number with
    the e-mail (counted per e-mail, so someone else's requests for a member number never
    block the member's own).

    Computed before the write transaction (keyed hashes cost CPU, the lock is shared); a
    limit turned off (count 0) is left out.
    """
    config = current_app.config
    limits = [("address", client_address(), "RATE_LIMIT_ADDRESS")]
    if signup is not None:
        contact = f"{signup.member_id}\n{signup.email.casefold()}"
        limits.append(("member", contact, "RATE_LIMIT_MEMBER"))
    checks = []
    for scope, value, setting in limits:
        limit = Limit(config[f"{setting}_COUNT"], config[f"{setting}_WINDOW"])
        if limit.count > 0:
            checks.append(LimitCheck(scope, limit_key(config["SECRET_KEY"], scope, value), limit))
    return checks


def over_limit(
    connection: hot_path.DriverTransaction, checks: list[LimitCheck]
) -> tuple[str, int] | None:
    """Count this post against its limits in order: (scope, seconds) for the first one over."""
    limiter = services().limiter
    for check in checks:
        wait = limiter.hit(connection, check.key, check.limit)
        if wait is not None:
            return check.scope, wait
    return None


def record(
    connection: hot_path.DriverTransaction,
    signup: SignupRequest | None,
    errors: dict[str, str] | None,
    checks: list[LimitCheck],
) -> Outcome:
    """Decide one post and write its audit row (and request row) in `connection`'s transaction.

    Validation and the limits' keyed hashes were worked out before: the write lock is shared.
    """
    limited = over_limit(connection, checks)
    if limited is not None:
        scope, wait = limited
        add_audit(connection, action=ACTION, outcome="rate_limited", reason=scope)
        return Outcome("rate_limited", retry_after=wait)
    if signup is None:
        add_audit(connection, action=ACTION, outcome="invalid", reason=audit_reason(errors or {}))
        return Outcome("invalid", errors=errors)
    signal = abuse_signal(signup)
    if signal is not None:
        add_audit(connection, action=ACTION, outcome="refused", reason=signal)
        return Outcome("received")
    request_id, created = queries.insert_request(connection, new_request(signup))
    outcome = "received" if created else "duplicate"
    add_audit(connection, action=ACTION, outcome=outcome, request_id=request_id)
    return Outcome("received")


def new_request(signup: SignupRequest) -> queries.NewRequest:
    """The row to store for a valid sign-up, with the privacy notice version consented to."""
    return queries.NewRequest(
        member_id=signup.member_id,
        name=signup.name,
        email=signup.email,
        phone=signup.phone,
        programme=signup.programme,
        role=signup.role,
        consent_version=current_app.config["PRIVACY_NOTICE_VERSION"],
    )


def respond(outcome: Outcome, *, form_post: bool) -> ResponseReturnValue:
    """JSON for API clients; a redirect or an HTML page for plain form posts."""
    if outcome.kind == "received":
        if form_post:
            return redirect(current_app.config["THANKS_URL"], code=303)
        return Response(RECEIVED_BODY, status=202, mimetype=JSON)
    if outcome.kind == "invalid":
        if form_post:
            page = render_template("signup/errors.html", errors=outcome.errors, **back_link())
            return Response(page, status=422, mimetype="text/html")
        return jsonify(errors=outcome.errors), 422
    message = "Terlalu banyak permintaan; coba lagi nanti."
    if form_post:
        page = render_template("signup/errors.html", message=message, **back_link())
        response = Response(page, status=429, mimetype="text/html")
    else:
        response = jsonify(error=message)
        response.status_code = 429
    response.headers["Retry-After"] = str(outcome.retry_after)
    return response


def back_link() -> dict[str, Any]:
    return {"back_url": current_app.config["FORM_URL"], "labels": schema.FIELD_LABELS}


class CookieSessionOutsideApi(SecureCookieSessionInterface):
    """Flask's cookie session (it only carries the CSRF token of the HTML pages), not opened
    for the public API under /api/, which never uses it: verifying the cookie's signature
    cost CPU on every sign-up. There the session is Flask's null session (read: empty)."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if request.path.startswith(f"{bp.url_prefix}/"):
            return self.make_null_session(app)
        return super().open_session(app, request)


def confirmation(
    payload: dict[str, Any],
    signup: SignupRequest | None,
    errors: dict[str, str] | None,
    shown: str | None,
) -> Response | None:
    """For a plain form post without a fill time, or sent too soon after the page that asked
    for it: that page (again), to send the request once more (`fill_time`). None otherwise."""
    if errors is not None and "elapsed_ms" in errors and "elapsed_ms" not in payload:
        if set(errors) != {"elapsed_ms"}:
            del errors["elapsed_ms"]  # the other fields first; the time comes after
            return None
        too_soon = False
    elif signup is not None and shown is not None and fill_time.too_fast(signup.elapsed_ms):
        too_soon = True
    else:
        return None
    page = render_template(
        "signup/confirm.html",
        fields=fill_time.hidden_fields(payload, shown),
        too_soon=too_soon,
        back_url=current_app.config["FORM_URL"],
    )
    return Response(page, status=200, mimetype="text/html")


@bp.route("/signup", methods=["POST", "OPTIONS"])
def signup() -> ResponseReturnValue:
    if request.method == "OPTIONS":  # CORS preflight; web/headers.py adds the CORS headers
        return Response(status=204)
    form_post = request.mimetype == FORM
    payload: dict[str, Any] = {}
    shown: str | None = None
    try:
        payload = read_payload()
        if form_post:
            payload, shown = fill_time.time_form_post(payload)
        signup_request, errors = schema.parse_signup(payload), None
    except schema.InvalidSignup as invalid:
        signup_request, errors = None, invalid.errors
    if form_post:
        page = confirmation(payload, signup_request, errors, shown)
        if page is not None:
            return page
    checks = limit_checks(signup_request)
    with hot_path.driver_transaction(services().engine) as connection:
        outcome = record(connection, signup_request, errors, checks)
    return respond(outcome, form_post=form_post)


def init_app(app: Flask) -> None:
    """The public sign-up: no cookie session on /api/, no CSRF token (the site posts here)."""
    app.register_blueprint(bp)
    app.session_interface = CookieSessionOutsideApi()
    csrf.exempt(bp)
