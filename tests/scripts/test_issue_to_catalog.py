"""Issue-form bodies, as GitHub renders them, become resources.yml changes or field errors.

The bodies in `issue_bodies/` are written the way GitHub writes a submitted issue form: a
`### <label>` section per field, `_No response_` for an empty one, `- [X]`/`- [ ]` boxes, the
chosen dropdown option as text. Every change is asserted on the whole diff: the lines removed
and added, nothing else, so every other line stays byte for byte.
"""

from __future__ import annotations

import difflib
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from catalog.catalog_edit import edit_entry, remove_entry
from catalog.issue_forms import FORMS
from catalog.issue_requests import RequestRefused, apply_request, parse_issue_body
from catalog.loader import load_catalog
from catalog.yaml_source import parse_yaml

ROOT = Path(__file__).resolve().parents[2]
BODIES = Path(__file__).parent / "issue_bodies"
SCRIPT = ROOT / "scripts" / "issue_to_catalog.py"
TODAY = date(2026, 11, 30)

CATALOG = """\
# yaml-language-server: $schema=./resources.schema.json
# Katalog uji: komentar, urutan dan gaya penulisan harus tetap.

subjects:
  - id: umum
    name: Umum

  - id: keperawatan
    name: Keperawatan

resources:
  # --- Nasional ---------------------------------------------------------

  - id: garuda
    name: Garuda (Garba Rujukan Digital)
    url: https://garuda.kemdikbud.go.id/   # alamat lama
    access: free
    type: database
    subjects: [umum, keperawatan]
    description: Indeks artikel jurnal ilmiah Indonesia.
    added: 2021-06-22
    keywords: [jurnal indonesia, artikel ilmiah]
    featured: true

  - id: jove
    name: 'JoVE'
    url: https://www.jove.com/
    access: paid
    type: multimedia
    subjects: [keperawatan]
    description: >-
      Video eksperimen
      dan prosedur klinis.
    added: 2026-01-02
    keywords: [video, prosedur klinis]
    trial: true
    # available_until: 2027-01-31

  # --- Internasional ----------------------------------------------------

  - id: pubmed
    name: PubMed
    url: https://pubmed.ncbi.nlm.nih.gov/
    access: free
    type: database
    subjects: [umum]
    description: "Basis data biomedis: MEDLINE dan lainnya."
    added: 2021-06-22
"""


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    path = tmp_path / "resources.yml"
    path.write_bytes(CATALOG.encode())
    return path


def body(name: str, *, crlf: bool = False) -> str:
    text = (BODIES / name).read_text(encoding="utf-8")
    return text.replace("\n", "\r\n") if crlf else text


def apply(catalog: Path, text: str) -> tuple[list[str], list[str]]:
    """Apply the body; return the removed and the added lines (with their line ends)."""
    before = catalog.read_bytes().decode()
    apply_request(text, catalog, load_catalog(catalog, today=TODAY), TODAY)
    return changed(before, catalog.read_bytes().decode())


def changed(before: str, after: str) -> tuple[list[str], list[str]]:
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    removed: list[str] = []
    added: list[str] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            removed += old[i1:i2]
            added += new[j1:j2]
    return removed, added


def refused(catalog: Path, text: str) -> list[str]:
    """Apply a body that must be refused; the file stays as it was."""
    with pytest.raises(RequestRefused) as failure:
        apply_request(text, catalog, load_catalog(catalog, today=TODAY), TODAY)
    assert catalog.read_bytes() == CATALOG.encode()
    return [str(error) for error in failure.value.errors]


# --- good bodies: the exact change ---------------------------------------------------------


def test_a_full_proposal_is_appended_in_house_style(catalog: Path):
    removed, added = apply(catalog, body("usulkan-lengkap.md"))
    assert removed == []
    assert added == [
        "\n",
        "  - id: cochrane-library\n",
        "    name: Cochrane Library\n",
        "    url: https://www.cochranelibrary.com/\n",
        "    access: paid\n",
        "    type: database\n",
        "    subjects: [umum, keperawatan]\n",
        "    description: Kumpulan tinjauan sistematis (systematic review) untuk praktik berbasis"
        " bukti. Cocok untuk skripsi keperawatan.\n",
        "    added: 2026-11-30\n",
        "    provider: Wiley\n",
        "    languages: [en]\n",
        '    alt_names: [CDSR, "Cochrane: Database of Systematic Reviews"]\n',
        "    keywords: [tinjauan sistematis, evidence-based practice]\n",
        "    how_to_access: Buka dari jaringan kampus.\n",
        "    featured: true\n",
        "    available_until: 2027-12-31\n",
    ]
    resource = load_catalog(catalog, today=TODAY).resources_by_id["cochrane-library"]
    assert resource.alt_names == ["CDSR", "Cochrane: Database of Systematic Reviews"]
    assert not resource.trial


