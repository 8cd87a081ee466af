"""The benchmark's catalog generator keeps producing catalogs the real loader accepts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from bench.catalog_gen import generate_catalog, render_catalog, write_catalog
from catalog.loader import load_catalog
from catalog.models import Access, ResourceType

TODAY = date(2026, 11, 23)


def test_generated_catalog_of_50_validates(tmp_path: Path) -> None:
    path = write_catalog(tmp_path / "resources.yml", 50, seed=3, today=TODAY)

    loaded = load_catalog(path, today=TODAY)

    resources = loaded.catalog.resources
    assert len(resources) == 50
    assert loaded.warnings == []
    assert len(loaded.available(TODAY)) == 50
    assert len({r.name for r in resources}) == 50
    assert len({r.url for r in resources}) == 50


def test_generated_catalog_varies_like_a_real_one(tmp_path: Path) -> None:
    path = write_catalog(tmp_path / "resources.yml", 400, seed=1, today=TODAY)

    resources = load_catalog(path, today=TODAY).catalog.resources

    assert {r.access for r in resources} == set(Access)
    assert {r.type for r in resources} == set(ResourceType)
    assert len({r.description for r in resources}) > 300
    assert any(r.alt_names for r in resources)
    assert any(r.trial and r.available_until for r in resources)
    assert any(r.how_to_access for r in resources)


def test_same_seed_gives_same_file() -> None:
    first = render_catalog(generate_catalog(30, seed=5, today=TODAY))
    again = render_catalog(generate_catalog(30, seed=5, today=TODAY))
    other = render_catalog(generate_catalog(30, seed=6, today=TODAY))

    assert first == again
    assert first != other
