"""The outbox: queued with the change, sent to a real SMTP server, retried when it is down."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask

from signup_fn.config import ConfigError
from signup_fn.mail import outbox as mail
from signup_fn.services import services
from signup_fn.store import schema
from signup_fn.store.engine import transaction, utcnow
from tests.support.smtp_server import SmtpServer, free_port, make_smtp_server
from tests.support.stored import audit_rows, rows

FROM = "Perpustakaan <perpustakaan@poltekkes.example.ac.id>"


def queue(app: Flask, to: str = "siti@example.ac.id", **context: object) -> int:
    context = {
        "member_id": "P1",
        "link": "https://fn.site.example/reset?token=abc",
        "minutes": 60,
        **context,
    }
    with app.app_context(), transaction(services().engine) as connection:
        return mail.queue_mail(connection, to, "password_reset", **context)


def test_queued_until_configured(app: Flask) -> None:
    assert not mail.mail_configured(app)
    mail_id = queue(app)
    assert mail.send_due(app) == (0, 0)
    assert rows(app, schema.outbox)[0]["id"] == mail_id
    assert rows(app, schema.outbox)[0]["sent_at"] is None


def test_sent_to_smtp_server(make_app: Callable[..., Flask], smtp_server: SmtpServer) -> None:
    app = make_app(SMTP_URL=smtp_server.url, MAIL_FROM=FROM)
    mail_id = queue(app)
    assert mail.send_due(app) == (1, 0)
    [message] = smtp_server.messages
    assert message["To"] == "siti@example.ac.id"
    assert message["Subject"] == "Tautan untuk membuat kata sandi baru"
    assert "perpustakaan@poltekkes.example.ac.id" in message["From"]
    assert "https://fn.site.example/reset?token=abc" in message.get_content()
    assert rows(app, schema.outbox)[0]["sent_at"] is not None
    assert (
        "reset?token=abc" not in rows(app, schema.outbox)[0]["body"]
    )  # the link left with the mail
    mailed = [row for row in audit_rows(app) if row["action"] == "mailed"]
    assert mailed[0]["reason"] == f"outbox:{mail_id}"
    assert mail.send_due(app) == (0, 0)  # never twice


def test_smtp_down_then_up(make_app: Callable[..., Flask]) -> None:
    port = free_port()
    app = make_app(SMTP_URL=f"smtp://127.0.0.1:{port}", MAIL_FROM=FROM)
    queue(app)
    assert mail.send_due(app) == (0, 1)
    [row] = rows(app, schema.outbox)
    assert row["attempts"] == 1 and row["sent_at"] is None
    assert row["last_error"] == "ConnectionRefusedError"
    assert row["next_attempt_at"] > utcnow()
    assert [r["action"] for r in audit_rows(app)].count("mail_failed") == 1
    assert mail.send_due(app) == (0, 0)  # backing off: not due yet
    make_due(app)
    server = make_smtp_server(port)
    server.start()
    try:
        result = app.test_cli_runner().invoke(args=["mail", "send"])
        assert "Terkirim: 1" in result.output, result.output
    finally:
        server.stop()
    assert len(server.messages) == 1
    [row] = rows(app, schema.outbox)
    assert row["sent_at"] is not None and row["attempts"] == 2


def make_due(app: Flask) -> None:
    from sqlalchemy import update

    with app.app_context(), transaction(services().engine) as connection:
        connection.execute(update(schema.outbox).values(next_attempt_at=utcnow()))


def test_backoff_grows_and_is_capped() -> None:
    delays = [mail.backoff(attempt).total_seconds() for attempt in range(1, 15)]
    assert delays[:4] == [60, 120, 240, 480]
    assert max(delays) == 6 * 3600 and delays == sorted(delays)


@pytest.mark.parametrize(
    "address", ["siti@example.ac.id\r\nBcc: all@example.com", "a@b.c\nX: y", "not an address"]
)
def test_header_injection_refused(app: Flask, address: str) -> None:
    with pytest.raises(mail.InvalidAddress):
        queue(app, to=address)
    assert rows(app, schema.outbox) == []


def test_subject_stays_one_line(app: Flask, smtp_server: SmtpServer) -> None:
    with app.app_context():
        subject, body = mail.render(
            "password_reset", member_id="X\r\nBcc: evil@example.com", link="l", minutes=1
        )
    assert "\n" not in subject and "\r" not in subject
    assert "Bcc: evil@example.com" in body  # context goes into the body only


def test_bad_settings_refused_at_start(make_app: Callable[..., Flask]) -> None:
    with pytest.raises(ConfigError):
        make_app(SMTP_URL="http://mail.example", MAIL_FROM=FROM)
    with pytest.raises(ConfigError):
        make_app(SMTP_URL="smtp://127.0.0.1:25")  # no MAIL_FROM


def test_smtp_url_forms() -> None:
    settings = mail.parse_smtp_url("smtp+starttls://user%40x:p%3Ass@mail.example")
    assert (settings.host, settings.port, settings.username, settings.password) == (
        "mail.example",
        587,
        "user@x",
        "p:ss",
    )
    assert mail.parse_smtp_url("smtps://mail.example").port == 465
    assert mail.parse_smtp_url("smtp://mail.example:2525").port == 2525
