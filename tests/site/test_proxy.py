"""The proxy template: `{url}` as it is, `{qurl}` percent-encoded, the older prefix, the
`proxy` field of a resource, and settings that cannot make a link."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from tests.site.site_build import GOOD_CATALOG

from catalog.loader import load_catalog
from catalog.pages import generate_site_files
from catalog.proxy import ProxyTemplateError, proxied, proxy_template
from catalog.site_settings import SettingsError, SiteSettings

URL = "https://www.proquest.com/healthcomplete?accountid=4711&lang=id#hasil"


def test_url_goes_in_as_it_is() -> None:
    template = proxy_template("https://proxy.kampus.ac.id/login?url={url}")
    assert proxied(URL, template) == f"https://proxy.kampus.ac.id/login?url={URL}"


@pytest.mark.parametrize(
    "template",
    [
        "https://proxy.kampus.ac.id/login?qurl={qurl}",
        "https://go.openathens.net/redirector/kampus.ac.id?url={qurl}",
    ],
)
def test_qurl_is_percent_encoded_and_decodes_to_the_url(template: str) -> None:
    link = proxied(URL, proxy_template(template))
    parts = urlsplit(link)
    assert parts.fragment == ""  # the resource's fragment stays inside the parameter
    assert "&" not in parts.query and "#" not in link
    assert list(parse_qs(parts.query).values()) == [[URL]]


def test_the_older_prefix_is_read_as_prefix_then_url() -> None:
    template = proxy_template(prefix="https://proxy.kampus.ac.id/login?url=")
    assert template == "https://proxy.kampus.ac.id/login?url={url}"
    assert proxied(URL, template) == f"https://proxy.kampus.ac.id/login?url={URL}"
    assert proxy_template("", "") == ""
    assert proxied(URL, "") == URL


@pytest.mark.parametrize(
    ("template", "prefix", "message"),
    [
        ("https://proxy.kampus.ac.id/login", "", "exactly one"),
        ("https://p.example/{url}?u={qurl}", "", "exactly one"),
        ("https://p.example/login?url={URL}", "", "exactly one"),
        ("https://p.example/{path}?url={url}", "", "only the placeholders"),
        ("javascript:alert(1)//{url}", "", "URL harus"),
        ("{url}", "", "URL harus"),  # a bare placeholder would make the site link anywhere
        ("https://{url}", "", "nama host"),
        ("https://proxy.kampus.ac.id{url}", "", "after the host"),
        ("https://p.example/login?url={url}", "https://p.example/login?url=", "not both"),
        ("", "https://p.example/login?url={url}", "must not hold"),
    ],
)
def test_unusable_settings_are_refused(template: str, prefix: str, message: str) -> None:
    with pytest.raises(ProxyTemplateError, match=message):
        proxy_template(template, prefix)


def test_site_settings_name_the_setting() -> None:
    with pytest.raises(SettingsError, match=r"extra\.catalog: proxy_template must hold"):
        SiteSettings.from_extra(
            {"catalog": {"function_url": "https://f.example", "proxy_template": "https://p.x/"}}
        )


def test_generator_with_the_url_placeholder_keeps_query_and_fragment() -> None:
    settings = SiteSettings.from_extra(
        {
            "catalog": {
                "function_url": "https://fungsi.example.ac.id",
                "proxy_template": "https://proxy.kampus.ac.id/login?url={url}",
            }
        }
    )
    files = generate_site_files(load_catalog(GOOD_CATALOG), settings, date(2026, 1, 1))
    assert (
        f'href="https://proxy.kampus.ac.id/login?url={URL.replace("&", "&amp;")}"'
        in (files["sumber/proquest-health.md"])
    )
    atlas = "https://atlas.example.org/viewer?organ=jantung&amp;view=3d#bilik-kiri"
    assert f'href="{atlas}"' in files["sumber/atlas-anatomi.md"]  # proxy: false
