"""DEPLOY.md's backup and restore procedure (`scripts/backup.py`) on SQLite and PostgreSQL.

A database is filled through the real sign-up endpoint, backed up, restored into a new
database, and every table must hold the same rows.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import MetaData, create_engine, select, text
from sqlalchemy.engine import make_url

from signup_fn import create_app

ROOT = Path(__file__).resolve().parents[2]
SECRET = "test-secret-key-that-is-long-enough-0123456789"


def fill_through_signup(database_url: str, count: int = 4) -> None:
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": SECRET,
            "SITE_URL": "https://site.example",
            "BASE_URL": "https://fn.site.example",
        }
    )
    client = app.test_client()
    for number in range(count):
        response = client.post(
            "/api/signup",
            json={
                "member_id": f"P2782012{number:04d}",
                "name": "Pemustaka " + "ABCDEFGHIJ"[number % 10] * (1 + number // 10),
                "email": f"pemustaka{number}@example.ac.id",
                "programme": "D3 Keperawatan",
                "role": "student",
                "consent": True,
                "elapsed_ms": 9000,
            },
        )
        assert response.status_code in {200, 201, 202}, response.get_data(as_text=True)
    from signup_fn.services import services

    with app.app_context():
        services().engine.dispose()


def rows_per_table(database_url: str) -> dict[str, list[tuple]]:
    engine = create_engine(database_url)
    try:
        metadata = MetaData()
        metadata.reflect(engine)
        with engine.connect() as connection:
            return {
                name: sorted(
                    tuple(str(value) for value in row) for row in connection.execute(select(table))
                )
                for name, table in metadata.tables.items()
            }
    finally:
        engine.dispose()


def run_backup(*args: str | Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "backup.py"), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


def test_sqlite_backup_and_restore(tmp_path: Path):
    source = f"sqlite:///{tmp_path / 'portal.sqlite3'}"
    fill_through_signup(source)
    backup_file = tmp_path / "backup.sqlite3"
    run_backup("backup", source, backup_file)
    restored = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    run_backup("restore", backup_file, restored)

    before, after = rows_per_table(source), rows_per_table(restored)
    assert len(before["account_requests"]) == 4
    assert before["audit_log"]
    assert after == before
    with sqlite3.connect(tmp_path / "restored.sqlite3") as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_restore_never_overwrites(tmp_path: Path):
    source = f"sqlite:///{tmp_path / 'portal.sqlite3'}"
    fill_through_signup(source, count=1)
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "backup.py"), "backup", source, "x"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 0
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "backup.py"), "restore", "x", source],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert done.returncode == 1
    assert "exists already" in done.stderr


@pytest.fixture
def two_fresh_postgres_databases(postgres_url: str) -> Iterator[tuple[str, str]]:
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    names = [f"backup_{kind}_{uuid.uuid4().hex[:10]}" for kind in ("source", "restored")]
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f"CREATE DATABASE {name}"))
    base = make_url(postgres_url)
    try:
        yield tuple(base.set(database=name).render_as_string(hide_password=False) for name in names)
    finally:
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


@pytest.mark.postgres
def test_postgresql_dump_and_restore(two_fresh_postgres_databases, tmp_path: Path):
    source, restored = two_fresh_postgres_databases
    fill_through_signup(source)
    dump = tmp_path / "portal.dump"
    run_backup("backup", source, dump)
    assert dump.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    run_backup("restore", dump, restored)

    before, after = rows_per_table(source), rows_per_table(restored)
    assert len(before["account_requests"]) == 4
    assert before["audit_log"]
    assert after == before
