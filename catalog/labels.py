"""Indonesian labels of the catalog's codes, shown to patrons.

The rule: every code a patron may see (access level, type, language, date) has an
Indonesian label here; an unknown language code is shown as the code in capitals.
"""

from __future__ import annotations

from datetime import date

from catalog.models import Access, ResourceType

ACCESS_LABELS: dict[Access, str] = {
    Access.FREE: "Gratis",
    Access.PAID: "Langganan",
    Access.MEMBERS: "Khusus anggota",
}

# Titles of the per-access pages.
ACCESS_TITLES: dict[Access, str] = {
    Access.FREE: "Sumber gratis",
    Access.PAID: "Sumber langganan",
    Access.MEMBERS: "Sumber khusus anggota",
}

# What patrons are told when an entry has no `how_to_access` of its own.
ACCESS_HOWTO: dict[Access, str] = {
    Access.FREE: "Terbuka untuk semua orang, tanpa login.",
    Access.PAID: (
        "Dilanggan oleh perpustakaan: buka dari jaringan kampus, atau lewat proxy "
        "perpustakaan bila diminta login."
    ),
    Access.MEMBERS: (
        "Khusus anggota yang akunnya sudah aktif: masuk dengan akun portal, lalu sumber "
        "terbuka otomatis."
    ),
}

TYPE_LABELS: dict[ResourceType, str] = {
    ResourceType.JOURNAL: "Jurnal",
    ResourceType.EBOOK: "E-book",
    ResourceType.DATABASE: "Basis data",
    ResourceType.REPOSITORY: "Repositori",
    ResourceType.REFERENCE: "Referensi",
    ResourceType.GUIDELINE: "Pedoman",
    ResourceType.MULTIMEDIA: "Multimedia",
}

LANGUAGE_LABELS: dict[str, str] = {
    "id": "Indonesia",
    "en": "Inggris",
    "ar": "Arab",
    "zh": "Mandarin",
    "ja": "Jepang",
    "ko": "Korea",
    "de": "Jerman",
    "fr": "Prancis",
    "es": "Spanyol",
    "nl": "Belanda",
    "ms": "Melayu",
    "jv": "Jawa",
    "su": "Sunda",
    "pt": "Portugis",
    "ru": "Rusia",
}

MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


def language_label(code: str) -> str:
    """The Indonesian name of a language code, or the code itself in capitals."""
    return LANGUAGE_LABELS.get(code, code.upper())


def date_label(day: date) -> str:
    """A date the Indonesian way: 22 Juni 2021."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
