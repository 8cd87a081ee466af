"""Write access to SLiMS (`PORTAL_SLIMS_WRITE=1`): its own Engine, apart from the read-only one.

Only two things are ever written, each with a column GRANT of its own (signup_fn/README.md):
a granted loan extension (`loan.due_date`, `loan.renewed`) and the member-area password
(`member.mpasswd`). Without `PORTAL_SLIMS_WRITE` there is no write Engine at all: the
read-only Engine's sessions are `READ ONLY` and would refuse a write anyway.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask, current_app
from sqlalchemy import Engine

from ..deferred import deferred

if TYPE_CHECKING:
    from . import connection as slims
else:
    slims = deferred("signup_fn.slims.connection")

WRITE_ENGINE_KEY = "signup_fn.slims_write_engine"


def write_enabled(app: Flask = current_app) -> bool:
    """True when SLiMS is configured and write access is switched on."""
    return bool(app.config.get("SLIMS_DATABASE_URL")) and bool(app.config.get("SLIMS_WRITE"))


def write_engine(app: Flask = current_app) -> Engine | None:
    """The app's SLiMS write Engine (made on first use), or None without write access."""
    if not write_enabled(app):
        return None
    engine = app.extensions.get(WRITE_ENGINE_KEY)
    if engine is None:
        engine = slims.make_slims_engine(
            app.config["SLIMS_DATABASE_URL"], write=True, timeout=int(app.config["SLIMS_TIMEOUT"])
        )
        app.extensions[WRITE_ENGINE_KEY] = engine
    return engine
