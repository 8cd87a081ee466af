"""The shell step of issue-to-pr.yml that applies an issue, run for real with bash.

The issue body is the attacker's text: it must reach the script byte for byte through the
environment and a file, and nothing in it may run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
BODIES = ROOT / "tests" / "scripts" / "issue_bodies"


def apply_step() -> str:
    workflow = yaml.safe_load((ROOT / ".github/workflows/issue-to-pr.yml").read_text("utf-8"))
    [job] = workflow["jobs"].values()
    [step] = [s for s in job["steps"] if s.get("id") == "apply"]
    assert step["env"] == {"ISSUE_BODY": "${{ github.event.issue.body }}"}
    return step["run"]


def run_step(tmp_path: Path, issue_body: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    work = tmp_path / "checkout"
    work.mkdir()
    shutil.copy(ROOT / "resources.yml", work / "resources.yml")
    (work / "scripts").symlink_to(ROOT / "scripts")
    temp = tmp_path / "runner-temp"
    temp.mkdir()
    env = {
        **os.environ,
        "ISSUE_BODY": issue_body,
        "RUNNER_TEMP": str(temp),
        "GITHUB_OUTPUT": str(temp / "output"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
    }
    done = subprocess.run(
        # how GitHub runs a `run:` script on ubuntu runners
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", apply_step()],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done, temp


def test_a_hostile_body_is_written_as_it_is_and_nothing_in_it_runs(tmp_path: Path):
    marker = tmp_path / "pwned"
    hostile = (BODIES / "tautan-rusak-url-baru.md").read_text("utf-8").replace(
        "jove", "garuda", 1
    ).replace(
        "https://www.jove.com/id/", "https://garuda.example.id/"
    ) + f'\n$(touch {marker}) `touch {marker}` ${{HOME}} \'"; touch {marker}; echo "\n'
    done, temp = run_step(tmp_path, hostile)
    assert done.returncode == 0, done.stderr
    assert not marker.exists()
    assert (temp / "issue-body.md").read_text("utf-8") == hostile
    assert (temp / "output").read_text("utf-8") == "status=0\n"
    assert (temp / "message.txt").read_text("utf-8") == "Perbarui url sumber 'garuda'\n"
    text = (tmp_path / "checkout" / "resources.yml").read_text("utf-8")
    assert "    url: https://garuda.example.id/\n" in text


def test_a_refused_body_gives_status_1_and_a_report(tmp_path: Path):
    done, temp = run_step(tmp_path, (BODIES / "bukan-formulir.md").read_text("utf-8"))
    assert done.returncode == 0, done.stderr  # the step itself succeeds; the status says why
    assert (temp / "output").read_text("utf-8") == "status=1\n"
    assert "tidak cocok dengan formulir" in (temp / "report.md").read_text("utf-8")
    assert (tmp_path / "checkout" / "resources.yml").read_bytes() == (
        ROOT / "resources.yml"
    ).read_bytes()
