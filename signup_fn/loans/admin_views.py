"""The librarian's "Perpanjangan" tab: extension requests to decide, and work left in SLiMS.

`/admin/extensions/` lists the pending requests beside each loan's state in SLiMS now
(renewed against its limit, reserved, returned), and the granted extensions still to be
carried out in SLiMS circulation. Grant, decline and "done in SLiMS" are POSTs (CSRF) that
answer with a redirect back to the list and a message saying what happened or what to do.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask import (
    Blueprint,
    Flask,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from ..auth.admin_views import librarian_required
from ..clock import library_today
from ..deferred import deferred
from ..services import services
from ..slims.directory import slims_engine
from ..slims.write import write_enabled
from ..store.engine import transaction
from ..typed_text import TextRefused, typed_text
from ..web.admin_layout import AdminTab, add_tab
from . import queries

if TYPE_CHECKING:
    from ..slims import connection as slims
    from . import renewals as extensions
else:
    extensions, slims = deferred("signup_fn.loans.renewals"), deferred("signup_fn.slims.connection")

bp = Blueprint("admin_extensions", __name__, url_prefix="/admin/extensions")

NOTE_MAX_LENGTH = 500


def decision_note() -> str | None:
    """The librarian's note under the typed-text rule (line breaks allowed, then joined into
    one line), None when empty; raises TextRefused, which says what is wrong."""
    raw = request.form.get("decision_note", "")[: NOTE_MAX_LENGTH * 4]
    note = typed_text(raw, max_length=NOTE_MAX_LENGTH, multiline=True, required=False)
    return " ".join(note.split()) or None


def read_states(loan_ids: list[int]) -> dict[int, slims.LoanState] | None:
    """SLiMS' state of these loans; None when SLiMS is not configured or cannot be reached."""
    engine = slims_engine()
    if engine is None:
        return None
    try:
        with slims.slims_connection(engine) as connection:
            return slims.loan_states(connection, loan_ids, library_today())
    except slims.SlimsUnavailable:
        return None


def back() -> Response:
    return redirect(url_for("admin_extensions.index"), code=303)


def find_request(extension_id: int) -> dict[str, Any] | None:
    with services().engine.connect() as connection:
        return queries.get_extension_request(
            connection.execution_options(read_only=True), extension_id
        )


@bp.get("/")
@librarian_required
def index() -> tuple[str, int]:
    with services().engine.connect() as connection:
        connection = connection.execution_options(read_only=True)
        pending = queries.pending_extension_requests(connection)
        to_do = queries.extensions_to_do_in_slims(connection)
    states = read_states([row["loan_id"] for row in pending])
    page = render_template(
        "admin/extensions.html",
        pending=pending,
        to_do=to_do,
        states=states or {},
        slims_unavailable=states is None and bool(pending),
        refusal=extensions.grant_refusal,
        instruction=extensions.manual_instruction,
        write_enabled=write_enabled(),
    )
    return page, 200


@bp.post("/<id:extension_id>/grant")
@librarian_required
def grant(extension_id: int) -> Response:
    found = find_request(extension_id)
    if found is None:
        flash("Permintaan tidak ditemukan.")
        return back()
    try:
        note = decision_note()
    except TextRefused as refused:
        flash(f"Belum disetujui: catatan: {refused}")
        return back()
    engine = slims_engine()
    try:
        if engine is None:
            raise slims.SlimsUnavailable("SLiMS belum dikonfigurasi (PORTAL_SLIMS_DATABASE_URL).")
        with slims.slims_connection(engine) as connection:
            states = slims.loan_states(connection, [found["loan_id"]], library_today())
            state = states.get(found["loan_id"])
        with transaction(services().engine) as connection:
            granted = extensions.grant(
                connection,
                found,
                state,
                librarian_id=g.librarian_id,
                actor=g.actor,
                note=note,
            )
    except (extensions.ExtensionRefused, slims.SlimsUnavailable) as problem:
        flash(f"Belum disetujui: {problem}")
        return back()
    if granted.slims_updated:
        flash(
            f"Disetujui dan sudah diperpanjang di SLiMS: item {granted.item_code} sampai "
            f"tanggal {extensions.tanggal(granted.new_due_date)}. Pemustaka diberi tahu lewat "
            "e-mail."
        )
    else:
        flash(
            "Disetujui; pemustaka diberi tahu lewat e-mail. "
            + extensions.manual_instruction(granted.item_code, granted.new_due_date)
        )
    return back()


@bp.post("/<id:extension_id>/decline")
@librarian_required
def decline(extension_id: int) -> Response:
    found = find_request(extension_id)
    if found is None:
        flash("Permintaan tidak ditemukan.")
        return back()
    try:
        note = decision_note()
    except TextRefused as refused:
        flash(f"Belum ditolak: alasan: {refused}")
        return back()
    try:
        with transaction(services().engine) as connection:
            extensions.decline(
                connection,
                found,
                librarian_id=g.librarian_id,
                actor=g.actor,
                note=note or "",
            )
    except extensions.ExtensionRefused as problem:
        flash(f"Belum ditolak: {problem}")
        return back()
    flash("Permintaan ditolak; pemustaka diberi tahu lewat e-mail beserta alasannya.")
    return back()


@bp.post("/<id:extension_id>/done")
@librarian_required
def done(extension_id: int) -> Response:
    with transaction(services().engine) as connection:
        marked = extensions.mark_done(connection, extension_id, actor=g.actor)
    flash("Ditandai sudah dikerjakan di SLiMS." if marked else "Tidak ada yang perlu ditandai.")
    return back()


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    add_tab(app, AdminTab("Perpanjangan", ("admin_extensions.index",)))
