"""Browser fixtures: the running portal, Debian's chromium, pages kept on loopback.

The rules: the browser tests run when Playwright and chromium are installed (`make test`
installs both: the dev extra and `scripts/ensure_test_deps.sh`); otherwise they skip with the
reason, except under CI (`CI=true`), where a missing browser is a failure. The portal (site
and function) is started once per session, in development or, for the journeys parametrized
with `portal` = "deployed", as DEPLOY.md deploys it (HTTPS, production, PostgreSQL). Every
page lives in a context whose requests beyond loopback are aborted, and each test then
asserts that its pages asked for none. Screenshots go to test-artifacts/browser/NN-step.png
(the deployed portal's to test-artifacts/browser/deployed/).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from tests.browser.portal_stack import PORTAL_MODES, Portal, deployed_portal, running_portal

TESTS = Path(__file__).resolve().parents[1]

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

ARTIFACTS = TESTS.parent / "test-artifacts" / "browser"


def running_under_ci() -> bool:
    """As tests/conftest.py decides it: CI=true turns a missing prerequisite into a failure."""
    return os.environ.get("CI", "").lower() == "true"


def missing_browser_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the Python package playwright is not installed (pip install -e '.[dev]')"
    from tests.browser.browser_launch import CHROMIUM_ENV, chromium_path

    if chromium_path() is None:
        return (
            f"chromium is not installed (apt-get install chromium, or set {CHROMIUM_ENV}); "
            "`make test` installs it when run as root"
        )
    return None


def require_browser() -> None:
    """Skip (or, under CI, fail) when Playwright or chromium is missing."""
    reason = missing_browser_reason()
    if reason is None:
        return
    if running_under_ci():
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def development_portal(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Portal]:
    """The real site (repository's mkdocs.yml and resources.yml) and function, on loopback."""
    require_browser()
    with running_portal(tmp_path_factory.mktemp("portal")) as running:
        yield running


@pytest.fixture(scope="session")
def production_portal(
    tmp_path_factory: pytest.TempPathFactory, postgres_url: str
) -> Iterator[Portal]:
    """The same as deployed: production settings over HTTPS (site too), on PostgreSQL."""
    require_browser()
    with deployed_portal(tmp_path_factory.mktemp("deployed"), postgres_url) as running:
        yield running


@pytest.fixture(scope="module")
def portal(request: pytest.FixtureRequest) -> Portal:
    """The development portal, or the deployed one where a module is parametrized so."""
    mode = getattr(request, "param", "development")
    assert mode in PORTAL_MODES, mode
    name = "production_portal" if mode == "deployed" else "development_portal"
    return request.getfixturevalue(name)


@pytest.fixture(scope="module")
def browser(portal: Portal) -> Iterator[Browser]:
    """Debian's chromium, headless, shared by a module. Not longer: Playwright's sync API
    keeps its event loop running in this thread while it lives, which would break later
    tests that call asyncio.run (the link checker's)."""
    require_browser()
    from playwright.sync_api import sync_playwright

    from tests.browser.browser_launch import chromium_path, launch_chromium

    executable = chromium_path()
    assert executable is not None
    with sync_playwright() as playwright:
        spki = portal.certificate.spki_sha256 if portal.certificate else None
        chromium = launch_chromium(playwright, executable, trusted_spki=spki)
        try:
            yield chromium
        finally:
            chromium.close()


PageFactory = Callable[..., "Page"]


@pytest.fixture
def expected_exits() -> set[str]:
    """URLs beyond loopback a test means its pages to try (a /go/ redirect to a resource);
    the test adds them and asserts the attempts itself. Every other one still fails it."""
    return set()


@pytest.fixture
def new_page(browser: Browser, portal: Portal, expected_exits: set[str]) -> Iterator[PageFactory]:
    """`new_page(javascript=True)`: a page in a fresh context that cannot leave loopback.

    After the test, no request of any of its pages may have been aimed beyond loopback, except
    at the URLs the test put in `expected_exits`.
    """
    from tests.browser.browser_launch import LoopbackGuard

    guard = LoopbackGuard()
    contexts = []

    def make(*, javascript: bool = True) -> Page:
        context = browser.new_context(
            base_url=portal.site_url,
            java_script_enabled=javascript,
            locale="id-ID",
            viewport={"width": 1280, "height": 900},
        )
        context.set_default_timeout(15_000)
        guard.attach(context)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
    unexpected = [url for url in guard.blocked if url not in expected_exits]
    assert not unexpected, f"the site asked for non-loopback URLs: {unexpected}"


@pytest.fixture
def page(new_page: PageFactory) -> Page:
    """A page with JavaScript on."""
    return new_page()


@pytest.fixture
def screenshot(portal: Portal) -> Callable[[Page, str], Path]:
    """`screenshot(page, "01-home")` saves test-artifacts/browser/01-home.png (full page);
    the deployed portal's go to test-artifacts/browser/deployed/."""
    folder = ARTIFACTS / "deployed" if portal.deployed else ARTIFACTS
    folder.mkdir(parents=True, exist_ok=True)

    def save(page: Page, step: str) -> Path:
        path = folder / f"{step}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
