"""The issue forms: generated from catalog/issue_forms.py and CONTRIBUTING.md, never stale."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from catalog.issue_forms import CATALOG_LABELS, FORMS, FORMS_FOLDER, form_files
from catalog.models import Resource

ROOT = Path(__file__).resolve().parents[2]
FIELD_ID = re.compile(r"^[A-Za-z0-9_-]+$")  # what GitHub allows as a form field id


def test_the_committed_forms_match_their_sources():
    expected = form_files(ROOT)
    committed = {
        f"{FORMS_FOLDER}/{path.name}": path.read_text(encoding="utf-8")
        for path in (ROOT / FORMS_FOLDER).glob("*.yml")
        if path.name != "config.yml"
    }
    assert committed == expected, "run: python scripts/write_issue_forms.py"


@pytest.mark.parametrize("form", FORMS, ids=lambda form: form.file)
def test_every_form_is_a_valid_github_issue_form(form):
    data = yaml.safe_load((ROOT / FORMS_FOLDER / form.file).read_text(encoding="utf-8"))
    assert data["name"] and data["description"] and data["body"]
    fields = [item for item in data["body"] if item["type"] != "markdown"]
    ids = [item["id"] for item in fields]
    labels = [item["attributes"]["label"] for item in fields]
    assert len(set(ids)) == len(ids) and len(set(labels)) == len(labels)
    for item in fields:
        assert FIELD_ID.match(item["id"])
        assert item["type"] in {"input", "textarea", "dropdown", "checkboxes"}
        assert item["attributes"]["description"]
        if item["type"] in ("dropdown", "checkboxes"):
            assert item["attributes"]["options"]


@pytest.mark.parametrize("form", FORMS, ids=lambda form: form.file)
def test_catalog_fields_carry_the_help_text_of_contributing(form):
    contributing = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    data = yaml.safe_load((ROOT / FORMS_FOLDER / form.file).read_text(encoding="utf-8"))
    for item in data["body"]:
        if item["type"] == "markdown" or item["id"] not in CATALOG_LABELS:
            continue
        assert item["id"] in Resource.model_fields
        if form.field(item["id"]).help:  # the edit forms' "which resource" id
            continue
        description = item["attributes"]["description"]
        row = next(
            line for line in contributing.splitlines() if line.startswith(f"| `{item['id']}` |")
        )
        first_sentence = description.split(". ")[0].split("](")[0]
        assert first_sentence in row, (form.file, item["id"])


def test_contributing_opens_with_the_section_without_git():
    contributing = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    first = re.search(r"^## (.+)$", contributing, re.MULTILINE)
    assert first and "tanpa git" in first.group(1).lower()
    for form in FORMS:
        assert form.name in contributing
