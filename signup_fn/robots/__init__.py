"""Known robots and crawlers: the COUNTER-Robots list, vendored beside this module.

The rule (COUNTER Release 5, section 7.8): a request whose user agent matches any pattern of
the list is not a use. Patterns are regular expressions matched anywhere in the user agent,
case-insensitively, as the list's maintainers intend. `scripts/update_counter_robots.py`
refreshes the file; README.md here says which version is vendored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
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


METACHARACTERS = frozenset(".^$*+?{}[]\\|()")
ESCAPED_PLAIN = re.compile(r"\\([/\-. @:_])")  # an escaped character that is itself plain


@dataclass(frozen=True)
class RobotMatcher:
    """The list split by how cheaply each pattern is tested (the same answers as one regex):
    plain text as a substring of the lower-cased user agent, `^...` patterns with `match`
    (a search would try every position), the rest with `search`; several times cheaper than
    one combined regex (bench/README.md)."""

    substrings: tuple[str, ...]
    anchored: tuple[Callable[[str], object], ...]
    unanchored: tuple[Callable[[str], object], ...]

    def matches(self, user_agent: str) -> bool:
        lowered = user_agent.lower()
        return (
            any(text in lowered for text in self.substrings)
            or any(match(user_agent) for match in self.anchored)
            or any(search(user_agent) for search in self.unanchored)
        )


def plain_text(pattern: str) -> str | None:
    """The text a pattern matches literally (lower-cased), or None when it is a real regex."""
    text = ESCAPED_PLAIN.sub(r"\1", pattern)
    return None if METACHARACTERS & set(text) else text.lower()


@cache
def robot_matcher() -> RobotMatcher:
    """The vendored list, compiled once per process."""
    substrings, anchored, unanchored = [], [], []
    for pattern in load_patterns():
        text = plain_text(pattern)
        if text is not None:
            substrings.append(text)
        elif pattern.startswith("^"):
            anchored.append(re.compile(pattern, re.IGNORECASE).match)
        else:
            unanchored.append(re.compile(pattern, re.IGNORECASE).search)
    return RobotMatcher(tuple(substrings), tuple(anchored), tuple(unanchored))


@lru_cache(maxsize=4096)
def is_robot(user_agent: str) -> bool:
    """True when `user_agent` (empty when absent) matches the COUNTER-Robots list."""
    return robot_matcher().matches(user_agent)