def test_a_minimal_proposal_with_windows_line_ends(catalog: Path):
    text = body("usulkan-minimal.md", crlf=True)
    assert "\r\n_No response_\r\n" in text
    removed, added = apply(catalog, text)
    assert removed == []
    assert added == [
        "\n",
        "  - id: portal-rujukan-gizi\n",
        "    name: Portal Rujukan Gizi\n",
        "    url: https://gizi.example.ac.id/\n",
        "    access: free\n",
        "    type: reference\n",
        "    subjects: [umum]\n",
        "    description: Rujukan komposisi pangan Indonesia.\n",
        "    added: 2026-11-30\n",
    ]


def test_a_pasted_url_loses_its_outer_spaces_and_angle_brackets(catalog: Path):
    _, added = apply(catalog, body("usulkan-url-tempel.md"))
    assert "    url: https://journals.plos.org/plosone/\n" in added
    assert "    subjects: [keperawatan]\n" in added  # written the YAML way, still read
    assert "    trial: true\n" in added and "    featured: true\n" not in added


def test_an_edit_changes_only_its_lines_and_keeps_the_comment(catalog: Path):
    removed, added = apply(catalog, body("ubah-url-dan-pemberitahuan.md"))
    assert removed == ["    url: https://garuda.kemdikbud.go.id/   # alamat lama\n"]
    assert added == [
        "    url: https://garuda.kemdiktisaintek.go.id/   # alamat lama\n",
        '    notice: "Alamat baru sejak 2025: \\"garuda.kemdiktisaintek.go.id\\"."\n',
    ]
    lines = catalog.read_text(encoding="utf-8").splitlines()
    assert lines[lines.index("    featured: true") + 1].startswith("    notice:")  # field order


def test_a_dash_clears_a_field_and_tidak_clears_a_flag(catalog: Path):
    removed, added = apply(catalog, body("ubah-hapus-kolom.md"))
    assert removed == ["    keywords: [video, prosedur klinis]\n", "    trial: true\n"]
    assert added == []
    assert "    # available_until: 2027-01-31\n" in catalog.read_text(encoding="utf-8")


def test_hiding_on_a_date_adds_available_until_after_the_flags(catalog: Path):
    removed, added = apply(catalog, body("sembunyikan-tanggal.md"))
    assert (removed, added) == ([], ["    available_until: 2027-01-31\n"])
    lines = catalog.read_text(encoding="utf-8").splitlines()
    assert lines[lines.index("    trial: true") + 1] == "    available_until: 2027-01-31"


def test_hiding_now_sets_yesterday(catalog: Path):
    removed, added = apply(catalog, body("sembunyikan-segera.md"))
    assert (removed, added) == ([], ["    available_until: 2026-11-29\n"])
    loaded = load_catalog(catalog, today=TODAY)
    assert "garuda" not in {resource.id for resource in loaded.available(TODAY)}


def test_removing_takes_the_whole_entry_and_one_blank_line(catalog: Path):
    removed, added = apply(catalog, body("hapus-entri.md"))
    assert added == []
    assert removed == [
        "  - id: jove\n",
        "    name: 'JoVE'\n",
        "    url: https://www.jove.com/\n",
        "    access: paid\n",
        "    type: multimedia\n",
        "    subjects: [keperawatan]\n",
        "    description: >-\n",
        "      Video eksperimen\n",
        "      dan prosedur klinis.\n",
        "    added: 2026-01-02\n",
        "    keywords: [video, prosedur klinis]\n",
        "    trial: true\n",
        "    # available_until: 2027-01-31\n",
        "\n",
    ]
    text = catalog.read_text(encoding="utf-8")
    assert "  # --- Internasional ---" in text  # the next section's comment stays


def test_a_broken_link_report_with_a_new_url_replaces_the_url(catalog: Path):
    removed, added = apply(catalog, body("tautan-rusak-url-baru.md"))
    assert removed == ["    url: https://www.jove.com/\n"]
    assert added == ["    url: https://www.jove.com/id/\n"]


