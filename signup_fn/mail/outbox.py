"""The e-mail outbox: messages are queued in the database with the change that caused them
and sent later with retries, so a mail server that is down loses nothing.

- `queue_mail(connection, to, template, **context)` renders `templates/mail/<template>.txt`
  (first line `Subject: ...`, a blank line, then the body) and stores it in the caller's
  transaction. After the request that queued it, sending is tried at once (best effort).
- `send_due(app)` sends what is due (also `flask --app signup_fn mail send`, for cron); a
  failure counts an attempt and backs off exponentially (capped); messages are never dropped.
- `PORTAL_SMTP_URL`: `smtp://`, `smtp+starttls://` or `smtps://[user:password@]host[:port]`.
  Unset: everything stays queued (`mail_configured(app)` is False).
Headers are built by `email.message.EmailMessage`, which refuses CR/LF in them; addresses are
validated when queued. Links in messages come from `BASE_URL` (`public_url`), never the Host.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import formataddr, parseaddr
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from flask import (
    Flask,
    Response,
    after_this_request,
    current_app,
    g,
    has_request_context,
    render_template,
)
from sqlalchemy import Connection, Engine

from ..config import ConfigError
from ..deferred import deferred
from ..services import app_itself, services
from ..store.audit import add_audit
from ..store.engine import transaction, utcnow
from . import queries

if TYPE_CHECKING:
    import email_validator
else:  # its patterns take milliseconds to compile: imported by the first address checked
    email_validator = deferred("email_validator")

SMTP_TIMEOUT = 15
BATCH = 50
LEASE = timedelta(minutes=5)  # a claimed message is not taken by another sender meanwhile
FIRST_RETRY = timedelta(minutes=1)
MAX_RETRY = timedelta(hours=6)
SCHEMES = {"smtp": 25, "smtp+starttls": 587, "smtps": 465}


class InvalidAddress(ValueError):
    """Not a single valid e-mail address (or it holds CR/LF)."""


@dataclass(frozen=True)
class SmtpSettings:
    scheme: str
    host: str
    port: int
    username: str | None
    password: str | None


def parse_smtp_url(url: str) -> SmtpSettings:
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise ValueError("SMTP_URL: use smtp://, smtp+starttls:// or smtps://host[:port]")
    return SmtpSettings(
        scheme=parts.scheme,
        host=parts.hostname,
        port=parts.port or SCHEMES[parts.scheme],
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def mail_configured(app: Flask) -> bool:
    """True when a mail server is configured (else links must be handed over another way)."""
    return bool(app.config.get("SMTP_URL"))


def public_url(path: str) -> str:
    """An absolute link for messages: `BASE_URL` + path (never the request's Host)."""
    return current_app.config["BASE_URL"] + path


def checked_address(address: str) -> str:
    if any(char in address for char in "\r\n\0"):
        raise InvalidAddress("control characters in an address")
    try:
        return email_validator.validate_email(address, check_deliverability=False).normalized
    except email_validator.EmailNotValidError as exc:
        raise InvalidAddress(str(exc)) from None


def render(template: str, **context: object) -> tuple[str, str]:
    """(subject, body) of `mail/<template>.txt`."""
    text = render_template(f"mail/{template}.txt", **context)
    head, _, body = text.partition("\n\n")
    if not head.startswith("Subject: "):
        raise ValueError(f"mail/{template}.txt must start with 'Subject: '")
    subject = " ".join(head.removeprefix("Subject: ").split())  # one line, always
    return subject, body.strip() + "\n"


def queue_mail(connection: Connection, to: str, template: str, **context: object) -> int:
    """Store a message in the outbox in the caller's transaction; returns its id.

    Raises InvalidAddress for a bad recipient. Sending is tried after this request ends."""
    subject, body = render(template, **context)
    mail_id = queries.insert_mail(
        connection, to_address=checked_address(to), subject=subject, body=body
    )
    if has_request_context() and "mail_queued" not in g:
        g.mail_queued = True
        after_this_request(send_after_response)
    return mail_id


def build_message(row: dict[str, object], sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = str(row["to_address"])
    message["Subject"] = str(row["subject"])
    message.set_content(str(row["body"]), charset="utf-8")
    return message


def connect(settings: SmtpSettings) -> smtplib.SMTP:
    if settings.scheme == "smtps":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.host, settings.port, timeout=SMTP_TIMEOUT, context=ssl.create_default_context()
        )
    else:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=SMTP_TIMEOUT)
        if settings.scheme == "smtp+starttls":
            smtp.starttls(context=ssl.create_default_context())
    if settings.username:
        smtp.login(settings.username, settings.password or "")
    return smtp


