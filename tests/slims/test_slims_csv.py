"""Reading SLiMS' member export: its quirks, and every bad row reported with its line."""

from __future__ import annotations

from datetime import date

import pytest

from signup_fn.slims.member_csv import (
    COLUMNS,
    MAX_EXPORT_BYTES,
    MemberCsvError,
    parse_export,
    unescape,
)
from tests.support.slims_export import export_text, member_row


def problems_of(data: bytes) -> list[str]:
    with pytest.raises(MemberCsvError) as caught:
        parse_export(data, path="anggota.csv")
    return [str(problem) for problem in caught.value.problems]


def test_a_plain_export_without_header() -> None:
    text = export_text(
        [
            member_row(
                "P001",
                "Siti Aminah",
                member_email="siti@example.ac.id",
                inst_name="D3 Keperawatan",
                expire_date="2026-01-31",
            ),
            member_row("P002", "Budi", member_type_name="Dosen"),
        ]
    )
    export = parse_export(text.encode())
    assert not export.had_header
    assert export.encoding == "utf-8"
    first, second = export.members
    assert (first.member_id, first.name, first.email, first.inst_name) == (
        "P001",
        "Siti Aminah",
        "siti@example.ac.id",
        "D3 Keperawatan",
    )
    assert first.expire_date == date(2026, 1, 31)
    assert first.member_type == "Standard" and second.member_type == "Dosen"
    assert second.email is None and second.inst_name is None  # exported as ""
    assert (first.line, second.line) == (1, 2)


def test_the_header_row_with_its_trailing_separator_is_detected() -> None:
    text = export_text([member_row("P001", "Siti")], header=True)
    assert text.splitlines()[0].endswith('"member_notes",')
    export = parse_export(text.encode())
    assert export.had_header
    assert [member.member_id for member in export.members] == ["P001"]
    assert export.members[0].line == 2


def test_a_header_in_another_order_is_refused() -> None:
    text = '"member_id","member_email"\n' + export_text([member_row("P001", "Siti")])
    assert problems_of(text.encode()) == [
        "anggota.csv:1: baris judul tidak sesuai; urutan kolom: " + ", ".join(COLUMNS)
    ]


def test_backslash_escapes_are_decoded_as_mysql_writes_them() -> None:
    name = 'Nur "Ais" O\'Neil \\ Putri'
    notes = "baris satu\nbaris dua\tkolom\r\0akhir"
    text = export_text([member_row("P001", name, member_notes=notes), member_row("P002", "Dua")])
    assert '\\"Ais\\"' in text and "\\\\" in text and "\\n" in text  # escaped, not doubled
    export = parse_export(text.encode())
    assert export.members[0].name == name
    assert [member.line for member in export.members] == [1, 2]


def test_unescape_follows_mysql_rules() -> None:
    assert unescape(r"a\"b\\c\nd\te\0f\Zg\%h\x") == 'a"b\\c\nd\te\0f\x1ag%hx'
    assert unescape(r"\\n") == "\\n"  # an escaped backslash followed by n


def test_raw_newlines_inside_quotes_keep_line_numbers_right() -> None:
    text = export_text([member_row("P001", "Satu", member_notes="x")]).replace(
        '"x"', '"baris\nbaru\r\nlagi"'
    ) + export_text([member_row("P002", "")])
    assert problems_of(text.encode()) == ["anggota.csv:4: kolom member_name kosong"]


def test_zero_dates_and_empty_dates_are_none() -> None:
    text = export_text(
        [
            member_row("P001", "Satu", expire_date="0000-00-00"),
            member_row("P002", "Dua", expire_date="", birth_date=""),
        ]
    )
    assert [member.expire_date for member in parse_export(text.encode()).members] == [None, None]


def test_crlf_blank_lines_bom_and_unquoted_values() -> None:
    text = "\ufeff" + export_text([member_row("P001", "Satu")], newline="\r\n") + "\r\n\r\n"
    text += "P002,Dua,0,Standard,,,,,0,,,,,,,2030-01-01,,\n"
    export = parse_export(text.encode("utf-8"))
    assert [(m.member_id, m.line) for m in export.members] == [("P001", 1), ("P002", 4)]
    assert export.members[1].expire_date == date(2030, 1, 1)


@pytest.mark.parametrize(("encoding", "expected"), [("cp1252", "cp1252"), ("latin-1", "cp1252")])
def test_non_utf8_exports_fall_back_to_windows_1252(encoding: str, expected: str) -> None:
    text = export_text([member_row("P001", "José Müller")])
    export = parse_export(text.encode(encoding))
    assert export.encoding == expected
    assert export.members[0].name == "José Müller"


def test_bytes_undefined_in_windows_1252_fall_back_to_latin_1() -> None:
    data = export_text([member_row("P001", "A\x81B")]).encode("latin-1")
    export = parse_export(data)
    assert export.encoding == "latin-1"
    assert export.members[0].name == "A\x81B"


def test_every_bad_row_is_reported_with_its_line() -> None:
    rows = [
        member_row("P001", "Baik"),
        member_row("", "Tanpa Nomor"),
        member_row("P003", "Tanggal", expire_date="31-12-2026"),
        member_row("p001", "Kembar"),
        member_row("P005", "Bulan", register_date="2026-13-01"),
        member_row("X" * 21, "Panjang"),
    ]
    text = export_text(rows) + '"P007","kurang kolom"\n' + '"P008","a"b",\n'
    assert problems_of(text.encode()) == [
        "anggota.csv:2: kolom member_id kosong",
        "anggota.csv:3: kolom expire_date: tanggal tidak sah '31-12-2026' (YYYY-MM-DD)",
        "anggota.csv:4: nomor anggota p001 sudah ada di baris 1",
        "anggota.csv:5: kolom register_date: tanggal tidak sah '2026-13-01' (YYYY-MM-DD)",
        "anggota.csv:6: kolom member_id lebih dari 20 karakter",
        "anggota.csv:7: ada 2 kolom, seharusnya 18",
        "anggota.csv:8: karakter tak terduga 'b' setelah nilai",
    ]


def test_doubled_quotes_are_reported() -> None:
    text = export_text([member_row("P001", "X")]).replace('"X"', '"Nur ""Ais"""')
    assert problems_of(text.encode()) == [
        'anggota.csv:1: tanda kutip di dalam nilai harus ditulis \\" (bukan "")'
    ]


def test_an_unclosed_quote_is_reported_at_its_record() -> None:
    text = export_text([member_row("P001", "Satu")]) + '"P002","Dua\n'
    assert problems_of(text.encode()) == ['anggota.csv:2: tanda kutip (") tidak ditutup']
    # A quote left open pairs with the next record's first quote: still reported at line 2.
    text = export_text([member_row("P001", "Satu")]) + '"P002","Dua\n"P003"\n'
    assert problems_of(text.encode()) == ["anggota.csv:2: karakter tak terduga 'P' setelah nilai"]


def test_empty_and_oversized_files_are_refused() -> None:
    assert problems_of(b"") == ["anggota.csv:1: berkas tidak memuat data anggota"]
    header_only = export_text([], header=True).encode()
    assert problems_of(header_only) == ["anggota.csv:1: berkas tidak memuat data anggota"]
    assert problems_of(b" " * (MAX_EXPORT_BYTES + 1)) == [
        "anggota.csv:1: berkas lebih besar dari 50 MB"
    ]
