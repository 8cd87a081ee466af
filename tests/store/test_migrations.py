"""The schema's migrations (signup_fn/store/migrations): from any older database to the code's.

The rules tested: a database of the schema before migrations (schema_v1/, made by that code's
own table definitions), holding rows in every table, is brought to the head revision by
`flask --app signup_fn init-db` on SQLite and on PostgreSQL with nothing lost (every row and
value kept, the old clicks moved into resource_usage), the audit log still append-only, and the
app then serves a sign-up; the migrations from an empty database make exactly the schema of the
code's metadata; the app refuses to start on an older or a newer database, naming the command.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.operations import Operations
from alembic.script import ScriptDirectory

from signup_fn import create_app
from signup_fn.store import revision, schema
from signup_fn.store.engine import make_engine, transaction
from tests.conftest import running_under_ci
from tests.support.fresh_databases import fresh_postgres_database, sqlite_url
from tests.support.samples import TEST_SECRET, VALID
from tests.support.serving import (
    ServerStartError,
    gunicorn_command,
    running_server,
    server_environment,
)
from tests.support.stored import partial_indexes_unlike_the_schema

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_V1 = Path(__file__).resolve().parent / "schema_v1"
SCHEMA_V1_COMMIT = "ba08d9d"  # its generate.py's COMMIT

AT = datetime(2026, 11, 2, 3, 4, 5, 123456, tzinfo=UTC)
LATER = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
REQUEST = {
    "programme": "D3 Keperawatan",
    "role": "student",
    "consent_at": AT,
    "consent_version": "2026-01",
    "created_at": AT,
    "updated_at": AT,
}
# A row in every table of schema version 1: two open requests, a decided one, its account...
V1_ROWS: dict[str, list[dict[str, Any]]] = {
    "schema_version": [{"version": 1, "applied_at": AT}],
    "account_requests": [
        {"id": 1, "member_id": "P1001", "name": "Siti Nurhaliza", "email": "siti@example.ac.id",
         "phone": "+62 812-3456-7890", "status": "pending", **REQUEST},
        {"id": 2, "member_id": "P1002", "name": "Budi Santoso", "email": "budi@example.ac.id",
         "phone": None, "status": "pending", **REQUEST},
        {"id": 3, "member_id": "P1003", "name": "Dewi Lestari", "email": "dewi@example.ac.id",
         "phone": None, "status": "approved", **REQUEST, "role": "lecturer"},
    ],
    "request_decisions": [
        {"request_id": 3, "decision": "approved", "decided_at": LATER, "decided_by": "librarian:1",
         "reason": None, "account_id": 1},
    ],
    "accounts": [
        {"id": 1, "member_id": "P1003", "request_id": 3, "email": "dewi@example.ac.id",
         "status": "active", "password_hash": "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
         "created_at": LATER, "activated_at": LATER, "password_changed_at": None},
    ],
    "audit_log": [
        {"id": 1, "created_at": AT, "actor": "public", "action": "request_created",
         "outcome": "ok", "reason": None, "request_id": 1},
        {"id": 2, "created_at": AT, "actor": "public", "action": "request_created",
         "outcome": "ok", "reason": None, "request_id": 2},
        {"id": 3, "created_at": LATER, "actor": "librarian:1", "action": "request_approved",
         "outcome": "ok", "reason": "patron:1", "request_id": 3},
    ],
    "rate_limits": [{"key": "a" * 64, "window_start": 1_764_000_000, "hits": 3}],
    "library_members": [
        {"member_key": "p1003", "member_id": "P1003", "name": "Dewi Lestari",
         "email": "dewi@example.ac.id", "member_type": "Dosen", "inst_name": "Poltekkes",
         "expire_date": date(2027, 8, 31), "is_pending": False, "imported_at": AT},
        {"member_key": "p1004", "member_id": "P1004", "name": "Eko Prasetyo", "email": None,
         "member_type": None, "inst_name": None, "expire_date": None, "is_pending": None,
         "imported_at": AT},
    ],
    "librarians": [
        {"id": 1, "username": "pustakawan", "email": "pustaka@example.ac.id",
         "password_hash": "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
         "totp_secret": "JBSWY3DPEHPK3PXP", "totp_last_step": 58_800_000, "active": True,
         "created_at": AT},
    ],
    "tokens": [
        {"id": 1, "token_hash": "b" * 64, "purpose": "activate", "subject_id": 1,
         "created_at": LATER, "expires_at": LATER, "used_at": LATER},
    ],
    "sessions": [
        {"id": "c" * 64, "kind": "patron", "user_id": 1, "created_at": LATER,
         "last_seen_at": LATER, "expires_at": LATER, "revoked_at": None},
    ],
    "login_failures": [{"id": 1, "key": "d" * 64, "created_at": LATER}],
    "outbox": [
        {"id": 1, "to_address": "dewi@example.ac.id", "subject": "Akun aktif",
         "body": "Akun Anda sudah aktif.", "created_at": LATER, "attempts": 1,
         "next_attempt_at": LATER, "sent_at": None, "last_error": "timeout"},
    ],
    "resource_clicks": [
        {"resource_id": "koleksi-anggota", "month": "2025-01", "clicks": 7},
        {"resource_id": "buku-anggota", "month": "2025-02", "clicks": 2},
    ],
    "review_markers": [{"name": "digest", "value": AT}],
    "extension_requests": [
        {"id": 1, "account_id": 1, "loan_id": 42, "item_code": "B0042",
         "title": "Anatomi dan Fisiologi", "due_date": date(2026, 11, 30), "note": "Tugas akhir",
         "status": "pending", "created_at": LATER, "decided_at": None, "decided_by": None,
         "decision_note": None, "new_due_date": None, "slims_updated": False},
    ],
}  # fmt: skip


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of its own: a SQLite file, or a PostgreSQL database dropped after."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path / "signup.sqlite3")
        return
    with fresh_postgres_database(request.getfixturevalue("postgres_url"), "migrations") as url:
        yield url


@pytest.fixture
def v1_url(empty_url: str) -> str:
    """A database of schema version 1 (before migrations) holding V1_ROWS."""
    engine = sa.create_engine(empty_url)
    script = (SCHEMA_V1 / f"{engine.dialect.name}.sql").read_text()
    try:
        with engine.begin() as connection:
            driver = connection.connection.driver_connection
            if engine.dialect.name == "sqlite":
                driver.executescript(script)  # type: ignore[union-attr]
            else:
                connection.exec_driver_sql(script)
        with engine.begin() as connection:
            tables = reflected(connection)
            for name, values in V1_ROWS.items():
                # numbered by the database, as the code stores them (1, 2, ... in list order)
                serial = "id" in tables[name].c and name != "sessions"
                connection.execute(
                    tables[name].insert(),
                    [
                        {k: v for k, v in row.items() if not (serial and k == "id")}
                        for row in values
                    ],
                )
    finally:
        engine.dispose()
    return empty_url


def reflected(connection: sa.Connection) -> dict[str, sa.Table]:
    metadata = sa.MetaData()
    metadata.reflect(connection)
    return dict(metadata.tables)


def table_rows(url: str) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, ordered by the primary key."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            return {
                name: [
                    dict(row)
                    for row in connection.execute(
                        sa.select(table).order_by(*table.primary_key.columns)
                    ).mappings()
                ]
                for name, table in reflected(connection).items()
            }
    finally:
        engine.dispose()


def make_app(url: str) -> Any:
    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "SECRET_KEY": TEST_SECRET,
            "SITE_URL": "https://site.example",
            "BASE_URL": "https://fn.site.example",
        }
    )


def flask(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """`flask --app signup_fn ...` in a process of its own, on the database at `url`."""
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("PORTAL_")
    }
    environment |= {"PORTAL_DATABASE_URL": url, "PORTAL_SECRET_KEY": TEST_SECRET}
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "signup_fn", *args],
        capture_output=True, text=True, env=environment, cwd=ROOT, timeout=120,
    )  # fmt: skip


def schema_differences(url: str) -> list[Any]:
    """What autogenerate would write to make the database's schema the code's metadata, and
    each partial index whose condition the database lacks (Alembic's compare does not look at
    an index's condition)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, schema.metadata) + partial_indexes_unlike_the_schema(
                connection
            )
    finally:
        engine.dispose()


