"""The site built in tests and benchmarks: the real `mkdocs build`, run one way everywhere.

The rule: mkdocs runs as this interpreter's module from the repository root, on the config
given, with PORTAL_CATALOG naming the catalog to build (the config's own catalog when none is
given); the finished process is returned, so a test can assert on a refused build as well as
on a built one.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BUILD_TIMEOUT = 600  # seconds: the longest any caller allowed


def mkdocs_build(
    config: Path,
    catalog: Path | None = None,
    *,
    site_dir: Path | None = None,
    strict: bool = True,
) -> subprocess.CompletedProcess[str]:
    """`mkdocs build [--strict] -f CONFIG [-d SITE_DIR]` with PORTAL_CATALOG=CATALOG."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if catalog is not None:
        env["PORTAL_CATALOG"] = str(catalog)
    command = [sys.executable, "-m", "mkdocs", "build", "-f", str(config)]
    if site_dir is not None:
        command += ["-d", str(site_dir)]
    if strict:
        command.append("--strict")
    return subprocess.run(
        command, cwd=REPO, env=env, capture_output=True, text=True, timeout=BUILD_TIMEOUT
    )
