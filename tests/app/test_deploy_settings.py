"""DEPLOY.md's production settings are the files the tests use, never a copy of them.

The rule: the one-machine settings live in deploy/portal.env.example and
deploy/gunicorn.conf.py; DEPLOY.md points to both, and holds no second, divergent list of the
environment file's lines or of gunicorn's options. tests/support/deployment.py reads the same
files to start the function as deployed.
"""

from __future__ import annotations

import re

from tests.support.deployment import ENV_EXAMPLE, GUNICORN_CONF, example_settings
from tests.support.serving import REPO_ROOT

DEPLOY_MD = REPO_ROOT / "DEPLOY.md"
GUNICORN_OPTIONS_SET_IN_CONF = ("--bind", "--workers", "--access-logfile", "--access-logformat")


def fenced_blocks(text: str) -> list[str]:
    return re.findall(r"^```[^\n]*\n(.*?)^```", text, re.MULTILINE | re.DOTALL)


def test_deploy_md_points_to_the_settings_files() -> None:
    text = DEPLOY_MD.read_text("utf-8")
    for path in (ENV_EXAMPLE, GUNICORN_CONF):
        assert f"({path.relative_to(REPO_ROOT).as_posix()})" in text, path.name
    assert "--config deploy/gunicorn.conf.py" in text


def test_deploy_md_holds_no_copy_of_the_environment_file() -> None:
    keys = set(example_settings())
    for block in fenced_blocks(DEPLOY_MD.read_text("utf-8")):
        assigned = {line.split("=", 1)[0].strip() for line in block.splitlines() if "=" in line}
        assert not (assigned & keys), f"DEPLOY.md repeats {sorted(assigned & keys)}:\n{block}"


def test_deploy_md_holds_no_gunicorn_options_of_the_config_file() -> None:
    for block in fenced_blocks(DEPLOY_MD.read_text("utf-8")):
        if "gunicorn" not in block:
            continue
        repeated = [option for option in GUNICORN_OPTIONS_SET_IN_CONF if option in block]
        assert not repeated, f"DEPLOY.md sets {repeated} beside deploy/gunicorn.conf.py"


def test_the_example_is_a_production_configuration() -> None:
    settings = example_settings()
    assert settings["PORTAL_ENV"] == "production"
    assert settings["PORTAL_BASE_URL"].startswith("https://")
    assert settings["PORTAL_SITE_URL"].startswith("https://")
    assert settings["PORTAL_DATABASE_URL"].startswith("postgresql")
