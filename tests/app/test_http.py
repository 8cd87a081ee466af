"""Malformed requests never give a 5xx; security and CORS headers on every answer."""

from __future__ import annotations

import io
import json
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.support.samples import FORM, VALID
from tests.support.stored import audit_rows, requests_stored

CSP = "Content-Security-Policy"


def assert_json_error(response, status: int) -> None:
    assert response.status_code == status
    assert response.mimetype == "application/json"
    assert isinstance(response.get_json()["error"], str)


@pytest.mark.parametrize(
    "body",
    [
        b"{",
        b'{"member_id": }',
        b"",
        b"\xff\xfe\x00garbage",
        b'{"a": NaN',
        b"[" * 5000,  # deep nesting: Python's json raises RecursionError
        b'{"":' * 1200 + b"1" + b"}" * 1200,
    ],
)
def test_invalid_json_is_a_400(app: Flask, client: FlaskClient, body: bytes) -> None:
    response = client.post("/api/signup", data=body, content_type="application/json")
    assert_json_error(response, 400)
    assert requests_stored(app) == []


@pytest.mark.parametrize("body", ["[]", '"text"', "42", "null", "true"])
def test_json_other_than_an_object_is_a_400(client: FlaskClient, body: str) -> None:
    response = client.post("/api/signup", data=body, content_type="application/json")
    assert_json_error(response, 400)


def test_body_over_the_limit_is_a_413(app: Flask, client: FlaskClient) -> None:
    body = json.dumps({**VALID, "name": "x" * 9000})
    response = client.post("/api/signup", data=body, content_type="application/json")
    assert_json_error(response, 413)
    form = client.post("/api/signup", data={**VALID, "name": "x" * 9000})
    assert_json_error(form, 413)
    assert requests_stored(app) == []


def test_ten_thousand_brackets_never_give_a_5xx(client: FlaskClient) -> None:
    response = client.post("/api/signup", data="[" * 10_000, content_type="application/json")
    assert response.status_code in {400, 413}


def test_body_without_length_over_the_limit_is_a_413(client: FlaskClient) -> None:
    body = io.BytesIO(b'{"name": "' + b"x" * 100_000 + b'"}')
    response = client.post(
        "/api/signup",
        input_stream=body,
        content_type="application/json",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert_json_error(response, 413)


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/xml", "multipart/form-data; boundary=x", None]
)
def test_other_content_types_are_a_415(client: FlaskClient, content_type: str | None) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post("/api/signup", data=json.dumps(VALID), headers=headers)
    assert_json_error(response, 415)


def test_json_with_charset_is_accepted(client: FlaskClient) -> None:
    response = client.post(
        "/api/signup", data=json.dumps(VALID), content_type="application/json; charset=utf-8"
    )
    assert response.status_code == 202


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
def test_other_methods_are_a_405(client: FlaskClient, method: str) -> None:
    response = client.open("/api/signup", method=method, json=VALID)
    assert_json_error(response, 405)
    assert set(response.headers["Allow"].split(", ")) >= {"POST", "OPTIONS"}


def test_unknown_api_path_is_a_json_404(client: FlaskClient) -> None:
    assert_json_error(client.get("/api/nope"), 404)


def test_errors_are_in_indonesian(client: FlaskClient) -> None:
    response = client.post("/api/signup", data="x", content_type="text/plain")
    assert response.get_json() == {
        "error": "Jenis isi tidak didukung; kirim application/json atau formulir biasa."
    }


def test_malformed_requests_write_nothing(app: Flask, client: FlaskClient) -> None:
    client.post("/api/signup", data="{", content_type="application/json")
    client.post("/api/signup", data="x", content_type="text/plain")
    assert audit_rows(app) == []


# --- headers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("POST", "/api/signup", {"json": VALID}),
        ("POST", "/api/signup", {"data": {"email": "x"}}),
        ("POST", "/api/signup", {"data": "{", "content_type": "application/json"}),
        ("GET", "/api/signup", {}),
        ("GET", "/api/health", {}),
        ("GET", "/nowhere", {}),
    ],
)
def test_security_headers_on_every_response(
    client: FlaskClient, method: str, path: str, kwargs: dict
) -> None:
    response = client.open(path, method=method, **kwargs)
    assert "default-src 'none'" in response.headers[CSP]
    assert "frame-ancestors 'none'" in response.headers[CSP]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    if path == "/api/signup":
        assert response.headers["Cache-Control"] == "no-store"


def test_production_adds_hsts(make_app) -> None:
    app = make_app(ENV="production", ALLOW_SQLITE_IN_PRODUCTION=True)
    response = app.test_client().get("/api/health", base_url="https://fn.site.example")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")


# --- CORS ------------------------------------------------------------------------------------

SITE = "https://site.example"


def origin_post(client: FlaskClient, origin: str):
    return client.post("/api/signup", json=VALID, headers={"Origin": origin})


def test_cors_echoes_the_exact_configured_origin(client: FlaskClient) -> None:
    response = origin_post(client, SITE)
    assert response.headers["Access-Control-Allow-Origin"] == SITE
    assert "Origin" in response.headers["Vary"]


@pytest.mark.parametrize(
    "origin",
    [
        "null",
        "https://evil-site.example",
        "https://site.example.evil.example",
        "https://evil.example",
        "http://site.example",
        "https://site.example:8443",
        "https://sub.site.example",
        "https://SITE.EXAMPLE.",
        "*",
    ],
)
def test_cors_refuses_other_origins(client: FlaskClient, origin: str) -> None:
    response = origin_post(client, origin)
    assert "Access-Control-Allow-Origin" not in response.headers
    assert "Origin" in response.headers["Vary"]


def test_cors_never_wildcard_without_origin(client: FlaskClient) -> None:
    response = client.post("/api/signup", json=VALID)
    assert "Access-Control-Allow-Origin" not in response.headers


def test_preflight_for_the_site(client: FlaskClient) -> None:
    response = client.options(
        "/api/signup",
        headers={
            "Origin": SITE,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == SITE
    assert response.headers["Access-Control-Allow-Methods"] == "POST"
    assert response.headers["Access-Control-Allow-Headers"] == "Content-Type"


def test_preflight_for_another_origin_gets_no_cors_headers(client: FlaskClient) -> None:
    response = client.options("/api/signup", headers={"Origin": "https://evil-site.example"})
    assert response.status_code == 204
    assert not [name for name, _ in response.headers.items() if name.startswith("Access-Control")]


def test_several_configured_origins(make_app) -> None:
    app = make_app(SITE_URL="https://a.example, https://b.example/")
    client = app.test_client()
    for origin in ("https://a.example", "https://b.example"):
        assert origin_post(client, origin).headers["Access-Control-Allow-Origin"] == origin
    assert "Access-Control-Allow-Origin" not in origin_post(client, "https://c.example").headers


def test_form_body_without_length_over_the_limit_is_a_413(app: Flask, client: FlaskClient) -> None:
    body = urlencode(FORM) + "&" * 10_000
    response = client.post(
        "/api/signup",
        input_stream=io.BytesIO(body.encode()),
        content_type="application/x-www-form-urlencoded",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert_json_error(response, 413)
    assert requests_stored(app) == []


def test_form_body_without_length_under_the_limit_is_read(app: Flask, client: FlaskClient) -> None:
    body = urlencode(FORM)
    response = client.post(
        "/api/signup",
        input_stream=io.BytesIO(body.encode()),
        content_type="application/x-www-form-urlencoded",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert response.status_code == 303
    assert len(requests_stored(app)) == 1
