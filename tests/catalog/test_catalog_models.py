"""Strict typed fields: each wrong value gets one Indonesian message on its own line."""

from __future__ import annotations

import pytest

from tests.catalog.catalog_texts import VALID_CATALOG, edited


def test_misspelt_key_suggests_the_field(errors_of):
    text = edited("    access: free\n", "    acess: free\n")
    assert errors_of(text) == [
        "resources.yml:8: garuda: kolom tidak dikenal 'acess' (maksudnya 'access'?)"
    ]


def test_unknown_key_lists_the_known_fields(errors_of):
    text = edited("    added: 2021-06-22\n", "    added: 2021-06-22\n    harga: 100\n")
    assert errors_of(text) == [
        "resources.yml:13: garuda: kolom tidak dikenal 'harga'; kolom yang dikenal: id, name,"
        " url, access, type, subjects, description, added, provider, languages, alt_names,"
        " keywords, featured, trial, available_until, how_to_access, notice, proxy, referrer"
    ]


def test_misspelt_top_level_key(errors_of):
    text = VALID_CATALOG.replace("resources:", "resource:")
    assert errors_of(text) == [
        "resources.yml:4: resource: kolom tidak dikenal 'resource' (maksudnya 'resources'?)"
    ]


def test_missing_fields_are_one_problem_on_the_entry_line(errors_of):
    text = edited(
        "    url: https://garuda.kemdikbud.go.id/\n    access: free\n",
        "",
    )
    assert errors_of(text) == ["resources.yml:5: garuda: kolom wajib belum diisi: 'url', 'access'"]


def test_missing_id(errors_of):
    text = edited("  - id: garuda\n    name: Garuda\n", "  - name: Garuda\n")
    assert errors_of(text) == ["resources.yml:5: -: kolom wajib 'id' belum diisi"]


def test_number_where_text_belongs_asks_for_quotes(errors_of):
    text = edited("    name: Garuda\n", "    name: 2024\n")
    assert errors_of(text) == [
        "resources.yml:6: garuda: kolom 'name' harus berupa teks, tetapi 2024 terbaca sebagai"
        ' angka; tulis dalam tanda kutip: "2024"'
    ]


def test_leading_zero_id_is_quoted_as_written(errors_of):
    text = edited("  - id: garuda\n", "  - id: 0123\n")
    assert errors_of(text) == [
        "resources.yml:5: 0123: kolom 'id' harus berupa teks, tetapi 0123 terbaca sebagai"
        ' angka; tulis dalam tanda kutip: "0123"'
    ]


def test_boolean_where_text_belongs_asks_for_quotes(errors_of):
    text = edited("    name: Garuda\n", "    name: true\n")
    assert errors_of(text) == [
        "resources.yml:6: garuda: kolom 'name' harus berupa teks, tetapi true terbaca sebagai"
        ' nilai benar/salah; tulis dalam tanda kutip: "true"'
    ]


def test_empty_required_text(errors_of):
    text = edited(
        "    description: Indeks artikel jurnal ilmiah Indonesia.\n", "    description:\n"
    )
    assert errors_of(text) == [
        "resources.yml:11: garuda: kolom 'description' kosong; isi dengan teks"
    ]


def test_blank_text(errors_of):
    text = edited("    name: Garuda\n", "    name: '   '\n")
    assert errors_of(text) == ["resources.yml:6: garuda: kolom 'name' tidak boleh kosong"]


def test_text_too_long(errors_of):
    text = edited("    name: Garuda\n", f"    name: {'a' * 301}\n")
    assert errors_of(text) == [
        "resources.yml:6: garuda: kolom 'name' terlalu panjang (301 karakter; paling banyak 300)"
    ]


def test_yes_is_not_a_boolean(errors_of):
    text = edited("    added: 2021-06-22\n", "    added: 2021-06-22\n    featured: yes\n")
    assert errors_of(text) == [
        "resources.yml:13: garuda: kolom 'featured' harus true atau false, bukan 'yes'"
    ]


def test_quoted_date_asks_to_drop_the_quotes(errors_of):
    text = edited("    added: 2021-06-22\n", '    added: "2021-06-22"\n')
    assert errors_of(text) == [
        "resources.yml:12: garuda: kolom 'added' harus tanggal tanpa tanda kutip: 2021-06-22"
    ]


def test_date_in_another_format(errors_of):
    text = edited("    added: 2021-06-22\n", "    added: 22-06-2021\n")
    assert errors_of(text) == [
        "resources.yml:12: garuda: kolom 'added' harus tanggal dengan format YYYY-MM-DD"
        " (mis. 2024-01-31), bukan '22-06-2021'"
    ]


