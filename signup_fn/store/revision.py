"""The schema's revision: the code's, the database's, and how one is brought to the other.

Alembic's migrations (signup_fn/store/migrations/versions/, ids `0001`, `0002`, ... in order)
change the schema; `alembic_version` records the database's revision. The rules:

- An empty database gets `metadata.create_all()` and is stamped at `HEAD` (the same schema as
  the migrations make, held equal by tests/store/test_migrations.py), on first start as by
  `flask --app signup_fn init-db`.
- The app starts only on a database at `HEAD`: one query of `alembic_version`, no Alembic import
  on a start's path. Any other revision, an older one or one the code does not know, stops the
  start with `SchemaMismatch`, whose message names the command to run.
- `flask --app signup_fn init-db` (`init_db`) runs the migrations from the database's revision
  to `HEAD`. A database made before the migrations (its version in the `schema_version` table)
  is first stamped at the revision it matches.

Each runs in one transaction: SQLite's `BEGIN IMMEDIATE` and PostgreSQL's advisory lock make
workers that start together wait for each other instead of racing to create tables.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    func,
    inspect,
    select,
)
from sqlalchemy import exc as sa_exc

from . import schema
from .engine import transaction

if TYPE_CHECKING:
    from alembic.config import Config

# The newest migration's id: a start compares the database's revision with it. A test keeps it
# equal to the head of migrations/versions/.
HEAD = "0004"

MIGRATIONS = Path(__file__).parent / "migrations"
INIT_DB = "flask --app signup_fn init-db"
ADVISORY_LOCK = 0x504F5254414C  # "PORTAL": one schema change at a time on PostgreSQL

# Alembic's own table, as Alembic creates it, for stamping a database made by create_all.
alembic_version = Table(
    "alembic_version",
    MetaData(),
    Column("version_num", String(32), primary_key=True),
)

# A database made before the migrations recorded its schema version here; the revision each
# version matches. Version 1 of the code that already counted uses (the resource_usage table)
# matches 0002.
LEGACY_VERSIONS = {1: "0001", 2: "0003"}
LEGACY_WITH_USAGE = "0002"


class SchemaMismatch(RuntimeError):
    """The database's schema is not the one this code was written for; the message says what
    to do (in Indonesian, then in English)."""


def is_older(revision: str) -> bool:
    """A revision before `HEAD`; any other but `HEAD` is newer (made by code this one predates)."""
    return revision.isdigit() and len(revision) == len(HEAD) and revision < HEAD


def mismatch(revision: str | None) -> SchemaMismatch:
    """The refusal to run on a database at `revision` (None: made before the migrations)."""
    if revision is None or is_older(revision):
        shown = revision or "sebelum migrasi"
        return SchemaMismatch(
            f"Skema basis data (revisi {shown}) lebih lama daripada kode ini (revisi {HEAD}): "
            f"cadangkan basis data, lalu jalankan `{INIT_DB}`. / "
            f"The database schema (revision {revision or 'before migrations'}) is older than "
            f"this code's ({HEAD}): back the database up, then run `{INIT_DB}`."
        )
    return SchemaMismatch(
        f"Skema basis data (revisi {revision}) lebih baru daripada kode ini (revisi {HEAD}), "
        f"yang tidak mengenalnya: pasang versi portal yang membuatnya; `{INIT_DB}` tidak "
        f"menurunkan skema. / The database schema (revision {revision}) is newer than this "
        f"code's ({HEAD}), which does not know it: deploy the portal version that made it; "
        f"`{INIT_DB}` never downgrades a schema."
    )


def not_a_portal_database() -> SchemaMismatch:
    return SchemaMismatch(
        "Basis data ini berisi tabel tetapi bukan skema portal (tidak ada alembic_version atau "
        "schema_version): gunakan basis data kosong. / The database holds tables but no portal "
        "schema (no alembic_version or schema_version table): use an empty database."
    )


def recorded_revision(connection: Connection) -> str | None:
    """The revision in `alembic_version`; None when the table does not exist."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.scalar(select(alembic_version.c.version_num))


def lock_schema(connection: Connection) -> None:
    """Hold the schema for this transaction (SQLite: `BEGIN IMMEDIATE` already does)."""
    if connection.dialect.name == "postgresql":
        connection.execute(select(func.pg_advisory_xact_lock(ADVISORY_LOCK)))


def create_schema(connection: Connection) -> None:
    """The whole schema at `HEAD` on an empty database, recorded as `HEAD`."""
    schema.metadata.create_all(connection)
    alembic_version.create(connection)
    connection.execute(alembic_version.insert().values(version_num=HEAD))


def is_empty(connection: Connection) -> bool:
    return not inspect(connection).get_table_names()


def made_before_migrations(connection: Connection) -> bool:
    return inspect(connection).has_table("schema_version")


def at_head(connection: Connection) -> bool:
    """Lock the schema; True when the database is at `HEAD` (an empty one is created there)."""
    lock_schema(connection)
    revision = recorded_revision(connection)
    if revision is None and is_empty(connection):
        create_schema(connection)
        return True
    return revision == HEAD


def check_schema(engine: Engine) -> SchemaMismatch | None:
    """None when the database is at `HEAD` (an empty one is brought there first); otherwise the
    refusal to start, for the caller to raise."""
    try:
        with engine.connect() as connection:
            revision = connection.execution_options(read_only=True).scalar(
                select(alembic_version.c.version_num)
            )
    except sa_exc.DBAPIError:  # no alembic_version table: empty, or made before migrations
        revision = None
    if revision == HEAD:
        return None
    with transaction(engine) as connection:
        if at_head(connection):  # now, or another worker got there first
            return None
        revision = recorded_revision(connection)
        if revision is None and not made_before_migrations(connection):
            return not_a_portal_database()
    return mismatch(revision)


def alembic_config(connection: Connection) -> Config:
    """Alembic's configuration, in code: our migrations, run on `connection`."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    config.attributes["connection"] = connection
    return config


schema_version = Table("schema_version", MetaData(), Column("version", Integer))


def legacy_revision(connection: Connection) -> str:
    """The revision matching a database made before the migrations (`schema_version`)."""
    if not made_before_migrations(connection):
        raise not_a_portal_database()
    version = connection.scalar(select(func.max(schema_version.c.version)))
    if version == 1 and inspect(connection).has_table("resource_usage"):
        return LEGACY_WITH_USAGE
    if version not in LEGACY_VERSIONS:
        raise SchemaMismatch(
            f"Versi skema {version} (sebelum migrasi) tidak dikenal. / "
            f"Unknown schema version {version} (before migrations)."
        )
    return LEGACY_VERSIONS[version]


def init_db(engine: Engine) -> str:
    """Bring the database to `HEAD`: an empty one created, an older one migrated; returns HEAD.

    A newer database, or one the code does not know, is refused (`SchemaMismatch`): migrations
    never run down here.
    """
    with transaction(engine) as connection:
        if at_head(connection):
            return HEAD
        revision = recorded_revision(connection)
        if revision is not None and not is_older(revision):
            raise mismatch(revision)
        from alembic import command

        config = alembic_config(connection)
        if revision is None:
            command.stamp(config, legacy_revision(connection))
        command.upgrade(config, "head")
    return HEAD
