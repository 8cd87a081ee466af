"""`flask init-db`, GET /api/health and the schema of the database."""

from __future__ import annotations

import shutil
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import inspect

from signup_fn.services import services
from signup_fn.store import revision
from tests.support.stored import rows


def test_init_db_is_idempotent_and_records_the_revision(app: Flask, runner: FlaskCliRunner) -> None:
    for _ in range(2):
        result = runner.invoke(args=["init-db"])
        assert result.exit_code == 0, result.output
        assert f"revisi skema {revision.HEAD}" in result.output
    assert rows(app, revision.alembic_version) == [{"version_num": revision.HEAD}]


def test_tables_exist_after_first_start(app: Flask) -> None:
    with app.app_context():
        names = set(inspect(services().engine).get_table_names())
    assert {"account_requests", "audit_log", "rate_limits", "alembic_version"} <= names


def test_sqlite_runs_in_wal_mode(tmp_path: Path, make_app) -> None:
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'wal.sqlite3'}")
    with app.app_context(), services().engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000


def test_health_checks_the_database(client: FlaskClient) -> None:
    response = client.get("/api/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_health_is_503_when_the_database_is_gone(tmp_path: Path, make_app) -> None:
    path = tmp_path / "gone.sqlite3"
    app = make_app(DATABASE_URL=f"sqlite:///{path}")
    with app.app_context():
        services().engine.dispose()
    path.unlink()
    path.mkdir()  # a directory where the database file was: SQLite cannot open it
    try:
        response = app.test_client().get("/api/health")
        assert response.status_code == 503
        assert response.get_json() == {"status": "error", "database": "error"}
        signup = app.test_client().post("/api/signup", json={"x": 1})
        assert signup.status_code == 503
        assert signup.get_json() == {"error": "Layanan sedang tidak tersedia; coba lagi nanti."}
    finally:
        shutil.rmtree(path)
