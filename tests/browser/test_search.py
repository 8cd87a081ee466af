"""Site search in Debian's chromium on the repository's own site (resources.yml built for
real): Pagefind's index with Indonesian stemming finds what a librarian expects for each
word, and the search page's UI searches and filters."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.slow

# Pagefind's own API in the page, as its UI calls it: every result's URL for a query.
SEARCH = """async (query) => {
  const pagefind = await import("/pagefind/pagefind.js");
  await pagefind.options({ baseUrl: "/" });
  await pagefind.init();
  const search = await pagefind.search(query);
  const pages = await Promise.all(search.results.map((result) => result.data()));
  return pages.map((page) => page.url);
}"""
RESOURCE_URL = re.compile(r"^/sumber/([a-z0-9-]+)/$")

# What a librarian of a health polytechnic expects each word to bring up.
EXPECTED = {
    # "perawat" (nurse) must find the nursing ("keperawatan") resources
    "perawat": {
        "cinahl",
        "clinicalkey-nursing",
        "wiley-online-library",
        "bmc",
        "openstax",
        "libretexts-medicine",
    },
    # "bidan" (midwife) must find the midwifery ("kebidanan") resources
    "bidan": {"cinahl", "clinicalkey-nursing", "who-guidelines", "dhs-program", "bmc"},
    # "obat" (drug) must find the drug references, "informasi obat", "registrasi obat"
    "obat": {"dailymed", "cek-bpom", "medlineplus", "medscape"},
    # "gizi buruk" (malnutrition): the survey and indicator data behind it
    "gizi buruk": {"dhs-program", "who-gho"},
    # a derived form finds the same as its root
    "keperawatan": {"cinahl", "clinicalkey-nursing"},
    "pengobatan": {"dailymed", "cek-bpom"},
}


def search(page: Page, query: str) -> list[str]:
    urls = page.evaluate(SEARCH, query)
    ids = []
    for url in urls:
        match = RESOURCE_URL.match(url)
        assert match, f"a search result that is not a resource page: {url}"
        ids.append(match.group(1))
    return ids


@pytest.mark.parametrize("query", list(EXPECTED))
def test_indonesian_words_find_the_expected_resources(page: Page, query: str) -> None:
    page.goto("/cari/")
    found = search(page, query)
    missing = EXPECTED[query] - set(found)
    assert not missing, f"{query!r} did not find {sorted(missing)}; found {found}"


def test_stemming_makes_word_forms_equal(page: Page) -> None:
    page.goto("/cari/")
    assert set(search(page, "perawat")) == set(search(page, "keperawatan"))
    assert set(search(page, "bidan")) == set(search(page, "kebidanan"))
    assert search(page, "zzzyyxx") == []


def test_search_page_ui_searches_and_filters(page: Page, screenshot) -> None:
    page.goto("/cari/?q=kebidanan")
    results = page.locator(".pagefind-ui__result-link")
    expect(results.first).to_be_visible()
    expect(page.locator(".pagefind-ui__message")).to_have_text(re.compile(r"Ditemukan \d+ hasil"))
    expect(page.locator(".pagefind-ui__result-link[href$='/sumber/cinahl/']")).to_have_count(1)
    all_count = results.count()
    # filter by access: only the library's subscriptions
    page.locator(".pagefind-ui__filter-name", has_text="Akses").click()
    page.locator(".pagefind-ui__filter-checkbox[id*='Langganan']").check()
    expect(
        page.locator(".pagefind-ui__result-link[href$='/sumber/who-guidelines/']")
    ).to_have_count(0)
    expect(page.locator(".pagefind-ui__result-link[href$='/sumber/cinahl/']")).to_have_count(1)
    assert results.count() <= all_count
    screenshot(page, "03-search-filtered")
    # typing a new query searches again, Indonesian word forms included
    box = page.locator(".pagefind-ui__search-input")
    box.fill("")
    box.press_sequentially("perawat", delay=20)
    expect(
        page.locator(".pagefind-ui__result-link[href$='/sumber/clinicalkey-nursing/']")
    ).to_have_count(1)
