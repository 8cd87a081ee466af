"""Validation errors of the catalog models, told in Bahasa Indonesia for librarians.

The rule: every message names the field, says what is wrong with the value as written in the
file, and says how to fix it (e.g. "put it in quotes", "did you mean 'access'?").
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from pydantic_core import ErrorDetails

from catalog.models import SLUG_PATTERN

_QUOTED = re.compile(r"'([^']*)'")
_DATE_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")


def field_label(loc: Sequence[str | int]) -> str:
    """`'subjects' (isian ke-2)` for ('resources', 0, 'subjects', 1); `'name'` for a field."""
    names = [part for part in loc if isinstance(part, str)]
    label = f"'{names[-1]}'" if names else "nilai"
    if names and isinstance(loc[-1], int):
        label += f" (isian ke-{loc[-1] + 1})"
    return label


def closest_field(key: str, known_fields: Sequence[str]) -> str | None:
    """The known field a misspelt key most likely means, if any is close enough."""
    close = difflib.get_close_matches(key, known_fields, n=1, cutoff=0.6)
    return close[0] if close else None


def unknown_field(key: str, known_fields: Sequence[str]) -> str:
    """`kolom tidak dikenal 'acess' (maksudnya 'access'?)`."""
    close = closest_field(key, known_fields)
    if close:
        return f"kolom tidak dikenal '{key}' (maksudnya '{close}'?)"
    return f"kolom tidak dikenal '{key}'; kolom yang dikenal: {', '.join(known_fields)}"


def missing_fields(names: Sequence[str]) -> str:
    listed = ", ".join(f"'{name}'" for name in names)
    if len(names) == 1:
        return f"kolom wajib {listed} belum diisi"
    return f"kolom wajib belum diisi: {listed}"


def describe(error: ErrorDetails, *, source_text: str | None, known_fields: Sequence[str]) -> str:
    """The message for one pydantic error (other than `missing`, see `missing_fields`).

    `source_text` is the value as written in the file when YAML did not read it as text
    (`0123` for the number 123), `known_fields` the fields of the entry the error is in.
    """
    kind = error["type"]
    loc = error["loc"]
    value = error["input"]
    ctx: dict[str, Any] = error.get("ctx") or {}
    label = field_label(loc)
    shown = source_text if source_text is not None else _show(value)

    if kind == "extra_forbidden":
        return unknown_field(str(loc[-1]), known_fields)
    if kind == "string_type":
        return _not_text(label, value, shown)
    if kind == "string_too_short":
        return f"kolom {label} tidak boleh kosong"
    if kind == "string_too_long":
        return (
            f"kolom {label} terlalu panjang ({len(value)} karakter; paling banyak"
            f" {ctx.get('max_length')})"
        )
    if kind == "string_pattern_mismatch":
        if ctx.get("pattern") == SLUG_PATTERN:
            return (
                f"kolom {label} berisi '{value}', bukan slug: pakai huruf kecil a-z, angka"
                " 0-9 dan tanda '-' saja (mis. 'kesehatan-masyarakat')"
            )
        return (
            f"kolom {label} berisi '{value}', bukan kode bahasa: pakai 2–3 huruf kecil"
            " (mis. id, en)"
        )
    if kind == "bool_type":
        return f"kolom {label} harus true atau false, bukan {shown}"
    if kind in ("date_type", "date_parsing", "date_from_datetime_parsing"):
        if isinstance(value, str) and _DATE_TEXT.match(value.strip()):
            return f"kolom {label} harus tanggal tanpa tanda kutip: {value.strip()}"
        return (
            f"kolom {label} harus tanggal dengan format YYYY-MM-DD (mis. 2024-01-31), bukan {shown}"
        )
    if kind == "enum":
        choices = ", ".join(_QUOTED.findall(str(ctx.get("expected", ""))))
        return f"kolom {label} berisi {shown} yang tidak dikenal; pilih salah satu: {choices}"
    if kind == "list_type":
        example = f"[{shown}]" if isinstance(value, str | int) else "[a, b]"
        return f"kolom {label} harus berupa daftar, mis. {example}"
    if kind == "too_short":
        return f"kolom {label} harus berisi paling sedikit {ctx.get('min_length')} isian"
    if kind == "too_long":
        return f"kolom {label} berisi terlalu banyak isian (paling banyak {ctx.get('max_length')})"
    if kind == "value_error":
        return f"kolom {label}: {ctx.get('error')}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"{label} harus berupa pemetaan 'kolom: nilai', bukan {_kind_of(value)}"
    return f"nilai kolom {label} tidak valid ({kind})"


def _not_text(label: str, value: Any, shown: str) -> str:
    if value is None:
        return f"kolom {label} kosong; isi dengan teks"
    if isinstance(value, list | dict):
        return f"kolom {label} harus berupa teks, bukan {_kind_of(value)}"
    return (
        f"kolom {label} harus berupa teks, tetapi {shown} terbaca sebagai {_kind_of(value)};"
        f' tulis dalam tanda kutip: "{shown}"'
    )


def _kind_of(value: Any) -> str:
    if isinstance(value, bool):
        return "nilai benar/salah"
    if isinstance(value, int):
        return "angka"
    if isinstance(value, date):
        return "tanggal"
    if isinstance(value, list):
        return "daftar"
    if isinstance(value, dict):
        return "pemetaan"
    if value is None:
        return "nilai kosong"
    return "teks"


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nilai kosong"
    if isinstance(value, str):
        return f"'{value}'"
    return str(value)
