"""scripts/library_env.py: the function's identity settings are the site's, from mkdocs.yml."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "library_env.py"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args], capture_output=True, text=True, timeout=60
    )


def test_the_repository_library_as_environment_lines() -> None:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    library, services = config["extra"]["library"], config["extra"]["services"]
    result = run(str(ROOT / "mkdocs.yml"))
    assert result.returncode == 0, result.stderr
    lines = dict(line.split("=", 1) for line in result.stdout.splitlines())
    expected = {
        "PORTAL_LIBRARY_NAME": library["name"],
        "PORTAL_LIBRARY_SHORT_NAME": library["short_name"],
        "PORTAL_LIBRARY_EMAIL": services["email"],
        "PORTAL_LIBRARY_PHONE": services["phone"],
        "PORTAL_LIBRARY_ADDRESS": library["address"],
        "PORTAL_LIBRARY_WEBSITE": library["website"],
        "PORTAL_TIMEZONE": config["extra"]["catalog"]["timezone"],
    }
    assert lines == {key: value for key, value in expected.items() if value}


def test_export_lines_survive_the_shell(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "logo.png").write_bytes(b"\x89PNG")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Portal\ntheme:\n  logo: logo.png\nextra:\n"
        '  library:\n    name: Perpustakaan "Contoh" & Mitra $HOME\n'
        "  catalog:\n    timezone: Asia/Jayapura\n",
        encoding="utf-8",
    )
    result = run(str(tmp_path / "mkdocs.yml"), "--export")
    assert result.returncode == 0, result.stderr
    shown = subprocess.run(
        [
            "bash",
            "-c",
            result.stdout + 'printf "%s|%s|%s" "$PORTAL_LIBRARY_NAME" '
            '"$PORTAL_TIMEZONE" "$PORTAL_LIBRARY_LOGO"',
        ],
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout
    logo = tmp_path / "docs" / "logo.png"
    assert shown == f'Perpustakaan "Contoh" & Mitra $HOME|Asia/Jayapura|{logo.resolve()}'


def test_a_bad_zone_is_refused(tmp_path: Path) -> None:
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Portal\nextra:\n  catalog:\n    timezone: WITA\n", encoding="utf-8"
    )
    result = run(str(tmp_path / "mkdocs.yml"))
    assert result.returncode == 2 and "extra.catalog.timezone" in result.stderr
