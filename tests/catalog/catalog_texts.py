"""Catalog texts shared by the catalog tests (and the path of the good fixture catalog).

`VALID_CATALOG` holds one subject and one resource; tests rely on its line numbers.
`fixtures/good.yml` covers every field (helper tests of the site reuse it).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
GOOD_CATALOG = FIXTURES / "good.yml"

# The day the tests run on, as far as the catalog rules know.
TODAY = date(2026, 1, 15)

VALID_CATALOG = """\
subjects:
  - id: umum
    name: Umum
resources:
  - id: garuda
    name: Garuda
    url: https://garuda.kemdikbud.go.id/
    access: free
    type: database
    subjects: [umum]
    description: Indeks artikel jurnal ilmiah Indonesia.
    added: 2021-06-22
"""
# line 5: `- id: garuda`; 6 name, 7 url, 8 access, 9 type, 10 subjects, 11 description, 12 added


def resource(id_: str = "kedua", **fields: str) -> str:
    """A second resource entry to append to VALID_CATALOG (it starts on line 13)."""
    values = {
        "name": "Sumber Kedua",
        "url": "https://kedua.example.org/",
        "access": "paid",
        "type": "journal",
        "subjects": "[umum]",
        "description": "Sumber kedua.",
        "added": "2022-01-01",
        **fields,
    }
    body = "".join(f"    {key}: {value}\n" for key, value in values.items())
    return f"  - id: {id_}\n{body}"


def edited(old: str, new: str) -> str:
    """VALID_CATALOG with one exact piece of text replaced (which must be there once)."""
    assert VALID_CATALOG.count(old) == 1, old
    return VALID_CATALOG.replace(old, new)