def test_unknown_access_lists_the_choices(errors_of):
    text = edited("    access: free\n", "    access: gratis\n")
    assert errors_of(text) == [
        "resources.yml:8: garuda: kolom 'access' berisi 'gratis' yang tidak dikenal; pilih"
        " salah satu: free, paid, members"
    ]


def test_unknown_type_lists_the_choices(errors_of):
    text = edited("    type: database\n", "    type: jurnal\n")
    assert errors_of(text) == [
        "resources.yml:9: garuda: kolom 'type' berisi 'jurnal' yang tidak dikenal; pilih salah"
        " satu: journal, ebook, database, repository, reference, guideline, multimedia"
    ]


def test_subjects_must_be_a_list(errors_of):
    text = edited("    subjects: [umum]\n", "    subjects: umum\n")
    assert errors_of(text) == [
        "resources.yml:10: garuda: kolom 'subjects' harus berupa daftar, mis. ['umum']"
    ]


def test_subjects_must_not_be_empty(errors_of):
    text = edited("    subjects: [umum]\n", "    subjects: []\n")
    assert errors_of(text) == [
        "resources.yml:10: garuda: kolom 'subjects' harus berisi paling sedikit 1 isian"
    ]


def test_id_must_be_a_slug(errors_of):
    text = edited("  - id: garuda\n", "  - id: Garuda Baru\n")
    assert errors_of(text) == [
        "resources.yml:5: Garuda Baru: kolom 'id' berisi 'Garuda Baru', bukan slug: pakai huruf"
        " kecil a-z, angka 0-9 dan tanda '-' saja (mis. 'kesehatan-masyarakat')"
    ]


def test_language_code(errors_of):
    text = edited(
        "    added: 2021-06-22\n", "    added: 2021-06-22\n    languages: [id, Inggris]\n"
    )
    assert errors_of(text) == [
        "resources.yml:13: garuda: kolom 'languages' (isian ke-2) berisi 'Inggris', bukan kode"
        " bahasa: pakai 2–3 huruf kecil (mis. id, en)"
    ]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("javascript:alert(1)", "URL harus diawali https:// atau http://"),
        ("'data:text/html,<script>alert(1)</script>'", "URL harus diawali https:// atau http://"),
        ("file:///etc/passwd", "URL harus diawali https:// atau http://"),
        ("//garuda.kemdikbud.go.id/", "URL harus diawali https:// atau http://"),
        ("ftp://garuda.kemdikbud.go.id/", "URL harus diawali https:// atau http://"),
        ("garuda.kemdikbud.go.id", "URL harus diawali https:// atau http://"),
        ("https:///jalan", "URL tidak memiliki nama host"),
        ("'https://garuda.kemdikbud.go.id/cari buku'", "URL tidak boleh berisi spasi"),
    ],
)
def test_only_web_urls(errors_of, url, reason):
    text = edited("    url: https://garuda.kemdikbud.go.id/\n", f"    url: {url}\n")
    assert errors_of(text) == [f"resources.yml:7: garuda: kolom 'url': {reason}"]


def test_entry_must_be_a_mapping(errors_of):
    text = VALID_CATALOG + "  - garuda\n"
    assert errors_of(text) == [
        "resources.yml:13: -: 'resources' (isian ke-2) harus berupa pemetaan 'kolom: nilai',"
        " bukan teks"
    ]


def test_subject_errors_name_the_subject(errors_of):
    text = edited("    name: Umum\n", "    nama: Umum\n")
    assert errors_of(text) == [
        "resources.yml:3: umum: kolom tidak dikenal 'nama' (maksudnya 'name'?)"
    ]


def test_no_subjects_at_all(errors_of):
    text = edited("subjects:\n  - id: umum\n    name: Umum\n", "subjects: []\n").replace(
        "[umum]", "[]"
    )
    assert errors_of(text) == [
        "resources.yml:1: subjects: kolom 'subjects' harus berisi paling sedikit 1 isian",
        "resources.yml:8: garuda: kolom 'subjects' harus berisi paling sedikit 1 isian",
    ]


def test_referrer_is_only_for_members_resources(errors_of, load_text):
    # garuda is `free`: its public link would hand the vendor's trusted address to anyone
    text = edited("    added: 2021-06-22\n", "    added: 2021-06-22\n    referrer: true\n")
    assert errors_of(text) == [
        "resources.yml:13: garuda: kolom 'referrer': referrer: true hanya untuk access: members"
        " (alamat portal yang dikirim ke penyedia harus di balik login)"
    ]
    members = edited("    access: free\n", "    access: members\n    referrer: true\n")
    [resource] = load_text(members).catalog.resources
    assert resource.referrer is True
