"""Write the catalog's GitHub issue forms (`.github/ISSUE_TEMPLATE/*.yml`).

Run `python scripts/write_issue_forms.py` after changing catalog/issue_forms.py or the table
of fields in CONTRIBUTING.md section 7 (the forms' help texts); a test fails until the
committed forms match.
"""

from __future__ import annotations

from pathlib import Path

from catalog.issue_forms import form_files

REPO_ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    for relative, text in form_files(REPO_ROOT).items():
        target = REPO_ROOT / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        print(f"{relative} ditulis ulang")


if __name__ == "__main__":
    main()