def backoff(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes after each failure, at most 6 hours."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), MAX_RETRY)


def describe(error: Exception) -> str:
    """What is recorded about a failure: the error class and SMTP code, never its text
    (a server may echo credentials or addresses)."""
    code = getattr(error, "smtp_code", None)
    return f"{type(error).__name__} {code}" if code else type(error).__name__


def send_due(app: Flask) -> tuple[int, int]:
    """Send the messages that are due; returns (sent, failed). Never raises for SMTP trouble."""
    with app.app_context():
        if not mail_configured(app):
            return 0, 0
        settings = parse_smtp_url(app.config["SMTP_URL"])
        sender = sender_address(app)
        engine = services().engine
        with engine.connect() as connection:
            due = queries.due_mail_ids(connection.execution_options(read_only=True), BATCH)
        sent = failed = 0
        smtp: smtplib.SMTP | None = None
        try:
            for mail_id in due:
                with transaction(engine) as connection:
                    row = queries.claim_mail(connection, mail_id, utcnow() + LEASE)
                if row is None:
                    continue
                try:
                    smtp = smtp or connect(settings)
                    smtp.send_message(build_message(row, sender))
                except (OSError, smtplib.SMTPException) as exc:
                    failed += 1
                    close_quietly(smtp)
                    smtp = None  # the next message opens a new connection
                    record_failure(engine, mail_id, row["attempts"] + 1, exc)
                    app.logger.warning("mail %s not sent: %s", mail_id, describe(exc))
                    continue
                sent += 1
                with transaction(engine) as connection:
                    queries.mark_mail_sent(connection, mail_id)
                    add_audit(
                        connection,
                        action="mailed",
                        outcome="ok",
                        actor="system",
                        reason=f"outbox:{mail_id}",
                    )
        finally:
            close_quietly(smtp)
        return sent, failed


def record_failure(engine: Engine, mail_id: int, attempts: int, error: Exception) -> None:
    with transaction(engine) as connection:
        queries.mark_mail_failed(
            connection,
            mail_id,
            error=describe(error),
            next_attempt_at=utcnow() + backoff(attempts),
        )
        add_audit(
            connection,
            action="mail_failed",
            outcome="retry",
            actor="system",
            reason=f"outbox:{mail_id} {describe(error)}",
        )


def close_quietly(smtp: smtplib.SMTP | None) -> None:
    if smtp is None:
        return
    try:
        smtp.quit()
    except (OSError, smtplib.SMTPException):
        smtp.close()


def send_after_response(response: Response) -> Response:
    """Registered by a request that queued mail (`queue_mail`; as a hook of every response it
    cost every other request a lookup of `g`): try to send once the response is out."""
    if mail_configured(current_app):
        app = app_itself()
        response.call_on_close(lambda: send_quietly(app))
    return response


def send_quietly(app: Flask) -> None:
    try:
        send_due(app)
    except Exception:  # best effort: the outbox keeps the message; cron sends it later
        app.logger.exception("sending the outbox after a request failed")


def sender_address(app: Flask) -> str:
    """MAIL_FROM as a header value; its address must be valid."""
    name, address = parseaddr(app.config.get("MAIL_FROM") or "")
    try:
        return formataddr((name, checked_address(address)))
    except InvalidAddress as exc:
        raise ValueError(f"MAIL_FROM: {exc}") from None


def init_app(app: Flask) -> None:
    try:  # bad settings fail at start, not at sending
        if app.config.get("SMTP_URL"):
            parse_smtp_url(app.config["SMTP_URL"])
            sender_address(app)
    except ValueError as exc:
        raise ConfigError(f"mail settings: {exc}") from None
