"""`validate.py --github` on a bad catalog: annotations name the file and the right line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

BAD = """\
subjects:
  - id: umum
    name: Umum

resources:
  - id: baik
    name: Sumber baik
    url: https://baik.example/
    access: free
    type: database
    subjects: [umum]
    description: Baik.
    added: 2024-01-01

  - id: salah
    name: Sumber salah
    url: ftp://salah.example/
    access: gratis
    type: database
    subjects: [umum]
    description: Salah.
    added: 2024-01-01
"""


def test_errors_become_annotations_on_their_lines(tmp_path: Path):
    (tmp_path / "resources.yml").write_text(BAD, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "validate.py"), "resources.yml", "--github"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    )
    assert done.returncode == 1
    annotations = [line for line in done.stdout.splitlines() if line.startswith("::")]
    assert len(annotations) == 2
    url_line = BAD.splitlines().index("    url: ftp://salah.example/") + 1
    access_line = url_line + 1
    assert annotations[0].startswith(f"::error file=resources.yml,line={url_line}::salah: ")
    assert "https://" in annotations[0]
    assert annotations[1].startswith(f"::error file=resources.yml,line={access_line}::salah: ")
    assert "gratis" in annotations[1]
