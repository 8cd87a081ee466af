"""requirements/*.txt pin each deployment's extra; a lock older than pyproject.toml fails here.

The rule: every requirement pyproject.toml states for an extra (the base dependencies and the
extras it names, followed through) is pinned in that extra's lock at a version its specifier
allows, and the lock pins nothing else as a direct requirement of the project. Offline on
purpose: a lock is not stale because a newer release exists, only because pyproject.toml
changed. The fix for a failure is `make lock`.
"""

from __future__ import annotations

import re
import tomllib
from collections import defaultdict
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
LOCKED_EXTRAS = ("function", "site", "dev")
PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[^\s;]+)")
VIA_PROJECT = "eresource-portal (pyproject.toml)"


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def requirements_of(extra: str) -> dict[str, list[Requirement]]:
    """The project's own requirements for `extra`, by name, its self-references followed."""
    meta = project()
    own = canonicalize_name(meta["name"])
    found: dict[str, list[Requirement]] = defaultdict(list)
    seen: set[str] = set()
    pending = [None, extra]  # None: the base dependencies
    while pending:
        group = pending.pop()
        if group in seen:
            continue
        seen.add(group)
        lines = meta["dependencies"] if group is None else meta["optional-dependencies"][group]
        for line in lines:
            requirement = Requirement(line)
            if canonicalize_name(requirement.name) == own:
                pending.extend(requirement.extras)
            else:
                found[canonicalize_name(requirement.name)].append(requirement)
    return found


def read_lock(extra: str) -> tuple[dict[str, list[Version]], set[str]]:
    """The lock's pins by name, and the names it says the project requires directly."""
    path = ROOT / "requirements" / f"{extra}.txt"
    assert path.exists(), f"{path.relative_to(ROOT)} is missing: run `make lock`"
    pins: dict[str, list[Version]] = defaultdict(list)
    direct: set[str] = set()
    current = None
    for line in path.read_text().splitlines():
        match = PIN.match(line)
        if match:
            current = canonicalize_name(match["name"])
            pins[current].append(Version(match["version"]))
        elif current and line.strip().lstrip("#").strip().removeprefix("via ") == VIA_PROJECT:
            direct.add(current)
    return pins, direct


@pytest.mark.parametrize("extra", LOCKED_EXTRAS)
def test_the_lock_pins_exactly_what_pyproject_requires(extra: str) -> None:
    wanted = requirements_of(extra)
    pins, direct = read_lock(extra)
    stale = "requirements/{}.txt is stale against pyproject.toml ({}): run `make lock`"
    missing = sorted(set(wanted) - set(pins))
    assert not missing, stale.format(extra, f"not pinned: {', '.join(missing)}")
    extra_direct = sorted(direct - set(wanted))
    assert not extra_direct, stale.format(extra, f"no longer required: {', '.join(extra_direct)}")
    for name, requirements in wanted.items():
        for requirement in requirements:
            outside = [str(v) for v in pins[name] if v not in requirement.specifier]
            assert not outside, stale.format(
                extra, f"{name}=={', '.join(outside)} outside {requirement.specifier}"
            )


def test_requirements_of_follows_self_references() -> None:
    """The checker itself: `dev` names `function`, which names `postgres`."""
    dev = requirements_of("dev")
    assert {"flask", "psycopg", "mkdocs", "pytest", "pyyaml"} <= set(dev)
    assert "eresource-portal" not in dev
    assert "mkdocs" not in requirements_of("function")


def test_the_makefile_locks_every_checked_extra() -> None:
    makefile = (ROOT / "Makefile").read_text()
    [line] = [line for line in makefile.splitlines() if line.startswith("LOCK_EXTRAS")]
    assert line.split(":=")[1].split() == list(LOCKED_EXTRAS)
