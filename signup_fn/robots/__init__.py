"""Known robots and crawlers: the COUNTER-Robots list, vendored beside this module.

The rule (COUNTER Release 5, section 7.8): a request whose user agent matches any pattern of
the list is not a use. Patterns are regular expressions matched anywhere in the user agent,
case-insensitively, as the list's maintainers intend. `scripts/update_counter_robots.py`
refreshes the file; README.md here says which version is vendored.
"""

from __future__ import annotations

import json
import re
from functools import cache, lru_cache
from pathlib import Path

ROBOTS_DIR = Path(__file__).resolve().parent
LIST_FILE = ROBOTS_DIR / "COUNTER_Robots_list.json"


def load_patterns(path: Path = LIST_FILE) -> list[str]:
    """The list's patterns; ValueError naming the entry when one is missing or invalid."""
    entries = json.loads(path.read_text(encoding="utf-8"))
    patterns = []
    for number, entry in enumerate(entries, start=1):
        pattern = entry.get("pattern") if isinstance(entry, dict) else None
        if not isinstance(pattern, str) or not pattern:
            raise ValueError(f"{path.name}: entry {number} has no pattern")
        try:
            re.compile(pattern)
        except re.error as error:
            raise ValueError(f"{path.name}: entry {number} ({pattern!r}): {error}") from None
        patterns.append(pattern)
    return patterns


@cache
def robot_expression() -> re.Pattern[str]:
    """Every pattern of the list in one case-insensitive expression (compiled once)."""
    return re.compile("|".join(f"(?:{pattern})" for pattern in load_patterns()), re.IGNORECASE)


@lru_cache(maxsize=4096)
def is_robot(user_agent: str) -> bool:
    """True when `user_agent` (empty when absent) matches the COUNTER-Robots list."""
    return robot_expression().search(user_agent) is not None