def assert_append_only(url: str) -> None:
    """UPDATE and DELETE of audit_log fail (SQLite's triggers fire per row: one is added)."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            row = {k: v for k, v in V1_ROWS["audit_log"][0].items() if k != "id"}
            connection.execute(schema.audit_log.insert().values(row))
        for statement in ("UPDATE audit_log SET outcome = 'x'", "DELETE FROM audit_log"):
            with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as c:
                c.exec_driver_sql(statement)
    finally:
        engine.dispose()


def test_init_db_upgrades_a_database_of_schema_version_1_with_nothing_lost(v1_url: str) -> None:
    before = table_rows(v1_url)
    assert {name: len(rows) for name, rows in before.items()} == {
        name: len(rows) for name, rows in V1_ROWS.items()
    }
    with pytest.raises(revision.SchemaMismatch, match="flask --app signup_fn init-db"):
        make_app(v1_url)

    result = flask(v1_url, "init-db")
    assert result.returncode == 0, result.stderr
    assert f"revisi skema {revision.HEAD}" in result.stdout

    after = table_rows(v1_url)
    clicks = before.pop("resource_clicks")
    assert before.pop("schema_version")
    before["library_members"] = [{**row, "phone": None} for row in before["library_members"]]
    assert after.pop("resource_usage") == sorted(
        (
            {"resource_id": row["resource_id"], "month": row["month"],
             "total_requests": row["clicks"], "unique_requests": None}
            for row in clicks
        ),
        key=lambda row: (row["resource_id"], row["month"]),
    )  # fmt: skip
    assert after.pop("alembic_version") == [{"version_num": revision.HEAD}]
    assert after.pop("usage_visits") == []
    assert after == before
    assert schema_differences(v1_url) == []
    assert_append_only(v1_url)

    app = make_app(v1_url)
    client = app.test_client()
    assert client.post("/api/signup", json=VALID).status_code == 202
    # one open request per member number *and e-mail* now: a second e-mail is kept apart
    other_email = {**VALID, "member_id": "P1001", "email": "lain@example.com"}
    assert client.post("/api/signup", json=other_email).status_code == 202
    assert len(table_rows(v1_url)["account_requests"]) == 5


def test_two_init_dbs_at_once_migrate_once(v1_url: str) -> None:
    """Two processes upgrading together (two deployments' init-db, two workers): one migrates,
    the other waits for its commit and finds the database at the head."""
    engines = [make_engine(v1_url) for _ in range(2)]
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            heads = list(pool.map(revision.init_db, engines))
    finally:
        for engine in engines:
            engine.dispose()
    assert heads == [revision.HEAD, revision.HEAD]
    assert len(table_rows(v1_url)["resource_usage"]) == len(V1_ROWS["resource_clicks"])
    assert schema_differences(v1_url) == []


def test_the_migrations_make_the_schema_of_the_code(empty_url: str) -> None:
    alembic(empty_url, "upgrade", "head")
    assert schema_differences(empty_url) == []
    assert_append_only(empty_url)
    make_app(empty_url)  # at the head: starts


def test_a_first_start_on_an_empty_database_makes_the_same_schema(empty_url: str) -> None:
    make_app(empty_url)
    assert schema_differences(empty_url) == []
    assert_append_only(empty_url)
    assert table_rows(empty_url)["alembic_version"] == [{"version_num": revision.HEAD}]


def set_revision(url: str, value: str) -> None:
    engine = sa.create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(revision.alembic_version.update().values(version_num=value))
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("recorded", "words"),
    [("0003", "lebih lama"), ("9999", "lebih baru"), ("abc123", "tidak mengenalnya")],
)
def test_the_app_refuses_a_database_at_another_revision(
    empty_url: str, recorded: str, words: str
) -> None:
    make_app(empty_url)
    set_revision(empty_url, recorded)
    with pytest.raises(revision.SchemaMismatch, match=words) as refusal:
        make_app(empty_url)
    assert "flask --app signup_fn init-db" in str(refusal.value)


@pytest.mark.slow
def test_gunicorn_does_not_start_on_an_older_database(v1_url: str, tmp_path: Path) -> None:
    command = gunicorn_command("signup_fn:create_app()", workers=1)
    env = server_environment({"PORTAL_DATABASE_URL": v1_url})
    with (
        pytest.raises(ServerStartError, match="flask --app signup_fn init-db"),
        running_server(command, env=env, log_path=tmp_path / "gunicorn.log"),
    ):
        pass


def test_the_command_line_refuses_too_but_init_db_runs(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "signup.sqlite3")
    make_app(url)
    set_revision(url, "9999")
    listed = flask(url, "requests", "list")
    assert listed.returncode == 1
    assert "lebih baru" in listed.stderr and "flask --app signup_fn init-db" in listed.stderr
    refused = flask(url, "init-db")  # never downgrades
    assert refused.returncode == 1 and "lebih baru" in refused.stderr


def test_the_schema_v1_files_are_what_their_script_writes() -> None:
    """The fixture is that commit's own schema, read from git history (CI clones it whole;
    elsewhere a copy without that history skips)."""
    commit = f"{SCHEMA_V1_COMMIT}^{{commit}}"
    known = subprocess.run(["git", "cat-file", "-e", commit], cwd=ROOT, capture_output=True)
    if known.returncode != 0:
        reason = f"git history without commit {SCHEMA_V1_COMMIT}"
        if running_under_ci():
            pytest.fail(f"CI=true and {reason}", pytrace=False)
        pytest.skip(reason)
    script = SCHEMA_V1 / "generate.py"
    result = subprocess.run(
        [sys.executable, script, "--check"], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_head_is_the_newest_migration_and_the_chain_is_numbered() -> None:
    scripts = ScriptDirectory(str(revision.MIGRATIONS))
    assert scripts.get_heads() == [revision.HEAD]
    chain = [script.revision for script in reversed(list(scripts.walk_revisions()))]
    assert chain == [f"{number:04d}" for number in range(1, len(chain) + 1)]
    for script in scripts.walk_revisions():
        assert Path(script.path).name.startswith(f"{script.revision}_")


def test_a_batch_rebuild_of_the_audit_log_keeps_it_append_only(tmp_path: Path) -> None:
    """SQLite's batch mode copies a table and drops the old one, its triggers with it: a
    migration that rebuilds audit_log makes them again with
    store.schema.create_append_only_triggers."""
    url = sqlite_url(tmp_path / "signup.sqlite3")
    make_app(url)
    engine = make_engine(url)
    try:
        with transaction(engine) as connection:
            operations = Operations(MigrationContext.configure(connection))
            with operations.batch_alter_table("audit_log", recreate="always") as batch:
                batch.alter_column("reason", type_=sa.String(200))
            triggers = "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
            assert connection.exec_driver_sql(triggers).scalar() == 0
            schema.create_append_only_triggers(connection)
    finally:
        engine.dispose()
    assert_append_only(url)


def alembic(url: str, action: str, target: str, migrations: Path = revision.MIGRATIONS) -> None:
    """Run Alembic's `action` (upgrade, downgrade, stamp) of `migrations` on `url`."""
    from alembic import command

    engine = make_engine(url)
    try:
        with transaction(engine) as connection:
            config = revision.alembic_config(connection)
            config.set_main_option("script_location", str(migrations))
            getattr(command, action)(config, target)
    finally:
        engine.dispose()


