"""Configuration: defaults, PORTAL_* environment, the test's dict; production fails closed."""

from __future__ import annotations

import secrets

import pytest

from signup_fn import ConfigError, create_app
from signup_fn.config import load_config
from tests.support.samples import LIBRARY

STRONG = "k3Q9vJx7LmN2pR5tW8yZ1aB4cD6eF0gHiJ"


def test_development_needs_no_configuration() -> None:
    config = load_config()
    assert config["ENV"] == "development"
    assert config["DATABASE_URL"] is None  # create_app puts a SQLite file under instance/
    assert config["SITE_URL"] == ["http://127.0.0.1:8000", "http://localhost:8000"]
    assert config["BASE_URL"] == "http://127.0.0.1:5000"
    assert config["THANKS_URL"] == "http://127.0.0.1:8000/daftar-terkirim/"
    assert config["TRUSTED_PROXIES"] == 0
    assert config["MIN_FILL_MS"] == 3000


def test_environment_then_dict(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_SITE_URL", "https://a.example/, https://b.example")
    monkeypatch.setenv("PORTAL_TRUSTED_PROXIES", "2")
    monkeypatch.setenv("PORTAL_MIN_FILL_MS", "1500")
    monkeypatch.setenv("PORTAL_ALLOW_SQLITE_IN_PRODUCTION", "yes")
    monkeypatch.setenv("PORTAL_RATE_LIMIT_ADDRESS_COUNT", "7")
    config = load_config({"MIN_FILL_MS": 10})
    assert config["SITE_URL"] == ["https://a.example", "https://b.example"]
    assert config["TRUSTED_PROXIES"] == 2
    assert config["ALLOW_SQLITE_IN_PRODUCTION"] is True
    assert config["RATE_LIMIT_ADDRESS_COUNT"] == 7
    assert config["MIN_FILL_MS"] == 10
    assert config["THANKS_URL"] == "https://a.example/daftar-terkirim/"


def test_environment_database_url_is_used(monkeypatch, tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'env.sqlite3'}"
    monkeypatch.setenv("PORTAL_DATABASE_URL", url)
    app = create_app()
    assert app.config["DATABASE_URL"] == url
    assert (tmp_path / "env.sqlite3").exists()


@pytest.mark.parametrize(
    ("name", "value"),
    [("PORTAL_TRUSTED_PROXIES", "two"), ("PORTAL_ALLOW_SQLITE_IN_PRODUCTION", "maybe")],
)
def test_bad_environment_values_are_named(monkeypatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        load_config()


def test_proxy_template_from_environment_or_the_older_prefix(monkeypatch) -> None:
    monkeypatch.setenv("PORTAL_PROXY_TEMPLATE", "https://proxy.kampus.example/login?qurl={qurl}")
    assert load_config()["PROXY_TEMPLATE"] == "https://proxy.kampus.example/login?qurl={qurl}"
    monkeypatch.delenv("PORTAL_PROXY_TEMPLATE")
    monkeypatch.setenv("PORTAL_PROXY_PREFIX", "https://proxy.kampus.example/login?url=")
    assert load_config()["PROXY_TEMPLATE"] == "https://proxy.kampus.example/login?url={url}"
    with pytest.raises(ConfigError, match="PROXY_TEMPLATE/PROXY_PREFIX: set either"):
        load_config({"PROXY_TEMPLATE": "https://p.example/?url={url}"})
    with pytest.raises(ConfigError, match="exactly one"):
        load_config({"PROXY_PREFIX": "", "PROXY_TEMPLATE": "https://p.example/login"})


@pytest.mark.parametrize("site", ["*", "null", "https://a.example/path", "ftp://a.example", ""])
def test_site_url_must_be_origins(site: str) -> None:
    with pytest.raises(ConfigError, match="SITE_URL"):
        load_config({"SITE_URL": site})


def production(tmp_path, **settings):
    return {
        "ENV": "production",
        "SECRET_KEY": STRONG,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "ALLOW_SQLITE_IN_PRODUCTION": True,
        "SITE_URL": "https://site.example",
        "BASE_URL": "https://fn.site.example",
        **LIBRARY,
        **settings,
    }


def test_production_starts_when_configured(tmp_path) -> None:
    app = create_app(production(tmp_path))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["TRUSTED_HOSTS"] == ["fn.site.example"]
    assert (
        app.test_client().get("/api/health", base_url="https://fn.site.example").status_code == 200
    )
    assert app.test_client().get("/api/health", base_url="https://evil.example").status_code == 400


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"SECRET_KEY": "dev"}, "SECRET_KEY"),
        ({"SECRET_KEY": "short-secret"}, "SECRET_KEY"),
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"DEBUG": True}, "debug"),
        ({"ALLOW_SQLITE_IN_PRODUCTION": False}, "DATABASE_URL"),
        ({"BASE_URL": "http://fn.site.example"}, "BASE_URL"),
        ({"SITE_URL": "http://site.example"}, "SITE_URL"),
        ({"LIBRARY_NAME": None}, "PORTAL_LIBRARY_NAME must be set"),
        ({"LIBRARY_NAME": "  "}, "PORTAL_LIBRARY_NAME must be set"),
        ({"TIMEZONE": None}, "PORTAL_TIMEZONE must be set"),
    ],
)
def test_production_refuses_unsafe_settings(tmp_path, settings: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        create_app(production(tmp_path, **settings))


def test_production_refuses_flask_debug_from_environment(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("FLASK_DEBUG", "1")
    with pytest.raises(ConfigError, match="debug"):
        create_app(production(tmp_path))


def test_production_from_environment_without_secret_refuses(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("PORTAL_DATABASE_URL", "postgresql+psycopg://u@127.0.0.1:1/x")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


@pytest.mark.parametrize(
    "secret",
    [
        "a" * 32,
        "ab" * 24,
        "abcdefghijklmnopqrstuvwxyz0123456789",
        "passwordpasswordpasswordpassword",
        "01234567890123456789012345678901",
        "qwertyuiopasdfghjklzxcvbnm123456",
    ],
)
def test_production_refuses_low_entropy_secret(tmp_path, secret: str) -> None:
    with pytest.raises(ConfigError, match="SECRET_KEY") as refused:
        create_app(production(tmp_path, SECRET_KEY=secret))
    assert "secrets.token_urlsafe(48)" in str(refused.value)


def test_production_accepts_a_generated_secret(tmp_path) -> None:
    for _ in range(20):
        create_app(production(tmp_path, SECRET_KEY=secrets.token_urlsafe(24)))


def test_development_names_an_example_library() -> None:
    config = load_config()
    assert config["LIBRARY_NAME"] == config["LIBRARY_SHORT_NAME"] == "Perpustakaan Contoh"
    assert config["TIMEZONE"] == "Asia/Jakarta"
    assert config["LIBRARY_EMAIL"] == config["LIBRARY_LOGO"] == ""


def test_identity_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    logo = tmp_path / "logo.svg"
    logo.write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    monkeypatch.setenv("PORTAL_LIBRARY_NAME", " Perpustakaan  Politeknik\nContoh ")
    monkeypatch.setenv("PORTAL_LIBRARY_SHORT_NAME", "PPC")
    monkeypatch.setenv("PORTAL_LIBRARY_WEBSITE", "https://perpustakaan.contoh.ac.id/")
    monkeypatch.setenv("PORTAL_LIBRARY_LOGO", str(logo))
    monkeypatch.setenv("PORTAL_TIMEZONE", "Asia/Makassar")
    config = load_config()
    assert config["LIBRARY_NAME"] == "Perpustakaan Politeknik Contoh"  # one line
    assert config["LIBRARY_SHORT_NAME"] == "PPC"
    assert config["LIBRARY_LOGO"] == str(logo.resolve())
    assert config["TIMEZONE"] == "Asia/Makassar"


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"LIBRARY_SHORT_NAME": "Perpustakaan: Contoh"}, "LIBRARY_SHORT_NAME"),
        ({"LIBRARY_WEBSITE": "perpustakaan.contoh.ac.id"}, "LIBRARY_WEBSITE"),
        ({"LIBRARY_LOGO": "/nonexistent/logo.png"}, "LIBRARY_LOGO"),
        ({"LIBRARY_LOGO": __file__}, "LIBRARY_LOGO"),
        ({"LIBRARY_NAME": "x" * 201}, "LIBRARY_NAME"),
        ({"TIMEZONE": "WITA"}, "PORTAL_TIMEZONE"),
    ],
)
def test_identity_refuses_bad_values(settings: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(settings)


def test_library_email_must_be_an_address(tmp_path) -> None:
    with pytest.raises(ConfigError, match="PORTAL_LIBRARY_EMAIL"):
        create_app(production(tmp_path, LIBRARY_EMAIL="perpustakaan at contoh"))
