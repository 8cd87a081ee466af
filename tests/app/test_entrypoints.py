"""Every entry point of the function, driven for real.

gunicorn and functions-framework run as processes on free loopback ports; the AWS Lambda
handler gets real API Gateway HTTP API (payload 2.0) events. Each one answers the health
check and takes a sign-up that lands in its own SQLite file.
"""

from __future__ import annotations

import base64
import importlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
import requests

from signup_fn.services import services
from tests.support.fresh_databases import count_rows, sqlite_url
from tests.support.samples import VALID
from tests.support.serving import (
    REPO_ROOT,
    Server,
    functions_framework_command,
    gunicorn_command,
    running_server,
    server_environment,
)

pytestmark = pytest.mark.slow

MAIN_MODULE = "signup_fn.main"


def signup_payload(member_id: str) -> dict[str, object]:
    return {**VALID, "member_id": member_id}


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return sqlite_url(tmp_path / "portal.db")


def assert_serves_signups(server: Server, database_url: str, member_id: str) -> None:
    health = requests.get(server.url("/api/health"), timeout=10)
    assert health.status_code == 200, health.text

    response = requests.post(server.url("/api/signup"), json=signup_payload(member_id), timeout=10)
    assert response.status_code == 202, response.text
    assert response.json() == {"status": "received"}
    assert count_rows(database_url, "account_requests", member_id=member_id) == 1


@pytest.mark.parametrize("app_spec", ["signup_fn:create_app()", "signup_fn.main:app"])
def test_gunicorn_serves_the_app(app_spec: str, database_url: str, tmp_path: Path) -> None:
    command = gunicorn_command(app_spec, workers=2)
    env = server_environment({"PORTAL_DATABASE_URL": database_url})
    with running_server(command, env=env, log_path=tmp_path / "gunicorn.log") as server:
        assert_serves_signups(server, database_url, "G2024001")


def test_functions_framework_serves_the_app(database_url: str, tmp_path: Path) -> None:
    command = functions_framework_command("signup", REPO_ROOT / "signup_fn" / "main.py")
    env = server_environment({"PORTAL_DATABASE_URL": database_url})
    with running_server(command, env=env, log_path=tmp_path / "functions.log") as server:
        assert_serves_signups(server, database_url, "F2024001")
        # Every method and path reaches the app, so its own answers come through.
        missing = requests.get(server.url("/api/no-such-route"), timeout=10)
        assert missing.status_code == 404
        wrong_method = requests.get(server.url("/api/signup"), timeout=10)
        assert wrong_method.status_code == 405
        site = "http://127.0.0.1:8000"  # the default site origin in development
        preflight = requests.options(
            server.url("/api/signup"),
            headers={"Origin": site, "Access-Control-Request-Method": "POST"},
            timeout=10,
        )
        assert preflight.status_code == 204
        assert preflight.headers["Access-Control-Allow-Origin"] == site


@pytest.fixture
def main_module(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[ModuleType]:
    """signup_fn.main imported afresh, so its app reads this test's environment.

    (conftest.py's autouse `clean_environment` has already removed the machine's PORTAL_*.)
    """
    monkeypatch.setenv("PORTAL_DATABASE_URL", database_url)
    sys.modules.pop(MAIN_MODULE, None)
    module = importlib.import_module(MAIN_MODULE)
    yield module
    sys.modules.pop(MAIN_MODULE, None)
    with module.app.app_context():
        services().engine.dispose()


def api_gateway_event(
    method: str,
    path: str,
    body: bytes = b"",
    *,
    content_type: str | None = None,
    base64_body: bool = False,
) -> dict[str, object]:
    """An API Gateway HTTP API (payload format 2.0) event as Lambda receives it."""
    headers = {
        "accept": "application/json",
        "host": "abc123xyz.execute-api.ap-southeast-3.amazonaws.com",
        "user-agent": "Mozilla/5.0 (X11; Linux x86_64)",
        "x-amzn-trace-id": "Root=1-67a1b2c3-0123456789abcdef01234567",
        "x-forwarded-for": "203.0.113.7",
        "x-forwarded-port": "443",
        "x-forwarded-proto": "https",
    }
    if body:
        headers["content-length"] = str(len(body))
    if content_type:
        headers["content-type"] = content_type
    event: dict[str, object] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "abc123xyz",
            "domainName": "abc123xyz.execute-api.ap-southeast-3.amazonaws.com",
            "domainPrefix": "abc123xyz",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "203.0.113.7",
                "userAgent": "Mozilla/5.0 (X11; Linux x86_64)",
            },
            "requestId": "Jp2xQhXYoAMEVbQ=",
            "routeKey": "$default",
            "stage": "$default",
            "time": "23/Nov/2026:07:30:00 +0000",
            "timeEpoch": 1795246200000,
        },
        "isBase64Encoded": base64_body,
    }
    if body:
        event["body"] = base64.b64encode(body).decode() if base64_body else body.decode()
    return event


def test_lambda_handler_answers_health(main_module: ModuleType) -> None:
    result = main_module.handler(api_gateway_event("GET", "/api/health"), None)

    assert result["statusCode"] == 200, result
    assert result["isBase64Encoded"] is False


@pytest.mark.parametrize("base64_body", [False, True], ids=["text-body", "base64-body"])
def test_lambda_handler_takes_a_signup(
    main_module: ModuleType, database_url: str, base64_body: bool
) -> None:
    body = json.dumps(signup_payload("L2024001")).encode()
    event = api_gateway_event(
        "POST", "/api/signup", body, content_type="application/json", base64_body=base64_body
    )

    result = main_module.handler(event, None)

    assert result["statusCode"] == 202, result
    assert result["isBase64Encoded"] is False
    assert json.loads(result["body"]) == {"status": "received"}
    assert count_rows(database_url, "account_requests", member_id="L2024001") == 1
