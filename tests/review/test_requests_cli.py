"""`flask --app signup_fn requests ...`: ids as `requests list` prints them (`#12`) or bare, and
`requests show` with the admin page's evidence (membership expiry and member type included)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from tests.support.review_helpers import add_request
from tests.support.slims_export import export_text, member_row


def import_members(runner: FlaskCliRunner, tmp_path: Path, *rows: dict[str, str]) -> None:
    csv_file = tmp_path / "anggota.csv"
    csv_file.write_text(export_text(rows), encoding="utf-8")
    result = runner.invoke(args=["members", "import", str(csv_file)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("command", ["show", "approve", "reject", "resend"])
def test_an_id_is_taken_as_requests_list_prints_it(
    app: Flask, runner: FlaskCliRunner, command: str
) -> None:
    request_id = add_request(app)
    listed = runner.invoke(args=["requests", "list"]).output
    assert f"#{request_id}\t" in listed
    extra = {"approve": ["--contact", "langsung"], "reject": ["--reason", "tidak_terdaftar"]}
    for written in (f"#{request_id}", str(request_id)):
        result = runner.invoke(args=["requests", command, written, *extra.get(command, [])])
        assert "bukan nomor" not in result.output, result.output
        assert f"#{request_id}" in result.output, result.output


@pytest.mark.parametrize("written", ["##1", "1a", "#", "+1", "#0", "١"])
def test_an_id_that_is_no_number_is_a_usage_error(runner: FlaskCliRunner, written: str) -> None:
    result = runner.invoke(args=["requests", "show", written])
    assert result.exit_code == 2, result.output
    assert "bukan nomor" in result.output or "di luar rentang" in result.output


def test_show_gives_the_admin_pages_evidence(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    import_members(
        runner,
        tmp_path,
        member_row(
            "P27820121001",
            "Siti Nurhaliza",
            member_type_name="Mahasiswa D3",
            expire_date="2031-08-31",
            member_email="siti@example.ac.id",
        ),
    )
    request_id = add_request(app)
    shown = runner.invoke(args=["requests", "show", f"#{request_id}"])
    assert shown.exit_code == 0, shown.output
    lines = dict(line.split(": ", 1) for line in shown.output.splitlines() if ": " in line)
    assert lines["Permintaan"] == f"#{request_id} (menunggu)"
    assert lines["Nomor anggota"].endswith("| hasil: ditemukan")
    assert lines["Nama"].startswith("Siti Nurhaliza | anggota: Siti Nurhaliza | hasil: sama")
    assert lines["Peran / jenis anggota"] == "mahasiswa | anggota: Mahasiswa D3"
    assert lines["Berlaku sampai"] == "anggota: 31-08-2031 | kedaluwarsa: tidak"
    assert lines["Keanggotaan tertunda"] in ("tidak", "tidak diketahui")
    assert lines["Persetujuan privasi"].startswith("versi ")
    assert "Saran" in lines


def test_show_says_when_the_membership_has_expired(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    import_members(
        runner, tmp_path, member_row("P27820121001", "Siti Nurhaliza", expire_date="2020-01-31")
    )
    request_id = add_request(app)
    shown = runner.invoke(args=["requests", "show", str(request_id)]).output
    assert "Berlaku sampai: anggota: 31-01-2020 | kedaluwarsa: ya" in shown


def test_show_of_an_unknown_member_and_without_member_data(
    app: Flask, runner: FlaskCliRunner
) -> None:
    request_id = add_request(app)
    shown = runner.invoke(args=["requests", "show", str(request_id)]).output
    assert "Data anggota tidak tersedia: " in shown
    assert "Berlaku sampai: anggota: - | kedaluwarsa: tidak diketahui" in shown
    missing = runner.invoke(args=["requests", "show", "#999"])
    assert missing.exit_code == 1 and "#999" in missing.output
