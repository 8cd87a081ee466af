"""Configuration: defaults, then `PORTAL_*` environment variables, then the caller's mapping.

Development needs nothing configured. Production (`ENV=production`) fails closed: it refuses
to start without a strong secret key, with debug on, on SQLite (unless explicitly allowed) or
without the public URLs.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

ENV_PREFIX = "PORTAL_"

# Secrets that are public knowledge (tutorials, our own development default).
KNOWN_SECRETS = frozenset(
    {"dev", "development", "secret", "changeme", "change-me", "please-change-me", "test"}
)
MIN_SECRET_LENGTH = 32

DEFAULTS: dict[str, Any] = {
    "ENV": "development",
    "DATABASE_URL": None,  # development: a SQLite file under the instance folder
    "SECRET_KEY": "dev",
    "SITE_URL": ["http://127.0.0.1:8000", "http://localhost:8000"],
    "BASE_URL": "http://127.0.0.1:5000",
    "TRUSTED_PROXIES": 0,
    "TRUSTED_HOSTS": None,  # production: the host of BASE_URL
    "REDIS_URL": None,
    "ALLOW_SQLITE_IN_PRODUCTION": False,
    "RATE_LIMIT_ADDRESS_COUNT": 100,
    "RATE_LIMIT_ADDRESS_WINDOW": 3600,
    "RATE_LIMIT_MEMBER_COUNT": 5,
    "RATE_LIMIT_MEMBER_WINDOW": 86400,
    "MIN_FILL_MS": 3000,
    "THANKS_URL": None,  # default: the first SITE_URL + "/daftar-terkirim/"
    "FORM_URL": None,  # default: the first SITE_URL + "/daftar/"
    "PRIVACY_NOTICE_VERSION": "2026-11-23",  # as `extra.privacy_notice_version` in mkdocs.yml
    "MAX_CONTENT_LENGTH": 8 * 1024,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
}


class ConfigError(RuntimeError):
    """The configuration is unusable; the message says which setting and why."""


def parse_bool(value: str) -> bool:
    """`1/true/yes/on` are true, `0/false/no/off/''` false; anything else is an error."""
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"not a boolean: {value!r}")


def parse_list(value: str) -> list[str]:
    """A comma-separated list; blanks dropped."""
    return [item.strip() for item in value.split(",") if item.strip()]


PARSERS: dict[str, Callable[[str], Any]] = {
    "TRUSTED_PROXIES": int,
    "ALLOW_SQLITE_IN_PRODUCTION": parse_bool,
    "RATE_LIMIT_ADDRESS_COUNT": int,
    "RATE_LIMIT_ADDRESS_WINDOW": int,
    "RATE_LIMIT_MEMBER_COUNT": int,
    "RATE_LIMIT_MEMBER_WINDOW": int,
    "MIN_FILL_MS": int,
    "MAX_CONTENT_LENGTH": int,
    "SITE_URL": parse_list,
    "TRUSTED_HOSTS": parse_list,
}


def from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    """The known settings present in `environ` as `PORTAL_<KEY>`, parsed to their types."""
    found: dict[str, Any] = {}
    for key in DEFAULTS:
        raw = environ.get(ENV_PREFIX + key)
        if raw is None:
            continue
        try:
            found[key] = PARSERS.get(key, str)(raw)
        except ValueError as exc:
            raise ConfigError(f"{ENV_PREFIX}{key}: {exc}") from None
    return found


def normalise_origin(origin: str) -> str:
    """`scheme://host[:port]` exactly; refuses `*`, `null`, paths and non-http(s) schemes."""
    parts = urlsplit(origin.strip().rstrip("/"))
    if parts.scheme not in {"http", "https"} or not parts.netloc or parts.path or parts.query:
        raise ConfigError(f"SITE_URL: not an origin (scheme://host[:port]): {origin!r}")
    return f"{parts.scheme}://{parts.netloc.lower()}"


def load_config(overrides: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Defaults → environment → `overrides`, with SITE_URL normalised to a list of origins."""
    config = {**DEFAULTS, **from_environment(os.environ), **(overrides or {})}
    sites = config["SITE_URL"]
    sites = parse_list(sites) if isinstance(sites, str) else list(sites)
    if not sites:
        raise ConfigError("SITE_URL: at least one site origin is needed")
    config["SITE_URL"] = [normalise_origin(site) for site in sites]
    config["BASE_URL"] = str(config["BASE_URL"]).rstrip("/")
    if config["TRUSTED_PROXIES"] < 0:
        raise ConfigError("TRUSTED_PROXIES: must be 0 or more")
    if not config["THANKS_URL"]:
        config["THANKS_URL"] = config["SITE_URL"][0] + "/daftar-terkirim/"
    if not config["FORM_URL"]:
        config["FORM_URL"] = config["SITE_URL"][0] + "/daftar/"
    if config["ENV"] not in {"development", "production"}:
        raise ConfigError(f"ENV: must be development or production, not {config['ENV']!r}")
    return config


def check_production(config: Mapping[str, Any], *, debug: bool) -> None:
    """Refuse to run production with a weak secret, debug on, SQLite or local URLs."""
    problems: list[str] = []
    secret = config.get("SECRET_KEY") or ""
    if len(secret) < MIN_SECRET_LENGTH or secret.strip().lower() in KNOWN_SECRETS:
        problems.append(
            f"{ENV_PREFIX}SECRET_KEY must be a random secret of at least "
            f"{MIN_SECRET_LENGTH} characters"
        )
    if debug:
        problems.append("debug mode must be off")
    url = str(config.get("DATABASE_URL") or "sqlite")
    if url.startswith("sqlite") and not config.get("ALLOW_SQLITE_IN_PRODUCTION"):
        problems.append(
            f"{ENV_PREFIX}DATABASE_URL must name a server database "
            f"(or set {ENV_PREFIX}ALLOW_SQLITE_IN_PRODUCTION=1)"
        )
    if not str(config["BASE_URL"]).startswith("https://"):
        problems.append(f"{ENV_PREFIX}BASE_URL must be the function's https:// URL")
    if not all(site.startswith("https://") for site in config["SITE_URL"]):
        problems.append(f"{ENV_PREFIX}SITE_URL must list https:// origins")
    if problems:
        raise ConfigError("production configuration refused: " + "; ".join(problems))
