"""Fixtures of the catalog tests: small YAML files written into a temporary directory.

Each rule's test starts from `catalog_texts.VALID_CATALOG` and breaks one thing, then asserts
the exact messages and lines.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from catalog.errors import CatalogError, Problem
from catalog.loader import LoadedCatalog, load_catalog
from tests.catalog.catalog_texts import TODAY


@pytest.fixture
def catalog_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary working directory, so problems read `resources.yml:LINE: ...`."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def load_text(catalog_dir: Path) -> Callable[[str], LoadedCatalog]:
    """Write the text as ./resources.yml and load it."""

    def load(text: str, **options: object) -> LoadedCatalog:
        (catalog_dir / "resources.yml").write_text(text, encoding="utf-8")
        return load_catalog("resources.yml", today=TODAY, **options)

    return load


@pytest.fixture
def errors_of(load_text: Callable[..., LoadedCatalog]) -> Callable[..., list[str]]:
    """Load text that must fail; returns the problems as `resources.yml:LINE: ID: message`."""

    def errors(text: str, **options: object) -> list[str]:
        with pytest.raises(CatalogError) as failure:
            load_text(text, **options)
        assert all(problem.severity == "error" for problem in failure.value.problems)
        return [str(problem) for problem in failure.value.problems]

    return errors


@pytest.fixture
def warnings_of(load_text: Callable[..., LoadedCatalog]) -> Callable[[str], list[Problem]]:
    """Load text that must pass; returns its warnings."""

    def warnings(text: str) -> list[Problem]:
        return load_text(text).warnings

    return warnings
