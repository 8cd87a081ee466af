"""Write the schema the code made before migrations (schema version 1, commit ba08d9d) as SQL.

tests/store/test_migrations.py builds a database of that schema from these files, one per
dialect (sqlite.sql, postgresql.sql), to upgrade it. They were generated once by this script,
which runs that commit's own table definitions (signup_fn/db.py, read from git) through
SQLAlchemy's DDL compiler, the audit log's triggers included:

    .venv/bin/python tests/store/schema_v1/generate.py [--check]
"""

from __future__ import annotations

import importlib
import importlib.util
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import create_mock_engine

COMMIT = "ba08d9d"
HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
# the schema's module and the one module of the package it imports
SOURCES = ("signup_fn/db.py", "signup_fn/member_numbers.py")
PACKAGE = "signup_fn_v1"


def import_schema(folder: Path) -> Any:
    """That commit's signup_fn.db, imported as `signup_fn_v1.db` from `folder`."""
    package = folder / PACKAGE
    package.mkdir()
    (package / "__init__.py").write_text("")
    for source in SOURCES:
        text = subprocess.run(
            ["git", "show", f"{COMMIT}:{source}"], cwd=ROOT, check=True, capture_output=True,
            text=True,
        ).stdout  # fmt: skip
        (package / Path(source).name).write_text(text)
    spec = importlib.util.spec_from_file_location(
        PACKAGE, package / "__init__.py", submodule_search_locations=[str(package)]
    )
    assert spec is not None and spec.loader is not None
    sys.modules[PACKAGE] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sys.modules[PACKAGE])
    return importlib.import_module(f"{PACKAGE}.db")


def ddl(metadata: Any, dialect_name: str) -> str:
    """Every CREATE of `metadata` (tables, indexes, triggers) for the dialect, as one script."""
    statements: list[str] = []

    def collect(statement: Any, *_args: Any, **_kwargs: Any) -> None:
        statements.append(str(statement.compile(dialect=engine.dialect)).strip())

    engine = create_mock_engine(f"{dialect_name}://", collect)
    metadata.create_all(engine, checkfirst=False)
    statements = in_stable_order(statements)
    header = f"-- The schema of commit {COMMIT} (schema version 1); written by generate.py\n"
    return header + "".join(f"\n{statement};\n" for statement in statements)


def in_stable_order(statements: list[str]) -> list[str]:
    """A table's indexes come from a set: each run of CREATE INDEX sorted, so every run of this
    script writes the same files."""
    ordered: list[str] = []
    run: list[str] = []
    for statement in [*statements, ""]:
        if "INDEX" in statement.split("(")[0]:
            run.append(statement)
            continue
        ordered.extend(sorted(run))
        run = []
        if statement:
            ordered.append(statement)
    return ordered


def main() -> int:
    """Write the files; with --check, only say whether they are what this script writes."""
    check = sys.argv[1:] == ["--check"]
    stale = []
    with tempfile.TemporaryDirectory() as folder:
        schema = import_schema(Path(folder))
        for dialect_name in ("sqlite", "postgresql"):
            path = HERE / f"{dialect_name}.sql"
            text = ddl(schema.metadata, dialect_name)
            if not check:
                path.write_text(text)
            elif path.read_text() != text:
                stale.append(path.name)
    if stale:
        print(f"not what generate.py writes: {', '.join(stale)}")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
