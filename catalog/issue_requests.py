"""An issue written with one of the catalog's issue forms, turned into a change of the catalog.

The rules:
- The body is untrusted text as GitHub renders a form: a `### <label>` section per field,
  `_No response_` for an empty one, `- [X] option` for a ticked box, Windows or Unix line
  ends. The form is the one whose labels are exactly the body's known headings; a known
  heading written twice (e.g. typed into a text field) refuses the body.
- Values are cleaned, not guessed: outer spaces and `<...>` around a URL go, a text field's
  lines become one line, lists are split at commas; everything else is judged by the
  catalog's own loader after the change is written, and its problems are reported under the
  label of the form field whose line they point at.
- Nothing is written unless the whole new file loads (see `catalog_edit.save_checked`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from catalog.catalog_edit import (
    LIST_FIELDS,
    Edited,
    UnusualLineBreaks,
    append_entry,
    edit_entry,
    remove_entry,
    save_checked,
    suggest_id,
)
from catalog.errors import CatalogError, Problem
from catalog.issue_forms import (
    CATALOG_LABELS,
    CLEAR,
    FLAG_OPTIONS,
    FORMS,
    HIDE_NOW,
    HIDE_ON_DATE,
    NO,
    REMOVE,
    YES,
    IssueForm,
)
from catalog.loader import LoadedCatalog
from catalog.models import Resource

NO_RESPONSE = "_No response_"
_HEADING = re.compile(r"^### (.+?)\s*$")
_CHECKBOX = re.compile(r"^- \[([ xX])\] (.+?)\s*$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FIELD_IN_MESSAGE = re.compile(r"'(\w+)'")
_REQUIRED = {
    name for name, info in Resource.model_fields.items() if info.is_required() and name != "added"
}


@dataclass(frozen=True)
class FieldError:
    """One reason a request is refused: the form field's label (None: the whole issue) and
    an Indonesian message, which may quote the issue's own text."""

    label: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.label}: {self.message}" if self.label else self.message


class RequestRefused(ValueError):
    """The issue cannot become a change; `errors` name the form fields."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("\n".join(map(str, errors)))
        self.errors = errors


@dataclass(frozen=True)
class IssueRequest:
    """The form an issue was written with and its answers (None: left empty)."""

    form: IssueForm
    answers: dict[str, str | None]
    ticked: dict[str, set[str]] = field(default_factory=dict)

    def text(self, field_id: str) -> str | None:
        return self.answers.get(field_id)


@dataclass(frozen=True)
class Applied:
    """A change written into the catalog file."""

    summary: str  # one Indonesian line, e.g. "Tambah sumber 'cochrane'"
    resource_id: str
    edited: Edited


def label(field_id: str, form: IssueForm | None = None) -> str:
    if form is not None:
        for item in form.fields:
            if item.id == field_id:
                return item.label
    return CATALOG_LABELS.get(field_id, field_id)


def parse_issue_body(body: str) -> IssueRequest:
    """The form and answers of an issue body (raises RequestRefused)."""
    lines = body.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    known = {item.label for form in FORMS for item in form.fields}
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    twice: list[str] = []
    for line in lines:
        heading = _HEADING.match(line)
        if heading and heading.group(1) in known:
            name = heading.group(1)
            if name in sections:
                twice.append(name)
            current = sections.setdefault(name, [])
            current.clear()
            continue
        if current is not None:
            current.append(line)
    if twice:
        raise RequestRefused(
            [
                FieldError(name, "bagian ini tertulis dua kali; isi isu hanya lewat formulir")
                for name in twice
            ]
        )
    form = next((form for form in FORMS if set(form.labels) == set(sections)), None)
    if form is None:
        raise RequestRefused(
            [
                FieldError(
                    None,
                    "Isi isu tidak cocok dengan formulir katalog mana pun (judul bagian '### ...'"
                    " diubah atau dihapus). Buat isu baru lewat salah satu formulir.",
                )
            ]
        )
    answers: dict[str, str | None] = {}
    ticked: dict[str, set[str]] = {}
    for name, item in form.labels.items():
        value = "\n".join(sections[name]).strip()
        if item.kind == "checkboxes":
            ticked[item.id] = {
                match.group(2)
                for match in map(_CHECKBOX.match, value.split("\n"))
                if match and match.group(1) != " "
            }
            continue
        answers[item.id] = None if value in ("", NO_RESPONSE) else value
    return IssueRequest(form, answers, ticked)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _value(field_id: str, text: str) -> Any:
    """A form answer as the catalog field's value (the loader judges it afterwards)."""
    if field_id in LIST_FIELDS:
        text = text.strip().removeprefix("[").removesuffix("]")  # written the YAML way
        return [part for part in (_one_line(piece) for piece in re.split(r"[,\n]", text)) if part]
    if field_id == "url":
        return text.strip().removeprefix("<").removesuffix(">").strip()
    if field_id in ("featured", "trial"):
        return text.strip() == YES
    if field_id == "available_until" and _ISO_DATE.match(text.strip()):
        try:
            return date.fromisoformat(text.strip())
        except ValueError:
            return text.strip()  # the loader names the impossible date
    return _one_line(text)


def _current_value(resource: Resource, field_id: str) -> Any:
    value = getattr(resource, field_id)
    return value.value if hasattr(value, "value") else value


