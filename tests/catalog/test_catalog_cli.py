"""`scripts/validate.py` as librarians and CI run it: output, summary, exit code."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine

from scripts import validate
from tests.catalog.catalog_texts import GOOD_CATALOG, VALID_CATALOG, edited, resource

VALIDATE = Path(__file__).resolve().parents[2] / "scripts" / "validate.py"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(VALIDATE), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_valid_catalog_exits_0_and_prints_warnings(tmp_path):
    shutil.copy(GOOD_CATALOG, tmp_path / "resources.yml")
    result = run(cwd=tmp_path)  # the default path: ./resources.yml
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        "resources.yml:76: arsip-lama: peringatan: masa tersedia berakhir 2020-12-31; sumber ini"
        " tidak tampil di situs (hapus entrinya atau perbarui tanggalnya)",
        "resources.yml: katalog valid — 6 sumber, 3 subjek, 1 peringatan.",
    ]


def test_invalid_catalog_exits_1_with_every_error_on_stderr(tmp_path):
    text = edited("    access: free\n", "    access: gratis\n").replace(
        "name: Garuda", "name: 2024"
    )
    (tmp_path / "katalog.yml").write_text(text, encoding="utf-8")
    result = run("katalog.yml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "katalog.yml:6: garuda: kolom 'name' harus berupa teks, tetapi 2024 terbaca sebagai"
        ' angka; tulis dalam tanda kutip: "2024"',
        "katalog.yml:8: garuda: kolom 'access' berisi 'gratis' yang tidak dikenal; pilih salah"
        " satu: free, paid, members",
        "katalog.yml: katalog TIDAK valid — 2 galat, 0 peringatan.",
    ]


def test_missing_file_exits_1(tmp_path):
    result = run("tidak-ada.yml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == ("tidak-ada.yml:1: -: berkas tidak ditemukan")


def test_github_annotations(tmp_path):
    text = (
        edited(
            "    added: 2021-06-22\n", "    added: 2019-01-01\n    available_until: 2020-01-01\n"
        )
        .replace("access: free", "acess: free")
        .replace("name: Garuda", "name: 'Garuda: 100% terbuka'")
    )
    (tmp_path / "resources.yml").write_text(text, encoding="utf-8")
    result = run("resources.yml", "--github", cwd=tmp_path)
    assert result.returncode == 1
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert annotations == [
        "::error file=resources.yml,line=8::garuda: kolom tidak dikenal 'acess' (maksudnya"
        " 'access'?)",
        "::warning file=resources.yml,line=13::garuda: masa tersedia berakhir 2020-01-01;"
        " sumber ini tidak tampil di situs (hapus entrinya atau perbarui tanggalnya)",
    ]


# 17:30 UTC on 3 December: already 4 December at the library in WIB, still 3 December in UTC.
AFTER_MIDNIGHT_WIB = datetime(2026, 12, 3, 17, 30, tzinfo=UTC)
ADDED_ON_D_PLUS_1 = VALID_CATALOG + resource(added="2026-12-04")
ENDS_ON_D = VALID_CATALOG + resource(added="2026-11-01", available_until="2026-12-03")


def validate_at(
    moment: datetime, folder: Path, text: str, traveller: time_machine.TimeMachineFixture, **extra
) -> int:
    """`validate.py` on `text` with the clock frozen at `moment` and, when `timezone` is given,
    a mkdocs.yml beside the catalog naming it."""
    folder.mkdir(exist_ok=True)
    (folder / "resources.yml").write_text(text, encoding="utf-8")
    if "timezone" in extra:
        (folder / "mkdocs.yml").write_text(
            f"site_name: Uji\nextra:\n  catalog:\n    timezone: {extra['timezone']}\n",
            encoding="utf-8",
        )
    traveller.move_to(moment, tick=False)
    return validate.main([str(folder / "resources.yml")])


@pytest.mark.parametrize("zone", [None, "Asia/Jakarta"])
def test_today_is_the_librarys_date_not_the_machines(
    tmp_path: Path,
    time_machine: time_machine.TimeMachineFixture,
    capsys: pytest.CaptureFixture[str],
    zone: str | None,
) -> None:
    extra = {} if zone is None else {"timezone": zone}  # without mkdocs.yml: the default, WIB
    # an entry added "today" in WIB, checked at 00:30 WIB, is not in the future
    assert (
        validate_at(AFTER_MIDNIGHT_WIB, tmp_path / "a", ADDED_ON_D_PLUS_1, time_machine, **extra)
        == 0
    )
    # a resource available until D has left the site at 00:30 WIB on D+1
    assert validate_at(AFTER_MIDNIGHT_WIB, tmp_path / "b", ENDS_ON_D, time_machine, **extra) == 0
    assert "masa tersedia berakhir 2026-12-03" in capsys.readouterr().out


def test_the_zone_of_mkdocs_yml_beside_the_catalog_decides(
    tmp_path: Path,
    time_machine: time_machine.TimeMachineFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # the same moment is still 3 December for a library on UTC
    assert (
        validate_at(
            AFTER_MIDNIGHT_WIB, tmp_path / "a", ADDED_ON_D_PLUS_1, time_machine, timezone="UTC"
        )
        == 1
    )
    assert (
        "tanggal 'added' 2026-12-04 belum terjadi (hari ini 2026-12-03)" in capsys.readouterr().err
    )
    assert (
        validate_at(AFTER_MIDNIGHT_WIB, tmp_path / "b", ENDS_ON_D, time_machine, timezone="UTC")
        == 0
    )
    assert "masa tersedia berakhir" not in capsys.readouterr().out


def test_an_unknown_zone_is_named(
    tmp_path: Path,
    time_machine: time_machine.TimeMachineFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert (
        validate_at(AFTER_MIDNIGHT_WIB, tmp_path, VALID_CATALOG, time_machine, timezone="WIB") == 1
    )
    assert "mkdocs.yml: extra.catalog.timezone: unknown time zone 'WIB'" in capsys.readouterr().err
