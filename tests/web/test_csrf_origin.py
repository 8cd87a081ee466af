"""The same-origin check of the HTML forms (signup_fn/web/csrf.py), in production over HTTPS.

A form post counts as this origin's when `Sec-Fetch-Site` says `same-origin` (or `none`), else
when `Origin` is this origin, else when `Referer` is; over HTTPS a post with none of the three
is refused. The CSRF token is needed in every case. The real-server versions of these checks
are tests/web/test_https_forms.py (requests) and the deployed browser journeys (chromium).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support.web import CSRF_FIELD

FUNCTION = "https://fn.site.example"
EXPIRED_FORM = "Formulir kedaluwarsa"


def post_login(client: FlaskClient, headers: dict[str, str], *, token: bool = True) -> int:
    page = client.get("/login", base_url=FUNCTION)
    found = CSRF_FIELD.search(page.get_data(as_text=True))
    assert found
    data = {"member_id": "P2026092001", "password": "salah sekali kata sandinya"}
    if token:
        data["csrf_token"] = found.group(1)
    response = client.post("/login", data=data, headers=headers, base_url=FUNCTION)
    refused = EXPIRED_FORM in response.get_data(as_text=True)
    assert refused == (response.status_code == 400)
    return response.status_code


@pytest.fixture
def production(make_app: Callable[..., Flask]) -> FlaskClient:
    return make_app(ENV="production", ALLOW_SQLITE_IN_PRODUCTION=True).test_client()


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "same-origin", "Origin": FUNCTION},
        {"Sec-Fetch-Site": "none"},
        {"Origin": FUNCTION},
        {"Origin": "https://FN.site.example:443"},
        {"Referer": f"{FUNCTION}/login"},
    ],
    ids=["fetch-metadata", "typed", "origin", "origin-default-port", "referer"],
)
def test_a_post_from_this_origin_is_accepted(production: FlaskClient, headers) -> None:
    assert post_login(production, headers) == 200  # the login page again: wrong password


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "same-site", "Origin": "https://site.example"},
        {"Sec-Fetch-Site": "same-site", "Origin": FUNCTION},  # the fetch metadata decides
        {"Origin": "https://evil.example"},
        {"Origin": "http://fn.site.example"},
        {"Origin": "https://fn.site.example:8443"},
        {"Origin": "null"},
        {"Referer": "https://evil.example/login"},
        {"Referer": "https://fn.site.example.evil.example/"},
        {},
    ],
    ids=[
        "cross-site",
        "same-site",
        "same-site-own-origin",
        "foreign-origin",
        "http-origin",
        "other-port",
        "null-origin",
        "foreign-referer",
        "suffix-referer",
        "no-header",
    ],
)
def test_a_post_from_elsewhere_is_refused(production: FlaskClient, headers) -> None:
    assert post_login(production, headers) == 400


def test_this_origin_still_needs_the_token(production: FlaskClient) -> None:
    headers = {"Sec-Fetch-Site": "same-origin", "Origin": FUNCTION}
    assert post_login(production, headers, token=False) == 400


def test_plain_http_development_needs_the_token_only(app: Flask) -> None:
    client = app.test_client()
    page = client.get("/login")
    token = CSRF_FIELD.search(page.get_data(as_text=True))
    assert token
    data = {"member_id": "P2026092001", "password": "x", "csrf_token": token.group(1)}
    assert client.post("/login", data=data).status_code == 200
    cross = client.post("/login", data=data, headers={"Sec-Fetch-Site": "cross-site"})
    assert cross.status_code == 400
