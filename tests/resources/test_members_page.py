"""`/members`: the members-only resources of the catalog and the patron's account details."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from flask import Flask

from catalog.loader import load_catalog
from catalog.models import Access
from signup_fn.resources.catalog_source import DEFAULT_CATALOG_PATH
from tests.support.catalog_sample import catalog_text, write_catalog
from tests.support.web import active_account, login, post_form

MEMBER = "P27820121001"


@pytest.fixture
def catalog_file(tmp_path: Path) -> Path:
    return write_catalog(tmp_path / "resources.yml")


@pytest.fixture
def members_app(make_app, catalog_file: Path) -> Flask:
    return make_app(CATALOG_PATH=str(catalog_file))


def test_members_page_needs_a_login_and_comes_back(members_app: Flask) -> None:
    client = members_app.test_client()
    response = client.get("/members")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/members"


def test_members_page_lists_members_only_resources_and_the_account(members_app: Flask) -> None:
    client = members_app.test_client()
    account_id = active_account(members_app, client, MEMBER)
    response = client.get("/members")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert '<html lang="id">' in page
    assert "Koleksi khusus anggota" in page
    # members-only and available today, A-Z, through /go; never the real URL
    assert page.index("Buku Anggota") < page.index("Koleksi Anggota")
    assert 'href="/go/koleksi-anggota"' in page
    assert 'href="/go/buku-anggota"' in page
    assert "Masuk ke portal dengan akun yang sudah diaktifkan." in page
    assert "Penerbit Contoh" in page
    assert "members.example" not in page
    for absent in ("Koleksi Lama", "Jurnal Berbayar", "Sumber Gratis"):
        assert absent not in page
    # the account
    assert MEMBER in page
    assert "siti@example.ac.id" in page
    assert "Aktif" in page
    assert "WIB" in page and "UTC" not in page  # activated, on the library's clock
    assert 'href="/password"' in page
    assert 'action="/logout"' in page
    assert account_id


def test_activation_and_login_land_on_the_members_page(members_app: Flask) -> None:
    client = members_app.test_client()
    active_account(members_app, client, MEMBER)
    post_form(client, "/logout", {}, form_path="/members")
    response = login(client, MEMBER)
    assert response.status_code == 303
    assert response.headers["Location"] == "/members"


def test_members_page_escapes_catalog_text(make_app, tmp_path: Path) -> None:
    from tests.support.catalog_sample import resource

    hostile = resource("buku-xss", '"<script>alert(1)</script>"', "https://x.example/", "members")
    path = write_catalog(tmp_path / "resources.yml", catalog_text(extra_resources=hostile))
    app = make_app(CATALOG_PATH=str(path))
    client = app.test_client()
    active_account(app, client, MEMBER)
    page = client.get("/members").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_default_catalog_is_the_repositorys(app: Flask) -> None:
    """Without PORTAL_CATALOG_PATH the page lists the members-only resources of resources.yml."""
    expected = [
        resource.name
        for resource in load_catalog(DEFAULT_CATALOG_PATH).available()
        if resource.access is Access.MEMBERS
    ]
    assert expected
    client = app.test_client()
    active_account(app, client, MEMBER)
    page = client.get("/members").get_data(as_text=True)
    for name in expected:
        assert name in page


def test_an_invalid_catalog_gives_a_503_page_and_a_log_line(
    members_app: Flask, catalog_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    client = members_app.test_client()
    active_account(members_app, client, MEMBER)
    catalog_file.write_text(catalog_text().replace("access: free", "access: gratis"))
    with caplog.at_level(logging.ERROR):
        response = client.get("/members")
    assert response.status_code == 503
    assert "Layanan sedang tidak tersedia" in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)
    assert any("is invalid" in record.getMessage() for record in caplog.records)
    assert any("sumber-gratis" in record.getMessage() for record in caplog.records)
    # the file fixed: served again, without a restart
    write_catalog(catalog_file)
    assert client.get("/members").status_code == 200


def test_a_missing_catalog_gives_a_503_page(make_app, tmp_path: Path) -> None:
    app = make_app(CATALOG_PATH=str(tmp_path / "nowhere.yml"))
    client = app.test_client()
    active_account(app, client, MEMBER)
    assert client.get("/members").status_code == 503
    assert client.get("/go/koleksi-anggota").status_code == 503


def test_an_updated_catalog_is_picked_up_without_a_restart(
    members_app: Flask, catalog_file: Path
) -> None:
    from tests.support.catalog_sample import resource

    client = members_app.test_client()
    active_account(members_app, client, MEMBER)
    assert "Buku Baru" not in client.get("/members").get_data(as_text=True)
    extra = resource("buku-baru", "Buku Baru", "https://baru.example/", "members")
    write_catalog(catalog_file, catalog_text(extra_resources=extra))
    assert "Buku Baru" in client.get("/members").get_data(as_text=True)
