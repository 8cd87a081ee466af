"""The account function: a Flask app built by `create_app` (flaskr-shaped).

`gunicorn "signup_fn:create_app()"` serves it. The first start on an empty database creates
the tables; `flask --app signup_fn init-db` also brings an older database to the code's schema
revision, which the app needs to start (signup_fn/store/revision.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import cli, library
from .api import meta
from .api import views as signup
from .auth import admin_views as admin_auth
from .auth import patron_views as patron_auth
from .config import ConfigError, check_production, load_config
from .loans import admin_views as admin_extensions
from .loans import patron_views as loans
from .mail import outbox as mail
from .reports import views as admin_reports
from .resources import usage
from .resources import views as members
from .review import views as admin
from .services import Services, install
from .store import revision
from .store.engine import make_engine
from .web import admin_layout, errors, forms, headers, ids
from .web.csrf import SameOriginCSRFProtect
from .web.ratelimit import make_limiter

__all__ = ["ConfigError", "create_app"]

csrf = SameOriginCSRFProtect()

SQLITE_FILE = "signup.sqlite3"


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

    ids.init_app(app)  # `<id:...>` in routes, before the blueprints that use it
    headers.init_app(app)
    errors.init_app(app)
    forms.init_app(app)  # a refused form field: a 422 page naming it
    library.init_app(app)  # `library` in every template (pages and e-mails), /logo
    cli.init_app(app, refusal)
    # the public API: the sign-up and the health check, no cookie session
    app.register_blueprint(signup.bp)
    app.register_blueprint(meta.bp)
    app.session_interface = signup.CookieSessionOutsideApi()  # no cookie session on /api/
    # the HTML pages: every POST outside the public /api/signup needs a CSRF token and the
    # page's own origin
    csrf.init_app(app)
    csrf.exempt(signup.bp)
    usage.init_app(app)  # POST /api/use/<id>: counted uses (COUNTER rules)
    csrf.exempt(usage.bp)
    mail.init_app(app)
    patron_auth.init_app(app)  # /login, /activate, /forgot, /reset, /password
    members.init_app(app)  # /members, /go/<id>
    loans.init_app(app)  # /loans and extension requests
    admin_auth.init_app(app)  # /admin/login, /admin/setup
    admin.init_app(app)  # the queue and decisions
    admin_reports.init_app(app)  # /admin/reports: tables, charts, CSV
    admin_layout.init_app(app)
    admin_extensions.init_app(app)  # /admin/extensions/
    return app
