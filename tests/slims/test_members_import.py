"""`flask members import` and the imported member list, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner

from signup_fn.services import services
from signup_fn.slims import queries as slims_queries
from signup_fn.slims.directory import (
    DirectoryUnavailable,
    ImportedDirectory,
    MemberRecord,
    member_directory,
)
from signup_fn.store import schema
from signup_fn.store.engine import transaction
from tests.support.slims_export import export_text, member_row
from tests.support.stored import audit_rows, rows


def write_export(tmp_path: Path, text: str, name: str = "anggota.csv", **encode: str) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(**encode))
    return path


def directory(app: Flask) -> ImportedDirectory:
    with app.app_context():
        found = member_directory()
    assert isinstance(found, ImportedDirectory)
    return found


def test_import_stores_the_members_and_audits_only_the_count(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    text = export_text(
        [
            member_row(
                "P27820121001",
                "Siti Aminah, S.Kep",
                member_email="siti@example.ac.id",
                inst_name="D3 Keperawatan",
                expire_date="2026-01-31",
            ),
            member_row("P27820121002", "Budi", expire_date="0000-00-00"),
        ],
        header=True,
    )
    result = runner.invoke(args=["members", "import", str(write_export(tmp_path, text))])
    assert result.exit_code == 0, result.output
    assert "2 anggota diimpor (dengan baris judul); sebelumnya 0." in result.output
    stored = rows(app, schema.library_members)
    assert [row["member_id"] for row in stored] == ["P27820121001", "P27820121002"]
    assert stored[0]["expire_date"] == date(2026, 1, 31) and stored[1]["expire_date"] is None
    assert stored[0]["is_pending"] is None  # the export does not say
    [audit] = audit_rows(app)
    assert (audit["action"], audit["outcome"], audit["actor"]) == ("members_imported", "ok", "cli")
    assert audit["reason"] == "2 anggota (sebelumnya 0)"
    assert "Siti" not in str(audit) and "P278" not in str(audit)


def test_lookup_ignores_case_and_returns_a_member_record(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    text = export_text(
        [
            member_row(
                "ab123",
                "Rina",
                member_type_name="Dosen",
                inst_name="Kebidanan",
                expire_date="2027-05-01",
            )
        ]
    )
    assert (
        runner.invoke(args=["members", "import", str(write_export(tmp_path, text))]).exit_code == 0
    )
    found = directory(app).lookup(" AB123 ")
    assert found == MemberRecord(
        member_id="ab123",
        name="Rina",
        email=None,
        member_type="Dosen",
        inst_name="Kebidanan",
        expire_date=date(2027, 5, 1),
        is_pending=None,
        source="csv",
    )
    assert directory(app).lookup("AB124") is None
    count, imported_at = directory(app).snapshot()
    assert count == 1 and imported_at is not None and imported_at.tzinfo is not None


def test_before_any_import_the_directory_is_unavailable(app: Flask) -> None:
    with pytest.raises(DirectoryUnavailable, match="belum diimpor"):
        directory(app).lookup("P001")


def test_a_new_import_replaces_the_whole_list(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    first = export_text([member_row("P001", "Satu"), member_row("P002", "Dua")])
    second = export_text([member_row("P002", "Dua Baru"), member_row("P003", "Tiga")])
    runner.invoke(args=["members", "import", str(write_export(tmp_path, first, "a.csv"))])
    result = runner.invoke(args=["members", "import", str(write_export(tmp_path, second, "b.csv"))])
    assert "2 anggota diimpor (tanpa baris judul); sebelumnya 2." in result.output
    assert [(row["member_id"], row["name"]) for row in rows(app, schema.library_members)] == [
        ("P002", "Dua Baru"),
        ("P003", "Tiga"),
    ]


def test_a_file_with_bad_rows_lists_every_error_and_changes_nothing(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    good = export_text([member_row("P001", "Satu")])
    runner.invoke(args=["members", "import", str(write_export(tmp_path, good, "good.csv"))])
    bad = export_text(
        [
            member_row("P010", "Baik"),
            member_row("P011", ""),
            member_row("P012", "X", expire_date="2026-02-30"),
        ]
    )
    path = write_export(tmp_path, bad, "bad.csv")
    result = runner.invoke(args=["members", "import", str(path)])
    assert result.exit_code == 1
    assert f"{path}:2: kolom member_name kosong" in result.output
    assert f"{path}:3: kolom expire_date: tanggal tidak sah '2026-02-30'" in result.output
    assert "Impor dibatalkan: 2 kesalahan; daftar anggota tidak diubah." in result.output
    assert [row["member_id"] for row in rows(app, schema.library_members)] == ["P001"]
    assert len(audit_rows(app)) == 1


def test_a_failing_store_rolls_the_replacement_back(app: Flask) -> None:
    with app.app_context():
        engine = services().engine
    with transaction(engine) as connection:
        slims_queries.replace_library_members(connection, [member_row_dict("P001")], actor="test")
    with pytest.raises(Exception), transaction(engine) as connection:  # noqa: B017
        # Two members with the same number (any case) break the key half-way.
        slims_queries.replace_library_members(
            connection, [member_row_dict("P002"), member_row_dict("p002")], actor="test"
        )
    assert [row["member_id"] for row in rows(app, schema.library_members)] == ["P001"]


def member_row_dict(member_id: str) -> dict[str, object]:
    return {
        "member_id": member_id,
        "name": "Nama",
        "email": None,
        "member_type": None,
        "inst_name": None,
        "expire_date": None,
    }


def test_a_windows_1252_export_is_read_and_said_so(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    path = write_export(tmp_path, export_text([member_row("P001", "José")]), encoding="cp1252")
    result = runner.invoke(args=["members", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "dibaca sebagai cp1252" in result.output
    assert rows(app, schema.library_members)[0]["name"] == "José"


def test_twenty_thousand_members_import_in_one_go(
    app: Flask, runner: FlaskCliRunner, tmp_path: Path
) -> None:
    members = [member_row(f"P{number:011d}", f"Anggota {number}") for number in range(20_000)]
    path = write_export(tmp_path, export_text(members, header=True))
    result = runner.invoke(args=["members", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "20000 anggota diimpor" in result.output
    assert directory(app).lookup("p00000019999").name == "Anggota 19999"


def test_members_show(app: Flask, runner: FlaskCliRunner, tmp_path: Path) -> None:
    text = export_text([member_row("P001", "Siti", expire_date="2026-01-31")])
    runner.invoke(args=["members", "import", str(write_export(tmp_path, text))])
    shown = runner.invoke(args=["members", "show", "p001"])
    assert shown.exit_code == 0
    assert "Nama: Siti" in shown.output and "Berlaku sampai: 2026-01-31" in shown.output
    assert "Sumber: csv" in shown.output
    missing = runner.invoke(args=["members", "show", "P999"])
    assert missing.exit_code == 1 and "tidak ditemukan" in missing.output


def test_a_missing_file_is_a_clean_error(runner: FlaskCliRunner, tmp_path: Path) -> None:
    result = runner.invoke(args=["members", "import", str(tmp_path / "tidak-ada.csv")])
    assert result.exit_code == 2 and "does not exist" in result.output
