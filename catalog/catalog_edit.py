"""Changes to `resources.yml` written as text: add, edit or remove one resource entry.

The rules:
- Only the lines of the change are written; every other line (comments, blank lines, order,
  quoting, line endings) stays byte for byte.
- An entry is written in the house style: `  - id: ...`, fields four spaces in, the order of
  `FIELD_ORDER`, lists as `[a, b]`, scalars plain where they read back the same, else quoted.
  A field added to an existing entry goes after the last field that comes before it in that
  order; a comment at the end of a replaced one-line field stays.
- `save_checked` writes nothing unless the whole new file loads with the real loader.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from catalog.errors import CatalogError
from catalog.loader import LoadedCatalog, load_catalog
from catalog.yaml_source import parse_yaml, resolve_plain

FIELD_ORDER = [
    "id", "name", "url", "access", "type", "subjects", "description", "added",
    "provider", "languages", "alt_names", "keywords", "how_to_access", "featured", "trial",
    "available_until", "notice",
]  # fmt: skip
LIST_FIELDS = {"subjects", "languages", "alt_names", "keywords"}
ENTRY_INDENT = "    "


# Line breaks to libyaml besides \n and \r\n: the line numbers of the loader and of these edits
# would differ, so a file holding one is not edited and a value holding one is escaped.
_OTHER_BREAKS = re.compile("\r(?!\n)|[\x85\u2028\u2029]")
_ESCAPES = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}


class EntryNotFound(KeyError):
    """No resource has the id asked for."""


class UnusualLineBreaks(ValueError):
    """The file holds a line break other than \\n or \\r\\n; it is left for a person to fix."""


def _lines(text: str) -> list[str]:
    """The lines of `text` with their ends, split at \\n only (as libyaml counts them here)."""
    return _LINE.findall(text)


_LINE = re.compile(r"[^\n]*\n|[^\n]+\Z")


def _check_breaks(text: str) -> None:
    found = _OTHER_BREAKS.search(text)
    if found:
        line = text[: found.start()].count("\n") + 1
        raise UnusualLineBreaks(
            f"resources.yml baris {line} berisi pemisah baris yang tidak biasa; simpan ulang"
            " berkas dengan akhir baris biasa"
        )


def suggest_id(name: str) -> str:
    """`Garuda (Garba Rujukan Digital)` → `garuda-garba-rujukan-digital` (at most 64)."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:64].rstrip("-")


def scalar(value: Any, *, in_list: bool = False) -> str:
    """A YAML scalar in the house style: plain where it reads back the same, else quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    plain_ok = (
        text != ""
        and text == text.strip()
        and resolve_plain(text) == text
        and not (in_list and any(ch in text for ch in ",[]{}"))
        and _reads_back(text)
    )
    if plain_ok:
        return text
    return _OTHER_BREAKS.sub(
        lambda m: _ESCAPES.get(m.group(0), "\\r"), json.dumps(text, ensure_ascii=False)
    )


def _reads_back(text: str) -> bool:
    try:
        return yaml.safe_load(f"k: {text}") == {"k": text}
    except yaml.YAMLError:
        return False


def rendered(name: str, value: Any) -> str:
    """`value` as the text after `name: `."""
    if name in LIST_FIELDS:
        return "[" + ", ".join(scalar(item, in_list=True) for item in value) + "]"
    return scalar(value)


def entry_lines(entry: Mapping[str, Any]) -> list[str]:
    """The entry's lines (without line ends): `  - id: ...`, then the fields."""
    lines: list[str] = []
    for name in FIELD_ORDER:
        if name not in entry:
            continue
        value = entry[name]
        if name in LIST_FIELDS and not value:
            continue
        prefix = "  - " if not lines else ENTRY_INDENT
        lines.append(f"{prefix}{name}: {rendered(name, value)}")
    return lines


def entry_text(entry: Mapping[str, Any]) -> str:
    return "\n".join(entry_lines(entry)) + "\n"


@dataclass
class Edited:
    """The new text of the file and the field each written line holds (1-based lines)."""

    text: str
    written: dict[int, str] = field(default_factory=dict)
    first: int = 0
    last: int = 0


