"""Configuration: defaults, then `PORTAL_*` environment variables, then the caller's mapping.

Development needs nothing configured (an example library's identity, the default zone).
Production (`ENV=production`) fails closed: it refuses to start without a strong secret key,
with debug on, on SQLite (unless explicitly allowed), without the public URLs, or without the
library's name and time zone (a second library's deployment never speaks with the first's).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from catalog.clock import DEFAULT_TIMEZONE, UnknownTimezone, parse_timezone

ENV_PREFIX = "PORTAL_"
# What development uses for the settings production requires to be set.
DEVELOPMENT_IDENTITY: dict[str, str] = {
    "LIBRARY_NAME": "Perpustakaan Contoh",
    "TIMEZONE": DEFAULT_TIMEZONE,
}
# A logo the function serves at /logo (img-src 'self'), by the file's suffix.
LOGO_TYPES = {
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
}
MAX_IDENTITY_LENGTH = 200
# Production refuses to start without these: the name every page and e-mail shows, and the zone
# of every date (the default zone would be silently wrong outside WIB).
REQUIRED_IDENTITY = {
    "LIBRARY_NAME": "the library's name, e.g. Perpustakaan Politeknik Contoh",
    "TIMEZONE": "the library's IANA zone: Asia/Jakarta, Asia/Makassar or Asia/Jayapura",
}
CONTACT_KEYS = ("LIBRARY_EMAIL", "LIBRARY_PHONE", "LIBRARY_ADDRESS", "LIBRARY_WEBSITE")

# Secrets that are public knowledge (tutorials, our own development default).
KNOWN_SECRETS = frozenset(
    {"dev", "development", "secret", "changeme", "change-me", "please-change-me", "test"}
)
MIN_SECRET_LENGTH = 32
# zxcvbn's estimate for a secret key: 32 random characters reach 10^32 guesses, while a
# repeated letter, a keyboard run or a sentence of dictionary words stays far below.
MIN_SECRET_GUESSES_LOG10 = 30
KEY_RECIPE = 'python -c "import secrets; print(secrets.token_urlsafe(48))"'

DEFAULTS: dict[str, Any] = {
    "ENV": "development",
    # The library's identity (library.py): every page, e-mail, report and authenticator entry
    # names the library from these. Production requires LIBRARY_NAME and TIMEZONE.
    "TIMEZONE": None,  # the library's IANA zone: every date shown is a date there
    "LIBRARY_NAME": None,  # e.g. Perpustakaan Politeknik Contoh; also the usage CSV's institution
    "LIBRARY_SHORT_NAME": None,  # the authenticator apps' issuer; default: LIBRARY_NAME
    "LIBRARY_EMAIL": "",  # the contact shown on pages and in e-mails ("" = not shown)
    "LIBRARY_PHONE": "",  # telephone/WhatsApp, as patrons dial it
    "LIBRARY_ADDRESS": "",
    "LIBRARY_WEBSITE": "",  # an http(s) URL
    "LIBRARY_LOGO": "",  # a PNG, SVG, JPEG or WebP file, served at /logo ("" = no logo)
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
    # counted uses of resources (resources/usage.py): requests per client address per window
    "RATE_LIMIT_USE_COUNT": 60,
    "RATE_LIMIT_USE_WINDOW": 60,
    "MIN_FILL_MS": 3000,
    "THANKS_URL": None,  # default: the first SITE_URL + "/daftar-terkirim/"
    "FORM_URL": None,  # default: the first SITE_URL + "/daftar/"
    "PRIVACY_NOTICE_VERSION": "2026-12-03",  # as `extra.privacy_notice_version` in mkdocs.yml
    "MAX_CONTENT_LENGTH": 8 * 1024,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    # SLiMS (member check, loans, extensions): its own MySQL/MariaDB database, read-only unless
    # SLIMS_WRITE; e.g. mysql+pymysql://portal_ro:SECRET@127.0.0.1:3306/slims
    "SLIMS_DATABASE_URL": None,
    "SLIMS_WRITE": False,
    "SLIMS_TIMEOUT": 3,  # seconds to connect, read and write before SLiMS counts as down
    # the `fines.description` of an extension's overdue fine, in the language SLiMS' staff use
    # (SLiMS en_US; its id_ID text is "Denda terlambat untuk eksemplar {item_code}")
    "SLIMS_FINE_DESCRIPTION": "Overdue fines for item {item_code}",
    # loan status: where patrons are sent when the portal cannot show loans
    "SLIMS_MEMBER_AREA_URL": None,  # SLiMS' member area, e.g. https://slims.example/index.php?p=member
    "ONLINE_SERVICES_URL": None,  # default: the first SITE_URL + "/layanan-daring/"
    # authentication: Flask's own signed cookie only carries the CSRF token
    "SESSION_COOKIE_NAME": "portal_csrf",
    "WTF_CSRF_TIME_LIMIT": None,  # the CSRF token lives as long as that cookie
    "SESSION_IDLE_MINUTES": 30,
    "SESSION_MAX_HOURS": 12,
    "ACTIVATION_TOKEN_HOURS": 72,
    "RESET_TOKEN_MINUTES": 60,
    "LIBRARIAN_SETUP_HOURS": 72,
    # failures per device cookie, and per username from untrusted clients (login_guard) ...
    "LOGIN_ACCOUNT_LIMIT": 10,
    "LOGIN_ACCOUNT_WINDOW": 900,  # ... within this many seconds
    # untrusted failures per client address: high and short, it only slows one address down
    "LOGIN_ADDRESS_LIMIT": 100,
    "LOGIN_ADDRESS_WINDOW": 60,
    "SMTP_URL": None,  # smtp://, smtp+starttls:// or smtps://[user:password@]host[:port]
    "MAIL_FROM": None,  # needed with SMTP_URL, e.g. "Perpustakaan <perpustakaan@kampus.ac.id>"
    # /members and /go: the catalog file with the members-only URLs (default:
    # resources.yml of the repository), and the proxy's login URL with `{url}` or `{qurl}`
    # (catalog.proxy; the same value as mkdocs.yml `extra.catalog.proxy_template`). The older
    # PROXY_PREFIX is still read, as the template `{prefix}{url}`.
    "CATALOG_PATH": None,
    "PROXY_TEMPLATE": "",
    "PROXY_PREFIX": "",
    # privacy purge: pending and rejected requests, as docs/privasi.md says
    "RETENTION_DAYS": 90,
    "SENT_MAIL_RETENTION_DAYS": 30,  # sent outbox messages (they hold links and addresses)
}
# ASVS 4.0.3 2.2.1: at most 100 failed logins per account per hour.
MAX_ACCOUNT_FAILURES_PER_HOUR = 100
MAX_TOKEN_HOURS = 72


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
    "RATE_LIMIT_USE_COUNT": int,
    "RATE_LIMIT_USE_WINDOW": int,
    "MIN_FILL_MS": int,
    "MAX_CONTENT_LENGTH": int,
    "SLIMS_WRITE": parse_bool,
    "SLIMS_TIMEOUT": int,
    "SESSION_IDLE_MINUTES": int,
    "SESSION_MAX_HOURS": int,
    "ACTIVATION_TOKEN_HOURS": int,
    "RESET_TOKEN_MINUTES": int,
    "LIBRARIAN_SETUP_HOURS": int,
    "LOGIN_ACCOUNT_LIMIT": int,
    "LOGIN_ACCOUNT_WINDOW": int,
    "LOGIN_ADDRESS_LIMIT": int,
    "LOGIN_ADDRESS_WINDOW": int,
    "RETENTION_DAYS": int,
    "SENT_MAIL_RETENTION_DAYS": int,
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
    if not config["ONLINE_SERVICES_URL"]:
        config["ONLINE_SERVICES_URL"] = config["SITE_URL"][0] + "/layanan-daring/"
    if config["ENV"] not in {"development", "production"}:
        raise ConfigError(f"ENV: must be development or production, not {config['ENV']!r}")
    check_identity(config)
    check_authentication(config)
    if config["PROXY_TEMPLATE"] or config["PROXY_PREFIX"]:  # else no proxy: "" as it stands
        from catalog.proxy import ProxyTemplateError, proxy_template  # the catalog's models

        try:
            template = proxy_template(config["PROXY_TEMPLATE"], config["PROXY_PREFIX"])
        except ProxyTemplateError as exc:
            raise ConfigError(f"PROXY_TEMPLATE/PROXY_PREFIX: {exc}") from None
        config["PROXY_TEMPLATE"] = template
    return config


def check_identity(config: dict[str, Any]) -> None:
    """The library's identity, checked and normalised in place. An unset name or zone stays
    empty in production (check_production refuses it) and takes DEVELOPMENT_IDENTITY's
    otherwise; the short name defaults to the name."""
    for key in ("LIBRARY_NAME", "LIBRARY_SHORT_NAME", "TIMEZONE", *CONTACT_KEYS, "LIBRARY_LOGO"):
        value = config[key]
        if value is None:
            continue
        if not isinstance(value, str):
            raise ConfigError(f"{ENV_PREFIX}{key}: must be text")
        value = " ".join(value.split())  # one line: it goes into mail bodies and page titles
        if len(value) > MAX_IDENTITY_LENGTH:
            raise ConfigError(f"{ENV_PREFIX}{key}: at most {MAX_IDENTITY_LENGTH} characters")
        config[key] = value
    if config["ENV"] == "development":
        for key, value in DEVELOPMENT_IDENTITY.items():
            config[key] = config[key] or value
    if config["TIMEZONE"]:
        try:
            parse_timezone(config["TIMEZONE"], setting=ENV_PREFIX + "TIMEZONE")
        except UnknownTimezone as exc:
            raise ConfigError(str(exc)) from None
    config["LIBRARY_SHORT_NAME"] = config["LIBRARY_SHORT_NAME"] or config["LIBRARY_NAME"]
    if ":" in (config["LIBRARY_SHORT_NAME"] or ""):
        # the otpauth:// label is "issuer:account"; a colon in the issuer breaks it
        raise ConfigError(f"{ENV_PREFIX}LIBRARY_SHORT_NAME: must not contain ':'")
    website = config["LIBRARY_WEBSITE"]
    if website:
        parts = urlsplit(website)
        if parts.scheme not in {"http", "https"} or not parts.netloc:
            raise ConfigError(f"{ENV_PREFIX}LIBRARY_WEBSITE: not an http(s) URL: {website!r}")
    logo = config["LIBRARY_LOGO"]
    if logo:
        path = Path(logo).expanduser()
        if path.suffix.lower() not in LOGO_TYPES:
            raise ConfigError(
                f"{ENV_PREFIX}LIBRARY_LOGO: a {', '.join(LOGO_TYPES)} file, not {logo!r}"
            )
        if not path.is_file():
            raise ConfigError(f"{ENV_PREFIX}LIBRARY_LOGO: no such file: {logo}")
        config["LIBRARY_LOGO"] = str(path.resolve())


def check_authentication(config: Mapping[str, Any]) -> None:
    """Token lifetimes within 72 hours; the per-account login limit within 100 an hour."""
    token_hours = {
        "ACTIVATION_TOKEN_HOURS": config["ACTIVATION_TOKEN_HOURS"],
        "RESET_TOKEN_MINUTES": config["RESET_TOKEN_MINUTES"] / 60,
        "LIBRARIAN_SETUP_HOURS": config["LIBRARIAN_SETUP_HOURS"],
    }
    for key, hours in token_hours.items():
        if not 0 < hours <= MAX_TOKEN_HOURS:
            raise ConfigError(f"{key}: a link must expire within {MAX_TOKEN_HOURS} hours")
    limit, window = config["LOGIN_ACCOUNT_LIMIT"], config["LOGIN_ACCOUNT_WINDOW"]
    if limit < 1 or window < 1 or limit * max(1, 3600 / window) > MAX_ACCOUNT_FAILURES_PER_HOUR:
        raise ConfigError(
            "LOGIN_ACCOUNT_LIMIT/LOGIN_ACCOUNT_WINDOW: at most "
            f"{MAX_ACCOUNT_FAILURES_PER_HOUR} failed logins per account an hour"
        )
    if config["LOGIN_ADDRESS_LIMIT"] < 1 or config["LOGIN_ADDRESS_WINDOW"] < 1:
        raise ConfigError("LOGIN_ADDRESS_LIMIT/LOGIN_ADDRESS_WINDOW: must be 1 or more")
    if config["SESSION_IDLE_MINUTES"] < 1 or config["SESSION_MAX_HOURS"] < 1:
        raise ConfigError("SESSION_IDLE_MINUTES/SESSION_MAX_HOURS: must be 1 or more")


def is_strong_secret(secret: str) -> bool:
    """Long enough, not a published secret, and hard to guess by zxcvbn's estimate."""
    from zxcvbn import zxcvbn  # builds its dictionaries on import: only production checks it

    if len(secret) < MIN_SECRET_LENGTH or secret.strip().lower() in KNOWN_SECRETS:
        return False
    return zxcvbn(secret)["guesses_log10"] >= MIN_SECRET_GUESSES_LOG10


def check_production(config: Mapping[str, Any], *, debug: bool) -> None:
    """Refuse to run production with a weak secret, debug on, SQLite or local URLs."""
    problems: list[str] = []
    if not is_strong_secret(config.get("SECRET_KEY") or ""):
        problems.append(
            f"{ENV_PREFIX}SECRET_KEY must be a random secret of at least "
            f"{MIN_SECRET_LENGTH} characters, not a word, pattern or repetition "
            f"(make one with: {KEY_RECIPE})"
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
    problems.extend(
        f"{ENV_PREFIX}{key} must be set ({REQUIRED_IDENTITY[key]})"
        for key in REQUIRED_IDENTITY
        if not config.get(key)
    )
    if not all(site.startswith("https://") for site in config["SITE_URL"]):
        problems.append(f"{ENV_PREFIX}SITE_URL must list https:// origins")
    if problems:
        raise ConfigError("production configuration refused: " + "; ".join(problems))
