"""A small catalog file for the tests of /members and /go (one resource of each kind)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from tests.support.slims_fixture import library_today

MEMBERS_URL = "https://ebooks.members.example/library"
SECOND_MEMBERS_URL = "https://buku.members.example/"
PAID_URL = "https://paid.example/journals"
FREE_URL = "https://free.example/"
EXPIRED_URL = "https://expired.example/"


def resource(resource_id: str, name: str, url: str, access: str, **extra: str) -> str:
    lines = [
        f"  - id: {resource_id}",
        f"    name: {name}",
        f"    url: {url}",
        f"    access: {access}",
        "    type: ebook",
        "    subjects: [umum]",
        f"    description: Keterangan {name}.",
        "    added: 2024-01-02",
        *(f"    {key}: {value}" for key, value in extra.items()),
    ]
    return "\n".join(lines) + "\n\n"


def catalog_text(*, extra_resources: str = "") -> str:
    """Members-only (two, one expired), paid and free resources."""
    yesterday = (library_today() - timedelta(days=1)).isoformat()
    return (
        "subjects:\n  - id: umum\n    name: Umum\n\nresources:\n"
        + resource(
            "koleksi-anggota",
            "Koleksi Anggota",
            MEMBERS_URL,
            "members",
            how_to_access="Masuk ke portal dengan akun yang sudah diaktifkan.",
            provider="Penerbit Contoh",
        )
        + resource("buku-anggota", "Buku Anggota", SECOND_MEMBERS_URL, "members")
        + resource(
            "koleksi-lama", "Koleksi Lama", EXPIRED_URL, "members", available_until=yesterday
        )
        + resource("jurnal-berbayar", "Jurnal Berbayar", PAID_URL, "paid")
        + resource("sumber-gratis", "Sumber Gratis", FREE_URL, "free")
        + extra_resources
    )


def write_catalog(path: Path, text: str | None = None) -> Path:
    path.write_text(text if text is not None else catalog_text(), encoding="utf-8")
    return path