@pytest.mark.parametrize(("made_at", "version"), [("0002", 1), ("0003", 2)])
def test_a_database_made_before_migrations_is_stamped_where_it_was(
    v1_url: str, made_at: str, version: int
) -> None:
    """Version 1 once had the usage tables already (0002); version 2 is 0003. The database the
    code before migrations left: no alembic_version, its version in schema_version."""
    alembic(v1_url, "stamp", "0001")
    alembic(v1_url, "upgrade", made_at)
    engine = sa.create_engine(v1_url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE alembic_version")
            connection.exec_driver_sql(f"UPDATE schema_version SET version = {version}")
    finally:
        engine.dispose()
    before = table_rows(v1_url)
    engine = make_engine(v1_url)
    try:
        assert revision.init_db(engine) == revision.HEAD
    finally:
        engine.dispose()
    after = table_rows(v1_url)
    assert after["account_requests"] == before["account_requests"]
    assert after["resource_usage"] == before["resource_usage"] != []
    assert schema_differences(v1_url) == []


def test_every_migration_goes_down_and_up_again(empty_url: str) -> None:
    alembic(empty_url, "upgrade", "head")
    alembic(empty_url, "downgrade", "base")
    assert set(table_rows(empty_url)) == {"alembic_version"}
    alembic(empty_url, "upgrade", "head")
    assert schema_differences(empty_url) == []
    assert_append_only(empty_url)


def test_new_migration_writes_what_the_metadata_changed(tmp_path: Path) -> None:
    """scripts/new_migration.py, on a copy of the migrations without 0002-0004, writes a 0002
    that makes the code's schema again, in SQLAlchemy's own types."""
    migrations = tmp_path / "migrations"
    shutil.copytree(revision.MIGRATIONS, migrations, ignore=shutil.ignore_patterns("__pycache__"))
    for later in ("0002", "0003", "0004"):
        next((migrations / "versions").glob(f"{later}_*.py")).unlink()
    script = ROOT / "scripts" / "new_migration.py"
    result = subprocess.run(
        [sys.executable, script, "usage and contacts", "--migrations", migrations],
        capture_output=True, text=True, cwd=ROOT, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    written = (migrations / "versions" / "0002_usage_and_contacts.py").read_text()
    assert 'revision = "0002"' in written and 'down_revision = "0001"' in written
    assert "sa.DateTime(timezone=True)" in written and "signup_fn" not in written
    contact_index = next(line for line in written.splitlines() if "uq_open_request_contact" in line)
    condition = "_where=sa.text(\"status = 'pending'\")"
    assert f"sqlite{condition}" in contact_index and f"postgresql{condition}" in contact_index
    url = sqlite_url(tmp_path / "signup.sqlite3")
    alembic(url, "upgrade", "head", migrations)
    assert schema_differences(url) == []
    assert revision.HEAD == "0004"  # the package's own HEAD is left alone
