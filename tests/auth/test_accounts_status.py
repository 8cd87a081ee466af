"""`flask --app signup_fn accounts disable|enable|expire`: an account lasts as long as the
membership (docs/privasi.md)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from signup_fn.store import schema
from tests.support.slims_export import export_text, member_row
from tests.support.slims_fixture import library_today
from tests.support.stored import audit_rows, rows
from tests.support.web import active_account, login, new_account, session_cookie


def invoke(app: Flask, *args: str):
    return app.test_cli_runner().invoke(args=["accounts", *args])


def statuses(app: Flask) -> dict[str, str]:
    return {row["member_id"]: row["status"] for row in rows(app, schema.accounts)}


def test_disable_ends_sessions_and_enable_restores_login(app: Flask, client: FlaskClient) -> None:
    account_id = active_account(app, client)
    cookie = session_cookie(client)
    result = invoke(app, "disable", "p27820121001")
    assert result.exit_code == 0, result.output
    assert "dinonaktifkan; 1 sesi diakhiri" in result.output
    replay = app.test_client()
    replay.set_cookie("portal_session", cookie)
    assert replay.get("/password").status_code == 302
    assert login(app.test_client()).status_code == 200  # refused, same answer as ever
    assert invoke(app, "disable", "P27820121001").exit_code == 1  # already disabled

    enabled = invoke(app, "enable", "P27820121001")
    assert enabled.exit_code == 0 and "aktif kembali." in enabled.output
    assert login(app.test_client()).status_code == 303
    assert invoke(app, "enable", "P27820121001").exit_code == 1  # not disabled
    trail = [(row["action"], row["actor"], row["reason"]) for row in audit_rows(app)]
    assert ("account_disabled", "cli", f"patron:{account_id}") in trail
    assert ("account_enabled", "cli", f"patron:{account_id}") in trail


def test_enable_of_a_never_activated_account_waits_for_activation(app: Flask) -> None:
    new_account(app, "P1")
    invoke(app, "disable", "P1")
    result = invoke(app, "enable", "P1")
    assert result.exit_code == 0 and "requests resend" in result.output
    assert statuses(app) == {"P1": "pending_activation"}
    assert invoke(app, "disable", "NOBODY").exit_code == 1


def test_expire_disables_only_expired_members(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    active_account(app, client, "P1")
    new_account(app, "P2")
    active_account(app, app.test_client(), "P3")
    active_account(app, app.test_client(), "P4")  # not in the list: left alone
    active_account(app, app.test_client(), "2019 01 005")  # SLiMS: 0000-00-00 is expired
    before = invoke(app, "expire")
    assert before.exit_code == 1 and "Tidak ada akun yang diubah" in before.output
    path = tmp_path / "anggota.csv"
    path.write_text(
        export_text(
            [
                member_row("p1", "Satu", expire_date="2020-01-31"),
                member_row("P2", "Dua", expire_date="2021-06-01"),
                member_row("P3", "Tiga", expire_date=str(library_today() + timedelta(days=365))),
                member_row("2019 01 005", "Lima", expire_date="0000-00-00"),
            ]
        )
    )
    imported = app.test_cli_runner().invoke(args=["members", "import", str(path)])
    assert imported.exit_code == 0, imported.output
    dry = invoke(app, "expire", "--dry-run")
    assert "3 akun akan dinonaktifkan" in dry.output
    assert set(statuses(app).values()) == {"active", "pending_activation"}

    result = invoke(app, "expire")
    assert result.exit_code == 0, result.output
    assert "3 akun dinonaktifkan" in result.output
    assert statuses(app) == {
        "P1": "disabled",
        "P2": "disabled",
        "P3": "active",
        "P4": "active",
        "2019 01 005": "disabled",
    }
    assert login(app.test_client(), "P1").status_code == 200
    assert "0 akun dinonaktifkan" in invoke(app, "expire").output
    disabled = [row for row in audit_rows(app) if row["action"] == "account_disabled"]
    assert len(disabled) == 3 and all(row["reason"].startswith("patron:") for row in disabled)
