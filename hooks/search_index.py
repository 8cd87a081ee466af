"""MkDocs hook: the site's search index, written by Pagefind after every build.

The rules: search runs in the patron's browser on files of the site itself (no service, works
on any static host and on a campus network without internet). After MkDocs has written the
site, Pagefind (the PyPI package `pagefind[extended]`, whose binary ships in the wheel) reads
the built pages and writes its index and UI into `<site>/pagefind/`. Only what the pages mark
with `data-pagefind-body` is indexed (the resource pages: name, alternate names, keywords,
description), with the access, type and subject filters they mark; the pages are `lang="id"`
(theme language), so Pagefind stems words as Indonesian ("perawat" finds "Keperawatan"). A
failing index fails the build, with Pagefind's own message.
"""

from __future__ import annotations

import subprocess
import sys

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

OUTPUT_SUBDIR = "pagefind"
LANGUAGE = "id"  # every page is Indonesian; the whole site is one index
# The section headings and the labels of a resource page's facts ("Cara mengakses", "Akses",
# "Jenis"...) are on every page: indexed, they would only clutter the excerpts.
EXCLUDED = ".portal-resource h2, .portal-resource dt"
TIMEOUT_SECONDS = 600


def index_command(site_dir: str) -> list[str]:
    """Pagefind's CLI, from the package installed beside MkDocs."""
    return [
        sys.executable,
        "-m",
        "pagefind",
        "--site",
        site_dir,
        "--output-subdir",
        OUTPUT_SUBDIR,
        "--force-language",
        LANGUAGE,
        "--exclude-selectors",
        EXCLUDED,
        "--silent",
    ]


def on_post_build(config: MkDocsConfig) -> None:
    """Index the site just written."""
    try:
        result = subprocess.run(
            index_command(config.site_dir),
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise PluginError(f"Indeks pencarian (Pagefind) gagal dibuat: {error}") from None
    if result.returncode != 0:
        output = (result.stderr or result.stdout).strip()
        raise PluginError(f"Indeks pencarian (Pagefind) gagal dibuat:\n{output}")
