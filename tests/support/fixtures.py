"""Fixtures for the sign-up function: `app`, `client`, `runner` on SQLite and PostgreSQL.

Every test gets a fresh database: a new SQLite file in tmp_path, or a new PostgreSQL schema
(selected through `search_path`) dropped afterwards. `PORTAL_*` variables of the environment
are cleared so the machine's settings never leak into a test.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from signup_fn import create_app
from signup_fn.services import services
from tests.support.samples import LIBRARY, TEST_SECRET
from tests.support.smtp_server import smtp_server  # noqa: F401 (a fixture for every test module)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("PORTAL_") or name == "FLASK_DEBUG":
            monkeypatch.delenv(name)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    """A URL of an empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'signup.sqlite3'}"
        return
    server_url = request.getfixturevalue("postgres_url")
    schema = f"signup_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url)
    with admin.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    url = make_url(server_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def make_app(database_url: str) -> Iterator[Callable[..., Flask]]:
    """Build apps on the test database; `make_app(KEY=value)` overrides settings."""
    apps: list[Flask] = []

    def build(**settings: Any) -> Flask:
        config = {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": TEST_SECRET,
            "SITE_URL": "https://site.example",
            "BASE_URL": "https://fn.site.example",
            **LIBRARY,
            **settings,
        }
        app = create_app(config)
        apps.append(app)
        return app

    yield build
    for app in apps:
        engine_of(app).dispose()


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Flask:
    return make_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


def engine_of(app: Flask) -> Engine:
    with app.app_context():
        return services().engine
