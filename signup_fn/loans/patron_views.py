"""Loan status and extension requests for logged-in patrons (pandemic SOP step 4).

`/loans` lists the patron's current loans read from SLiMS through the read-only Engine
(`loan` joined with `item` and `biblio`, on the account's member number; returned loans are
not shown). When SLiMS is not configured the page points to SLiMS' member area; when SLiMS
cannot be reached it says so with status 503 and names the other ways to reach the library
(the rest of the portal keeps working). `POST /loans/<loan_id>/extend` asks for an extension
of one of the patron's own current loans (see `extensions`). Pages hold personal data: the
default `Cache-Control: no-store` (web/headers.py) applies.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from ..auth import queries as auth_queries
from ..auth.patron_views import login_required
from ..clock import library_today
from ..deferred import deferred
from ..services import services
from ..slims.directory import slims_engine
from ..store.audit import audit_actor
from ..store.engine import transaction
from ..store.statuses import SessionKind
from ..typed_text import TextRefused, typed_text
from . import queries

if TYPE_CHECKING:
    from ..slims import connection as slims
    from . import renewals as extensions
else:
    extensions, slims = deferred("signup_fn.loans.renewals"), deferred("signup_fn.slims.connection")

bp = Blueprint("loans", __name__)

NOTE_MAX_LENGTH = 500


def page(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    context.setdefault("member_area_url", current_app.config.get("SLIMS_MEMBER_AREA_URL"))
    context.setdefault("online_services_url", current_app.config["ONLINE_SERVICES_URL"])
    return render_template(template, **context), status


def unavailable() -> tuple[str, int]:
    return page("loans/unavailable.html", 503)


def current_member_id() -> str:
    with services().engine.connect() as connection:
        account = auth_queries.get_account(
            connection.execution_options(read_only=True), g.account_id
        )
    if account is None:  # login_required found a session, so the account exists
        raise LookupError(g.account_id)
    return account["member_id"]


def clean_note(raw: str) -> str | None:
    """The patron's note under the typed-text rule (multi-line), at most 500 characters; None
    when empty. Raises ValueError (Indonesian) otherwise."""
    try:
        return typed_text(raw, max_length=NOTE_MAX_LENGTH, multiline=True, required=False) or None
    except TextRefused as refused:
        raise ValueError(f"Catatan: {refused}") from None


@bp.get("/loans")
@login_required
def index() -> tuple[str, int]:
    """The patron's current loans, with any extension request of each."""
    engine = slims_engine()
    if engine is None:
        return page("loans/not_configured.html")
    member_id = current_member_id()
    try:
        with slims.slims_connection(engine) as connection:
            loans = slims.current_loans(connection, member_id)
    except slims.SlimsUnavailable:
        return unavailable()
    with services().engine.connect() as connection:
        asked = queries.extension_requests_of_account(
            connection.execution_options(read_only=True), g.account_id
        )
    latest: dict[int, dict[str, Any]] = {}
    for row in asked:  # newest first: keep the first seen per loan
        latest.setdefault(row["loan_id"], row)
    return page("loans/index.html", loans=loans, requests=latest, today=library_today())


@bp.post("/loans/<id:loan_id>/extend")
@login_required
def extend(loan_id: int) -> Response | tuple[str, int]:
    """Ask for an extension of one of the patron's own current loans."""
    engine = slims_engine()
    if engine is None:
        return page("loans/not_configured.html", 404)
    try:
        note = clean_note(request.form.get("note", "")[: NOTE_MAX_LENGTH * 4])
    except ValueError as problem:
        flash(str(problem))
        return redirect(url_for("loans.index"), code=303)
    member_id = current_member_id()
    try:
        with slims.slims_connection(engine) as connection:
            loan = slims.current_loan_of(connection, member_id, loan_id)
    except slims.SlimsUnavailable:
        return unavailable()
    if loan is None:
        return page("loans/not_found.html", 404)
    with transaction(services().engine) as connection:
        created = extensions.request_extension(
            connection,
            account_id=g.account_id,
            loan=loan,
            note=note,
            actor=audit_actor(SessionKind.PATRON, g.account_id),
        )
    if created is None:
        flash("Permintaan perpanjangan untuk pinjaman ini sudah ada dan sedang menunggu.")
    else:
        flash(
            "Permintaan perpanjangan sudah dikirim. Pustakawan akan memeriksanya; keputusannya "
            "dikirim ke e-mail Anda."
        )
    return redirect(url_for("loans.index"), code=303)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.add_template_filter(tanggal, "tanggal")


def tanggal(day: date | None) -> str:
    """The `tanggal` template filter: `extensions.tanggal`, imported when a page needs it."""
    return extensions.tanggal(day)