def test_a_catalog_with_windows_line_ends_keeps_them(catalog: Path):
    crlf = CATALOG.replace("\n", "\r\n")
    catalog.write_bytes(crlf.encode())
    apply_request(body("tautan-rusak-url-baru.md"), catalog, load_catalog(catalog), TODAY)
    removed, added = changed(crlf, catalog.read_bytes().decode())
    assert removed == ["    url: https://www.jove.com/\r\n"]
    assert added == ["    url: https://www.jove.com/id/\r\n"]


def test_a_multi_line_field_is_replaced_whole(catalog: Path):
    edited = edit_entry(CATALOG, "jove", {"description": "Video prosedur klinis."}, set())
    removed, added = changed(CATALOG, edited.text)
    assert removed == [
        "    description: >-\n",
        "      Video eksperimen\n",
        "      dan prosedur klinis.\n",
    ]
    assert added == ["    description: Video prosedur klinis.\n"]


# --- bad bodies: every problem under the form field's label -------------------------------


@pytest.mark.parametrize(
    ("name", "errors"),
    [
        (
            "usulkan-url-spasi.md",
            ["Alamat sumber (url): kolom 'url': URL tidak boleh berisi spasi"],
        ),
        (
            "usulkan-subjek-salah.md",
            [
                "Akses (access): kolom 'access' berisi 'gratis' yang tidak dikenal; pilih salah"
                " satu: free, paid, members",
                "Subjek (subjects): subjek 'keperwatan' tidak ada di daftar 'subjects' (maksudnya"
                " 'keperawatan'?)",
                "Bahasa (languages): kolom 'languages' (isian ke-1) berisi 'indonesia', bukan kode"
                " bahasa: pakai 2–3 huruf kecil (mis. id, en)",
            ],
        ),
        (
            "usulkan-id-kembar.md",
            ["Id sumber (id): id sumber 'garuda' sudah dipakai di baris 14; setiap id harus unik"],
        ),
        ("usulkan-tanpa-keterangan.md", ["Keterangan (description): wajib diisi"]),
        (
            "ubah-id-tidak-ada.md",
            ["Id sumber (id): tidak ada sumber dengan id 'tidak-ada' di katalog"],
        ),
        (
            "ubah-tanpa-perubahan.md",
            ["Tidak ada kolom yang berubah: isi kolom yang ingin diubah (sunting isu)."],
        ),
        (
            "ubah-hapus-kolom-wajib.md",
            ["Nama sumber (name): kolom wajib tidak dapat dikosongkan"],
        ),
        (
            "sembunyikan-tanpa-tanggal.md",
            ["Tersedia sampai (available_until): isi tanggalnya (TTTT-BB-HH)"],
        ),
        (
            "tautan-rusak-tanpa-url.md",
            [
                "Alamat sumber (url): kosong; laporan ini tidak mengubah katalog. Isi alamat baru"
                " (sunting isu), atau perbaiki lewat formulir 'Ubah data sumber'."
            ],
        ),
        (
            "sisipan-judul.md",
            ["Alamat sumber (url): bagian ini tertulis dua kali; isi isu hanya lewat formulir"],
        ),
        (
            "bukan-formulir.md",
            [
                "Isi isu tidak cocok dengan formulir katalog mana pun (judul bagian '### ...'"
                " diubah atau dihapus). Buat isu baru lewat salah satu formulir."
            ],
        ),
    ],
)
def test_bad_bodies_are_refused_naming_the_form_fields(catalog: Path, name: str, errors: list[str]):
    assert refused(catalog, body(name)) == errors


def test_an_unknown_subject_is_named_with_the_form_label(catalog: Path):
    [error] = [
        e for e in refused(catalog, body("usulkan-subjek-salah.md", crlf=True)) if "ubjek" in e
    ]
    assert error.startswith("Subjek (subjects): subjek 'keperwatan' tidak ada")


def test_an_impossible_date_format_is_named_with_the_form_label(catalog: Path):
    [error] = refused(catalog, body("ubah-tanggal-salah.md"))
    assert error.startswith("Tersedia sampai (available_until): kolom 'available_until'")
    assert "31-12-2027" in error


def test_every_body_is_recognised_as_its_form():
    kinds = {
        "usulkan-lengkap.md": "add",
        "ubah-hapus-kolom.md": "edit",
        "hapus-entri.md": "hide",
        "tautan-rusak-url-baru.md": "link",
    }
    for name, kind in kinds.items():
        request = parse_issue_body(body(name, crlf=True))
        assert request.form.kind == kind
    assert {form.kind for form in FORMS} == set(kinds.values())


# --- the command the workflow runs ------------------------------------------------------------


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


