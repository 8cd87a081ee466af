"""Librarian login, logout and first setup under /admin/, and the `librarian_required` guard.

The admin pages proper (queue, decisions, reports: `review/views.py`) are other blueprints that
decorate their views with `librarian_required`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Flask, g, redirect, request, url_for
from werkzeug.wrappers import Response

from ..deferred import deferred
from ..passwords import PasswordRejected
from ..services import services
from ..store.engine import transaction
from ..store.statuses import SessionKind
from ..web.forms import form_field, page
from . import login_guard, queries
from . import sessions as auth_session
from .tokens import TOKEN_PARAMETER

if TYPE_CHECKING:
    import pyotp

    from . import librarians
else:
    pyotp, librarians = deferred("pyotp"), deferred("signup_fn.auth.librarians")

bp = Blueprint("admin_auth", __name__, url_prefix="/admin")

LOGIN_FAILED = "Nama pengguna, kata sandi, atau kode autentikator salah."
BASE32_SECRET = re.compile(r"[A-Z2-7]{32}")


def librarian_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Admin pages: a librarian session is needed (else to /admin/login and back);
    sets `g.librarian_id` and `g.actor` (`librarian:<id>`, for audit rows)."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        user = auth_session.current_user(SessionKind.LIBRARIAN)
        if user is None:
            return redirect(url_for("admin_auth.login", next=auth_session.request_path()))
        g.librarian_id = user.user_id
        g.actor = librarians.actor(user.user_id)
        return view(*args, **kwargs)

    return guarded


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | tuple[str, int]:
    next_path = auth_session.local_path(request.values.get("next"))
    if request.method == "GET":
        return page("admin/login.html", next=next_path)
    username = form_field("username")
    with transaction(services().engine) as connection:
        librarian_id = librarians.authenticate(
            connection, username, form_field("password"), form_field("code")
        )
        if librarian_id is not None:
            auth_session.login_user(connection, SessionKind.LIBRARIAN, librarian_id)
    if librarian_id is None:
        return page("admin/login.html", error=LOGIN_FAILED, username=username, next=next_path)
    return redirect(next_path or url_for("admin.queue"), code=303)


@bp.post("/logout")
def logout() -> Response:
    auth_session.log_out()
    return redirect(url_for("admin_auth.login"), code=303)


@bp.route("/setup", methods=["GET", "POST"])
def setup() -> Response | tuple[str, int]:
    """Set the password through the single-use link; optionally enrol a TOTP authenticator
    (the secret is shown as text and as an otpauth:// URI; confirmed by one code)."""
    token = request.args.get(TOKEN_PARAMETER, "")
    engine = services().engine
    try:
        with engine.connect() as connection:
            librarian = librarians.librarian_for_token(
                connection.execution_options(read_only=True), token
            )
    except librarians.SetupError:
        return page("admin/setup_invalid.html", 404)
    username = librarian["username"]
    secret = form_field("totp_secret") if request.method == "POST" else pyotp.random_base32()
    if not BASE32_SECRET.fullmatch(secret):
        secret = pyotp.random_base32()
    form = {
        "username": username,
        "totp_secret": secret,
        "totp_uri": librarians.totp_uri(secret, username),
    }
    if request.method == "GET":
        return page("admin/setup.html", **form)
    password = form_field("password")
    if password != form_field("password_confirm"):
        return page("admin/setup.html", 422, error="Kedua kata sandi tidak sama.", **form)
    code = form_field("code").strip()
    if code and librarians.totp_step(secret, code) is None:
        return page("admin/setup.html", 422, error="Kode autentikator salah; coba lagi.", **form)
    try:
        with transaction(engine) as connection:
            librarians.complete_setup(connection, token, password, secret if code else None)
        login_guard.give_device_cookie(librarians.KIND, username)
    except PasswordRejected as rejected:
        return page("admin/setup.html", 422, error=str(rejected), **form)
    except librarians.SetupError:
        return page("admin/setup_invalid.html", 404)
    return redirect(url_for("admin_auth.login"), code=303)


def librarian_name() -> str | None:
    """The logged-in librarian's username (set by `librarian_required`), for the admin layout."""
    librarian_id = g.get("librarian_id")
    if librarian_id is None:
        return None
    if "librarian_name" not in g:
        with services().engine.connect() as connection:
            row = queries.get_librarian(connection.execution_options(read_only=True), librarian_id)
        g.librarian_name = row["username"] if row else None
    name: str | None = g.librarian_name
    return name


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.context_processor(lambda: {"admin_librarian": librarian_name})
