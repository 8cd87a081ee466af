"""The committed JSON Schema matches the models and describes the same catalog."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from catalog.schema import SCHEMA_FILE_NAME, catalog_json_schema, schema_text
from catalog.yaml_source import read_yaml
from tests.catalog.catalog_texts import GOOD_CATALOG

COMMITTED_SCHEMA = Path(__file__).resolve().parents[2] / SCHEMA_FILE_NAME


def test_committed_schema_is_up_to_date():
    committed = COMMITTED_SCHEMA.read_text(encoding="utf-8") if COMMITTED_SCHEMA.exists() else ""
    assert committed == schema_text(), (
        f"{SCHEMA_FILE_NAME} is stale or missing: run python scripts/write_schema.py"
    )


def test_every_object_refuses_unknown_keys():
    schema = catalog_json_schema()
    objects = [schema, *schema["$defs"].values()]
    closed = [node for node in objects if node.get("type") == "object"]
    assert len(closed) == 3  # the file, Subject, Resource
    assert all(node["additionalProperties"] is False for node in closed)


def _as_json(value):
    """YAML dates are strings with `format: date` in the schema (as editors read them)."""
    if isinstance(value, dict):
        return {key: _as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_json(item) for item in value]
    return value.isoformat() if isinstance(value, date) else value


def test_schema_accepts_the_good_catalog_and_refuses_mistakes():
    jsonschema_rs = pytest.importorskip("jsonschema_rs")  # installed with schemathesis (dev)
    validator = jsonschema_rs.validator_for(catalog_json_schema())
    data = _as_json(read_yaml(GOOD_CATALOG).data)
    assert [error.message for error in validator.iter_errors(data)] == []

    garuda = data["resources"][0]
    garuda["acess"] = garuda.pop("access")
    garuda["url"] = "javascript:alert(1)"
    assert sorted(error.message for error in validator.iter_errors(data)) == [
        '"access" is a required property',
        '"javascript:alert(1)" does not match "^https?://[^\\s/]"',
        "Additional properties are not allowed ('acess' was unexpected)",
    ]
