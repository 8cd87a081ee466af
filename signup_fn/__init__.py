"""The account function: a Flask app built by `create_app` (flaskr-shaped).

`gunicorn "signup_fn:create_app()"` serves it. The first start on an empty database creates
the tables; `flask --app signup_fn init-db` also brings an older database to the code's schema
revision, which the app needs to start (signup_fn/store/revision.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import cli, library
from .api import meta as api_meta
from .api import views as api_views
from .auth import admin_views as auth_admin_views
from .auth import patron_views as auth_patron_views
from .config import ConfigError, check_production, load_config
from .loans import admin_views as loans_admin_views
from .loans import patron_views as loans_patron_views
from .mail import outbox
from .reports import views as reports_views
from .resources import usage as resources_usage
from .resources import views as resources_views
from .review import views as review_views
from .services import Services, install
from .store import revision
from .store.engine import make_engine
from .web import admin_layout, csrf, errors, forms, headers, ids
from .web.ratelimit import make_limiter

__all__ = ["ConfigError", "create_app"]

SQLITE_FILE = "signup.sqlite3"


class Part(Protocol):
    """A module that adds its routes, hooks and template names to an app."""

    def init_app(self, app: Flask) -> None: ...


# Every part of the app, in the order create_app adds them: the plumbing first (`<id:...>`
# converters before the blueprints that use them), then the public API (no cookie session, no
# CSRF token), the CSRF check for every other POST, then the areas; each admin area adds its
# tab in this order.
PARTS: tuple[Part, ...] = (
    ids,  # `<id:...>` in routes
    headers,
    errors,
    forms,  # a refused form field: a 422 page naming it
    library,  # `library` in every template (pages and e-mails), /logo
    api_views,  # POST /api/signup
    api_meta,  # GET /api/health, /api/openapi.json
    csrf,
    resources_usage,  # POST /api/use/<id>: counted uses (COUNTER rules)
    outbox,
    auth_patron_views,  # /login, /activate, /forgot, /reset, /password
    resources_views,  # /members, /go/<id>
    loans_patron_views,  # /loans and extension requests
    auth_admin_views,  # /admin/login, /admin/setup
    review_views,  # /admin/: the queue and decisions
    reports_views,  # /admin/reports: tables, charts, CSV
    admin_layout,
    loans_admin_views,  # /admin/extensions/
)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: defaults → `PORTAL_*` environment → `config` (keys without prefix)."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(load_config(config))
    if not app.config["DATABASE_URL"]:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        app.config["DATABASE_URL"] = f"sqlite:///{Path(app.instance_path) / SQLITE_FILE}"

    if app.config["ENV"] == "production":
        check_production(app.config, debug=app.debug)
        app.config["SESSION_COOKIE_SECURE"] = True
        if not app.config["TRUSTED_HOSTS"]:
            app.config["TRUSTED_HOSTS"] = [urlsplit(app.config["BASE_URL"]).hostname]

    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        # method-assign: Flask's documented way to wrap the WSGI app in middleware
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]

    engine = make_engine(app.config["DATABASE_URL"])
    refusal = revision.check_schema(engine)
    if refusal is not None and not cli.looking_up_a_command():
        raise refusal
    engine.dispose()  # no connection opened before a fork is shared by workers
    install(app, Services(engine=engine, limiter=make_limiter(app.config["REDIS_URL"])))

    cli.init_app(app, refusal)
    for part in PARTS:
        part.init_app(app)
    return app
