"""Load `resources.yml` once: safe YAML, strict models, cross-checks, every problem at once.

The rule: `load_catalog` reads the file once, validates everything and either returns the
typed catalog (with its warnings) or raises one `CatalogError` holding every error, each as
`PATH:LINE: ID: message`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ValidationError

from catalog import messages
from catalog.checks import cross_check
from catalog.clock import DEFAULT_TIMEZONE, today_in
from catalog.errors import CatalogError, Problem
from catalog.models import Catalog, Resource, Subject
from catalog.yaml_source import MAX_CATALOG_BYTES, YamlDocument, YamlPath, read_yaml

_SECTIONS: dict[str, type[BaseModel]] = {"subjects": Subject, "resources": Resource}


@dataclass
class LoadedCatalog:
    """A valid catalog, where its entries sit in the file, and the warnings it raised."""

    catalog: Catalog
    path: Path
    warnings: list[Problem] = field(default_factory=list)
    resource_lines: dict[str, int] = field(default_factory=dict, repr=False)
    subject_lines: dict[str, int] = field(default_factory=dict, repr=False)
    subjects_by_id: dict[str, Subject] = field(init=False, repr=False)
    resources_by_id: dict[str, Resource] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.subjects_by_id = {subject.id: subject for subject in self.catalog.subjects}
        self.resources_by_id = {resource.id: resource for resource in self.catalog.resources}

    def line_of(self, item_id: str) -> int:
        """The line of the `- id:` entry of a resource (or, failing that, of a subject)."""
        line = self.resource_lines.get(item_id) or self.subject_lines.get(item_id)
        if line is None:
            raise KeyError(item_id)
        return line

    def available(self, today: date | None = None) -> list[Resource]:
        """The resources still on the site `today`: those past `available_until` leave it."""
        today = today or default_today()
        return [resource for resource in self.catalog.resources if resource.is_available(today)]


def default_today() -> date:
    """The library's date in the library clock's default zone (never the machine's date)."""
    return today_in(ZoneInfo(DEFAULT_TIMEZONE))


def load_catalog(
    path: str | os.PathLike[str],
    *,
    today: date | None = None,
    max_bytes: int = MAX_CATALOG_BYTES,
) -> LoadedCatalog:
    """Read, validate and type the catalog at `path`; raise CatalogError with every error.

    Problems name the file as `path` was given. `today` (default: the library clock's date in
    its default zone; callers pass the configured zone's) decides which dates are in the future
    and which resources have expired (a warning).
    """
    name = os.fspath(path)
    today = today or default_today()
    document = read_yaml(path, name=name, max_bytes=max_bytes)
    problems = list(document.problems)
    catalog, invalid = _validate(document)
    problems += invalid
    problems += cross_check(document, today)

    errors = _in_file_order(problem for problem in problems if problem.is_error)
    warnings = _in_file_order(problem for problem in problems if not problem.is_error)
    if errors or catalog is None:
        raise CatalogError(errors, warnings)
    return LoadedCatalog(
        catalog=catalog,
        path=Path(path),
        warnings=warnings,
        resource_lines=_entry_lines(document, "resources"),
        subject_lines=_entry_lines(document, "subjects"),
    )


def _validate(document: YamlDocument) -> tuple[Catalog | None, list[Problem]]:
    """The typed catalog, or None and one problem per wrong value."""
    data = document.data
    if not isinstance(data, dict):
        message = (
            "berkas kosong"
            if data is None
            else "berkas harus berupa pemetaan dengan kunci 'subjects' dan 'resources'"
        )
        return None, [document.problem((), message)]
    try:
        return Catalog.model_validate(data), []
    except ValidationError as exc:
        return None, _problems_of(document, exc)


def _problems_of(document: YamlDocument, exc: ValidationError) -> list[Problem]:
    """One problem per wrong value; the missing fields of an entry make one problem, less
    those a misspelt key already points at (`acess` → "maksudnya 'access'?")."""
    problems: list[Problem] = []
    missing: dict[YamlPath, list[str]] = {}
    suggested: set[YamlPath] = set()
    for error in exc.errors(include_url=False):
        loc: YamlPath = tuple(error["loc"])
        if loc in document.flagged:
            continue  # already reported while reading (e.g. an impossible date)
        if error["type"] == "missing":
            missing.setdefault(loc[:-1], []).append(str(loc[-1]))
            continue
        known_fields = _known_fields(loc)
        if error["type"] == "extra_forbidden":
            suggestion = messages.closest_field(str(loc[-1]), known_fields)
            if suggestion:
                suggested.add((*loc[:-1], suggestion))
        message = messages.describe(
            error, source_text=document.plain_text.get(loc), known_fields=known_fields
        )
        problems.append(document.problem(loc, message))
    for entry, names in missing.items():
        unexplained = [name for name in names if (*entry, name) not in suggested]
        if unexplained:
            problems.append(document.problem(entry, messages.missing_fields(unexplained)))
    return problems


def _known_fields(loc: YamlPath) -> list[str]:
    """The fields of the model that the value at `loc` belongs to."""
    model: type[BaseModel] = Catalog
    if len(loc) > 1 and isinstance(loc[0], str):
        model = _SECTIONS.get(loc[0], Catalog)
    return list(model.model_fields)


def _entry_lines(document: YamlDocument, section: str) -> dict[str, int]:
    entries = document.data.get(section) or []
    return {
        entry["id"]: document.line_at((section, index))
        for index, entry in enumerate(entries)
        if isinstance(entry, dict) and isinstance(entry.get("id"), str)
    }


def _in_file_order(problems: Iterable[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda problem: problem.line)
