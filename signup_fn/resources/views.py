"""The patron's page `/members` and the guarded links `/go/<resource-id>` (SOP step 5).

Rules of `/go/<id>`:
- the target only ever comes from the catalog (never from the request): no open redirect;
  an unknown or expired id is a 404 page;
- `members`: the real URL only for a logged-in patron, else the login page, which comes back
  here afterwards; then, as on the site, the URL through the proxy (`PROXY_TEMPLATE`) when
  the resource uses it (`catalog.proxy`: `paid` by default, or its own `proxy` field);
- every redirect to a resource is a use counted by the COUNTER rules of `usage` (double
  clicks once, robots never, a per-address limit) with nothing stored about who clicked; a
  bounce to the login page counts nothing (the return trip does);
- a resource with `referrer: true` (members only: the vendor grants access to visitors coming
  from the portal's registered address) opens through a small page carrying
  `Referrer-Policy: unsafe-url`, so the vendor receives this `/go/<id>` address as referrer; a
  redirect could not send it (a redirect keeps the referrer of the page the patron clicked
  on, and every other page of the portal sends none);
- a patron opening a `members` resource also writes an audit row `access` (actor
  `patron:<id>`, reason `resource:<id>`), in the same transaction as the click, as the
  privacy notice says. Free and paid links are public and anonymous: no audit row, since
  there is nobody to name and the use is counted anonymously.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from flask import Blueprint, Flask, current_app, g, redirect, render_template, url_for
from werkzeug.wrappers import Response

from ..auth import queries as auth_queries
from ..auth import sessions as auth_session
from ..auth.patron_views import login_required, message
from ..clock import library_today
from ..deferred import deferred
from ..services import services
from ..store.audit import add_audit, audit_actor
from ..store.engine import transaction
from ..store.statuses import AccountStatus, SessionKind
from . import usage
from .catalog_source import CatalogUnavailable, current_catalog
from .catalog_source import init_app as init_catalog_source

if TYPE_CHECKING:
    from catalog import models, proxy
else:
    models, proxy = deferred("catalog.models"), deferred("catalog.proxy")

bp = Blueprint("members", __name__)

MAX_RESOURCE_ID = 64  # catalog slugs are at most 64 characters
# The whole /go/<id> address (it carries no personal data) for vendors that check a path.
VENDOR_REFERRER_POLICY = "unsafe-url"
STATUS_LABELS = {
    AccountStatus.PENDING_ACTIVATION: "Menunggu aktivasi",
    AccountStatus.ACTIVE: "Aktif",
    AccountStatus.DISABLED: "Nonaktif",
}


def catalog_unavailable() -> tuple[str, int]:
    return message(
        "Layanan sedang tidak tersedia",
        "Daftar sumber elektronik sedang tidak dapat dibaca. Silakan coba lagi beberapa saat "
        "lagi atau hubungi perpustakaan.",
        503,
    )


def not_found() -> tuple[str, int]:
    return message(
        "Sumber tidak ditemukan",
        "Sumber ini tidak ada di katalog atau sudah tidak tersedia. Lihat katalog untuk "
        "sumber lain.",
        404,
    )


def members_resources(today: date) -> list[models.Resource]:
    """The catalog's members-only resources available today, A-Z by name."""
    available = current_catalog().available(today)
    members_only = [resource for resource in available if resource.access is models.Access.MEMBERS]
    return sorted(members_only, key=lambda resource: resource.name.casefold())


@bp.get("/members")
@login_required
def index() -> Response | tuple[str, int]:
    with services().engine.connect() as connection:
        account = auth_queries.get_account(
            connection.execution_options(read_only=True), g.account_id
        )
    if account is None:  # deleted while logged in: its sessions are gone, too
        return redirect(url_for("patron_auth.login"))
    try:
        resources = members_resources(library_today())
    except CatalogUnavailable:
        return catalog_unavailable()
    return render_template(
        "members/index.html",
        account=account,
        status_label=STATUS_LABELS.get(account["status"], account["status"]),
        resources=resources,
    ), 200


@bp.get("/go/<path:resource_id>")  # `path`: any id gets our 404 page
def go(resource_id: str) -> Response | tuple[str, int]:
    """Redirect to a catalog resource (see the module's rules)."""
    if len(resource_id) > MAX_RESOURCE_ID:
        return not_found()
    try:
        catalog = current_catalog()
    except CatalogUnavailable:
        return catalog_unavailable()
    resource = catalog.resources_by_id.get(resource_id)
    if resource is None or not resource.is_available(library_today()):
        return not_found()
    patron = None
    if resource.access is models.Access.MEMBERS:
        patron = auth_session.current_user(SessionKind.PATRON)
        if patron is None:
            return redirect(url_for("patron_auth.login", next=f"/go/{resource.id}"))
    target = proxy.target_url(resource, current_app.config["PROXY_TEMPLATE"])
    record_use(resource.id, patron.user_id if patron else None)
    if resource.referrer:
        response = current_app.make_response(
            render_template("members/open.html", resource=resource, target=target)
        )
        response.headers["Referrer-Policy"] = VENDOR_REFERRER_POLICY
        return response
    return redirect(target, code=302)


def record_use(resource_id: str, account_id: int | None) -> None:
    """A use by the COUNTER rules (`usage`); an audit row when a patron opened it."""
    visit = usage.current_visit(resource_id)
    if visit is None and account_id is None:
        return  # a robot's request, nobody's: nothing to write
    with transaction(services().engine) as connection:
        usage.count_visit(connection, visit)
        if account_id is not None:
            add_audit(
                connection,
                action="access",
                outcome="ok",
                actor=audit_actor(SessionKind.PATRON, account_id),
                reason=f"resource:{resource_id}",
            )


def init_app(app: Flask) -> None:
    init_catalog_source(app)
    app.register_blueprint(bp)