def test_the_command_changes_the_real_catalog_and_reports_the_diff(tmp_path: Path):
    catalog = tmp_path / "resources.yml"
    original = (ROOT / "resources.yml").read_bytes()
    catalog.write_bytes(original)
    report, message = tmp_path / "report.md", tmp_path / "message.txt"
    done = run(
        str(BODIES / "ubah-url-dan-pemberitahuan.md"),
        "--catalog", str(catalog), "--report", str(report), "--message", str(message),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert message.read_text(encoding="utf-8") == "Ubah sumber 'garuda': notice, url\n"
    removed, added = changed(original.decode(), catalog.read_bytes().decode())
    assert [line.split(":")[0] for line in removed] == ["    url"]
    assert [line.split(":")[0] for line in added] == ["    url", "    notice"]
    text = report.read_text(encoding="utf-8")
    assert text.startswith("`Ubah sumber 'garuda': notice, url`: lolos pemeriksaan katalog.")
    assert "+    url: https://garuda.kemdiktisaintek.go.id/" in text


def test_the_command_reports_refusals_as_code_spans(tmp_path: Path):
    catalog = tmp_path / "resources.yml"
    catalog.write_bytes(CATALOG.encode())
    report = tmp_path / "report.md"
    done = run(
        str(BODIES / "ubah-id-tidak-ada.md"), "--catalog", str(catalog), "--report", str(report)
    )
    assert done.returncode == 1
    assert catalog.read_bytes() == CATALOG.encode()
    assert (
        "- **Id sumber (id)**: `tidak ada sumber dengan id 'tidak-ada' di katalog`"
        in report.read_text(encoding="utf-8")
    )


def test_the_command_refuses_to_touch_an_invalid_catalog(tmp_path: Path):
    catalog = tmp_path / "resources.yml"
    catalog.write_text(CATALOG.replace("access: paid", "access: gratis"), encoding="utf-8")
    done = run(str(BODIES / "tautan-rusak-url-baru.md"), "--catalog", str(catalog))
    assert done.returncode == 2
    assert "access" in done.stderr


def test_a_line_separator_in_a_value_cannot_break_out_of_its_line(catalog: Path):
    text = body("tautan-rusak-url-baru.md").replace(
        "https://www.jove.com/id/", "https://www.jove.com/id/\u2028    access: free"
    )
    assert refused(catalog, text) == [
        "Alamat sumber (url): kolom 'url': URL tidak boleh berisi spasi"
    ]


def test_a_catalog_with_unusual_line_breaks_is_left_alone(catalog: Path):
    odd = CATALOG.replace("biomedis: MEDLINE", "biomedis:\u2028MEDLINE")
    catalog.write_text(odd, encoding="utf-8")
    with pytest.raises(RequestRefused) as failure:
        apply_request(body("hapus-entri.md"), catalog, load_catalog(catalog, today=TODAY), TODAY)
    assert "pemisah baris yang tidak biasa" in str(failure.value)
    assert catalog.read_text(encoding="utf-8") == odd


def test_warnings_about_the_changed_resource_come_back_by_field(catalog: Path):
    text = body("tautan-rusak-url-baru.md").replace(
        "https://www.jove.com/id/", "https://pubmed.ncbi.nlm.nih.gov/"
    )
    outcome = apply_request(text, catalog, load_catalog(catalog, today=TODAY), TODAY)
    # the duplicate is reported on the later entry, pubmed, naming jove
    [warning] = outcome.warnings
    assert warning.label is None
    assert warning.message == (
        f"{catalog}:43: pubmed: URL yang sama sudah dipakai sumber 'jove' (baris 27)"
    )


def test_every_entry_of_the_real_catalog_can_be_edited_and_removed_alone(tmp_path: Path):
    original = (ROOT / "resources.yml").read_bytes().decode()
    loaded = load_catalog(ROOT / "resources.yml")
    for resource in loaded.catalog.resources:
        edited = edit_entry(original, resource.id, {"notice": "Uji."}, {"keywords"})
        removed, added = changed(original, edited.text)
        assert added == ["    notice: Uji.\n"] or (resource.notice and len(added) == 1)
        assert all(
            line.startswith("    keywords:") or line.startswith("    notice:") for line in removed
        )
        gone = remove_entry(original, resource.id).text
        entries = parse_yaml(gone, name="resources.yml").data["resources"]
        assert [e["id"] for e in entries] == [
            r.id for r in loaded.catalog.resources if r is not resource
        ]
        assert len(gone.splitlines()) < len(original.splitlines())
