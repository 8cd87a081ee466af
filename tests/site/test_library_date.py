"""The site's "today" is the library's date (`extra.catalog.timezone`), never the build
machine's: a site built at 16:30 UTC on D (23:30 WIB) still lists a trial available until D;
one built at 17:30 UTC on D (00:30 WIB on D+1) does not. The real `mkdocs build --strict`
runs in this process so the clock can be frozen (time-machine)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
import yaml
from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort
from tests.site.site_build import write_config

CATALOG = """\
subjects:
  - id: umum
    name: Umum

resources:
  - id: uji-coba-berakhir
    name: Basis Data Uji Coba Zyx
    url: https://trial-zyx.example.org/
    access: paid
    type: database
    subjects: [umum]
    description: Uji coba yang berakhir pada hari D.
    added: 2026-11-01
    trial: true
    available_until: 2026-12-03

  - id: garuda
    name: Garuda
    url: https://garuda.example.org/
    access: free
    type: database
    subjects: [umum]
    description: Indeks jurnal Indonesia.
    added: 2021-06-22
"""
LATE_EVENING_WIB = datetime(2026, 12, 3, 16, 30, tzinfo=UTC)  # 23:30 WIB on D
AFTER_MIDNIGHT_WIB = datetime(2026, 12, 3, 17, 30, tzinfo=UTC)  # 00:30 WIB on D+1


def build_at(
    moment: datetime,
    folder: Path,
    monkeypatch: pytest.MonkeyPatch,
    traveller: time_machine.TimeMachineFixture,
    timezone: str | None = None,
) -> dict[str, str]:
    """Build the catalog with the clock frozen at `moment`; the A-Z and home pages."""
    config_path = write_config(folder)
    if timezone is not None:
        config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
        config["extra"]["catalog"]["timezone"] = timezone
        config_path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    catalog = folder / "resources.yml"
    catalog.write_text(CATALOG, encoding="utf-8")
    monkeypatch.setenv("PORTAL_CATALOG", str(catalog))
    traveller.move_to(moment, tick=False)
    build(load_config(str(config_path), strict=True))
    site = folder / "site"
    return {
        "az": (site / "katalog" / "index.html").read_text(encoding="utf-8"),
        "home": (site / "index.html").read_text(encoding="utf-8"),
        "resource": str((site / "sumber" / "uji-coba-berakhir" / "index.html").is_file()),
    }


def test_built_at_2330_wib_on_the_last_day_the_trial_is_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, time_machine: time_machine.TimeMachineFixture
) -> None:
    pages = build_at(LATE_EVENING_WIB, tmp_path, monkeypatch, time_machine)
    assert "Basis Data Uji Coba Zyx" in pages["az"]
    assert "Basis Data Uji Coba Zyx" in pages["home"]  # among the trials
    assert pages["resource"] == "True"


def test_built_after_midnight_wib_the_trial_is_gone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, time_machine: time_machine.TimeMachineFixture
) -> None:
    pages = build_at(AFTER_MIDNIGHT_WIB, tmp_path, monkeypatch, time_machine)
    assert "Basis Data Uji Coba Zyx" not in pages["az"]
    assert "Basis Data Uji Coba Zyx" not in pages["home"]
    assert pages["resource"] == "False"
    assert "Garuda" in pages["az"]  # the rest of the catalog is still there


def test_the_zone_comes_from_mkdocs_yml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, time_machine: time_machine.TimeMachineFixture
) -> None:
    # 17:30 UTC on D is still D in a library on UTC, and already D+1 (02:30 WIT) in Jayapura.
    on_utc = build_at(AFTER_MIDNIGHT_WIB, tmp_path / "utc", monkeypatch, time_machine, "UTC")
    assert "Basis Data Uji Coba Zyx" in on_utc["az"]
    jayapura = tmp_path / "jayapura"
    late_wit = build_at(LATE_EVENING_WIB, jayapura, monkeypatch, time_machine, "Asia/Jayapura")
    assert "Basis Data Uji Coba Zyx" not in late_wit["az"]  # 01:30 WIT on D+1


def test_an_unknown_zone_fails_the_build_naming_the_setting(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    time_machine: time_machine.TimeMachineFixture,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with pytest.raises(Abort):
        build_at(LATE_EVENING_WIB, tmp_path, monkeypatch, time_machine, "Asia/Jakart")
    assert "mkdocs.yml: extra.catalog.timezone: unknown time zone 'Asia/Jakart'" in caplog.text
