"""What the page templates see: the available part of the catalog, ready to show.

The rules: only resources available on the build day appear; a `members` resource's real
URL is never copied into a view (templates and exports cannot leak what they do not get);
everything is plain text, escaped later by the templates; lists are sorted the way a patron
reads them (by name, ignoring case and accents; "new" lists newest first).
"""

from __future__ import annotations

import re
import string
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from catalog import labels, links
from catalog.models import Access, Resource, ResourceType, Subject
from catalog.site_settings import SiteSettings

if TYPE_CHECKING:
    from catalog.loader import LoadedCatalog

OTHER_LETTER = "#"  # names that do not start with a letter A-Z
LETTERS = (*string.ascii_uppercase, OTHER_LETTER)
SUMMARY_LENGTH = 90  # keeps the A-Z page light: one short line per resource
RECENT_COUNT = 6


def fold(text: str) -> str:
    """Text as the A-Z filter compares it: lower case, no accents, single spaces."""
    if text.isascii():  # nothing to decompose: the common case, kept fast
        return " ".join(text.lower().split())
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.casefold().split())


def letter_of(name: str) -> str:
    """The A-Z section of a name: its first letter, or `#` for digits and symbols."""
    first = fold(name)[:1].upper()
    return first if first in string.ascii_uppercase else OTHER_LETTER


def summarize(description: str, limit: int = SUMMARY_LENGTH) -> str:
    """A one-line summary: the first sentence, cut at a word boundary if still too long."""
    text = " ".join(description.split())
    sentence = re.split(r"(?<=[.!?])\s", text, maxsplit=1)[0]
    if len(sentence) <= limit:
        return sentence
    cut = sentence[:limit].rsplit(" ", 1)[0].rstrip(",;:-")
    return f"{cut}…"


@dataclass(frozen=True)
class SubjectView:
    id: str
    name: str
    description: str
    page: str  # URL relative to the site root
    count: int  # available resources in the subject


@dataclass(frozen=True)
class ResourceView:
    id: str
    name: str
    alt_names: tuple[str, ...]
    access: str
    access_label: str
    access_page: str
    type: str
    type_label: str
    type_page: str
    subjects: tuple[SubjectView, ...]
    description: str
    summary: str
    how_to_access: str
    provider: str
    languages: tuple[str, ...]  # Indonesian names
    language_codes: tuple[str, ...]
    keywords: tuple[str, ...]
    featured: bool
    trial: bool
    added: date
    added_label: str
    available_until: date | None
    available_until_label: str
    notice: str
    link: str  # what "Buka sumber" opens: the URL, the proxied URL, or the /go/ link
    use_link: str  # where opening it is counted (ping/sendBeacon); "" when not by the site
    page: str  # URL of the resource's own page, relative to the site root
    edit_url: str  # "" when no edit_url is configured
    report_url: str  # the edit issue form for this resource; "" when no issues_url
    broken_link_url: str  # the broken-link issue form for this resource; "" when no issues_url
    filter_text: str  # folded words the A-Z text filter matches

    @property
    def subject_ids(self) -> str:
        return " ".join(subject.id for subject in self.subjects)


@dataclass(frozen=True)
class AzEntry:
    """One line of the A-Z list: a resource under its name, or under an alternate name."""

    label: str
    resource: ResourceView
    is_alternate: bool
    sort_key: str


@dataclass(frozen=True)
class AzSection:
    letter: str
    anchor: str
    entries: tuple[AzEntry, ...]


@dataclass(frozen=True)
class ChoiceView:
    """A type or access level with its page and the resources it holds."""

    value: str
    label: str
    title: str
    page: str
    resources: tuple[ResourceView, ...]


@dataclass(frozen=True)
class CatalogView:
    resources: tuple[ResourceView, ...]  # sorted by name
    subjects: tuple[SubjectView, ...]  # in catalog order
    by_subject: dict[str, tuple[ResourceView, ...]]
    types: tuple[ChoiceView, ...]
    access_levels: tuple[ChoiceView, ...]
    featured: tuple[ResourceView, ...]
    recent: tuple[ResourceView, ...]  # newest first
    trials: tuple[ResourceView, ...]
    az_sections: tuple[AzSection, ...]  # every letter, empty ones too
    propose_url: str  # the issue form proposing a new resource; "" when no issues_url


def subject_page(subject_id: str) -> str:
    return f"subjek/{subject_id}.md"


def type_page(value: str) -> str:
    return f"jenis/{value}.md"


def access_page(value: str) -> str:
    return f"akses/{value}.md"


def resource_page(resource_id: str) -> str:
    return f"sumber/{resource_id}.md"


