"""Write the next schema migration: what signup_fn's metadata changed since the newest one.

    .venv/bin/python scripts/new_migration.py "what changes, in a few words"

A scratch SQLite database is brought to the newest migration, Alembic's autogenerate compares
it with the metadata (signup_fn/store/schema.py) and writes `NNNN_what_changes.py` (the next number)
into signup_fn/store/migrations/versions/; `HEAD` in signup_fn/store/revision.py moves to it.
Read the file before committing it (signup_fn/README.md, "Schema migrations"): autogenerate
sees no renames, no data to move, and no triggers.
"""

from __future__ import annotations

import argparse
import re
import tempfile
from pathlib import Path

from alembic import command

from signup_fn.store import revision
from signup_fn.store.engine import make_engine, transaction

REVISION_MODULE = Path(revision.__file__)


def write_migration(message: str, migrations: Path) -> Path:
    """The next migration written into `migrations`/versions; returns its path."""
    scripts = sorted((migrations / "versions").glob("[0-9][0-9][0-9][0-9]_*.py"))
    next_id = f"{int(scripts[-1].name[:4]) + 1:04d}"
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'scratch.sqlite3'}")
        try:
            with transaction(engine) as connection:
                config = revision.alembic_config(connection)
                config.set_main_option("script_location", str(migrations))
                command.upgrade(config, "head")
                written = command.revision(config, message, autogenerate=True, rev_id=next_id)
        finally:
            engine.dispose()
    assert written is not None and not isinstance(written, list)
    return Path(written.path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("message", help="what the migration changes")
    parser.add_argument(
        "--migrations", type=Path, default=revision.MIGRATIONS, help=argparse.SUPPRESS
    )
    arguments = parser.parse_args()
    path = write_migration(arguments.message, arguments.migrations)
    if arguments.migrations == revision.MIGRATIONS:
        source = REVISION_MODULE.read_text(encoding="utf-8")
        source = re.sub(r'^HEAD = "\d{4}"$', f'HEAD = "{path.name[:4]}"', source, flags=re.M)
        REVISION_MODULE.write_text(source, encoding="utf-8")
    print(f"{path} ditulis; periksa isinya sebelum commit")


if __name__ == "__main__":
    main()
