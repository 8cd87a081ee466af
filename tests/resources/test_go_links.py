"""`/go/<resource-id>`: redirects only to catalog URLs, members-only behind a login, one click
per use and month with nothing about the person, an `access` audit row for patrons."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask

from signup_fn import clock
from signup_fn.resources import queries as resources_queries
from signup_fn.store import schema
from signup_fn.store.engine import transaction
from tests.support.catalog_sample import (
    FREE_URL,
    MEMBERS_URL,
    PAID_URL,
    catalog_text,
    resource,
    write_catalog,
)
from tests.support.stored import audit_rows, rows
from tests.support.web import active_account, login, post_form

MEMBER = "P27820121001"
PROXY = "https://proxy.kampus.example/login?url="


@pytest.fixture
def go_app(make_app, tmp_path: Path) -> Flask:
    return make_app(CATALOG_PATH=str(write_catalog(tmp_path / "resources.yml")))


def this_month(app: Flask) -> str:
    with app.app_context():
        return clock.library_now().strftime("%Y-%m")


def clicks(app: Flask) -> dict[str, int]:
    """Total_Item_Requests of this month per resource."""
    return {
        row["resource_id"]: row["total_requests"]
        for row in rows(app, schema.resource_usage)
        if row["month"] == this_month(app)
    }


def test_free_and_paid_resources_redirect_at_once(make_app, tmp_path: Path) -> None:
    app = make_app(CATALOG_PATH=str(write_catalog(tmp_path / "resources.yml")), PROXY_PREFIX=PROXY)
    client = app.test_client()
    free = client.get("/go/sumber-gratis")
    paid = client.get("/go/jurnal-berbayar")
    assert (free.status_code, free.headers["Location"]) == (302, FREE_URL)
    assert (paid.status_code, paid.headers["Location"]) == (302, PROXY + PAID_URL)
    assert free.headers["Cache-Control"] == "no-store"  # every use reaches the counter
    assert clicks(app) == {"sumber-gratis": 1, "jurnal-berbayar": 1}
    assert [row["action"] for row in audit_rows(app)] == []  # anonymous: nobody to name


def test_the_proxy_template_and_the_proxy_field(make_app, tmp_path: Path) -> None:
    query_url = "https://paid.example/search?q=gizi&lang=id#hasil"
    extra = resource(
        "jurnal-kueri", "Jurnal Kueri", query_url, "paid"
    ) + resource(  # a subscription opened with the patron's own account: no proxy
        "jurnal-tanpa-proxy", "Jurnal Tanpa Proxy", query_url, "paid", proxy="false"
    )
    catalog = write_catalog(tmp_path / "resources.yml", catalog_text(extra_resources=extra))
    template = "https://go.openathens.net/redirector/kampus.example?url={qurl}"
    client = make_app(CATALOG_PATH=str(catalog), PROXY_TEMPLATE=template).test_client()
    location = client.get("/go/jurnal-kueri").headers["Location"]
    assert location == (
        "https://go.openathens.net/redirector/kampus.example?url="
        "https%3A%2F%2Fpaid.example%2Fsearch%3Fq%3Dgizi%26lang%3Did%23hasil"
    )
    assert parse_qs(urlsplit(location).query) == {"url": [query_url]}
    assert client.get("/go/jurnal-tanpa-proxy").headers["Location"] == query_url
    assert client.get("/go/sumber-gratis").headers["Location"] == FREE_URL


def test_paid_without_a_proxy_prefix_goes_to_the_url(go_app: Flask) -> None:
    response = go_app.test_client().get("/go/jurnal-berbayar")
    assert response.headers["Location"] == PAID_URL


def test_members_resource_sends_a_visitor_to_login_and_back(go_app: Flask) -> None:
    client = go_app.test_client()
    response = client.get("/go/koleksi-anggota")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/go/koleksi-anggota"
    assert clicks(go_app) == {}  # the bounce is no use of the resource
    active_account(go_app, client, MEMBER)
    post_form(client, "/logout", {}, form_path="/members")
    back = login(client, MEMBER, next="/go/koleksi-anggota")
    # /go/ leaves the site, which CSP form-action forbids after a form post: a page that
    # continues there by an ordinary navigation (meta refresh and a link) answers instead.
    assert back.status_code == 200
    page = back.get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="0; url=/go/koleksi-anggota">' in page
    assert '<a href="/go/koleksi-anggota">' in page
    opened = client.get("/go/koleksi-anggota")
    assert (opened.status_code, opened.headers["Location"]) == (302, MEMBERS_URL)
    assert clicks(go_app) == {"koleksi-anggota": 1}


def test_a_patrons_access_is_counted_and_audited_without_personal_data(go_app: Flask) -> None:
    client = go_app.test_client()
    account_id = active_account(go_app, client, MEMBER)
    for _ in range(3):  # a triple click: one use, three openings audited
        assert client.get("/go/koleksi-anggota").headers["Location"] == MEMBERS_URL
    client.get("/go/sumber-gratis")
    assert clicks(go_app) == {"koleksi-anggota": 1, "sumber-gratis": 1}
    access = [row for row in audit_rows(go_app) if row["action"] == "access"]
    assert [(row["actor"], row["reason"], row["outcome"]) for row in access] == [
        (f"patron:{account_id}", "resource:koleksi-anggota", "ok")
    ] * 3
    for row in access:
        assert row["created_at"].utcoffset().total_seconds() == 0
        assert MEMBER not in " ".join(str(value) for value in row.values())


def test_logged_out_the_members_link_goes_to_login_again(go_app: Flask) -> None:
    client = go_app.test_client()
    active_account(go_app, client, MEMBER)
    assert client.get("/go/koleksi-anggota").headers["Location"] == MEMBERS_URL
    post_form(client, "/logout", {}, form_path="/members")
    response = client.get("/go/koleksi-anggota")
    assert response.headers["Location"] == "/login?next=/go/koleksi-anggota"


@pytest.mark.parametrize(
    "path",
    [
        "/go/tidak-ada",
        "/go/koleksi-lama",  # past its available_until
        "/go/KOLEKSI-ANGGOTA",
        "/go/%2F%2Fevil.example",
        "/go/https:%2F%2Fevil.example",
        "/go/" + "a" * 200,
    ],
)
def test_unknown_or_expired_ids_are_a_404_page(go_app: Flask, path: str) -> None:
    # (Werkzeug first folds `//` in a path with a redirect to the same host's /go/...)
    response = go_app.test_client().get(path, follow_redirects=True)
    assert response.status_code == 404
    assert all(step.location.startswith("http://localhost/go/") for step in response.history)
    page = response.get_data(as_text=True)
    assert "Sumber tidak ditemukan" in page
    assert '<html lang="id">' in page
    assert clicks(go_app) == {}


def test_the_target_never_comes_from_the_request(go_app: Flask) -> None:
    client = go_app.test_client()
    for query in ("?next=https://evil.example", "?url=https://evil.example"):
        response = client.get("/go/sumber-gratis" + query)
        assert response.headers["Location"] == FREE_URL
    response = client.get("/go/sumber-gratis", headers={"Host": "evil.example"})
    assert response.headers["Location"] == FREE_URL


def test_an_invalid_catalog_gives_a_503_page(go_app: Flask, tmp_path: Path) -> None:
    (tmp_path / "resources.yml").write_text("subjects: [\n", encoding="utf-8")
    response = go_app.test_client().get("/go/sumber-gratis")
    assert response.status_code == 503
    assert "Layanan sedang tidak tersedia" in response.get_data(as_text=True)


def test_clicks_of_another_month_are_kept_apart(go_app: Flask) -> None:
    with go_app.app_context():
        from signup_fn.services import services

        with transaction(services().engine) as connection:
            resources_queries.add_usage(connection, "sumber-gratis", "2020-01", unique=True)
    go_app.test_client().get("/go/sumber-gratis")
    stored = {
        (row["resource_id"], row["month"]): row["total_requests"]
        for row in rows(go_app, schema.resource_usage)
    }
    assert stored == {("sumber-gratis", "2020-01"): 1, ("sumber-gratis", this_month(go_app)): 1}


VENDOR_URL = "https://ebook.vendor.example/perpustakaan?lembaga=kampus&x=1"


@pytest.fixture
def referrer_app(make_app, tmp_path: Path) -> Flask:
    extra = resource("buku-vendor", "Buku Vendor", VENDOR_URL, "members", referrer="true")
    catalog = write_catalog(tmp_path / "resources.yml", catalog_text(extra_resources=extra))
    return make_app(CATALOG_PATH=str(catalog))


def test_a_referrer_resource_opens_from_a_page_sending_its_address(
    referrer_app: Flask,
) -> None:
    client = referrer_app.test_client()
    bounce = client.get("/go/buku-vendor")  # not logged in: the login, sending nothing
    assert bounce.headers["Location"] == "/login?next=/go/buku-vendor"
    assert bounce.headers["Referrer-Policy"] == "no-referrer"
    active_account(referrer_app, client, MEMBER)
    response = client.get("/go/buku-vendor")
    assert response.status_code == 200
    assert response.headers["Referrer-Policy"] == "unsafe-url"  # this response only
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    target = VENDOR_URL.replace("&", "&amp;")
    assert f'<meta http-equiv="refresh" content="0; url={target}">' in page
    assert f'<a href="{target}">Lanjutkan ke Buku Vendor</a>' in page
    assert clicks(referrer_app) == {"buku-vendor": 1}
    # the patron's list links it through /go/ like every other members resource
    members = client.get("/members").get_data(as_text=True)
    assert '<a href="/go/buku-vendor">Buka sumber</a>' in members


def test_no_referrer_everywhere_else(referrer_app: Flask) -> None:
    client = referrer_app.test_client()
    visitor = [
        client.get("/login"),
        client.get("/go/sumber-gratis"),
        client.get("/go/tidak-ada"),
        client.get("/api/health"),
        client.get("/members"),
    ]
    active_account(referrer_app, client, MEMBER)
    patron = [client.get("/members"), client.get("/go/koleksi-anggota")]
    assert [r.headers["Referrer-Policy"] for r in visitor + patron] == ["no-referrer"] * 7
