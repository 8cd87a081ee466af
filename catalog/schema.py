"""The JSON Schema of `resources.yml`, generated from the catalog models.

The rule: the schema committed as `resources.schema.json` is exactly `schema_text()`; editors
use it (through the `# yaml-language-server: $schema=...` line of resources.yml) to complete
fields and underline mistakes, and a test fails when the committed file is stale. Dates are
strings with `format: date`, which is how YAML 1.2 editors read `2021-06-22`.
"""

from __future__ import annotations

import json
from typing import Any

from catalog.models import Catalog

SCHEMA_FILE_NAME = "resources.schema.json"

_TITLE = "Katalog e-resource (resources.yml)"
_DESCRIPTION = (
    "Daftar sumber elektronik perpustakaan: 'subjects' (subjek/program studi) lalu"
    " 'resources' (sumber). Periksa dengan: python scripts/validate.py"
)
# Shown by editors on hover: in the librarians' language (the models' docstrings are English).
_DEFINITION_DESCRIPTIONS = {
    "Subject": "Satu subjek, biasanya satu program studi",
    "Resource": "Satu sumber elektronik (jurnal, e-book, basis data, repositori ...)",
    "Access": "Siapa yang boleh membuka sumber: free, paid atau members",
    "ResourceType": "Jenis sumber",
}


def catalog_json_schema() -> dict[str, Any]:
    """The schema of the whole file: strict objects (`additionalProperties: false`)."""
    schema = Catalog.model_json_schema()
    for name, definition in schema.get("$defs", {}).items():
        if name in _DEFINITION_DESCRIPTIONS:
            definition["description"] = _DEFINITION_DESCRIPTIONS[name]
    _close_objects(schema)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": _TITLE,
        "description": _DESCRIPTION,
        **{key: value for key, value in schema.items() if key not in ("title", "description")},
    }


def schema_text() -> str:
    """The schema as committed: two-space JSON, UTF-8 text, a final newline."""
    return json.dumps(catalog_json_schema(), indent=2, ensure_ascii=False) + "\n"


def _close_objects(node: Any) -> None:
    """Every object schema refuses keys it does not name."""
    if isinstance(node, dict):
        if node.get("type") == "object" or "properties" in node:
            node["additionalProperties"] = False
        for value in node.values():
            _close_objects(value)
    elif isinstance(node, list):
        for value in node:
            _close_objects(value)
