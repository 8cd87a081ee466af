"""Typed models of `resources.yml`.

The rule: every mapping is strict (unknown keys are errors) and every value has exactly the
type named here; nothing is coerced. The YAML source layer hands these models plain Python
values (str, int, bool, date, list, dict, None) resolved by YAML 1.2 core rules, so `No`
stays the text "No" and `0123` never becomes 83.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated
from urllib.parse import urlsplit

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN, min_length=1, max_length=64)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
LongText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
LanguageCode = Annotated[str, StringConstraints(pattern=r"^[a-z]{2,3}$")]


def check_web_url(value: str) -> str:
    """A link must be an absolute http(s) URL with a host and no spaces."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https"):
        raise ValueError("URL harus diawali https:// atau http://")
    if not parts.hostname:
        raise ValueError("URL tidak memiliki nama host")
    if any(ch.isspace() for ch in value):
        raise ValueError("URL tidak boleh berisi spasi")
    return value


WebUrl = Annotated[str, StringConstraints(max_length=2000), AfterValidator(check_web_url)]


class Access(StrEnum):
    """Who may open a resource."""

    FREE = "free"  # open to everyone
    PAID = "paid"  # a subscription the institution pays for
    MEMBERS = "members"  # needs an activated portal account


class ResourceType(StrEnum):
    JOURNAL = "journal"
    EBOOK = "ebook"
    DATABASE = "database"
    REPOSITORY = "repository"
    REFERENCE = "reference"
    GUIDELINE = "guideline"
    MULTIMEDIA = "multimedia"


class StrictModel(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Subject(StrictModel):
    """A subject, usually one study programme of the institution."""

    id: Slug
    name: Text
    description: LongText | None = None


class Resource(StrictModel):
    """One e-resource link of the catalog."""

    id: Slug = Field(description="Unique slug; becomes the resource page's URL")
    name: Text
    url: WebUrl
    # enums are matched by their text value: the only lax step, and it admits no coercion
    access: Access = Field(strict=False)
    type: ResourceType = Field(strict=False)
    subjects: list[Slug] = Field(min_length=1)
    description: LongText
    added: date
    provider: Text | None = None
    languages: list[LanguageCode] = Field(default_factory=list)
    alt_names: list[Text] = Field(default_factory=list)
    keywords: list[Text] = Field(default_factory=list)
    featured: bool = Field(default=False, description="Pilihan pustakawan (best bet)")
    trial: bool = Field(default=False, description="A trial subscription")
    available_until: date | None = Field(
        default=None, description="After this date the resource leaves the site"
    )
    how_to_access: LongText | None = None
    notice: LongText | None = Field(default=None, description="Outage or status message")

    def is_available(self, today: date) -> bool:
        """A resource is on the site until the end of its `available_until` day."""
        return self.available_until is None or today <= self.available_until


class Catalog(StrictModel):
    """The whole file: subjects first, then resources."""

    subjects: list[Subject] = Field(min_length=1)
    resources: list[Resource]
