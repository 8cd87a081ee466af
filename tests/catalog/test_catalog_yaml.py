"""Safe YAML: refused constructs, duplicate and non-text keys, YAML 1.2 core scalars."""

from __future__ import annotations

from datetime import date

import pytest
import yaml

from catalog import yaml_source
from catalog.errors import CatalogError
from catalog.loader import load_catalog
from catalog.yaml_source import resolve_plain
from tests.catalog.catalog_texts import GOOD_CATALOG, VALID_CATALOG, edited, resource


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("true", True),
        ("True", True),
        ("TRUE", True),
        ("false", False),
        ("FALSE", False),
        ("null", None),
        ("~", None),
        ("", None),
        ("42", 42),
        ("-7", -7),
        ("+3", 3),
        ("0123", 123),  # decimal, never octal 83
        ("2021-06-22", date(2021, 6, 22)),
        ("No", "No"),  # YAML 1.1 would make these booleans
        ("yes", "yes"),
        ("on", "on"),
        ("off", "off"),
        ("y", "y"),
        ("1.5", "1.5"),
        ("0x1F", "0x1F"),
        ("0o17", "0o17"),
        ("1_000", "1_000"),
        ("12:30", "12:30"),  # YAML 1.1 sexagesimal 750
        ("2021-06-22 10:00", "2021-06-22 10:00"),
        (".inf", ".inf"),
        ("١٢٣", "١٢٣"),  # Arabic-Indic digits are not a number
    ],
)
def test_plain_scalars_resolve_by_yaml_1_2_core_rules(text, value):
    resolved = resolve_plain(text)
    assert resolved == value
    assert type(resolved) is type(value)


def test_yaml_1_1_surprises_stay_text(load_text):
    loaded = load_text(
        edited("    name: Garuda\n", "    name: No\n").replace(
            "    added:", "    provider: off\n    keywords: [yes, '0123']\n    added:"
        )
    )
    entry = loaded.catalog.resources[0]
    assert (entry.name, entry.provider, entry.keywords) == ("No", "off", ["yes", "0123"])


def test_python_tag_is_refused(errors_of):
    text = edited("    name: Garuda\n", "    name: !!python/object/apply:os.system [ls]\n")
    assert errors_of(text) == [
        "resources.yml:6: garuda: tag YAML '!!python/object/apply:os.system' tidak diizinkan;"
        " hapus tag itu (teks cukup diberi tanda kutip)"
    ]


def test_local_tag_is_refused(errors_of):
    text = edited("    subjects: [umum]\n", "    subjects: !daftar [umum]\n")
    assert errors_of(text) == [
        "resources.yml:10: garuda: tag YAML '!daftar' tidak diizinkan; hapus tag itu (teks"
        " cukup diberi tanda kutip)"
    ]


def test_standard_tag_is_refused_too(errors_of):
    text = edited("    name: Garuda\n", "    name: !!str 2024\n")
    assert errors_of(text) == [
        "resources.yml:6: garuda: tag YAML '!!str' tidak diizinkan; hapus tag itu (teks cukup"
        " diberi tanda kutip)"
    ]


def test_anchor_is_refused(errors_of):
    text = edited("    subjects: [umum]\n", "    subjects: &semua [umum]\n")
    assert errors_of(text) == [
        "resources.yml:10: garuda: anchor YAML '&semua' tidak diizinkan; tulis nilainya"
        " lengkap di setiap tempat"
    ]


