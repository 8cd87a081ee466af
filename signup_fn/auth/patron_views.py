"""Patron pages: activation, login, logout, forgotten and changed passwords (SOP step 5).

Every POST is CSRF-checked (Flask-WTF) and runs in one write transaction with its audit rows;
GET never changes anything. Login answers the same for every failure. `login_required` guards
patron pages (the account id is then `g.account_id`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from flask import (
    Blueprint,
    Flask,
    current_app,
    g,
    redirect,
    request,
    url_for,
)
from flask_wtf.csrf import CSRFError
from werkzeug.wrappers import Response

from ..deferred import deferred
from ..passwords import PasswordRejected
from ..services import services
from ..store.engine import transaction
from ..store.statuses import Purpose, SessionKind
from ..web.forms import form_field, page
from ..web.headers import client_address
from ..web.ratelimit import Limit, limit_key
from . import login_guard
from . import sessions as auth_session
from .tokens import TOKEN_PARAMETER

if TYPE_CHECKING:
    from . import accounts
else:
    accounts = deferred("signup_fn.auth.accounts")

bp = Blueprint("patron_auth", __name__)

LOGIN_FAILED = "Nomor anggota atau kata sandi salah, atau akun belum aktif."
MISMATCH = "Kedua kata sandi tidak sama."
FORGOT_LIMIT = Limit(3, 3600)  # reset e-mails per member number or address per hour
FORGOT_ADDRESS_LIMIT = Limit(30, 3600)
HOME_ENDPOINT = "members.index"  # the patron's page (written by the /members helper)


def home_url() -> str:
    """Where a patron lands after logging in: /members, or the password page until it exists."""
    if HOME_ENDPOINT in current_app.view_functions:
        return url_for(HOME_ENDPOINT)
    return url_for("patron_auth.password")


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Patron pages: log in first (and come back here); sets `g.account_id`."""

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        user = auth_session.current_user(SessionKind.PATRON)
        if user is None:
            return redirect(url_for("patron_auth.login", next=auth_session.request_path()))
        g.account_id = user.user_id
        return view(*args, **kwargs)

    return guarded


def message(title: str, text: str, status: int = 200, **links: Any) -> tuple[str, int]:
    return page("auth/message.html", status, title=title, text=text, **links)


def invalid_link() -> tuple[str, int]:
    return message(
        "Tautan tidak berlaku",
        "Tautan ini sudah dipakai, sudah diganti tautan yang lebih baru, atau kedaluwarsa.",
        404,
        show_forgot=True,
    )


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | tuple[str, int]:
    next_path = auth_session.local_path(request.values.get("next"))
    if request.method == "GET":
        return page("auth/login.html", next=next_path)
    member_id = form_field("member_id")
    with transaction(services().engine) as connection:
        account_id = accounts.authenticate(connection, member_id, form_field("password"))
        if account_id is not None:
            auth_session.login_user(connection, SessionKind.PATRON, account_id)
    if account_id is None:
        return page("auth/login.html", error=LOGIN_FAILED, member_id=member_id, next=next_path)
    target = next_path or home_url()
    if target.startswith(url_for("members.go", resource_id="")):
        # CSP `form-action 'self'` covers every redirect after a form post, and /go/ leaves
        # the site: continue to the resource with an ordinary navigation instead.
        return page("auth/continue.html", target=target)
    return redirect(target, code=303)


@bp.post("/logout")
def logout() -> Response:
    auth_session.log_out()
    return redirect(url_for("patron_auth.login"), code=303)


def password_form(purpose: Purpose, token: str) -> Response | tuple[str, int]:
    """GET: the form while the link is valid. POST: set the password through the link."""
    template = "auth/activate.html" if purpose is Purpose.ACTIVATION else "auth/reset.html"
    engine = services().engine
    try:
        with engine.connect() as connection:
            account = accounts.account_for_token(
                connection.execution_options(read_only=True), purpose, token
            )
        if request.method == "GET":
            return page(template, member_id=account["member_id"])
        password = form_field("password")
        if password != form_field("password_confirm"):
            return page(template, 422, member_id=account["member_id"], error=MISMATCH)
        with transaction(engine) as connection:
            account_id = accounts.set_password_with_token(connection, purpose, token, password)
            login_guard.give_device_cookie(accounts.KIND, account["member_id"])
            if purpose is Purpose.ACTIVATION:
                auth_session.login_user(connection, SessionKind.PATRON, account_id)
    except accounts.InvalidToken:
        return invalid_link()
    except PasswordRejected as rejected:
        return page(template, 422, member_id=account["member_id"], error=str(rejected))
    if purpose is Purpose.ACTIVATION:
        return redirect(home_url(), code=303)
    return message(
        "Kata sandi sudah diganti",
        "Silakan masuk dengan kata sandi baru Anda.",
        show_login=True,
    )


@bp.route("/activate", methods=["GET", "POST"])
def activate() -> Response | tuple[str, int]:
    return password_form(Purpose.ACTIVATION, request.args.get(TOKEN_PARAMETER, ""))


@bp.route("/reset", methods=["GET", "POST"])
def reset() -> Response | tuple[str, int]:
    return password_form(Purpose.PASSWORD_RESET, request.args.get(TOKEN_PARAMETER, ""))


@bp.route("/forgot", methods=["GET", "POST"])
def forgot() -> tuple[str, int]:
    """The same answer whether or not an account matched (nothing to enumerate)."""
    if request.method == "GET":
        return page("auth/forgot.html")
    identifier = form_field("identifier").strip()
    if not identifier:
        return page("auth/forgot.html", 422, error="Isi nomor anggota atau alamat e-mail.")
    secret = current_app.config["SECRET_KEY"]
    limiter = services().limiter
    with transaction(services().engine) as connection:
        over = limiter.hit(
            connection,
            limit_key(secret, "forgot:address", client_address()),
            FORGOT_ADDRESS_LIMIT,
        ) or limiter.hit(
            connection, limit_key(secret, "forgot", identifier.casefold()), FORGOT_LIMIT
        )
        if over is None:
            accounts.request_password_reset(connection, identifier)
    return message(
        "Periksa e-mail Anda",
        "Jika nomor anggota atau e-mail itu milik akun yang aktif, kami sudah mengirim tautan "
        "untuk membuat kata sandi baru. Tautan itu hanya bisa dipakai sekali.",
        show_login=True,
    )


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password() -> tuple[str, int]:
    """Change the password (the current one is asked); other sessions end."""
    if request.method == "GET":
        return page("auth/password.html")
    new = form_field("new_password")
    if new != form_field("new_password_confirm"):
        return page("auth/password.html", 422, error=MISMATCH)
    try:
        with transaction(services().engine) as connection:
            changed = accounts.change_password(
                connection, g.account_id, form_field("current_password"), new
            )
    except PasswordRejected as rejected:
        return page("auth/password.html", 422, error=str(rejected))
    if not changed:
        return page("auth/password.html", 422, error="Kata sandi saat ini salah.")
    return page("auth/password.html", done=True)


def csrf_failed(error: CSRFError) -> tuple[str, int]:
    return message(
        "Formulir kedaluwarsa",
        "Formulir ini sudah tidak berlaku (atau cookie diblokir). Muat ulang halaman lalu "
        "coba lagi.",
        400,
    )


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_error_handler(CSRFError, csrf_failed)
