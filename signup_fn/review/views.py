"""The admin pages under /admin/: the queue of pending requests with the member check, a
request's detail, approve/reject (the reports are reports/views.py).

Every view needs a librarian (`librarian_required`); every POST carries the CSRF token
(CSRFProtect); decisions go through `review` (the CLI uses the same functions). Pages carry
personal data: `Cache-Control: no-store` (web/headers.py) and nothing cached in between.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import Blueprint, Flask, abort, g, render_template
from sqlalchemy import Connection

from ..auth.admin_views import librarian_required
from ..deferred import deferred
from ..services import services
from ..store.engine import transaction
from ..store.statuses import RequestStatus
from ..web.admin_layout import AdminTab, add_tab
from ..web.forms import form_field
from . import queries

if TYPE_CHECKING:
    from . import service as review
else:
    review = deferred("signup_fn.review.service")

bp = Blueprint("admin", __name__, url_prefix="/admin")

QUEUE_LIMIT = 100
STATUS_CODES = {  # by the name of review's error class
    "RequestNotFound": 404,
    "NotPending": 409,
    "AccountAlreadyActive": 409,
    "InvalidReason": 422,
    "NoPendingActivation": 409,
    "ConflictingRequests": 409,
    "ContactUnverified": 422,
}


def read_only() -> Any:
    """A read-only connection (SQLite begins it deferred)."""
    return services().engine.connect().execution_options(read_only=True)


def render(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    context.setdefault("reasons", review.REJECT_REASONS)
    context.setdefault("contact_methods", review.CONTACT_METHODS)
    return render_template(template, **context), status


def next_pending(connection: Connection) -> dict[str, Any] | None:
    found = queries.list_requests(connection, RequestStatus.PENDING, limit=1)
    return found[0] if found else None


@bp.get("/")
@librarian_required
def queue() -> tuple[str, int]:
    """Pending requests, oldest first, each with its member check."""
    with read_only() as connection:
        pending = queries.list_requests(connection, RequestStatus.PENDING, limit=QUEUE_LIMIT)
        total = queries.count_pending(connection)
        conflicts = review.conflicts_for(connection, pending)
    return render(
        "admin/index.html",
        requests=pending,
        total=total,
        conflicts=conflicts,
        evidence=review.evidence_for(pending),
        directory=review.directory_info(),
    )


@bp.get("/requests/<id:request_id>")
@librarian_required
def request_detail(request_id: int) -> tuple[str, int]:
    """The request beside the member database's evidence; the first view of a pending request
    by a librarian records SOP step 2 (audit `checked`)."""
    with read_only() as connection:
        row = queries.get_request(connection, request_id)
    if row is None:
        abort(404)
    if row["status"] == RequestStatus.PENDING:
        with transaction(services().engine) as connection:
            review.record_check(connection, request_id, actor=g.actor)
    return detail_page(row)


def detail_page(
    row: dict[str, Any], status: int = 200, *, error: str | None = None, **form: Any
) -> tuple[str, int]:
    evidence = review.evidence_for([row])[row["id"]]
    with read_only() as connection:
        awaiting_activation = review.pending_account_of(connection, row) is not None
        conflicts = review.conflicts_for(connection, [row])[row["id"]]
    return render(
        "admin/request.html",
        status,
        item=row,
        conflicts=conflicts if row["status"] == RequestStatus.PENDING else [],
        evidence=evidence,
        directory=review.directory_info(),
        awaiting_activation=awaiting_activation,
        error=error,
        form=form,
    )


def refused(request_id: int, error: review.ReviewError, **form: Any) -> tuple[str, int]:
    """The request's page again, saying why the decision was not made."""
    status = STATUS_CODES.get(type(error).__name__, 409)
    with read_only() as connection:
        row = queries.get_request(connection, request_id)
    if row is None:
        abort(404)
    return detail_page(row, status, error=str(error), **form)


@bp.post("/requests/<id:request_id>/approve")
@librarian_required
def approve(request_id: int) -> tuple[str, int]:
    """Approve (with how an unverified contact was verified); the activation link is shown
    here once when no mail server is configured."""
    contact = form_field("contact") or None
    try:
        with transaction(services().engine) as connection:
            decision = review.approve(connection, request_id, actor=g.actor, contact=contact)
    except review.ReviewError as error:
        return refused(request_id, error, contact=contact)
    return decided(decision)


@bp.post("/requests/<id:request_id>/reject")
@librarian_required
def reject(request_id: int) -> tuple[str, int]:
    choice, typed = form_field("reason"), form_field("reason_other")
    try:
        with transaction(services().engine) as connection:
            decision = review.reject(
                connection, request_id, actor=g.actor, choice=choice, typed=typed
            )
    except review.ReviewError as error:
        return refused(request_id, error, reason=choice, reason_other=typed)
    return decided(decision)


@bp.post("/requests/<id:request_id>/resend")
@librarian_required
def resend(request_id: int) -> tuple[str, int]:
    """A new activation link for an approved request not activated yet (the old one stops
    working); shown here once when no mail server is configured."""
    try:
        with transaction(services().engine) as connection:
            decision = review.resend_activation(connection, request_id, actor=g.actor)
    except review.ReviewError as error:
        return refused(request_id, error)
    return render("admin/resent.html", decision=decision)


def decided(decision: review.Decision) -> tuple[str, int]:
    with read_only() as connection:
        following = next_pending(connection)
    return render("admin/decided.html", decision=decision, following=following)


def pending_count() -> int:
    """The queue tab's badge: how many requests wait for a decision."""
    with read_only() as connection:
        return queries.count_pending(connection)


QUEUE_TAB = AdminTab(
    "Antrean", ("admin.queue", "admin.request_detail", "admin.approve", "admin.reject"), "pending"
)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)  # the queue and decisions
    add_tab(app, QUEUE_TAB, pending_count)