def build_view(loaded: LoadedCatalog, settings: SiteSettings, today: date) -> CatalogView:
    """Turn the loaded catalog into the views of the pages published on `today`."""
    available = [resource for resource in loaded.catalog.resources if resource.is_available(today)]
    subjects = _subject_views(loaded.catalog.subjects, available, settings)
    subjects_by_id = {subject.id: subject for subject in subjects}
    views = sorted(
        (_resource_view(r, subjects_by_id, settings, loaded.line_of(r.id)) for r in available),
        key=lambda view: (fold(view.name), view.id),
    )
    return CatalogView(
        resources=tuple(views),
        subjects=subjects,
        by_subject={
            subject.id: tuple(v for v in views if subject in v.subjects) for subject in subjects
        },
        types=tuple(
            ChoiceView(
                value=kind.value,
                label=labels.TYPE_LABELS[kind],
                title=labels.TYPE_LABELS[kind],
                page=links.page_url(type_page(kind.value), settings),
                resources=tuple(v for v in views if v.type == kind.value),
            )
            for kind in ResourceType
        ),
        access_levels=tuple(
            ChoiceView(
                value=level.value,
                label=labels.ACCESS_LABELS[level],
                title=labels.ACCESS_TITLES[level],
                page=links.page_url(access_page(level.value), settings),
                resources=tuple(v for v in views if v.access == level.value),
            )
            for level in Access
        ),
        featured=tuple(v for v in views if v.featured),
        recent=tuple(sorted(views, key=lambda v: (v.added, v.id), reverse=True)[:RECENT_COUNT]),
        trials=tuple(v for v in views if v.trial),
        az_sections=_az_sections(views),
        propose_url=links.propose_link(settings),
    )


def _subject_views(
    subjects: list[Subject], available: list[Resource], settings: SiteSettings
) -> tuple[SubjectView, ...]:
    return tuple(
        SubjectView(
            id=subject.id,
            name=subject.name,
            description=subject.description or "",
            page=links.page_url(subject_page(subject.id), settings),
            count=sum(subject.id in resource.subjects for resource in available),
        )
        for subject in subjects
    )


def _resource_view(
    resource: Resource,
    subjects_by_id: dict[str, SubjectView],
    settings: SiteSettings,
    line: int,
) -> ResourceView:
    access = Access(resource.access)
    kind = ResourceType(resource.type)
    words = [resource.name, *resource.alt_names, *resource.keywords, resource.provider or ""]
    return ResourceView(
        id=resource.id,
        name=resource.name,
        alt_names=tuple(resource.alt_names),
        access=access.value,
        access_label=labels.ACCESS_LABELS[access],
        access_page=links.page_url(access_page(access.value), settings),
        type=kind.value,
        type_label=labels.TYPE_LABELS[kind],
        type_page=links.page_url(type_page(kind.value), settings),
        subjects=tuple(subjects_by_id[s] for s in resource.subjects if s in subjects_by_id),
        description=resource.description,
        summary=summarize(resource.description),
        how_to_access=resource.how_to_access or labels.ACCESS_HOWTO[access],
        provider=resource.provider or "",
        languages=tuple(labels.language_label(code) for code in resource.languages),
        language_codes=tuple(resource.languages),
        keywords=tuple(resource.keywords),
        featured=resource.featured,
        trial=resource.trial,
        added=resource.added,
        added_label=labels.date_label(resource.added),
        available_until=resource.available_until,
        available_until_label=(
            labels.date_label(resource.available_until) if resource.available_until else ""
        ),
        notice=resource.notice or "",
        link=links.resource_link(resource, settings),
        use_link=links.use_link(resource, settings),
        page=links.page_url(resource_page(resource.id), settings),
        edit_url=links.edit_link(settings, line),
        report_url=links.report_link(settings, resource),
        broken_link_url=links.broken_link_report(settings, resource),
        filter_text=fold(" ".join(words)),
    )


def _az_sections(views: list[ResourceView]) -> tuple[AzSection, ...]:
    entries = [AzEntry(v.name, v, False, fold(v.name)) for v in views]
    for view in views:
        main_key = fold(view.name)
        seen = {main_key}
        for alternate in view.alt_names:
            key = fold(alternate)
            if key not in seen:
                seen.add(key)
                entries.append(AzEntry(alternate, view, True, key))
    entries.sort(key=lambda entry: (entry.sort_key, entry.is_alternate, entry.resource.id))
    by_letter: dict[str, list[AzEntry]] = {letter: [] for letter in LETTERS}
    for entry in entries:
        by_letter[letter_of(entry.sort_key)].append(entry)
    return tuple(
        AzSection(
            letter=letter,
            anchor="huruf-lain" if letter == OTHER_LETTER else f"huruf-{letter.lower()}",
            entries=tuple(by_letter[letter]),
        )
        for letter in LETTERS
    )
