"""No link token reaches a log of the deployed function.

The function runs as DEPLOY.md deploys it (deployment.py: deploy/gunicorn.conf.py's access and
error logs, production settings, PostgreSQL, HTTPS). A librarian's setup link, a patron's
activation link and a reset link are each opened and used, plus a made-up token; the tokens
must then appear nowhere in gunicorn's access and error log, which still records each request's
path. DEPLOY.md's nginx example logs the path without the query string too.
"""

from __future__ import annotations

import re
import runpy
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.support.deployment import GUNICORN_CONF, DeployedFunction
from tests.support.https_client import (
    NEW_PASSWORD,
    activate,
    activation_link,
    browser_session,
    deployed_with_mail,
    link_in,
    post_form,
    set_up_librarian,
    wait_for_mail,
)
from tests.support.serving import REPO_ROOT
from tests.support.smtp_server import SmtpServer, running_smtp_server

DEPLOY_MD = REPO_ROOT / "DEPLOY.md"
QUERY_VARIABLES = ("$request ", '$request"', "$request_uri", "$args", "$query_string", "$arg_")


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    with running_smtp_server() as server:
        yield server


@pytest.fixture
def deployed(
    postgres_url: str, smtp: SmtpServer, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[DeployedFunction]:
    with deployed_with_mail(
        tmp_path_factory.mktemp("logged"), postgres_url, "https_logs", smtp
    ) as function:
        yield function


def token_of(link: str) -> str:
    return parse_qs(urlsplit(link).query)["token"][0]


@pytest.mark.slow
@pytest.mark.postgres
def test_no_link_token_reaches_the_logs(deployed: DeployedFunction, smtp: SmtpServer) -> None:
    tokens: list[str] = []

    setup = set_up_librarian(browser_session(deployed), deployed, "pustakawan.log")
    tokens.append(token_of(setup))

    activation = activation_link(deployed, smtp, "P2026091001")
    tokens.append(token_of(activation))
    activate(deployed, activation)

    session = browser_session(deployed)
    post_form(session, deployed, deployed.url + "/forgot", {"identifier": "P2026091001"})
    reset = link_in(wait_for_mail(smtp, "p2026091001@example.ac.id", "kata sandi baru"), "reset")
    tokens.append(token_of(reset))
    answer = post_form(
        session, deployed, reset, {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    )
    assert "Kata sandi sudah diganti" in answer.text

    made_up = "x" * 43
    tokens.append(made_up)
    used = session.get(f"{deployed.url}/activate?token={made_up}")
    assert used.status_code == 404
    used = session.get(f"{deployed.url}/reset?token={made_up}")
    assert used.status_code == 404

    deployed.server.stop()  # the workers' buffers are written out
    log = deployed.server.log_text()
    assert '"GET /activate HTTP/1.1" 200' in log, log  # the access log is on, path only
    assert '"POST /reset HTTP/1.1"' in log, log
    assert '"GET /admin/setup HTTP/1.1" 200' in log, log
    leaked = [token for token in tokens if token in log]
    assert not leaked, f"{len(leaked)} link token(s) in the function's log:\n{log}"
    assert "token=" not in log


def test_links_carry_their_token_in_the_query_only() -> None:
    from signup_fn.auth.accounts import activation_path, reset_path
    from signup_fn.auth.librarians import setup_path

    for path in (activation_path("abc"), reset_path("abc"), setup_path("abc")):
        assert urlsplit(path).query == "token=abc"
        assert "abc" not in urlsplit(path).path


def nginx_example() -> str:
    blocks = re.findall(r"^```nginx\n(.*?)^```", DEPLOY_MD.read_text("utf-8"), re.M | re.S)
    assert len(blocks) == 1, "DEPLOY.md has one nginx example"
    return blocks[0]


def test_deploy_md_proxy_logs_carry_no_query() -> None:
    config = nginx_example()
    formats = re.findall(r"log_format\s+(\w+)\s+(.*?);", config, re.S)
    assert formats, "the nginx example defines its log format"
    for _, fields in formats:
        assert "$uri" in fields
        assert not [variable for variable in QUERY_VARIABLES if variable in fields + " "], fields
    names = {name for name, _ in formats}
    servers = config.count("server {")
    access_logs = re.findall(r"access_log\s+\S+\s+(\w+);", config)
    assert len(access_logs) == servers and set(access_logs) <= names, access_logs
    # nginx's error lines quote the request line, query string included: only crit and above
    error_logs = re.findall(r"error_log\s+\S+\s+(\w+);", config)
    assert len(error_logs) == servers and set(error_logs) == {"crit"}, error_logs


def test_the_error_log_cuts_request_targets_at_the_query(capsys) -> None:
    """gunicorn writes "Error handling request GET /activate?token=..." when a request fails
    outside the application; deploy/gunicorn.conf.py's logger drops the query string."""
    from gunicorn.config import Config

    settings = runpy.run_path(str(GUNICORN_CONF))
    config = Config()
    config.set("errorlog", "-")
    logger = settings["logger_class"](config)
    try:
        raise RuntimeError("broken")
    except RuntimeError:
        logger.exception("Error handling request %s %s", "GET", "/activate?token=SECRET123")
    logger.error("Error handling request %s", "/reset?token=SECRET456")
    written = capsys.readouterr()
    text = written.out + written.err
    assert "Error handling request GET /activate" in text
    assert "Error handling request /reset" in text
    assert "SECRET" not in text and "token=" not in text
