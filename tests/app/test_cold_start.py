"""A fresh process answers its first sign-up without importing what only other pages need.

The rule (signup_fn/deferred.py, signup_fn/cli.py): building the app and answering POST
/api/signup and GET /api/health import neither the admin and patron pages' services, nor the
command line's groups, nor the libraries only they use (password hashing and strength, TOTP,
SLiMS' tables, the report charts, the catalog's loader and models, YAML, Redis without
REDIS_URL, Alembic: a start reads the schema's revision with one query). The sign-up's own
validation (pydantic, email-validator) is imported by the first sign-up, not by a start: the
health check's first answer imports neither. Each runs in a new interpreter, since this test
process has imported everything already.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from signup_fn.deferred import deferred
from tests.support.samples import TEST_SECRET, VALID

NOT_ON_THE_SIGNUP_PATH = (
    "signup_fn.auth.accounts",
    "signup_fn.review.service",
    "signup_fn.reports.service",
    "signup_fn.review.commands",
    "signup_fn.privacy.service",
    "signup_fn.privacy.commands",
    "signup_fn.mail.commands",
    "signup_fn.reports.commands",
    "signup_fn.auth.librarians",
    "signup_fn.slims.commands",
    "signup_fn.auth.commands",
    "signup_fn.loans.renewals",
    "signup_fn.slims.connection",
    "signup_fn.reports.charts",
    "signup_fn.reports.usage",
    "signup_fn.auth.one_password",
    "catalog.loader",
    "catalog.models",
    "zxcvbn",
    "argon2",
    "bcrypt",
    "pyotp",
    "pygal",
    "yaml",
    "redis",
    "alembic",  # only `flask --app signup_fn init-db` migrates; a start reads alembic_version
    "mako",
    "sqlalchemy.dialects.postgresql",  # on SQLite (the schema's partial indexes: schema.py)
)

ONLY_ON_THE_SIGNUP_PATH = ("signup_fn.api.schema", "pydantic", "email_validator")

PROBE = textwrap.dedent(
    """
    import json, sys
    from signup_fn import create_app

    settings, body, path = json.loads(sys.argv[1])
    client = create_app(settings).test_client()
    if path == "/api/signup":
        status = client.post(path, json=body).status_code
    else:
        status = client.get(path).status_code
    print(json.dumps({"status": status, "modules": sorted(sys.modules)}))
    """
)


def first_answer(tmp_path: Path, path: str) -> tuple[int, set[str]]:
    settings = {
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cold.sqlite3'}",
        "SECRET_KEY": TEST_SECRET,
        "SITE_URL": "https://site.example",
        "BASE_URL": "https://fn.site.example",
    }
    result = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps([settings, VALID, path])],
        capture_output=True, text=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    return answer["status"], set(answer["modules"])


@pytest.mark.parametrize(("path", "status"), [("/api/signup", 202), ("/api/health", 200)])
def test_the_first_answer_imports_only_what_it_needs(
    tmp_path: Path, path: str, status: int
) -> None:
    answered, modules = first_answer(tmp_path, path)
    assert answered == status
    imported = [name for name in NOT_ON_THE_SIGNUP_PATH if name in modules]
    assert imported == [], f"imported before any page or command needed them: {imported}"
    validation = [name for name in ONLY_ON_THE_SIGNUP_PATH if name in modules]
    if path == "/api/signup":
        assert validation == list(ONLY_ON_THE_SIGNUP_PATH)
    else:
        assert validation == [], f"imported before a sign-up needed them: {validation}"


def test_a_deferred_module_is_imported_on_first_use() -> None:
    module = deferred("signup_fn.deferred")
    assert "not imported yet" in repr(module)
    assert module.DeferredModule.__name__ == "DeferredModule"
    assert "imported" in repr(module) and "not" not in repr(module)
    with pytest.raises(ModuleNotFoundError):
        _ = deferred("signup_fn.no_such_module").anything


def test_every_admin_status_code_names_a_review_error() -> None:
    """admin.STATUS_CODES is keyed by class name (review is imported on first use)."""
    from signup_fn.review import service as review
    from signup_fn.review import views as admin

    errors = {cls.__name__ for cls in vars(review).values() if isinstance(cls, type)}
    assert set(admin.STATUS_CODES) <= errors
    assert all(issubclass(getattr(review, name), review.ReviewError) for name in admin.STATUS_CODES)
