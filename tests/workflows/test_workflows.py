"""The GitHub Actions workflows: triggers, steps, least permissions, actions pinned by SHA."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from catalog.site_settings import catalog_zone, read_mkdocs

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
PINNED = re.compile(r"^[\w.-]+/[\w.-]+(/[\w./-]+)?@[0-9a-f]{40}$")
VERSION_COMMENT = re.compile(r"uses:\s*\S+@[0-9a-f]{40} # v\d+\.\d+\.\d+$")


def load(name: str) -> dict[str, Any]:
    # PyYAML (YAML 1.1) reads the key `on` as True; GitHub reads it as "on".
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))
    return data


def steps_of(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def runs_of(workflow: dict[str, Any]) -> str:
    return "\n".join(step.get("run", "") for step in steps_of(workflow))


def uses_of(workflow: dict[str, Any]) -> list[str]:
    return [step["uses"] for step in steps_of(workflow) if "uses" in step]


ALL = sorted(path.name for path in WORKFLOWS.glob("*.yml"))


def test_the_workflows_exist():
    assert {"pr.yml", "pages.yml", "links.yml", "issue-to-pr.yml"} <= set(ALL)


@pytest.mark.parametrize("name", ALL)
def test_every_action_is_pinned_to_a_full_commit_sha_with_its_version(name):
    workflow = load(name)
    uses = uses_of(workflow)
    assert uses
    for action in uses:
        assert PINNED.match(action), f"{name}: {action} is not pinned to a 40-hex commit SHA"
    text = (WORKFLOWS / name).read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines() if "uses:" in line]
    for line in lines:
        assert VERSION_COMMENT.search(line), f"{name}: `{line}` lacks a `# vX.Y.Z` comment"


@pytest.mark.parametrize("name", ALL)
def test_permissions_default_to_read_only(name):
    workflow = load(name)
    assert workflow["permissions"] == {"contents": "read"}
    for job_name, job in workflow["jobs"].items():
        assert "permissions" in job, f"{name}:{job_name} states its permissions"
        assert "timeout-minutes" in job


def test_pull_requests_validate_build_and_check_changed_links():
    workflow = load("pr.yml")
    assert set(workflow["on"]) == {"pull_request"}
    assert set(workflow["jobs"]) == {"check", "zensical"}
    job = workflow["jobs"]["check"]
    assert all(j["permissions"] == {"contents": "read"} for j in workflow["jobs"].values())
    uses = [step["uses"] for step in job["steps"] if "uses" in step]
    assert uses[0].startswith("actions/checkout@")
    assert any(action.startswith("actions/setup-python@") for action in uses)
    checkout = job["steps"][0]
    assert checkout["with"]["fetch-depth"] == 0
    runs = [step.get("run", "") for step in job["steps"]]
    order = [
        next(i for i, run in enumerate(runs) if "pip install" in run),
        next(
            i for i, run in enumerate(runs) if "scripts/validate.py resources.yml --github" in run
        ),
        next(i for i, run in enumerate(runs) if "mkdocs build --strict" in run),
        next(i for i, run in enumerate(runs) if "scripts/check_links.py" in run),
    ]
    assert order == sorted(order)
    assert "--changed-from" in runs[order[3]] and "--github" in runs[order[3]]
    # untrusted input reaches the shell through env, never through ${{ }} in `run`
    assert "${{" not in runs_of(workflow)


def test_pull_requests_build_the_same_site_with_zensical():
    job = load("pr.yml")["jobs"]["zensical"]
    runs = [step.get("run", "") for step in job["steps"]]
    assert any("-e '.[dev]'" in run for run in runs)  # the dev extra brings Zensical
    build = next(i for i, run in enumerate(runs) if "scripts/build_zensical.py" in run)
    compare = next(i for i, run in enumerate(runs) if "tests/site/test_zensical.py" in run)
    assert build < compare
    assert job["steps"][compare]["env"]["CI"] == "true"  # a missing Zensical fails, not skips


def test_main_is_built_and_deployed_to_pages():
    workflow = load("pages.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    build, deploy = workflow["jobs"]["build"], workflow["jobs"]["deploy"]
    assert build["permissions"] == {"contents": "read"}
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    build_uses = [step.get("uses", "").split("@")[0] for step in build["steps"]]
    assert "actions/configure-pages" in build_uses
    assert "actions/upload-pages-artifact" in build_uses
    upload = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/upload-pages"))
    assert upload["with"]["path"] == "site"
    assert "mkdocs build --strict --site-dir site" in runs_of(workflow)
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]


def midnight_cron(extra: dict[str, Any], minutes: int = 5) -> str:
    """The daily UTC cron `minutes` past midnight in the zone of `extra.catalog.timezone`."""
    zone = catalog_zone(extra)
    local = datetime(2026, 12, 3, 0, minutes, tzinfo=zone)  # Indonesia keeps no summer time
    moment = local.astimezone(UTC)
    return f"{moment.minute} {moment.hour} * * *"


def test_pages_rebuild_daily_just_after_midnight_in_the_librarys_zone():
    workflow = load("pages.yml")
    assert set(workflow["on"]) == {"push", "schedule", "workflow_dispatch"}
    [cron] = [entry["cron"] for entry in workflow["on"]["schedule"]]
    assert cron == midnight_cron(read_mkdocs(ROOT / "mkdocs.yml")["extra"])


def test_the_midnight_cron_follows_the_zone():
    assert midnight_cron({"catalog": {"timezone": "Asia/Jakarta"}}) == "5 17 * * *"
    assert midnight_cron({"catalog": {"timezone": "Asia/Makassar"}}) == "5 16 * * *"
    assert midnight_cron({"catalog": {"timezone": "Asia/Jayapura"}}) == "5 15 * * *"
    assert midnight_cron({}) == "5 17 * * *"  # the default zone


def test_links_run_weekly_and_keep_one_issue():
    workflow = load("links.yml")
    assert set(workflow["on"]) == {"schedule", "workflow_dispatch"}
    [cron] = [entry["cron"] for entry in workflow["on"]["schedule"]]
    assert cron.split()[2:4] == ["*", "*"] and cron.split()[4] != "*"  # once a week
    [job] = workflow["jobs"].values()
    assert job["permissions"] == {"contents": "read", "issues": "write"}
    assert "python scripts/check_links.py resources.yml" in runs_of(workflow)
    script = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/github-script"))
    source = script["with"]["script"]
    assert "labels: label" in source and "issues.update" in source and "issues.create" in source


def test_an_approved_catalog_issue_becomes_a_pull_request():
    workflow = load("issue-to-pr.yml")
    assert workflow["on"] == {"issues": {"types": ["labeled"]}}
    [job] = workflow["jobs"].values()
    assert "github.event.label.name == 'setujui'" in job["if"]
    assert job["permissions"] == {"contents": "write", "pull-requests": "write", "issues": "write"}
    steps = job["steps"]
    # the labeler's permission is checked before anything else runs
    assert steps[0]["uses"].startswith("actions/github-script@")
    assert "getCollaboratorPermissionLevel" in steps[0]["with"]["script"]
    assert "['admin', 'write'].includes" in steps[0]["with"]["script"]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["persist-credentials"] is False
    # the untrusted body reaches the script through env and a file, never through ${{ }}
    assert "${{" not in runs_of(workflow)
    apply = next(s for s in steps if "scripts/issue_to_catalog.py" in s.get("run", ""))
    assert apply["env"] == {"ISSUE_BODY": "${{ github.event.issue.body }}"}
    runs = [step.get("run", "") for step in steps]
    order = [
        next(i for i, run in enumerate(runs) if "scripts/issue_to_catalog.py" in run),
        next(i for i, run in enumerate(runs) if "scripts/validate.py resources.yml" in run),
        next(i for i, run in enumerate(runs) if "mkdocs build --strict" in run),
        next(i for i, run in enumerate(runs) if "--changed-from HEAD" in run),
        next(i for i, run in enumerate(runs) if "push --force origin" in run),
    ]
    assert order == sorted(order)
    report = steps[-1]["with"]["script"]
    assert "pulls.create" in report and "issues.createComment" in report
