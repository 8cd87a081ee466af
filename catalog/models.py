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

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

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


WebUrl = Annotated[
    str,
    StringConstraints(max_length=2000),
    AfterValidator(check_web_url),
    # for editors only: the validator above is the rule
    Field(json_schema_extra={"format": "uri", "pattern": r"^https?://[^\s/]"}),
]


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

    id: Slug = Field(description="Slug unik subjek: huruf kecil a-z, angka 0-9 dan '-'")
    name: Text = Field(description="Nama subjek, mis. Keperawatan")
    description: LongText | None = Field(default=None, description="Keterangan singkat subjek")


class Resource(StrictModel):
    """One e-resource link of the catalog."""

    id: Slug = Field(
        description="Slug unik sumber; menjadi alamat halamannya (huruf kecil, 0-9, '-')"
    )
    name: Text = Field(description="Nama sumber seperti tertulis di situs penyedianya")
    url: WebUrl = Field(description="Alamat sumber, diawali https:// atau http://")
    # enums are matched by their text value: the only lax step, and it admits no coercion
    access: Access = Field(
        strict=False,
        description="free: terbuka untuk semua; paid: dilanggan institusi; members: khusus anggota",
    )
    type: ResourceType = Field(strict=False, description="Jenis sumber")
    subjects: list[Slug] = Field(min_length=1, description="Id subjek dari daftar 'subjects'")
    description: LongText = Field(description="Keterangan sumber untuk pemustaka")
    added: date = Field(description="Tanggal masuk katalog, YYYY-MM-DD")
    provider: Text | None = Field(default=None, description="Penerbit atau penyedia")
    languages: list[LanguageCode] = Field(
        default_factory=list, description="Kode bahasa isi, mis. [id, en]"
    )
    alt_names: list[Text] = Field(
        default_factory=list, description="Nama lain atau singkatan (ikut tampil di daftar A–Z)"
    )
    keywords: list[Text] = Field(default_factory=list, description="Kata kunci untuk pencarian")
    featured: bool = Field(default=False, description="Pilihan pustakawan (best bet)")
    trial: bool = Field(default=False, description="Langganan uji coba (trial)")
    available_until: date | None = Field(
        default=None, description="Sesudah tanggal ini (YYYY-MM-DD) sumber tidak tampil di situs"
    )
    how_to_access: LongText | None = Field(
        default=None, description="Cara mengakses, mis. jaringan kampus atau login proxy"
    )
    notice: LongText | None = Field(
        default=None, description="Pemberitahuan status, mis. gangguan akses"
    )
    proxy: bool | None = Field(
        default=None,
        description=(
            "Buka lewat proxy perpustakaan (true/false); "
            "bila kosong: ya untuk paid, tidak untuk lainnya"
        ),
    )

    referrer: bool = Field(
        default=False,
        description=(
            "Penyedia memberi akses menurut alamat asal (referring URL): /go mengirim alamat "
            "portal; hanya untuk members"
        ),
    )

    @field_validator("referrer")
    @classmethod
    def referrer_only_behind_login(cls, value: bool, info: ValidationInfo) -> bool:
        """The portal address a vendor trusts is sent only after the patron's login: a
        public link sending it would open the resource to anyone."""
        access = info.data.get("access")
        if value and access is not None and access is not Access.MEMBERS:
            raise ValueError(
                "referrer: true hanya untuk access: members (alamat portal yang dikirim ke "
                "penyedia harus di balik login)"
            )
        return value

    def is_available(self, today: date) -> bool:
        """A resource is on the site until the end of its `available_until` day."""
        return self.available_until is None or today <= self.available_until


class Catalog(StrictModel):
    """The whole file: subjects first, then resources."""

    subjects: list[Subject] = Field(min_length=1, description="Subjek (program studi)")
    resources: list[Resource] = Field(description="Sumber elektronik")