def _newline_of(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def append_entry(text: str, entry: Mapping[str, Any]) -> Edited:
    """`entry` at the end of the file (the `resources:` list is its last section)."""
    _check_breaks(text)
    newline = _newline_of(text)
    lines = entry_lines(entry)
    before = text.rstrip("\r\n") + newline + newline  # one blank line between entries
    first = before.count("\n") + 1
    written = {first + index: _field_of(line) for index, line in enumerate(lines)}
    new_text = before + newline.join(lines) + newline
    return Edited(new_text, written, first, first + len(lines) - 1)


def _field_of(line: str) -> str:
    return line.strip().removeprefix("- ").split(":", 1)[0]


@dataclass(frozen=True)
class _Entry:
    """Where one resource entry sits: its lines and each field's lines (0-based, end
    exclusive)."""

    start: int
    end: int
    fields: dict[str, tuple[int, int]]


def _locate(text: str, resource_id: str) -> _Entry:
    _check_breaks(text)
    document = parse_yaml(text, name="resources.yml")
    entries = (document.data or {}).get("resources") or []
    ids = [item.get("id") if isinstance(item, dict) else None for item in entries]
    if resource_id not in ids:
        raise EntryNotFound(resource_id)
    index = ids.index(resource_id)
    lines = _lines(text)
    start = document.lines[("resources", index)] - 1
    following = ("resources", index + 1)
    limit = document.lines[following] - 1 if following in document.lines else len(lines)
    end = _trim(lines, start + 1, limit, indent=2)
    keys = sorted(
        (document.lines[("resources", index, name)] - 1, name)
        for name in entries[index]
        if ("resources", index, name) in document.lines
    )
    fields = {}
    for position, (line, name) in enumerate(keys):
        next_line = keys[position + 1][0] if position + 1 < len(keys) else end
        indent = len(lines[line]) - len(lines[line].lstrip(" -"))
        fields[name] = (line, _trim(lines, line + 1, next_line, indent=indent))
    return _Entry(start, end, fields)


def _trim(lines: list[str], first: int, limit: int, *, indent: int) -> int:
    """The end of a part that may run from `first - 1` up to `limit`: trailing blank lines
    and comment lines no deeper than `indent` belong to what follows."""
    end = limit
    while end > first:
        line = lines[end - 1]
        stripped = line.strip()
        if stripped and not (stripped.startswith("#") and len(line) - len(line.lstrip()) <= indent):
            break
        end -= 1
    return end


def _trailing_comment(line: str) -> str:
    """The ` # ...` comment at the end of a one-line `key: value` line, or ""."""
    body = line.rstrip("\r\n")
    try:
        node = yaml.compose(body, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return ""
    if not isinstance(node, yaml.MappingNode) or not node.value:
        return ""
    end = node.value[-1][1].end_mark.column
    rest = body[end:]
    return rest if rest.strip().startswith("#") else ""


def edit_entry(
    text: str, resource_id: str, changes: Mapping[str, Any], removals: set[str]
) -> Edited:
    """Set the fields in `changes` and remove those in `removals` from one entry."""
    entry = _locate(text, resource_id)
    lines = _lines(text)
    newline = _newline_of(text)
    # (0-based start, end exclusive, new lines) for every part replaced, inserted or removed
    edits: list[tuple[int, int, list[tuple[str, str]]]] = []
    for name in FIELD_ORDER:
        if name in removals and name in entry.fields:
            start, end = entry.fields[name]
            edits.append((start, end, []))
        if name not in changes:
            continue
        new_line = f"{ENTRY_INDENT}{name}: {rendered(name, changes[name])}"
        if name in entry.fields:
            start, end = entry.fields[name]
            if end - start == 1:
                new_line += _trailing_comment(lines[start])
            edits.append((start, end, [(new_line, name)]))
        else:
            before = [other for other in FIELD_ORDER[: FIELD_ORDER.index(name)]]
            anchor = max(
                (entry.fields[other][1] for other in before if other in entry.fields),
                default=entry.start + 1,
            )
            edits.append((anchor, anchor, [(new_line, name)]))
    edits.sort(key=lambda item: (item[0], item[1]))
    out: list[str] = []
    written: dict[int, str] = {}
    position = 0
    for start, end, new in edits:
        out.extend(lines[position:start])
        for line, name in new:
            out.append(line + newline)
            written[len(out)] = name
        position = max(position, end)
    out.extend(lines[position:])
    return Edited("".join(out), written, entry.start + 1, entry.start + 1)


def remove_entry(text: str, resource_id: str) -> Edited:
    """Remove the whole entry and one blank line beside it."""
    entry = _locate(text, resource_id)
    lines = _lines(text)
    start, end = entry.start, entry.end
    if end < len(lines) and not lines[end].strip():
        end += 1
    elif start > 0 and not lines[start - 1].strip():
        start -= 1
    return Edited("".join(lines[:start] + lines[end:]), {}, start + 1, start + 1)


def save_checked(path: Path, text: str, *, today: date | None = None) -> LoadedCatalog:
    """Write `text` to `path` after the real loader accepted it (raises CatalogError, nothing
    written, when it does not)."""
    handle, temporary = tempfile.mkstemp(prefix=".new-", suffix=".yml", dir=path.parent)
    with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
        stream.write(text)
    try:
        loaded = load_catalog(temporary, today=today)
    except CatalogError as error:
        os.unlink(temporary)
        name = str(path)
        raise CatalogError(
            [replace(problem, path=name) for problem in error.problems],
            [replace(problem, path=name) for problem in error.warnings],
        ) from None
    except BaseException:
        os.unlink(temporary)
        raise
    os.replace(temporary, path)
    loaded.path = path
    loaded.warnings = [replace(problem, path=str(path)) for problem in loaded.warnings]
    return loaded
