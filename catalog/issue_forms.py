"""The GitHub issue forms through which librarians change the catalog without git.

The rules:
- Each form field is one catalog field (its id is the field's name) or a part of the request
  itself (`alasan`, `tindakan`, ...). Its label, the heading GitHub writes into the issue body,
  names the catalog field in brackets, so a message can point at the form and at the YAML.
- A catalog field's help text is the "Isi" column of its row in CONTRIBUTING.md section 7,
  so a librarian reads the same words in the guide and in the form (one source of the text).
- The files in `.github/ISSUE_TEMPLATE/` are generated from these definitions by
  `scripts/write_issue_forms.py`; a test fails when they are stale.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote, urlencode

import yaml

from catalog.models import Access, ResourceType

Kind = Literal["input", "textarea", "dropdown", "checkboxes"]

FORMS_FOLDER = ".github/ISSUE_TEMPLATE"
APPROVAL_LABEL = "setujui"  # a librarian with write access puts it on to make the pull request
CLEAR = "-"  # typed into an optional field of the edit form: remove that field from the entry
YES, NO = "ya", "tidak"

FLAG_OPTIONS = {"featured": "Pilihan pustakawan (featured)", "trial": "Uji coba (trial)"}

HIDE_ON_DATE = "Sembunyikan mulai tanggal tertentu (isi tanggalnya)"
HIDE_NOW = "Sembunyikan segera (mulai hari ini)"
REMOVE = "Hapus entri dari katalog"


@dataclass(frozen=True)
class FormField:
    """One field of an issue form."""

    id: str
    label: str
    kind: Kind
    required: bool = False
    options: tuple[str, ...] = ()
    help: str = ""  # for request fields; catalog fields take theirs from CONTRIBUTING.md
    note: str = ""  # added after the help text, e.g. how the edit form treats an empty field

    @property
    def is_catalog_field(self) -> bool:
        return self.id in CATALOG_LABELS


@dataclass(frozen=True)
class IssueForm:
    """One issue form: `kind` says what change it asks for."""

    kind: Literal["add", "edit", "hide", "link"]
    file: str
    name: str
    description: str
    title: str
    intro: str
    fields: tuple[FormField, ...] = field(default_factory=tuple)

    def field(self, field_id: str) -> FormField:
        return next(item for item in self.fields if item.id == field_id)

    @property
    def labels(self) -> dict[str, FormField]:
        return {item.label: item for item in self.fields}


# The label of every catalog field in every form (the heading of its section in the body).
CATALOG_LABELS: dict[str, str] = {
    "id": "Id sumber (id)",
    "name": "Nama sumber (name)",
    "url": "Alamat sumber (url)",
    "access": "Akses (access)",
    "type": "Jenis (type)",
    "subjects": "Subjek (subjects)",
    "description": "Keterangan (description)",
    "provider": "Penyedia (provider)",
    "languages": "Bahasa (languages)",
    "alt_names": "Nama lain (alt_names)",
    "keywords": "Kata kunci (keywords)",
    "how_to_access": "Cara mengakses (how_to_access)",
    "notice": "Pemberitahuan (notice)",
    "featured": "Pilihan pustakawan (featured)",
    "trial": "Uji coba (trial)",
    "available_until": "Tersedia sampai (available_until)",
}
LONG_FIELDS = {"description", "how_to_access", "notice"}
LIST_HELP = "Pisahkan dengan koma."


def _catalog_field(name: str, *, required: bool = False, note: str = "") -> FormField:
    if name == "access":
        return FormField(name, CATALOG_LABELS[name], "dropdown", required, _ACCESS, note=note)
    if name == "type":
        return FormField(name, CATALOG_LABELS[name], "dropdown", required, _TYPES, note=note)
    if name in ("featured", "trial"):
        return FormField(name, CATALOG_LABELS[name], "dropdown", required, (YES, NO), note=note)
    kind: Kind = "textarea" if name in LONG_FIELDS else "input"
    return FormField(name, CATALOG_LABELS[name], kind, required, note=note)


_ACCESS = tuple(item.value for item in Access)
_TYPES = tuple(item.value for item in ResourceType)

_ID_OF_EXISTING = (
    "Id sumber yang sudah ada di katalog: bagian akhir alamat halaman sumbernya"
    " (`/sumber/<id>/`), mis. `garuda`."
)
_KEEP_EMPTY = f"Kosongkan bila tidak berubah; tulis `{CLEAR}` untuk menghapus isi kolom pilihan."
_KEEP_CHOICE = "Biarkan tanpa pilihan bila tidak berubah."
_FLAG_CHOICE = f"Di formulir: `{YES}` = `true`, `{NO}` = hapus tandanya. {_KEEP_CHOICE}"


def _edit_note(name: str) -> str:
    if name in ("featured", "trial"):
        return _FLAG_CHOICE
    return _KEEP_CHOICE if name in ("access", "type") else _KEEP_EMPTY


# the fields the edit form can change, in its order (`id` and `added` stay as they are)
_EDITABLE = (
    "name", "url", "access", "type", "subjects", "description", "provider", "languages",
    "alt_names", "keywords", "how_to_access", "notice", "featured", "trial", "available_until",
)  # fmt: skip

FORMS: tuple[IssueForm, ...] = (
    IssueForm(
        kind="add",
        file="usulkan-sumber.yml",
        name="Usulkan sumber baru",
        description="Usulkan e-resource baru untuk katalog portal (tanpa git).",
        title="[Sumber baru] ",
        intro=(
            "Isi kolom di bawah ini. Setelah pustakawan memeriksa dan memasang label"
            f" `{APPROVAL_LABEL}`, sistem menambahkan sumber ini ke `resources.yml` sebagai pull"
            " request dan menjawab di isu ini. Jangan menulis kata sandi atau token."
        ),
        fields=(
            _catalog_field("name", required=True),
            _catalog_field("url", required=True),
            _catalog_field("access", required=True),
            _catalog_field("type", required=True),
            _catalog_field("subjects", required=True, note=LIST_HELP),
            _catalog_field("description", required=True),
            _catalog_field("id", note="Boleh dikosongkan: id dibuat dari nama sumber."),
            _catalog_field("provider"),
            _catalog_field("languages", note=LIST_HELP),
            _catalog_field("alt_names", note=LIST_HELP),
            _catalog_field("keywords", note=LIST_HELP),
            _catalog_field("how_to_access"),
            _catalog_field("available_until"),
            FormField(
                "tanda",
                "Tanda khusus",
                "checkboxes",
                options=tuple(FLAG_OPTIONS.values()),
                help="Centang bila berlaku.",
            ),
            FormField(
                "catatan",
                "Catatan untuk pustakawan",
                "textarea",
                help="Tidak masuk katalog: mis. alasan usulan atau masa langganan.",
            ),
        ),
    ),
    IssueForm(
        kind="edit",
        file="ubah-sumber.yml",
        name="Ubah data sumber",
        description="Ubah kolom sumber yang sudah ada di katalog, atau laporkan masalahnya.",
        title="[Ubah sumber] ",
        intro=(
            "Isi hanya kolom yang berubah; kolom yang dikosongkan tetap seperti semula."
            f" Setelah pustakawan memasang label `{APPROVAL_LABEL}`, sistem mengubah"
            " `resources.yml` lewat pull request dan menjawab di isu ini."
        ),
        fields=(
            FormField("id", CATALOG_LABELS["id"], "input", True, help=_ID_OF_EXISTING),
            *(_catalog_field(name, note=_edit_note(name)) for name in _EDITABLE),
            FormField(
                "alasan",
                "Alasan atau masalah yang dilaporkan",
                "textarea",
                required=True,
                help="Apa yang salah atau mengapa diubah; tidak masuk katalog.",
            ),
        ),
    ),
    IssueForm(
        kind="hide",
        file="sembunyikan-sumber.yml",
        name="Sembunyikan/hapus sumber",
        description=(
            "Sembunyikan sumber dari situs (mulai tanggal tertentu atau segera), atau hapus."
        ),
        title="[Sembunyikan sumber] ",
        intro=(
            "Sumber yang disembunyikan tetap tercatat di `resources.yml` (kolom"
            " `available_until`) dan dapat ditampilkan lagi; sumber yang dihapus hilang dari"
            f" katalog. Setelah pustakawan memasang label `{APPROVAL_LABEL}`, sistem membuat"
            " pull request dan menjawab di isu ini."
        ),
        fields=(
            FormField("id", CATALOG_LABELS["id"], "input", True, help=_ID_OF_EXISTING),
            FormField(
                "tindakan",
                "Tindakan",
                "dropdown",
                required=True,
                options=(HIDE_ON_DATE, HIDE_NOW, REMOVE),
                help="Pilih salah satu.",
            ),
            _catalog_field("available_until", note="Hanya untuk pilihan pertama."),
            FormField(
                "alasan",
                "Alasan",
                "textarea",
                required=True,
                help="Mis. masa uji coba berakhir, langganan tidak diperpanjang.",
            ),
        ),
    ),
    IssueForm(
        kind="link",
        file="laporkan-tautan-rusak.yml",
        name="Laporkan tautan rusak",
        description="Tautan sebuah sumber tidak dapat dibuka atau pindah alamat.",
        title="[Tautan rusak] ",
        intro=(
            "Sebutkan sumbernya dan apa yang terjadi saat tautannya dibuka. Bila Anda tahu"
            " alamat barunya, isi juga: setelah pustakawan memasang label"
            f" `{APPROVAL_LABEL}`, sistem mengganti `url` lewat pull request."
        ),
        fields=(
            FormField("id", CATALOG_LABELS["id"], "input", True, help=_ID_OF_EXISTING),
            _catalog_field("url", note="Alamat baru yang benar, bila Anda tahu."),
            FormField(
                "alasan",
                "Apa yang terjadi",
                "textarea",
                required=True,
                help="Mis. halaman 404, diminta login, atau pindah ke alamat lain.",
            ),
        ),
    ),
)

FORMS_BY_KIND = {form.kind: form for form in FORMS}

# A row of the table in CONTRIBUTING.md section 7: | `field` | Ya/Tidak | Isi | Contoh |
_HELP_ROW = re.compile(r"^\| `(\w+)` \|[^|]*\|\s*(.*?)\s*\|\s*(.*?)\s*\|$", re.MULTILINE)
_SECTION = re.compile(r"^## 7\. .*?(?=^## )", re.MULTILINE | re.DOTALL)
_LOCAL_LINK = re.compile(r"\]\(#([\w-]+)\)")


@dataclass(frozen=True)
class FieldHelp:
    text: str
    example: str


def field_help(contributing: str, contributing_url: str) -> dict[str, FieldHelp]:
    """The help text and example of each catalog field, from CONTRIBUTING.md section 7.

    Links to the guide's own sections become links to `contributing_url`.
    """
    section = _SECTION.search(contributing)
    if section is None:
        raise ValueError("CONTRIBUTING.md has no section '## 7.' (the table of fields)")
    found: dict[str, FieldHelp] = {}
    for name, text, example in _HELP_ROW.findall(section.group(0)):
        text = _LOCAL_LINK.sub(lambda match: f"]({contributing_url}#{match.group(1)})", text)
        found[name] = FieldHelp(text.strip(), _form_example(example))
    missing = sorted(set(CATALOG_LABELS) - set(found))
    if missing:
        raise ValueError(f"CONTRIBUTING.md section 7 has no row for: {', '.join(missing)}")
    return found


def _form_example(cell: str) -> str:
    """The first example of a table cell as typed into a form: `[id, en]` → `id, en`."""
    match = re.search(r"`([^`]+)`", cell)
    example = match.group(1) if match else cell.strip()
    return example.removeprefix("[").removesuffix("]")


def form_document(form: IssueForm, helps: dict[str, FieldHelp]) -> dict[str, Any]:
    """The GitHub issue form (as the YAML file's data)."""
    body: list[dict[str, Any]] = [{"type": "markdown", "attributes": {"value": form.intro}}]
    for item in form.fields:
        help_ = helps.get(item.id) if item.is_catalog_field and not item.help else None
        text = help_.text if help_ else item.help
        description = " ".join(part for part in (text, item.note) if part)
        attributes: dict[str, Any] = {"label": item.label, "description": description}
        if item.kind == "checkboxes":
            attributes["options"] = [{"label": option} for option in item.options]
        elif item.kind == "dropdown":
            attributes["options"] = list(item.options)
        elif help_ and help_.example and item.kind == "input":
            attributes["placeholder"] = help_.example
        entry: dict[str, Any] = {"type": item.kind, "id": item.id, "attributes": attributes}
        if item.required:
            entry["validations"] = {"required": True}
        body.append(entry)
    return {
        "name": form.name,
        "description": form.description,
        "title": form.title,
        "labels": ["katalog"],
        "body": body,
    }


def form_text(form: IssueForm, helps: dict[str, FieldHelp]) -> str:
    """The form file's text, as committed."""
    header = "# Generated by scripts/write_issue_forms.py from catalog/issue_forms.py and\n"
    header += "# CONTRIBUTING.md section 7; do not edit by hand.\n"
    dumped = yaml.safe_dump(
        form_document(form, helps), allow_unicode=True, sort_keys=False, width=100
    )
    return header + dumped


def form_link(issues_url: str, form: IssueForm, title: str = "", **values: str) -> str:
    """A link that opens `form` with its inputs prefilled (GitHub's `field_id=value`)."""
    query = {"template": form.file}
    if title:
        query["title"] = form.title + title
    known = {item.id for item in form.fields if item.kind in ("input", "textarea")}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ValueError(f"{form.file} has no input to prefill: {', '.join(unknown)}")
    query.update(values)
    return f"{issues_url.rstrip('/')}/new?{urlencode(query, quote_via=quote)}"


def form_files(root: Path) -> dict[str, str]:
    """Every form file's path (relative to `root`) and text, from the repository at `root`:
    help texts from CONTRIBUTING.md, the guide's address from mkdocs.yml's `repo_url`."""
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    contributing_url = f"{config['repo_url'].rstrip('/')}/blob/main/CONTRIBUTING.md"
    helps = field_help((root / "CONTRIBUTING.md").read_text(encoding="utf-8"), contributing_url)
    return {f"{FORMS_FOLDER}/{form.file}": form_text(form, helps) for form in FORMS}
