"""`resources.json` and `resources.csv`: the available catalog as data, at the site root.

The rules: one record per available resource, in A-Z order; `url` is the link the site
itself opens (a `members` resource's `/go/<id>` link, never its real URL; a `paid` one behind
the proxy prefix when configured); `page` is the resource's page relative to the site root.
CSV cells that a spreadsheet would run as a formula get a leading apostrophe
(`catalog.spreadsheet`). The CSV starts with a UTF-8 byte order mark so spreadsheet programs
read its accents and dashes correctly.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from catalog.spreadsheet import neutralize_cell
from catalog.views import ResourceView

FIELDS = (
    "id",
    "name",
    "alt_names",
    "access",
    "access_label",
    "type",
    "type_label",
    "subjects",
    "description",
    "how_to_access",
    "provider",
    "languages",
    "keywords",
    "featured",
    "trial",
    "added",
    "available_until",
    "notice",
    "url",
    "page",
)
LIST_SEPARATOR = "; "
BYTE_ORDER_MARK = "\ufeff"
HTML_SAFE_JSON = (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"))
JSON_RECORD = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def record(resource: ResourceView) -> dict[str, Any]:
    """One resource as a JSON-ready record with the fields of `FIELDS`, in that order."""
    return {
        "id": resource.id,
        "name": resource.name,
        "alt_names": list(resource.alt_names),
        "access": resource.access,
        "access_label": resource.access_label,
        "type": resource.type,
        "type_label": resource.type_label,
        "subjects": [subject.id for subject in resource.subjects],
        "description": resource.description,
        "how_to_access": resource.how_to_access,
        "provider": resource.provider or None,
        "languages": list(resource.language_codes),
        "keywords": list(resource.keywords),
        "featured": resource.featured,
        "trial": resource.trial,
        "added": resource.added.isoformat(),
        "available_until": (
            resource.available_until.isoformat() if resource.available_until else None
        ),
        "notice": resource.notice or None,
        "url": resource.link,
        "page": resource.page,
    }


def to_json(resources: Iterable[ResourceView]) -> str:
    """The records as a JSON array (UTF-8 text, one compact record per line)."""
    # Compact, so json's C encoder does the work (any `indent` falls back to pure Python).
    lines = ",\n".join(JSON_RECORD.encode(record(resource)) for resource in resources)
    text = f"[\n{lines}\n]\n" if lines else "[]\n"
    # The same data, but no `<`, `>` or `&` for a browser to take as markup if ever sniffed
    # (str.replace: many times faster than str.translate on a text this long).
    for character, escaped in HTML_SAFE_JSON:
        text = text.replace(character, escaped)
    return text


def csv_cell(value: Any) -> str:
    """A record value as CSV text: lists joined, booleans as ya/tidak, None as empty."""
    if value is None:
        text = ""
    elif isinstance(value, bool):
        text = "ya" if value else "tidak"
    elif isinstance(value, list):
        text = LIST_SEPARATOR.join(str(item) for item in value)
    else:
        text = str(value)
    return neutralize_cell(text)


def to_csv(resources: Iterable[ResourceView]) -> str:
    """The records as CSV with a header row (RFC 4180 quoting, CRLF line ends, BOM first)."""
    buffer = io.StringIO()
    buffer.write(BYTE_ORDER_MARK)
    writer = csv.writer(buffer)
    writer.writerow(FIELDS)
    for resource in resources:
        row = record(resource)
        writer.writerow(csv_cell(row[field]) for field in FIELDS)
    return buffer.getvalue()