def test_alias_bomb_is_refused_at_the_first_anchor_without_expanding(errors_of):
    levels = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    levels += [f"a{n}: &a{n} [{','.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 10)]
    assert errors_of("\n".join(levels) + "\n") == [
        "resources.yml:1: a0: anchor YAML '&a0' tidak diizinkan; tulis nilainya lengkap di"
        " setiap tempat"
    ]


def test_alias_is_refused(errors_of):
    # an alias whose anchor is unknown still never resolves
    text = edited("    subjects: [umum]\n", "    subjects: *semua\n")
    messages = errors_of(text)
    assert messages == [
        "resources.yml:10: garuda: alias YAML '*semua' tidak diizinkan; tulis nilainya lengkap"
    ]


def test_duplicate_key_is_reported_and_the_first_value_kept(errors_of):
    text = edited("    added: 2021-06-22\n", "    added: 2021-06-22\n    name: Garuda Lagi\n")
    assert errors_of(text) == [
        "resources.yml:13: garuda: kunci 'name' ditulis dua kali (pertama di baris 6);"
        " hapus salah satunya"
    ]


def test_duplicate_top_level_key_is_reported(errors_of):
    text = VALID_CATALOG + "subjects:\n  - id: lain\n    name: Lain\n"
    assert errors_of(text) == [
        "resources.yml:13: subjects: kunci 'subjects' ditulis dua kali (pertama di baris 1);"
        " hapus salah satunya"
    ]


def test_key_that_is_not_text_is_refused(errors_of):
    text = edited("    added: 2021-06-22\n", "    added: 2021-06-22\n    2024: baru\n")
    assert errors_of(text) == [
        "resources.yml:13: garuda: kunci '2024' tidak diizinkan; kunci harus berupa teks"
        " (nama kolom)"
    ]


def test_collection_as_key_is_refused(errors_of):
    text = edited("    added: 2021-06-22\n", "    added: 2021-06-22\n    ? [a, b]\n    : c\n")
    assert errors_of(text) == [
        "resources.yml:13: garuda: kunci daftar atau pemetaan tidak diizinkan; kunci harus"
        " berupa teks (nama kolom)"
    ]


def test_impossible_date_is_reported_once(errors_of):
    text = edited("    added: 2021-06-22\n", "    added: 2021-02-30\n")
    assert errors_of(text) == [
        "resources.yml:12: garuda: tanggal '2021-02-30' tidak ada di kalender; periksa bulan"
        " dan harinya"
    ]


def test_second_document_is_refused(errors_of):
    assert errors_of(VALID_CATALOG + "---\n" + VALID_CATALOG) == [
        "resources.yml:13: -: berkas hanya boleh berisi satu dokumen YAML; hapus pemisah"
        " '---' yang kedua"
    ]


def test_file_over_the_size_cap_is_refused(errors_of):
    assert errors_of(VALID_CATALOG, max_bytes=100) == [
        "resources.yml:1: -: berkas lebih besar dari batas 100 byte"
    ]


def test_syntax_error_names_its_line(errors_of):
    text = edited("    name: Garuda\n", "    name: Garuda: Garba Rujukan Digital\n")
    assert errors_of(text) == [
        "resources.yml:6: garuda: sintaks YAML salah: tanda ':' tidak boleh di sini; periksa"
        " indentasi baris ini (spasinya harus sama dengan kolom lain di entri itu), atau beri"
        " tanda kutip pada teks yang berisi ': '"
    ]


def test_tab_indentation_is_a_syntax_error(errors_of):
    text = edited("    name: Garuda\n", "\tname: Garuda\n")
    assert errors_of(text) == [
        "resources.yml:6: -: sintaks YAML salah: tab tidak boleh dipakai untuk indentasi;"
        " gunakan spasi"
    ]


def test_text_that_is_not_utf8_is_refused(catalog_dir):
    text = edited("    name: Garuda\n", "    name: Garuda\xa0Baru\n")
    (catalog_dir / "resources.yml").write_bytes(text.encode("latin-1"))
    with pytest.raises(CatalogError) as failure:
        load_catalog("resources.yml")
    assert str(failure.value) == (
        "resources.yml:6: -: berkas bukan teks UTF-8 yang sah; simpan ulang dengan pengodean UTF-8"
    )


def test_missing_file_is_one_problem(catalog_dir):
    with pytest.raises(CatalogError) as failure:
        load_catalog("tidak-ada.yml")
    assert str(failure.value) == ("tidak-ada.yml:1: -: berkas tidak ditemukan")


def test_empty_file_is_refused(errors_of):
    assert errors_of("# hanya komentar\n") == ["resources.yml:1: -: berkas kosong"]


def test_top_level_list_is_refused(errors_of):
    assert errors_of("- id: garuda\n") == [
        "resources.yml:1: -: berkas harus berupa pemetaan dengan kunci 'subjects' dan 'resources'"
    ]


def test_utf8_bom_is_accepted(catalog_dir):
    (catalog_dir / "resources.yml").write_bytes(b"\xef\xbb\xbf" + VALID_CATALOG.encode())
    assert load_catalog("resources.yml").line_of("garuda") == 5


def test_deep_nesting_is_refused_without_building_it(errors_of):
    text = "subjects: " + "[" * 50 + "]" * 50 + "\n"
    assert errors_of(text) == [
        "resources.yml:1: -: struktur terlalu dalam (lebih dari 16 tingkat); periksa kurung"
    ]


def test_nesting_past_libyamls_own_limit_gets_the_same_refusal(errors_of):
    # libyaml's scanner stops first (at 1,000 levels), while the reader is still at `subjects`
    text = "subjects: " + "[" * 100_000 + "]" * 100_000 + "\n"
    assert errors_of(text) == [
        "resources.yml:1: subjects: struktur terlalu dalam (lebih dari 16 tingkat); periksa kurung"
    ]


def test_escaped_control_character_is_refused(errors_of):
    text = edited("    name: Garuda\n", '    name: "Garuda\\0"\n')
    assert errors_of(text) == [
        "resources.yml:6: garuda: teks berisi karakter kontrol (mis. \\0 atau \\e); hapus"
        " karakter itu"
    ]


def test_directory_is_refused(catalog_dir):
    (catalog_dir / "folder.yml").mkdir()
    with pytest.raises(CatalogError) as failure:
        load_catalog("folder.yml")
    assert str(failure.value) == "folder.yml:1: -: ini folder, bukan berkas"


@pytest.fixture
def pure_python_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    """Where libyaml is missing, PyYAML's pure-Python parser is used."""
    monkeypatch.setattr(yaml_source, "Loader", yaml.SafeLoader)


def test_pure_python_parser_reads_the_same_catalog(monkeypatch):
    with_c_parser = yaml_source.read_yaml(GOOD_CATALOG)
    monkeypatch.setattr(yaml_source, "Loader", yaml.SafeLoader)
    with_python_parser = yaml_source.read_yaml(GOOD_CATALOG)
    assert with_python_parser.data == with_c_parser.data
    assert with_python_parser.lines == with_c_parser.lines


def test_pure_python_parser_refuses_the_same_yaml(pure_python_parser, errors_of):
    text = edited("    subjects: [umum]\n", "    subjects: &semua [umum]\n")
    assert errors_of(text) == [
        "resources.yml:10: garuda: anchor YAML '&semua' tidak diizinkan; tulis nilainya"
        " lengkap di setiap tempat"
    ]
    text = edited("    name: Garuda\n", "    name: !!python/name:os.system\n")
    assert errors_of(text) == [
        "resources.yml:6: garuda: tag YAML '!!python/name:os.system' tidak diizinkan; hapus tag"
        " itu (teks cukup diberi tanda kutip)"
    ]


@pytest.mark.parametrize(
    ("field", "value", "line", "message"),
    [
        (
            "name",
            '"Sumber Kedua',
            14,
            "tanda kutip yang dibuka di baris ini tidak ditutup; tambahkan tanda kutip penutup"
            " yang sama di akhir teks (terdeteksi di baris 21)",
        ),
        (
            "description",
            "'Sumber kedua.",
            19,
            "tanda kutip yang dibuka di baris ini tidak ditutup; tambahkan tanda kutip penutup"
            " yang sama di akhir teks (terdeteksi di baris 21)",
        ),
        (
            "subjects",
            "[umum",
            18,
            "daftar [ ... ] yang dibuka di baris ini tidak ditutup dengan benar; periksa ']' dan"
            " koma di antara isinya (terdeteksi di baris 19)",
        ),
        (
            "subjects",
            "{umum: ya",
            18,
            "pemetaan { ... } yang dibuka di baris ini tidak ditutup dengan benar; periksa '}' dan"
            " koma di antara isinya (terdeteksi di baris 19)",
        ),
    ],
)
def test_unclosed_quote_or_bracket_is_reported_where_it_was_opened(
    errors_of, field, value, line, message
):
    # the second entry starts on line 13: id 13, name 14, ..., subjects 18, description 19
    text = VALID_CATALOG + resource("kedua", **{field: value})
    assert errors_of(text) == [f"resources.yml:{line}: kedua: sintaks YAML salah: {message}"]


def test_unclosed_bracket_closed_on_the_same_line_keeps_the_problem_line(errors_of):
    text = edited("    subjects: [umum]\n", '    subjects: [umum, "gizi" x]\n')
    [error] = errors_of(text)
    assert error.startswith("resources.yml:10: garuda: sintaks YAML salah: daftar [ ... ]")
    assert "terdeteksi" not in error
