"""actionlint (with shellcheck for the `run:` scripts) passes on every workflow."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent  # the venv's bin, where the dev dependencies install both


def tool(name: str) -> str:
    found = shutil.which(name, path=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{name} is missing: pip install -e '.[dev]' installs it")
        pytest.skip(f"{name} is missing: pip install -e '.[dev]' installs it")
    return found


def test_actionlint_passes_on_every_workflow():
    actionlint = tool("actionlint")
    tool("shellcheck")  # actionlint checks `run:` scripts with the shellcheck on PATH
    workflows = sorted(str(path) for path in (ROOT / ".github" / "workflows").glob("*.yml"))
    assert len(workflows) >= 4
    done = subprocess.run(
        [actionlint, "-no-color", *workflows],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
