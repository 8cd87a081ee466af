"""Back up and restore the function's database (DEPLOY.md, "Backups and restore").

    python scripts/backup.py backup  DATABASE_URL FILE   # SQLite online copy, or pg_dump -Fc
    python scripts/backup.py restore FILE DATABASE_URL   # into a NEW, empty database

DATABASE_URL is the function's `PORTAL_DATABASE_URL` (SQLAlchemy form: `sqlite:///path` or
`postgresql+psycopg://user@host/db`). The rules: a SQLite backup uses SQLite's online backup
API (safe while the function writes) and is checked with `PRAGMA integrity_check`; a restore
never overwrites: the target file must not exist, the target PostgreSQL database must be
empty (pg_restore stops at the first error). Exit 0 on success, 1 with a message otherwise.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from sqlalchemy.engine import URL, make_url


class BackupError(RuntimeError):
    """A backup or restore could not be made; the message says why."""


def backup(database_url: str, file: Path) -> None:
    """Write a consistent copy of the database at `database_url` to `file`."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        _copy_sqlite(Path(_sqlite_path(database_url)), file)
    elif url.get_backend_name() == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(file), _libpq(url)])
    else:
        raise BackupError(f"unsupported database: {url.get_backend_name()}")


def restore(file: Path, database_url: str) -> None:
    """Restore `file` into a new SQLite file or an empty PostgreSQL database."""
    url = make_url(database_url)
    if not file.is_file():
        raise BackupError(f"{file}: no such backup file")
    if url.get_backend_name() == "sqlite":
        _copy_sqlite(file, Path(_sqlite_path(database_url)))
    elif url.get_backend_name() == "postgresql":
        _run(
            [
                "pg_restore",
                "--no-owner",
                "--exit-on-error",
                "--single-transaction",
                "--dbname",
                _libpq(url),
                str(file),
            ]
        )
    else:
        raise BackupError(f"unsupported database: {url.get_backend_name()}")


def check_sqlite(path: Path) -> None:
    """Raise BackupError unless `PRAGMA integrity_check` says ok."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        verdict = connection.execute("PRAGMA integrity_check").fetchone()[0]
    connection.close()
    if verdict != "ok":
        raise BackupError(f"{path}: integrity check failed: {verdict}")


def _copy_sqlite(source: Path, target: Path) -> None:
    if not source.is_file():
        raise BackupError(f"{source}: no such SQLite file")
    if target.exists():
        raise BackupError(f"{target}: exists already; restore into a new file")
    partial = target.with_name(target.name + ".partial")
    with (
        sqlite3.connect(f"file:{source}?mode=ro", uri=True) as src,
        sqlite3.connect(partial) as dst,
    ):
        src.backup(dst)
    src.close()
    dst.close()
    check_sqlite(partial)
    partial.rename(target)


def _sqlite_path(database_url: str) -> str:
    database = make_url(database_url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return database


def _libpq(url: URL) -> str:
    """The libpq connection URI of a SQLAlchemy PostgreSQL URL (driver name dropped)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} not found; install the PostgreSQL client tools")
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Back up or restore the function's database.")
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("backup", help="copy DATABASE_URL into FILE")
    make.add_argument("database_url")
    make.add_argument("file", type=Path)
    back = commands.add_parser("restore", help="restore FILE into a new DATABASE_URL")
    back.add_argument("file", type=Path)
    back.add_argument("database_url")
    args = parser.parse_args(argv)
    try:
        if args.command == "backup":
            backup(args.database_url, args.file)
            print(f"backup written: {args.file}")
        else:
            restore(args.file, args.database_url)
            print(f"restored {args.file} into {make_url(args.database_url)!r}")
    except BackupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
