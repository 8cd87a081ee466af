"""Refresh the vendored COUNTER-Robots list (signup_fn/resources/robots/) from its maintainers.

Downloads COUNTER_Robots_list.json of the newest commit on the list's main branch, refuses it
when any pattern is missing or does not compile, writes it and records the commit and its date
in signup_fn/resources/robots/README.md. Review the diff before committing.

    python scripts/update_counter_robots.py
"""

from __future__ import annotations

import json
import re
import sys
import urllib.request
from pathlib import Path

from signup_fn.resources.robots import ROBOTS_DIR, load_patterns

REPOSITORY = "atmire/COUNTER-Robots"
FILE_NAME = "COUNTER_Robots_list.json"
COMMITS_URL = f"https://api.github.com/repos/{REPOSITORY}/commits?path={FILE_NAME}&per_page=1"
RAW_URL = "https://raw.githubusercontent.com/{repository}/{commit}/{file}"
TIMEOUT = 30


def read_url(url: str) -> bytes:
    # the URLs are the https:// constants above
    request = urllib.request.Request(url, headers={"User-Agent": "eresource-portal"})  # noqa: S310
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
        return response.read()


def newest_commit() -> tuple[str, str]:
    """(commit id, commit date YYYY-MM-DD) of the newest change to the list."""
    commits = json.loads(read_url(COMMITS_URL))
    newest = commits[0]
    return newest["sha"], newest["commit"]["committer"]["date"][:10]


def update_readme(readme: Path, commit: str, day: str, count: int) -> None:
    text = readme.read_text(encoding="utf-8")
    text = re.sub(r"\| Source commit \| `[0-9a-f]+` \|", f"| Source commit | `{commit}` |", text)
    text = re.sub(r"\| Source date \| [0-9-]+ \|", f"| Source date | {day} |", text)
    text = re.sub(r"\| Patterns \| [0-9]+ \|", f"| Patterns | {count} |", text)
    readme.write_text(text, encoding="utf-8")


def main() -> int:
    commit, day = newest_commit()
    body = read_url(RAW_URL.format(repository=REPOSITORY, commit=commit, file=FILE_NAME))
    target = ROBOTS_DIR / FILE_NAME
    candidate = target.with_suffix(".new")
    candidate.write_bytes(body)
    try:
        count = len(load_patterns(candidate))
    except ValueError as error:
        candidate.unlink()
        print(f"Daftar robot ditolak: {error}", file=sys.stderr)
        return 1
    candidate.replace(target)
    update_readme(ROBOTS_DIR / "README.md", commit, day, count)
    print(f"{FILE_NAME}: {count} pola, commit {commit[:12]} ({day})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
