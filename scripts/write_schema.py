"""Write `resources.schema.json` at the repository root from the catalog models.

Run `python scripts/write_schema.py` after changing catalog/models.py; the schema test fails
until the committed file matches the models.
"""

from __future__ import annotations

from pathlib import Path

from catalog.schema import SCHEMA_FILE_NAME, schema_text

REPO_ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    target = REPO_ROOT / SCHEMA_FILE_NAME
    target.write_text(schema_text(), encoding="utf-8")
    print(f"{target.relative_to(REPO_ROOT)} ditulis ulang dari catalog/models.py")


if __name__ == "__main__":
    main()
