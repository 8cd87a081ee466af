"""Print the function's identity settings from the site's mkdocs.yml.

Usage: python scripts/library_env.py [MKDOCS_YML] [--export]

The rule: the library's identity is written once, in mkdocs.yml (`extra.library`, the e-mail
and telephone of `extra.services`, `extra.catalog.timezone`, `theme.logo`); the function's
`PORTAL_LIBRARY_*` and `PORTAL_TIMEZONE` take the same values. This prints them as
`KEY=VALUE` lines for an environment file (DEPLOY.md: /etc/portal.env) or a platform's
settings, or with --export as shell `export` lines (`make serve` runs the development function
as the site's library). Unset values are left out; the logo is the file under docs_dir.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from collections.abc import Mapping
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from catalog.site_settings import SettingsError, catalog_zone, read_mkdocs, site_library


def library_settings(config_path: Path) -> dict[str, str]:
    """`PORTAL_*` name → value of the library described by the mkdocs.yml at `config_path`."""
    config = read_mkdocs(config_path)
    extra = config.get("extra") or {}
    if not isinstance(extra, Mapping):
        raise SettingsError("mkdocs.yml: extra must be a mapping")
    library = site_library(extra, config)
    docs_dir = config_path.parent / str(config.get("docs_dir") or "docs")
    settings = {
        "PORTAL_LIBRARY_NAME": library.name,
        "PORTAL_LIBRARY_SHORT_NAME": library.short_name,
        "PORTAL_LIBRARY_EMAIL": library.email,
        "PORTAL_LIBRARY_PHONE": library.phone,
        "PORTAL_LIBRARY_ADDRESS": library.address,
        "PORTAL_LIBRARY_WEBSITE": library.website,
        "PORTAL_LIBRARY_LOGO": str((docs_dir / library.logo).resolve()) if library.logo else "",
        "PORTAL_TIMEZONE": catalog_zone(extra).key,
    }
    return {key: value for key, value in settings.items() if value}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Cetak pengaturan identitas perpustakaan untuk fungsi dari mkdocs.yml."
    )
    parser.add_argument("config", nargs="?", default="mkdocs.yml", help="berkas mkdocs.yml")
    parser.add_argument(
        "--export", action="store_true", help="sebagai baris `export` shell (make serve)"
    )
    args = parser.parse_args(argv)
    try:
        settings = library_settings(Path(args.config))
    except (OSError, SettingsError) as error:
        print(error, file=sys.stderr)
        return 2
    for key, value in settings.items():
        print(f"export {key}={shlex.quote(value)}" if args.export else f"{key}={value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