def plan(request: IssueRequest, loaded: LoadedCatalog, text: str, today: date) -> Applied:
    """The catalog text with the request's change (not yet checked or saved)."""
    form = request.form
    if form.kind == "add":
        return _plan_add(request, text, today)
    resource_id = (request.text("id") or "").strip().strip("`")
    resource = loaded.resources_by_id.get(resource_id)
    if resource is None:
        raise RequestRefused(
            [
                FieldError(
                    label("id", form), f"tidak ada sumber dengan id '{resource_id}' di katalog"
                )
            ]
        )
    if form.kind == "edit":
        return _plan_edit(request, resource, text)
    if form.kind == "hide":
        return _plan_hide(request, resource, text, today)
    url = request.text("url")
    if url is None:
        raise RequestRefused(
            [
                FieldError(
                    label("url", form),
                    "kosong; laporan ini tidak mengubah katalog. Isi alamat baru (sunting isu),"
                    " atau perbaiki lewat formulir 'Ubah data sumber'.",
                )
            ]
        )
    new_url = _value("url", url)
    if new_url == resource.url:
        raise RequestRefused([FieldError(label("url", form), "sama dengan alamat sekarang")])
    edited = edit_entry(text, resource_id, {"url": new_url}, set())
    return Applied(f"Perbarui url sumber '{resource_id}'", resource_id, edited)


def _plan_add(request: IssueRequest, text: str, today: date) -> Applied:
    entry: dict[str, Any] = {}
    for item in request.form.fields:
        answer = request.text(item.id)
        if item.is_catalog_field and answer is not None:
            entry[item.id] = _value(item.id, answer)
    for name, option in FLAG_OPTIONS.items():
        if option in request.ticked.get("tanda", set()):
            entry[name] = True
    missing = [name for name in sorted(_REQUIRED - {"id"}) if name not in entry]
    if missing:
        raise RequestRefused([FieldError(label(name), "wajib diisi") for name in missing])
    entry["id"] = entry.get("id") or suggest_id(entry["name"])
    entry["added"] = today
    return Applied(f"Tambah sumber '{entry['id']}'", entry["id"], append_entry(text, entry))


def _plan_edit(request: IssueRequest, resource: Resource, text: str) -> Applied:
    form = request.form
    changes: dict[str, Any] = {}
    removals: set[str] = set()
    errors: list[FieldError] = []
    for item in form.fields:
        answer = request.text(item.id)
        if not item.is_catalog_field or item.id == "id" or answer is None:
            continue
        current = _current_value(resource, item.id)
        if answer.strip() == CLEAR or (item.id in ("featured", "trial") and answer == NO):
            if item.id in _REQUIRED:
                errors.append(FieldError(item.label, "kolom wajib tidak dapat dikosongkan"))
            elif current not in (None, [], False):
                removals.add(item.id)
            continue
        value = _value(item.id, answer)
        if value != current:
            changes[item.id] = value
    if errors:
        raise RequestRefused(errors)
    if not changes and not removals:
        raise RequestRefused(
            [
                FieldError(
                    None, "Tidak ada kolom yang berubah: isi kolom yang ingin diubah (sunting isu)."
                )
            ]
        )
    edited = edit_entry(text, resource.id, changes, removals)
    fields = ", ".join(sorted({*changes, *removals}))
    return Applied(f"Ubah sumber '{resource.id}': {fields}", resource.id, edited)


def _plan_hide(request: IssueRequest, resource: Resource, text: str, today: date) -> Applied:
    form = request.form
    action = request.text("tindakan")
    if action == REMOVE:
        edited = remove_entry(text, resource.id)
        return Applied(f"Hapus sumber '{resource.id}'", resource.id, edited)
    if action == HIDE_NOW:
        until: Any = today - timedelta(days=1)
    elif action == HIDE_ON_DATE:
        answer = request.text("available_until")
        if answer is None:
            raise RequestRefused(
                [FieldError(label("available_until", form), "isi tanggalnya (TTTT-BB-HH)")]
            )
        until = _value("available_until", answer)
    else:
        raise RequestRefused([FieldError(label("tindakan", form), "pilih salah satu tindakan")])
    edited = edit_entry(text, resource.id, {"available_until": until}, set())
    return Applied(f"Sembunyikan sumber '{resource.id}'", resource.id, edited)


def named(problems: list[Problem], applied: Applied, form: IssueForm) -> list[FieldError]:
    """The loader's problems, each under the form field it concerns when there is one."""
    written = applied.edited.written
    lines: list[FieldError] = []
    for problem in problems:
        name = written.get(problem.line)
        if name is None and problem.item_id == applied.resource_id:
            mentioned = _FIELD_IN_MESSAGE.findall(problem.message)
            name = next((item for item in mentioned if item in CATALOG_LABELS), None)
        if name is not None:
            lines.append(FieldError(label(name, form), problem.message))
        else:
            lines.append(FieldError(None, str(problem)))
    return lines


@dataclass(frozen=True)
class Outcome:
    """A request written into the catalog, and the loader's warnings about its resource."""

    request: IssueRequest
    applied: Applied
    warnings: list[FieldError]


def apply_request(body: str, path: Path, loaded: LoadedCatalog, today: date) -> Outcome:
    """Write the change an issue body asks for into the catalog at `path` (checked first).

    Raises RequestRefused naming form fields; nothing is written then.
    """
    request = parse_issue_body(body)
    text = path.read_bytes().decode("utf-8")  # line ends as they are
    try:
        applied = plan(request, loaded, text, today)
    except UnusualLineBreaks as error:
        raise RequestRefused([FieldError(None, str(error))]) from None
    try:
        after = save_checked(path, applied.edited.text, today=today)
    except CatalogError as error:
        raise RequestRefused(named(error.problems, applied, request.form)) from None
    mine = applied.resource_id
    own = [w for w in after.warnings if w.item_id == mine or f"'{mine}'" in w.message]
    return Outcome(request, applied, named(own, applied, request.form))
