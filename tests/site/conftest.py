"""The fixture catalog, built once for every test of tests/site."""

from __future__ import annotations

import pytest
import yaml
from tests.site.site_build import GOOD_CATALOG, BuiltSite, write_config
from tests.support.site_build import mkdocs_build

from catalog.loader import load_catalog
from catalog.site_settings import SiteSettings


@pytest.fixture(scope="package")
def built_site(tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    folder = tmp_path_factory.mktemp("site-build")
    config = write_config(folder)
    result = mkdocs_build(config, GOOD_CATALOG)
    assert result.returncode == 0, result.stderr
    mkdocs_config = yaml.safe_load(config.read_text(encoding="utf-8"))
    return BuiltSite(
        site=folder / "site",
        config=config,
        catalog=GOOD_CATALOG,
        settings=SiteSettings.from_extra(mkdocs_config["extra"], site=mkdocs_config),
        loaded=load_catalog(GOOD_CATALOG),
    )
