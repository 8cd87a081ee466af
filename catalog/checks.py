"""Checks across entries of the catalog, beyond what one entry's model can see.

The rules: resource ids are unique, subject ids are unique, every subject a resource names
exists (once per resource), `added` is not in the future, `available_until` is after `added`.
Warnings: a resource past its `available_until` (it leaves the site), the same URL on two
resources.

The checks read the plain values of the file, skipping any value of the wrong type (the model
validation reports those), so one pass reports every problem even when entries have others.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from catalog.errors import Problem
from catalog.yaml_source import YamlDocument


def cross_check(document: YamlDocument, today: date) -> list[Problem]:
    """Every cross-entry problem of the document (errors and warnings)."""
    data = document.data
    if not isinstance(data, dict):
        return []
    subjects = _entries(data.get("subjects"))
    resources = _entries(data.get("resources"))
    problems = list(_unique_ids(document, "subjects", subjects, "subjek"))
    problems += _unique_ids(document, "resources", resources, "sumber")
    subject_ids = {entry["id"] for _, entry in subjects if isinstance(entry.get("id"), str)}
    problems += _known_subjects(document, resources, subject_ids)
    problems += _dates(document, resources, today)
    problems += _duplicate_urls(document, resources)
    return problems


def _entries(value: Any) -> list[tuple[int, dict[str, Any]]]:
    """The mapping entries of a top-level list, with their index."""
    if not isinstance(value, list):
        return []
    return [(index, entry) for index, entry in enumerate(value) if isinstance(entry, dict)]


def _unique_ids(
    document: YamlDocument, section: str, entries: list[tuple[int, dict[str, Any]]], noun: str
) -> Iterator[Problem]:
    first_line: dict[str, int] = {}
    for index, entry in entries:
        item_id = entry.get("id")
        if not isinstance(item_id, str):
            continue
        path = (section, index, "id")
        if item_id in first_line:
            yield document.problem(
                path,
                f"id {noun} '{item_id}' sudah dipakai di baris {first_line[item_id]};"
                " setiap id harus unik",
            )
        else:
            first_line[item_id] = document.line_at(path)


def _known_subjects(
    document: YamlDocument, resources: list[tuple[int, dict[str, Any]]], subject_ids: set[str]
) -> Iterator[Problem]:
    known = sorted(subject_ids)
    for index, entry in resources:
        names = entry.get("subjects")
        if not isinstance(names, list):
            continue
        seen: set[str] = set()
        for position, name in enumerate(names):
            if not isinstance(name, str):
                continue
            path = ("resources", index, "subjects", position)
            if name in seen:
                yield document.problem(path, f"subjek '{name}' ditulis dua kali")
            elif name not in subject_ids:
                yield document.problem(path, _unknown_subject(name, known))
            seen.add(name)


def _unknown_subject(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    hint = f" (maksudnya '{close[0]}'?)" if close else f"; yang ada: {', '.join(known)}"
    return f"subjek '{name}' tidak ada di daftar 'subjects'{hint}"


def _dates(
    document: YamlDocument, resources: list[tuple[int, dict[str, Any]]], today: date
) -> Iterator[Problem]:
    for index, entry in resources:
        added = entry.get("added")
        until = entry.get("available_until")
        if isinstance(added, date) and added > today:
            yield document.problem(
                ("resources", index, "added"),
                f"tanggal 'added' {added.isoformat()} belum terjadi (hari ini {today.isoformat()})",
            )
        if not isinstance(until, date):
            continue
        path = ("resources", index, "available_until")
        if isinstance(added, date) and until <= added:
            yield document.problem(
                path,
                f"'available_until' {until.isoformat()} harus sesudah 'added' {added.isoformat()}",
            )
        elif until < today:
            yield document.problem(
                path,
                f"masa tersedia berakhir {until.isoformat()}; sumber ini tidak tampil di situs"
                " (hapus entrinya atau perbarui tanggalnya)",
                "warning",
            )


def _duplicate_urls(
    document: YamlDocument, resources: list[tuple[int, dict[str, Any]]]
) -> Iterator[Problem]:
    first: dict[str, tuple[str, int]] = {}
    for index, entry in resources:
        url = entry.get("url")
        if not isinstance(url, str):
            continue
        key = _comparable_url(url)
        path = ("resources", index, "url")
        if key in first:
            other_id, other_line = first[key]
            yield document.problem(
                path,
                f"URL yang sama sudah dipakai sumber '{other_id}' (baris {other_line})",
                "warning",
            )
        else:
            first[key] = (document.item_id_at(path), document.line_at(path))


def _comparable_url(url: str) -> str:
    """Scheme and host case and a trailing slash do not make a different URL."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url
    path = parts.path.rstrip("/")
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{path}?{parts.query}"
