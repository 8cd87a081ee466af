"""A function-only install: `pip install '.[function]'` in a fresh venv, at the lock's versions.

The rule: the `function` extra carries every module signup_fn imports and nothing of the site
(mkdocs, Material, Babel, Pygments, aiohttp). The venv gets a copy of the package's sources
(never the work tree, so no build output lands in it), pinned by requirements/function.txt;
pip reaches the package index as configured on the machine. Then, inside that venv, every
signup_fn module imports (the serverless adapters in `signup_fn.main` need the `serverless`
extra and are left out), the app answers a sign-up with 202 and the health check with 200,
the schema's migrations are installed with the package, and none of the site's packages is
installed or imported.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import textwrap
import venv
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "catalog", "signup_fn")
SITE_ONLY = {"mkdocs": "mkdocs", "mkdocs-material": "material", "babel": "babel"}
SITE_ONLY |= {"pygments": "pygments", "aiohttp": "aiohttp"}  # distribution -> import name

PROBE = textwrap.dedent(
    """
    import importlib, importlib.metadata, json, pkgutil, sys
    import signup_fn
    from signup_fn import create_app

    site_only = json.loads(sys.argv[2])
    app = create_app({
        "DATABASE_URL": "sqlite:///" + sys.argv[1],
        "SECRET_KEY": "function-install-secret-key-0123456789abcdef",
        "SITE_URL": "https://site.example",
        "BASE_URL": "https://fn.site.example",
    })
    client = app.test_client()
    signup = client.post("/api/signup", json={
        "member_id": "P27820121001", "name": "Siti Nurhaliza", "email": "siti@example.ac.id",
        "phone": "+62 812-3456-7890", "programme": "D3 Keperawatan", "role": "student",
        "consent": True, "elapsed_ms": 9000,
    })
    health = client.get("/api/health")
    after_signup = sorted(m for m in sys.modules if m.split(".")[0] in site_only.values())
    from alembic.script import ScriptDirectory
    from signup_fn.store import revision
    migration_heads = ScriptDirectory(str(revision.MIGRATIONS)).get_heads()
    failed = {}
    for module in pkgutil.walk_packages(signup_fn.__path__, "signup_fn."):
        if module.name != "signup_fn.main":
            try:
                importlib.import_module(module.name)
            except ImportError as exc:
                failed[module.name] = str(exc)
    installed = []
    for dist in site_only:
        try:
            importlib.metadata.distribution(dist)
            installed.append(dist)
        except importlib.metadata.PackageNotFoundError:
            pass
    print(json.dumps({
        "signup": signup.status_code, "health": health.status_code,
        "imported_after_signup": after_signup,
        "imported_after_all": sorted(
            m for m in sys.modules if m.split(".")[0] in site_only.values()
        ),
        "import_errors": failed, "installed": installed,
        "migration_heads": migration_heads, "head": revision.HEAD,
    }))
    """
)


def test_function_extra_serves_a_signup_without_the_site(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    for name in SOURCES:
        path = ROOT / name
        if path.is_dir():
            shutil.copytree(path, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(path, source / name)
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    install = subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
         "-c", ROOT / "requirements" / "function.txt", f"{source}[function]"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert install.returncode == 0, install.stdout + install.stderr

    probe = subprocess.run(
        [python, "-c", PROBE, str(tmp_path / "portal.sqlite3"), json.dumps(SITE_ONLY)],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    assert probe.returncode == 0, probe.stderr
    result = json.loads(probe.stdout.strip().splitlines()[-1])
    assert result["signup"] == 202, result
    assert result["health"] == 200, result
    assert result["import_errors"] == {}, result["import_errors"]
    assert result["migration_heads"] == [result["head"]]  # the migrations are installed
    assert result["installed"] == [], f"the function extra installs {result['installed']}"
    assert result["imported_after_signup"] == []
    assert result["imported_after_all"] == []
