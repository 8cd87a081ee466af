"""The real SLiMS 9.7 source tree for the tests (tests only; never copied into the repository).

`PORTAL_TEST_SLIMS_TREE` names the tree: the upstream tarball (`.tar.xz`) or an unpacked
directory; by default the tarball `shared/slims/slims9_bulian-8ab9960c.tar.xz` beside this
checkout (slims/slims9_bulian at 8ab9960c). Tests that need it, or Debian's php-cli, skip with
the reason when either is missing, and fail under `CI=true`.

`installer_sql()` runs SLiMS' own `install/install.sql.php` with php and returns its statements
(tables, rows and the `loan` triggers), so test databases get SLiMS' schema from SLiMS itself.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
TREE_SETTING = "PORTAL_TEST_SLIMS_TREE"
DEFAULT_TREE = REPOSITORY.parent / "shared" / "slims" / "slims9_bulian-8ab9960c.tar.xz"
INSTALL_SQL = "install/install.sql.php"


def unavailable(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


def slims_tree() -> Path:
    """The configured SLiMS tree (tarball or directory); skips (fails under CI) without it."""
    tree = Path(os.environ.get(TREE_SETTING) or DEFAULT_TREE)
    if not tree.exists():
        unavailable(f"the SLiMS tree is missing at {tree} (set {TREE_SETTING})")
    return tree


def php() -> str:
    """Debian's php-cli (scripts/ensure_test_deps.sh installs it with SLiMS' extensions)."""
    found = shutil.which("php")
    if found is None:
        unavailable("php is not installed (make browser-deps installs php-cli)")
    return str(found)


def unpack(tree: Path, destination: Path) -> Path:
    """A writable copy of the whole tree in `destination` (SLiMS writes its config there)."""
    if tree.is_dir():
        shutil.copytree(tree, destination, dirs_exist_ok=True)
    else:
        with tarfile.open(tree) as archive:
            archive.extractall(destination, filter="data")
    return destination


def member_text(tree: Path, path: str) -> str:
    """One file of the tree as text (read from the tarball without unpacking the rest)."""
    if tree.is_dir():
        return (tree / path).read_text(encoding="utf-8")
    with tarfile.open(tree) as archive:
        for member in archive:
            if member.name.removeprefix("./") == path:
                extracted = archive.extractfile(member)
                assert extracted is not None
                return extracted.read().decode("utf-8")
    raise FileNotFoundError(f"{tree}: no {path}")


@dataclass(frozen=True)
class InstallerSql:
    """SLiMS' installer statements in the order `install/api.php` runs them."""

    statements: tuple[str, ...]
    triggers: tuple[str, ...]


DUMP_SQL = """
require $argv[1];
$order = ['create', 'insert', 'alter', 'update', 'delete', 'truncate', 'drop'];
$statements = [];
foreach ($order as $type) { foreach ($sql[$type] ?? [] as $item) { $statements[] = $item; } }
echo json_encode(['statements' => $statements, 'triggers' => array_values($query_trigger)]);
"""


@cache
def installer_sql() -> InstallerSql:
    """The statements of the tree's `install/install.sql.php`, evaluated by php."""
    source = member_text(slims_tree(), INSTALL_SQL)
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "install.sql.php"
        script.write_text(source, encoding="utf-8")
        done = subprocess.run(
            [php(), "-r", DUMP_SQL, str(script)], capture_output=True, check=True, timeout=60
        )
    dumped = json.loads(done.stdout)
    return InstallerSql(tuple(dumped["statements"]), tuple(dumped["triggers"]))
