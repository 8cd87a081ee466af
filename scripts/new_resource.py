"""Add a resource to the catalog by answering questions: `python scripts/new_resource.py`.

Asks (in Indonesian) for each field, checks every answer at once, then checks the whole new
file with the real loader BEFORE writing. The entry is appended as text at the end of the
file (the `resources:` list is the file's last section), so comments and order stay as they
are. Prints the lines of the new entry. Answers may come from a terminal, from stdin (one
answer a line; an empty line keeps the suggestion or skips an optional field), or from
`--from-json FILE` (an object with the fields). Exit 0 written, 1 refused, 2 bad catalog.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from catalog.catalog_edit import append_entry, save_checked, suggest_id
from catalog.errors import CatalogError
from catalog.loader import LoadedCatalog, load_catalog
from catalog.models import SLUG_PATTERN, Access, ResourceType, check_web_url
from catalog.site_settings import SettingsError, library_today


class Refused(ValueError):
    """An answer that cannot be used; the message says why (Indonesian)."""


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def questions(loaded: LoadedCatalog) -> list[tuple[str, str, Callable[[str], Any], bool]]:
    """(field, question, parser, required) in the order they are asked."""
    subjects = [subject.id for subject in loaded.catalog.subjects]
    taken = set(loaded.resources_by_id)

    def parse_id(text: str) -> str:
        if not re.match(SLUG_PATTERN, text) or len(text) > 64:
            raise Refused("hanya huruf kecil a-z, angka 0-9 dan '-' (maks. 64)")
        if text in taken:
            raise Refused(f"id '{text}' sudah dipakai sumber lain")
        return text

    def parse_url(text: str) -> str:
        try:
            return check_web_url(text)
        except ValueError as exc:
            raise Refused(str(exc)) from None

    def choice(options: list[str]) -> Callable[[str], str]:
        def parse(text: str) -> str:
            if text not in options:
                raise Refused(f"pilih salah satu: {', '.join(options)}")
            return text

        return parse

    def parse_subjects(text: str) -> list[str]:
        chosen = _split(text)
        unknown = [item for item in chosen if item not in subjects]
        if not chosen or unknown:
            raise Refused(f"subjek tidak dikenal: {', '.join(unknown) or '(kosong)'}")
        return chosen

    def parse_languages(text: str) -> list[str]:
        codes = _split(text)
        if any(not re.fullmatch(r"[a-z]{2,3}", code) for code in codes):
            raise Refused("kode bahasa 2–3 huruf kecil, mis. id, en")
        return codes

    def text_of(limit: int) -> Callable[[str], str]:
        def parse(text: str) -> str:
            if len(text) > limit:
                raise Refused(f"paling banyak {limit} karakter")
            return text

        return parse

    return [
        ("name", "Nama sumber", text_of(300), True),
        ("id", "Id (slug)", parse_id, True),
        ("url", "URL (https://...)", parse_url, True),
        ("access", "Akses (free/paid/members)", choice([a.value for a in Access]), True),
        ("type", f"Jenis ({'/'.join(t.value for t in ResourceType)})",
         choice([t.value for t in ResourceType]), True),
        ("subjects", f"Subjek, pisahkan dengan koma ({', '.join(subjects)})", parse_subjects, True),
        ("description", "Keterangan untuk pemustaka (1–2 kalimat)", text_of(2000), True),
        ("provider", "Penerbit/penyedia (boleh kosong)", text_of(300), False),
        ("languages", "Bahasa isi, mis. id, en (boleh kosong)", parse_languages, False),
        ("alt_names", "Nama lain, pisahkan dengan koma (boleh kosong)", _split, False),
        ("keywords", "Kata kunci, pisahkan dengan koma (boleh kosong)", _split, False),
        ("how_to_access", "Cara mengakses (boleh kosong)", text_of(2000), False),
    ]  # fmt: skip


def ask(loaded: LoadedCatalog, read: Callable[[str], str], today: date) -> dict[str, Any]:
    """Ask every question until each answer is usable; `read(prompt)` gives one answer.
    `today` (the library's date) is the entry's `added`."""
    entry: dict[str, Any] = {}
    for name, question, parse, required in questions(loaded):
        suggestion = suggest_id(entry["name"]) if name == "id" else ""
        prompt = f"{question}{f' [{suggestion}]' if suggestion else ''}: "
        while True:
            answer = read(prompt).strip() or suggestion
            if not answer:
                if required:
                    print("  wajib diisi.", file=sys.stderr)
                    continue
                break
            try:
                entry[name] = parse(answer)
                break
            except Refused as exc:
                print(f"  {exc}", file=sys.stderr)
    entry["added"] = today
    return entry


def from_json(loaded: LoadedCatalog, data: dict[str, Any], today: date) -> dict[str, Any]:
    """Check the fields of `data` like the answers; raise Refused naming every bad one.
    Without `added`, `today` (the library's date) is used."""
    entry: dict[str, Any] = {}
    problems: list[str] = []
    for name, _, parse, required in questions(loaded):
        value = data.get(name)
        if isinstance(value, list):
            value = ", ".join(str(item) for item in value)
        if value in (None, ""):
            if required:
                problems.append(f"{name}: wajib diisi")
            continue
        try:
            entry[name] = parse(str(value).strip())
        except Refused as exc:
            problems.append(f"{name}: {exc}")
    known = {name for name, *_ in questions(loaded)} | {"id", "added"}
    unknown = sorted(set(data) - known)
    if unknown:
        problems.append(f"kolom tidak dikenal: {', '.join(unknown)}")
    if problems:
        raise Refused("; ".join(problems))
    entry["added"] = date.fromisoformat(data["added"]) if data.get("added") else today
    return entry


def append_to(path: Path, entry: dict[str, Any], today: date) -> tuple[int, int]:
    """Append `entry` to the catalog at `path` after checking the whole new file.

    Raises CatalogError (nothing written) when the new file would not load.
    """
    edited = append_entry(path.read_bytes().decode("utf-8"), entry)
    save_checked(path, edited.text, today=today)
    return edited.first, edited.last


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Tambah sumber baru ke katalog.")
    parser.add_argument("path", nargs="?", default="resources.yml", help="berkas katalog")
    parser.add_argument("--from-json", type=Path, metavar="FILE", help="isi kolom dari JSON")
    args = parser.parse_args(argv)
    path = Path(args.path)
    try:
        today = library_today(path)
        loaded = load_catalog(path, today=today)
    except SettingsError as exc:
        print(exc, file=sys.stderr)
        return 2
    except CatalogError as exc:
        print(exc, file=sys.stderr)
        print("Perbaiki dulu katalognya (python scripts/validate.py).", file=sys.stderr)
        return 2
    try:
        if args.from_json:
            data = json.loads(args.from_json.read_text(encoding="utf-8"))
            entry = from_json(loaded, data, today)
        else:
            entry = ask(loaded, _reader(), today)
    except Refused as exc:
        print(f"Tidak ditambahkan: {exc}", file=sys.stderr)
        return 1
    except EOFError:
        print("\nTidak ditambahkan: jawaban berhenti sebelum selesai.", file=sys.stderr)
        return 1
    try:
        first, last = append_to(path, entry, today)
    except CatalogError as exc:
        print(exc, file=sys.stderr)
        print("Tidak ditambahkan: berkas baru tidak lolos pemeriksaan.", file=sys.stderr)
        return 1
    print(f"Ditambahkan: {entry['id']} di {path}:{first}-{last}.")
    return 0


def _reader() -> Callable[[str], str]:
    if sys.stdin.isatty():
        return input

    def read(prompt: str) -> str:
        sys.stdout.write(prompt)
        line = sys.stdin.readline()
        if not line:
            raise EOFError
        sys.stdout.write("\n")
        return line.rstrip("\n")

    return read


if __name__ == "__main__":
    sys.exit(main())
