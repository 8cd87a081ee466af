"""Turn an issue written with a catalog issue form into a change of `resources.yml`.

`python scripts/issue_to_catalog.py BODY_FILE [--catalog resources.yml] [--report FILE]
[--message FILE]`

Reads the issue body (untrusted text) from BODY_FILE, writes the change it asks for into the
catalog (only the changed lines; nothing when the new file would not load), and writes:
- `--report`: Markdown for a comment on the issue (what changed and the diff, or every
  problem named by the form field's label);
- `--message`: the commit message / pull request title (one line).
Exit 0 changed, 1 refused (the report says why), 2 the catalog was already invalid.
The library's "today", in the zone of the mkdocs.yml beside the catalog
(`extra.catalog.timezone`), is the `added` date of a new resource.
"""

from __future__ import annotations

import argparse
import difflib
import re
import sys
from pathlib import Path

from catalog.errors import CatalogError
from catalog.issue_requests import FieldError, RequestRefused, apply_request
from catalog.loader import load_catalog
from catalog.site_settings import SettingsError, library_today

MAX_BODY_BYTES = 4 * 65536  # GitHub caps an issue body at 65,536 characters


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Ubah katalog dari isi formulir isu GitHub.")
    parser.add_argument("body", type=Path, help="berkas berisi teks isu")
    parser.add_argument("--catalog", type=Path, default=Path("resources.yml"))
    parser.add_argument("--report", type=Path, help="tulis laporan Markdown ke berkas ini")
    parser.add_argument("--message", type=Path, help="tulis pesan commit ke berkas ini")
    args = parser.parse_args(argv)

    body = args.body.read_bytes()[:MAX_BODY_BYTES].decode("utf-8", errors="replace")
    try:
        today = library_today(args.catalog)
        loaded = load_catalog(args.catalog, today=today)
    except SettingsError as error:
        _write(
            args.report, _refused("Pengaturan situs tidak valid:", [FieldError(None, str(error))])
        )
        print(error, file=sys.stderr)
        return 2
    except CatalogError as error:
        problems = [FieldError(None, str(problem)) for problem in error.problems]
        _write(args.report, _refused("Katalog saat ini tidak valid; perbaiki dulu:", problems))
        print(error, file=sys.stderr)
        return 2
    before = args.catalog.read_bytes().decode("utf-8")
    try:
        outcome = apply_request(body, args.catalog, loaded, today)
    except RequestRefused as refused:
        _write(args.report, _refused("Isi formulir belum dapat dipakai:", refused.errors))
        print("\n".join(map(str, refused.errors)), file=sys.stderr)
        return 1
    after = args.catalog.read_bytes().decode("utf-8")
    diff = "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=f"a/{args.catalog.name}",
            tofile=f"b/{args.catalog.name}",
        )
    )
    summary = outcome.applied.summary
    warnings = "".join(f"- peringatan: {_item(warning)}\n" for warning in outcome.warnings)
    _write(args.message, summary + "\n")
    _write(
        args.report,
        f"{_code(summary)}: lolos pemeriksaan katalog.\n\n"
        + (f"{warnings}\n" if warnings else "")
        + _fenced(diff, "diff"),
    )
    print(summary)
    return 0


def _code(text: str) -> str:
    """Text from the issue or the catalog as a Markdown code span (no mentions, no links)."""
    return "`" + text.replace("`", "'").replace("\n", " ") + "`"


def _item(error: FieldError) -> str:
    return f"**{error.label}**: {_code(error.message)}" if error.label else _code(error.message)


def _fenced(text: str, info: str) -> str:
    """`text` in a code fence longer than any run of backticks inside it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{text}{fence}\n"


def _refused(title: str, errors: list[FieldError]) -> str:
    items = "\n".join(f"- {_item(error)}" for error in errors)
    return (
        f"{title}\n\n{items}\n\nSunting isu ini (menu **...** → **Edit**), lalu pasang lagi label"
        " `setujui`.\n"
    )


def _write(path: Path | None, text: str) -> None:
    if path is not None:
        path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
