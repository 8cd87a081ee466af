"""One password: with SLiMS write access, setting a portal password sets the member's SLiMS
`mpasswd` too, as a `$2y$` bcrypt hash that PHP's own `password_verify` accepts."""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from signup_fn.auth.one_password import slims_password_hash
from signup_fn.passwords import PasswordRejected
from signup_fn.store import schema
from tests.support.slims_fixture import fresh_slims_database
from tests.support.slims_portal import Slims, down_slims_url, slims_for_module
from tests.support.stored import audit_rows, rows
from tests.support.web import CSRF_FIELD, PASSWORD, active_account, new_account, post_form

pytestmark = pytest.mark.mariadb

NEW_PASSWORD = "payung merah di musim hujan"


@pytest.fixture(scope="module")
def php() -> str:
    """Debian's php-cli (scripts/ensure_test_deps.sh installs it); skipped locally without it,
    a failure under CI=true."""
    found = shutil.which("php")
    if found is None:
        reason = "php is not installed (make browser-deps installs php-cli)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and {reason}", pytrace=False)
        pytest.skip(reason)
    return found


def php_verifies(php: str, password: str, hashed: str) -> bool:
    """PHP's password_verify, exactly as SLiMS' member area calls it."""
    result = subprocess.run(
        [php, "-r", "exit(password_verify($argv[1], $argv[2]) ? 0 : 1);", password, hashed],
        capture_output=True,
        timeout=30,
        check=False,
    )
    assert result.returncode in {0, 1}, result.stderr
    return result.returncode == 0


@pytest.fixture(scope="module")
def slims(mariadb_url: str) -> Iterator[Slims]:
    with fresh_slims_database(mariadb_url) as url:
        yield from slims_for_module(url)


def test_the_hash_is_php_bcrypt(php: str) -> None:
    hashed = slims_password_hash(PASSWORD)
    assert hashed.startswith("$2y$10$") and len(hashed) == 60
    assert php_verifies(php, PASSWORD, hashed)
    assert not php_verifies(php, PASSWORD + "x", hashed)
    long_password = "kata sandi panjang sekali é" * 6  # more than bcrypt's 72 bytes
    with pytest.raises(PasswordRejected, match="terlalu panjang untuk SLiMS"):
        slims_password_hash(long_password)


def test_activation_reset_and_change_set_the_slims_password(
    make_app: Callable[..., Flask], slims: Slims, php: str
) -> None:
    member_id = slims.member(member_email="siti@example.ac.id")  # the account's e-mail
    app = make_app(SLIMS_DATABASE_URL=slims.url, SLIMS_WRITE=True)
    client = app.test_client()
    active_account(app, client, member_id)  # activation
    stored = slims.mpasswd(member_id)
    assert stored is not None and stored.startswith("$2y$10$")
    assert php_verifies(php, PASSWORD, stored)
    page = client.get("/password").get_data(as_text=True)
    assert "Kata sandi area anggota SLiMS juga sudah diganti" in page

    response = post_form(
        client,
        "/password",
        {
            "current_password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "new_password_confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 200
    assert "SLiMS juga sudah diganti" in response.get_data(as_text=True)
    changed = slims.mpasswd(member_id)
    assert php_verifies(php, NEW_PASSWORD, changed)
    assert not php_verifies(php, PASSWORD, changed)

    post_form(client, "/forgot", {"identifier": member_id})
    token = reset_token(app)
    reset = "jendela biru menghadap laut"
    response = post_form(
        client, f"/reset?token={token}", {"password": reset, "password_confirm": reset}
    )
    assert response.status_code == 200
    assert php_verifies(php, reset, slims.mpasswd(member_id))
    outcomes = [r["outcome"] for r in audit_rows(app) if r["action"] == "slims_password_set"]
    assert outcomes == ["ok", "ok", "ok"]


def reset_token(app: Flask) -> str:
    """The reset link's token, read from the queued e-mail."""
    body = rows(app, schema.outbox)[-1]["body"]
    return body.split("/reset?token=")[1].split()[0]


def test_without_write_access_slims_is_untouched(
    make_app: Callable[..., Flask], slims: Slims
) -> None:
    member_id = slims.member()
    app = make_app(SLIMS_DATABASE_URL=slims.url)
    client = app.test_client()
    active_account(app, client, member_id)
    assert slims.mpasswd(member_id) is None
    assert "SLiMS" not in client.get("/password").get_data(as_text=True)
    assert "slims_password_set" not in [r["action"] for r in audit_rows(app)]


def test_a_member_unknown_to_slims_is_told(make_app: Callable[..., Flask], slims: Slims) -> None:
    app = make_app(SLIMS_DATABASE_URL=slims.url, SLIMS_WRITE=True)
    client = app.test_client()
    active_account(app, client, "P0000000404")
    assert "tidak ditemukan di SLiMS" in client.get("/password").get_data(as_text=True)


def test_slims_down_the_portal_password_still_changes(
    make_app: Callable[..., Flask], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    app = make_app(SLIMS_DATABASE_URL=down_slims_url(), SLIMS_WRITE=True)
    client = app.test_client()
    _, token = new_account(app, "P27820121001")
    response = post_form(
        client, f"/activate?token={token}", {"password": PASSWORD, "password_confirm": PASSWORD}
    )
    assert response.status_code == 303  # activated, logged in
    page = client.get("/password")
    assert page.status_code == 200
    assert "kata sandi area anggota SLiMS belum" in page.get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_of(page.get_data(as_text=True))})
    login = post_form(client, "/login", {"member_id": "P27820121001", "password": PASSWORD})
    assert login.status_code == 303  # the portal password works
    outcomes = [r["outcome"] for r in audit_rows(app) if r["action"] == "slims_password_set"]
    assert outcomes == ["unavailable"]
    assert PASSWORD not in caplog.text
    assert all(PASSWORD not in repr(row) for row in audit_rows(app))


def csrf_of(page: str) -> str:
    found = CSRF_FIELD.search(page)
    assert found
    return found.group(1)
