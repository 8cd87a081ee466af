"""The portal beside real SLiMS (tests only): an app on its own SQLite file whose SLiMS
connection is the least-privilege portal user, with write access."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from signup_fn import create_app
from tests.slims_real.site_driver import SlimsSite
from tests.support.samples import TEST_SECRET


def portal_app(site: SlimsSite, folder: Path, **settings: object) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "DATABASE_URL": f"sqlite:///{folder / 'portal.db'}",
            "SECRET_KEY": TEST_SECRET,
            "SITE_URL": "https://site.example",
            "BASE_URL": "https://fn.site.example",
            "TIMEZONE": "Asia/Jakarta",  # SLiMS' sysconfig.inc.php zone
            "SLIMS_DATABASE_URL": site.portal_url,
            "SLIMS_WRITE": True,
            **settings,
        }
    )
