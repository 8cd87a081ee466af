"""Safe reading of the catalog's YAML into plain Python values, with the line of every part.

The rules:
- libyaml's C parser (the pure-Python parser where libyaml is missing) turns the text into
  events; the values are built here from those events, so no YAML constructor ever runs and
  only the rules below decide a value's type.
- Refused outright, reading stops with one problem: files over `MAX_CATALOG_BYTES`, text that
  is not UTF-8, YAML syntax errors, any tag (`!!python/object`, `!foo`, even `!!str`), anchors
  and aliases (refused at the first one, never expanded: an alias bomb costs nothing),
  nesting deeper than `MAX_DEPTH`, a second document.
- Reported while reading goes on: duplicate keys (the first value is kept), keys that are not
  text, impossible dates such as 2021-02-30, control characters written as escapes (`"\0"`).
- Plain scalars resolve by the YAML 1.2 core rules, narrowed: true/false → bool, null/~/empty
  → None, `[-+]?[0-9]+` → int, `YYYY-MM-DD` → date, anything else → str. Quoted and block
  scalars are always str. So `No` stays "No" and `0123` is the number 123, never octal 83.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from catalog.errors import UNKNOWN_ITEM, CatalogError, Problem, Severity

# Room for about 10,000 entries; a real catalog of 1,000 resources is about 0.5 MB.
MAX_CATALOG_BYTES = 4 * 1024 * 1024
# The catalog nests 4 levels (file → resources → entry → subjects); deeper is refused, so
# `[[[[...` cannot cost memory or recursion.
MAX_DEPTH = 16
TOO_DEEP = f"struktur terlalu dalam (lebih dari {MAX_DEPTH} tingkat); periksa kurung"
# The libyaml in PyYAML 6.0.4's wheels stops flow nesting at 1,000 levels on its own, while
# scanning ahead of the events we count: the same refusal as ours.
LIBYAML_TOO_DEEP = "exceeded maximum nesting depth"

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

YamlPath = tuple[str | int, ...]

_CONSTANTS: dict[str, bool | None] = {
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
    "null": None,
    "Null": None,
    "NULL": None,
    "~": None,
    "": None,
}
_INT = re.compile(r"[-+]?[0-9]+\Z")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})\Z")
_NUMERIC_START = frozenset("0123456789+-")
# Only a double-quoted escape (`"\0"`, `"\e"`) can bring these in; the reader refuses raw ones.
_CONTROL_CHARACTER = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_STANDARD_TAG_PREFIX = "tag:yaml.org,2002:"

# libyaml's wording of the common mistakes, in the librarians' language.
_SYNTAX_HINTS = {
    "mapping values are not allowed in this context": (
        "tanda ':' tidak boleh di sini; periksa indentasi baris ini (spasinya harus sama"
        " dengan kolom lain di entri itu), atau beri tanda kutip pada teks yang berisi ': '"
    ),
    "mapping values are not allowed here": (
        "tanda ':' tidak boleh di sini; periksa indentasi baris ini (spasinya harus sama"
        " dengan kolom lain di entri itu), atau beri tanda kutip pada teks yang berisi ': '"
    ),
    "did not find expected key": "struktur tidak sesuai; periksa indentasi (spasi di awal baris)",
    "did not find expected '-' indicator": (
        "daftar tidak sesuai; periksa indentasi baris yang diawali '- '"
    ),
    "block sequence entries are not allowed in this context": (
        "tanda '- ' tidak boleh di sini; periksa indentasi"
    ),
    "found character that cannot start any token": (
        "ada karakter yang tidak boleh mengawali nilai (tab? gunakan spasi; teks yang diawali"
        " '@', '`', '%' atau '|' harus diberi tanda kutip)"
    ),
    "found a tab character that violates indentation": (
        "tab tidak boleh dipakai untuk indentasi; gunakan spasi"
    ),
    "found a tab character where an indentation space is expected": (
        "tab tidak boleh dipakai untuk indentasi; gunakan spasi"
    ),
    "found unexpected end of stream": "berkas berakhir sebelum tanda kutip atau kurung ditutup",
    "could not find expected ':'": "tanda ':' tidak ditemukan; periksa tanda kutip dan indentasi",
    "did not find expected ',' or ']'": "daftar [ ... ] tidak ditutup dengan benar",
    "did not find expected ',' or '}'": "pemetaan { ... } tidak ditutup dengan benar",
    "did not find expected node content": "nilai tidak ditemukan; periksa baris ini",
    "found unknown escape character": (
        "karakter escape tidak dikenal di teks berkutip ganda; gunakan kutip tunggal"
    ),
    "found undefined tag handle": "tag YAML tidak diizinkan; hapus tag tersebut",
}


# (libyaml's context, its problem) of an unclosed quote or bracket → the message, reported
# at the line where the quote or bracket was opened
_UNCLOSED: dict[tuple[str, str], str] = {
    ("while scanning a quoted scalar", "found unexpected end of stream"): (
        "tanda kutip yang dibuka di baris ini tidak ditutup; tambahkan tanda kutip penutup"
        " yang sama di akhir teks"
    ),
    ("while parsing a flow sequence", "did not find expected ',' or ']'"): (
        "daftar [ ... ] yang dibuka di baris ini tidak ditutup dengan benar; periksa ']' dan"
        " koma di antara isinya"
    ),
    ("while parsing a flow mapping", "did not find expected ',' or '}'"): (
        "pemetaan { ... } yang dibuka di baris ini tidak ditutup dengan benar; periksa '}' dan"
        " koma di antara isinya"
    ),
}


@dataclass
class YamlDocument:
    """The values of one YAML file and where each part of it sits.

    `lines` maps the path of every mapping key and sequence item to its 1-based line (a
    mapping value has the line of its key). `plain_text` keeps the source text of plain
    scalars that did not become text (so messages can quote `0123`, not 123). `flagged` holds
    the paths whose value already has a problem, so later checks stay quiet about them.
    """

    name: str
    data: Any = None
    lines: dict[YamlPath, int] = field(default_factory=dict)
    plain_text: dict[YamlPath, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    flagged: set[YamlPath] = field(default_factory=set)

    def line_at(self, path: YamlPath) -> int:
        """The line of `path`, or of its nearest recorded parent (e.g. the entry of a
        missing field)."""
        lines = self.lines
        for end in range(len(path), -1, -1):
            line = lines.get(path[:end])
            if line is not None:
                return line
        return 1

    def item_id_at(self, path: YamlPath) -> str:
        """The id of the top-level list entry `path` lies in, else the top-level key, else '-'."""
        if len(path) >= 2 and isinstance(path[1], int):
            try:
                entry = self.data[path[0]][path[1]]
            except (KeyError, IndexError, TypeError):
                return UNKNOWN_ITEM
            if not isinstance(entry, dict):
                return UNKNOWN_ITEM
            item_id = entry.get("id")
            if isinstance(item_id, str) and item_id.strip():
                return item_id
            return self.plain_text.get((*path[:2], "id"), UNKNOWN_ITEM)
        if path and isinstance(path[0], str):
            return path[0]
        return UNKNOWN_ITEM

    def problem(
        self,
        path: YamlPath,
        message: str,
        severity: Severity = "error",
        *,
        line: int | None = None,
    ) -> Problem:
        """A problem located at `path` (or at `line`, when given)."""
        return Problem(
            path=self.name,
            line=self.line_at(path) if line is None else line,
            item_id=self.item_id_at(path),
            message=message,
            severity=severity,
        )


class _Refusal(Exception):
    """Reading stops here: the file uses YAML that the catalog does not allow."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def read_yaml(
    path: str | os.PathLike[str], *, name: str | None = None, max_bytes: int = MAX_CATALOG_BYTES
) -> YamlDocument:
    """Read the YAML file at `path`; problems are reported under `name` (default: the path).

    Raises CatalogError when the file cannot be read or uses refused YAML; other problems are
    left in the returned document's `problems`.
    """
    name = os.fspath(path) if name is None else name
    try:
        with open(path, "rb") as stream:
            content = stream.read(max_bytes + 1)
    except FileNotFoundError as exc:
        raise _single_problem(name, 1, "berkas tidak ditemukan") from exc
    except IsADirectoryError as exc:
        raise _single_problem(name, 1, "ini folder, bukan berkas") from exc
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise _single_problem(name, 1, f"berkas tidak dapat dibaca ({reason})") from exc
    if len(content) > max_bytes:
        raise _single_problem(
            name, 1, f"berkas lebih besar dari batas {max_bytes:,} byte".replace(",", ".")
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        message = "berkas bukan teks UTF-8 yang sah; simpan ulang dengan pengodean UTF-8"
        raise _single_problem(name, line, message) from exc
    return parse_yaml(text, name=name)


def parse_yaml(text: str, *, name: str) -> YamlDocument:
    """Build the values of the YAML `text` by the rules of this module."""
    document = YamlDocument(name=name)
    builder = _Builder(document)
    loader = Loader(text)
    try:
        builder.run(loader.get_event)
    except _Refusal as refusal:
        raise builder.failure(refusal.line, refusal.message) from None
    except yaml.MarkedYAMLError as exc:
        line, message = _syntax_error_at(exc)
        raise builder.failure(line, message) from None
    except yaml.YAMLError as exc:
        raise builder.failure(_reader_error_line(text, exc), _syntax_message(exc)) from None
    finally:
        loader.dispose()
    return document


class _Frame:
    """An open mapping or sequence while its events arrive."""

    __slots__ = ("container", "is_key", "is_map", "key", "path")

    def __init__(
        self, container: dict[str, Any] | list[Any], path: YamlPath | None, is_key: bool
    ) -> None:
        self.container = container
        self.path = path  # None: the value is left out of the result (a refused key's value)
        self.is_map = isinstance(container, dict)
        self.is_key = is_key  # a mapping or sequence written where a key belongs
        self.key: object = _NO_KEY


_NO_KEY = object()  # a mapping waits for its next key
_SKIP = object()  # the pending key was refused: its value is left out


class _Builder:
    """Builds the document's values from parser events, recording lines by path."""

    def __init__(self, document: YamlDocument) -> None:
        self.document = document
        self.stack: list[_Frame] = []

    def run(self, get_event: Any) -> None:
        stack = self.stack
        documents = 0
        while True:
            event = get_event()
            kind = event.__class__
            if kind is ScalarEvent:
                self._scalar(event)
            elif kind is MappingEndEvent or kind is SequenceEndEvent:
                frame = stack.pop()
                if frame.is_key:
                    self._refuse_key(event.start_mark.line + 1, "daftar atau pemetaan")
            elif kind is MappingStartEvent:
                self._check_plain_node(event)
                self._open({}, event.start_mark.line + 1)
            elif kind is SequenceStartEvent:
                self._check_plain_node(event)
                self._open([], event.start_mark.line + 1)
            elif kind is AliasEvent:
                raise _Refusal(
                    event.start_mark.line + 1,
                    f"alias YAML '*{event.anchor}' tidak diizinkan; tulis nilainya lengkap",
                )
            elif kind is DocumentStartEvent:
                documents += 1
                if documents > 1:
                    raise _Refusal(
                        event.start_mark.line + 1,
                        "berkas hanya boleh berisi satu dokumen YAML; hapus pemisah '---'"
                        " yang kedua",
                    )
            elif kind is StreamEndEvent or event is None:
                return

    def failure(self, line: int, message: str) -> CatalogError:
        """The problems found so far plus the one that stopped reading."""
        document = self.document
        return CatalogError(
            [*document.problems, document.problem(self._current_path(), message, line=line)]
        )

    def _current_path(self) -> YamlPath:
        """The path of the value being read (for naming the entry it lies in)."""
        for frame in reversed(self.stack):
            if frame.path is not None:
                key = frame.key
                return (*frame.path, key) if isinstance(key, str) else frame.path
        return ()

    def _check_plain_node(self, event: Any) -> None:
        """Anchors and tags are refused at the first one."""
        if event.anchor is not None:
            raise _Refusal(
                event.start_mark.line + 1,
                f"anchor YAML '&{event.anchor}' tidak diizinkan; tulis nilainya lengkap"
                " di setiap tempat",
            )
        if event.tag is not None:
            tag = event.tag.replace(_STANDARD_TAG_PREFIX, "!!")
            raise _Refusal(
                event.start_mark.line + 1,
                f"tag YAML '{tag}' tidak diizinkan; hapus tag itu (teks cukup diberi tanda kutip)",
            )

    def _scalar(self, event: Any) -> None:
        if event.anchor is not None or event.tag is not None:
            self._check_plain_node(event)
        line = event.start_mark.line + 1
        text = event.value
        value: Any = text
        bad_date = False
        if event.implicit[0]:  # plain (unquoted) scalar
            try:
                value = resolve_plain(text)
            except ValueError:
                bad_date = True
        stack = self.stack
        if stack:
            frame = stack[-1]
            if frame.is_map and frame.key is _NO_KEY:
                self._key(frame, value, text, line)
                return
        path = self._place(value, line)
        if path is None:
            return
        if value.__class__ is not str:
            self.document.plain_text[path] = text
        elif bad_date:
            self._flag(path, f"tanggal '{text}' tidak ada di kalender; periksa bulan dan harinya")
        elif event.style == '"' and _CONTROL_CHARACTER.search(text):
            self._flag(path, "teks berisi karakter kontrol (mis. \\0 atau \\e); hapus karakter itu")

    def _flag(self, path: YamlPath, message: str) -> None:
        """Report the value at `path`; later checks stay quiet about it."""
        document = self.document
        document.flagged.add(path)
        document.problems.append(document.problem(path, message))

    def _key(self, frame: _Frame, key: Any, text: str, line: int) -> None:
        if key.__class__ is not str:
            self._refuse_key(line, f"'{text}'" if text else "kosong")
            return
        container = frame.container
        path = frame.path
        if key in container:
            document = self.document
            first = document.lines.get((*path, key)) if path is not None else None
            where = f" (pertama di baris {first})" if first else ""
            document.problems.append(
                document.problem(
                    (*(path or ()), key),
                    f"kunci '{key}' ditulis dua kali{where}; hapus salah satunya",
                    line=line,
                )
            )
            frame.key = _SKIP
            return
        frame.key = key
        if path is not None:
            self.document.lines[(*path, key)] = line

    def _refuse_key(self, line: int, what: str) -> None:
        frame = self.stack[-1]
        frame.key = _SKIP
        document = self.document
        document.problems.append(
            document.problem(
                frame.path or (),
                f"kunci {what} tidak diizinkan; kunci harus berupa teks (nama kolom)",
                line=line,
            )
        )

    def _open(self, container: dict[str, Any] | list[Any], line: int) -> None:
        stack = self.stack
        if len(stack) >= MAX_DEPTH:
            raise _Refusal(line, TOO_DEEP)
        if stack:
            frame = stack[-1]
            if frame.is_map and frame.key is _NO_KEY:
                stack.append(_Frame(container, None, is_key=True))
                return
        stack.append(_Frame(container, self._place(container, line), is_key=False))

    def _place(self, value: Any, line: int) -> YamlPath | None:
        """Put `value` into the open container; returns its path (None: left out)."""
        stack = self.stack
        if not stack:
            self.document.data = value
            self.document.lines[()] = line
            return ()
        frame = stack[-1]
        container = frame.container
        parent = frame.path
        if isinstance(container, dict):
            key = frame.key
            frame.key = _NO_KEY
            if not isinstance(key, str) or parent is None:  # _SKIP: the key was refused
                return None
            container[key] = value
            return (*parent, key)
        index = len(container)
        container.append(value)
        if parent is None:
            return None
        path = (*parent, index)
        self.document.lines[path] = line
        return path


def resolve_plain(text: str) -> Any:
    """The value of a plain scalar by the narrowed YAML 1.2 core rules.

    Raises ValueError for a date-shaped text that is no calendar date (2021-02-30).
    """
    if text in _CONSTANTS:
        return _CONSTANTS[text]
    if text[0] in _NUMERIC_START:
        if _INT.match(text):
            try:
                return int(text)
            except ValueError:  # beyond Python's digit limit: keep the text
                return text
        parts = _DATE.match(text)
        if parts:
            year, month, day = parts.groups()
            return date(int(year), int(month), int(day))
    return text


def _syntax_error_at(exc: yaml.MarkedYAMLError) -> tuple[int, str]:
    """The line to report a syntax error at, and its message.

    An unclosed quote or bracket is found where reading gave up (often the end of the file);
    the line that needs fixing is where it was opened, which libyaml gives as the context.
    """
    if exc.problem == LIBYAML_TOO_DEEP:
        mark = exc.problem_mark or exc.context_mark
        return (mark.line + 1 if mark is not None else 1), TOO_DEEP
    opened = _UNCLOSED.get((exc.context or "", exc.problem or ""))
    if opened is not None and exc.context_mark is not None:
        line = exc.context_mark.line + 1
        found = exc.problem_mark.line + 1 if exc.problem_mark is not None else line
        where = f" (terdeteksi di baris {found})" if found != line else ""
        return line, f"sintaks YAML salah: {opened}{where}"
    mark = exc.problem_mark or exc.context_mark
    return (mark.line + 1 if mark is not None else 1), _syntax_message(exc)


def _syntax_message(exc: yaml.YAMLError) -> str:
    problem = getattr(exc, "problem", None) or getattr(exc, "reason", None) or str(exc)
    hint = _SYNTAX_HINTS.get(problem)
    if hint is None and "control characters are not allowed" in problem:
        hint = "berkas berisi karakter kontrol yang tidak diizinkan"
    return f"sintaks YAML salah: {hint or problem}"


def _reader_error_line(text: str, exc: yaml.YAMLError) -> int:
    position = getattr(exc, "position", None)
    if not isinstance(position, int):
        return 1
    return text.encode("utf-8")[:position].count(b"\n") + 1


def _single_problem(name: str, line: int, message: str) -> CatalogError:
    return CatalogError([Problem(name, line, UNKNOWN_ITEM, message)])
