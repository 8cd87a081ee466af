"""The link checker's ignore list (`links-ignore.yml`): what not to check, and why.

The rule: every entry names a resource `id` or an exact `url`, and gives a `reason`; an entry
without a reason (or with neither id nor url, or an unknown key) is an error, reported as
`PATH:LINE: -: message` through `CatalogError` like the catalog's own problems. A missing
file is an empty list.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from catalog.errors import CatalogError
from catalog.linkcheck import LinkTarget
from catalog.yaml_source import read_yaml

_KEYS = {"id", "url", "reason"}


@dataclass(frozen=True)
class IgnoreEntry:
    reason: str
    line: int
    id: str | None = None
    url: str | None = None

    def matches(self, target: LinkTarget) -> bool:
        return (self.id is not None and self.id == target.id) or (
            self.url is not None and self.url == target.url
        )


@dataclass(frozen=True)
class IgnoreList:
    entries: list[IgnoreEntry] = field(default_factory=list)

    def reason_for(self, target: LinkTarget) -> str | None:
        """The reason `target` is ignored, or None to check it."""
        for entry in self.entries:
            if entry.matches(target):
                return entry.reason
        return None


def load_ignore_list(path: str | Path) -> IgnoreList:
    """Read the ignore list at `path`; raise CatalogError naming every bad entry."""
    if not Path(path).exists():
        return IgnoreList()
    document = read_yaml(path, name=str(path))
    problems = list(document.problems)
    data = document.data
    if data is None:
        return IgnoreList()
    raw = data.get("ignore") if isinstance(data, dict) else None
    if not isinstance(raw, list):
        problems.append(
            document.problem((), "berkas harus berisi kunci 'ignore' berupa daftar entri")
        )
        raise CatalogError(problems)
    entries: list[IgnoreEntry] = []
    for index, item in enumerate(raw):
        where = ("ignore", index)
        if not isinstance(item, dict):
            problems.append(
                document.problem(where, "entri harus berisi 'id' atau 'url' dan 'reason'")
            )
            continue
        unknown = sorted(str(key) for key in item if key not in _KEYS)
        if unknown:
            problems.append(
                document.problem(
                    where,
                    f"kunci tidak dikenal: {', '.join(unknown)} (yang boleh: id, url, reason)",
                )
            )
        item_id, url, reason = item.get("id"), item.get("url"), item.get("reason")
        if not (isinstance(item_id, str) and item_id) and not (isinstance(url, str) and url):
            problems.append(document.problem(where, "entri harus menyebut 'id' atau 'url'"))
            continue
        if not isinstance(reason, str) or not reason.strip():
            problems.append(
                document.problem(where, "entri tidak punya 'reason'; tulis alasan pengecualiannya")
            )
            continue
        entries.append(
            IgnoreEntry(
                reason=reason.strip(),
                line=document.line_at(where),
                id=item_id if isinstance(item_id, str) else None,
                url=url if isinstance(url, str) else None,
            )
        )
    if problems:
        raise CatalogError(problems)
    return IgnoreList(entries)
