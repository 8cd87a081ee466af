"""Counting the use of every resource, the COUNTER Release 5 way.

A use is a request to open a resource: `POST /api/use/<id>` sent beside a catalog link (the
`ping` attribute or `navigator.sendBeacon`; free and paid resources), or `/go/<id>`
(members-only resources after login, and any resource opened through the function). Rules:
- **Robots**: a user agent on the COUNTER-Robots list (`robots/`) is never counted.
- **Per-address limit**: at most `RATE_LIMIT_USE_COUNT` requests per client address per
  `RATE_LIMIT_USE_WINDOW` seconds are considered; beyond that nothing is counted.
- **Double clicks**: requests of the same visitor for the same resource less than
  `DOUBLE_CLICK_SECONDS` apart count once (each request restarts the 30 seconds).
  Each counted one is a Total_Item_Request.
- **Unique_Item_Requests**: a visitor's first request of a resource in a library day.
- **Visitor**: a keyed hash (HMAC with the secret key) of the library day, client address and
  user agent, combined with the resource; stored only in `usage_visits` and deleted once its
  day is over. No cookie, no address, no user agent is stored.
- **Month**: the library's month (signup_fn/clock.py) of the request.
"""

from __future__ import annotations

import hashlib
import hmac
import weakref
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import TYPE_CHECKING

from flask import Blueprint, Flask, Response, current_app, request
from sqlalchemy import Connection, Engine

from .. import clock
from ..deferred import deferred
from ..services import services
from ..store import hot_path
from ..store.engine import utcnow
from ..web import csrf
from ..web.headers import client_address, request_origin
from ..web.ratelimit import Limit, limit_key
from . import queries
from .catalog_source import CatalogUnavailable, current_catalog
from .robots import is_robot

if TYPE_CHECKING:
    from catalog import models
else:
    models = deferred("catalog.models")

bp = Blueprint("usage", __name__, url_prefix="/api")

DOUBLE_CLICK_SECONDS = 30
MAX_RESOURCE_ID = 64


# Per database, the day before which this process last deleted the visits: the days before
# are purged by a process's first count of each day, not by every count (a purge rolled back
# with its transaction is redone by `privacy purge`, which runs daily).
PURGED_BEFORE: weakref.WeakKeyDictionary[Engine, str] = weakref.WeakKeyDictionary()


class Outcome(Enum):
    """What became of one request to open a resource."""

    UNIQUE = "unique"  # counted: Total and Unique
    TOTAL = "total"  # counted: Total only (the visitor's later use today)
    DOUBLE_CLICK = "double_click"  # within 30 seconds of the visitor's previous request
    ROBOT = "robot"
    LIMITED = "limited"  # over the per-address limit

    @property
    def counted(self) -> bool:
        return self in (Outcome.UNIQUE, Outcome.TOTAL)


def visit_key(secret: str, day: str, address: str, user_agent: str, resource_id: str) -> str:
    """The keyed hash naming one visitor's use of one resource on one day."""
    message = "\x1f".join(("use", day, address, user_agent, resource_id)).encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Visit:
    """One request to open a resource, as the rules see it, worked out before the write
    transaction: the robot check and the keyed hashes cost CPU that must not hold the
    database's single write turn (`store.engine.WriterQueue`)."""

    resource_id: str
    address_key: str  # names the per-address limit's counter
    key: str  # names this visitor's use of this resource today (`visit_key`)
    day: str  # the library's day, YYYY-MM-DD
    month: str  # the library's month, YYYY-MM
    now: datetime


def current_visit(resource_id: str) -> Visit | None:
    """The current request for `resource_id` as a visit; None for a robot (never counted)."""
    user_agent = request.environ.get("HTTP_USER_AGENT", "")  # as request.user_agent.string
    if is_robot(user_agent):
        return None
    secret = current_app.config["SECRET_KEY"]
    address = client_address()
    now = utcnow()
    local = clock.library_time(now)
    day = local.date().isoformat()
    return Visit(
        resource_id=resource_id,
        address_key=limit_key(secret, "use", address),
        key=visit_key(secret, day, address, user_agent, resource_id),
        day=day,
        month=f"{local.year:04d}-{local.month:02d}",
        now=now,
    )


def count_visit(
    connection: Connection | hot_path.DriverTransaction, visit: Visit | None
) -> Outcome:
    """Apply the module's rules to `visit` (None: a robot's), in `connection`'s transaction
    (the caller's: /go writes its audit row in the same one; the API runs it on the driver
    cursor, the sign-up's hot path)."""
    if visit is None:
        return Outcome.ROBOT
    config = current_app.config
    limit = Limit(config["RATE_LIMIT_USE_COUNT"], config["RATE_LIMIT_USE_WINDOW"])
    if services().limiter.hit(connection, visit.address_key, limit):
        return Outcome.LIMITED
    first, counted = queries.record_visit(
        connection,
        key=visit.key,
        day=visit.day,
        now=visit.now,
        cutoff=visit.now - timedelta(seconds=DOUBLE_CLICK_SECONDS),
    )
    engine = services().engine
    if PURGED_BEFORE.get(engine) != visit.day:
        queries.purge_visits(connection, before_day=visit.day)
        PURGED_BEFORE[engine] = visit.day
    if not (first or counted):
        return Outcome.DOUBLE_CLICK
    queries.add_usage(connection, visit.resource_id, visit.month, unique=first)
    return Outcome.UNIQUE if first else Outcome.TOTAL


def site_origin_allowed() -> bool:
    """A stated `Origin` must be one of the site's; none (or `null`, as a page without a
    referrer sends) is allowed: a ping from the site must never be refused."""
    origin = request_origin()
    return origin in (None, "null") or origin in current_app.config["SITE_URL"]


def countable(resource_id: str) -> models.Resource | None:
    """The catalog's free or paid resource `resource_id` available today, else None.

    Members-only resources are counted by `/go/` after login, never by a ping.
    """
    if len(resource_id) > MAX_RESOURCE_ID:
        return None
    resource = current_catalog().resources_by_id.get(resource_id)
    if resource is None or resource.access is models.Access.MEMBERS:
        return None
    return resource if resource.is_available(clock.library_today()) else None


@bp.post("/use/<path:resource_id>")
def use(resource_id: str) -> Response:
    """Count one use (see the module's rules): 204 whether counted or not, 404 for an id
    that is not a free or paid resource, 403 for a foreign origin, 429 over the limit."""
    if not site_origin_allowed():
        return Response(status=403)
    try:
        resource = countable(resource_id)
    except CatalogUnavailable:
        return Response(status=503)
    if resource is None:
        return Response(status=404)
    visit = current_visit(resource.id)
    if visit is None:
        return Response(status=204)  # a robot's: nothing to write
    with hot_path.driver_transaction(services().engine) as connection:
        outcome = count_visit(connection, visit)
    if outcome is Outcome.LIMITED:
        return Response(
            status=429, headers={"Retry-After": str(current_app.config["RATE_LIMIT_USE_WINDOW"])}
        )
    return Response(status=204)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    csrf.exempt(bp)  # POST /api/use/<id> comes from the site's pages
