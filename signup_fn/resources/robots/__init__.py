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
from re import _parser as sre_parser  # type: ignore[attr-defined]  # re's own parser
from typing import TypeAlias

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

Search = Callable[[str], object]
Trie: TypeAlias = dict[str, "Trie"]


@dataclass(frozen=True)
class RobotMatcher:
    """The list compiled for speed, with the answers of one regex of it (tested), about ten
    times cheaper than testing each pattern (bench/README.md):

    - the `^...` patterns as one regex, tried at the start only (`match`);
    - the plain-text patterns as one regex shaped as a trie (`trie_regex`), searched in the
      lower-cased user agent;
    - every other pattern only where its longest literal text (`required_text`) is present
      (all those texts also as one trie regex: most user agents have none of them).

    Case-insensitive matching is comparing lower-cased text for ASCII only: a user agent
    with any other character is tested by every pattern's own `search` (`searches`).
    """

    anchored: Search
    plain: Search
    required: Search
    confirmed: tuple[tuple[str, Search], ...]
    searches: tuple[Search, ...]

    def matches(self, user_agent: str) -> bool:
        if self.anchored(user_agent):
            return True
        if not user_agent.isascii():
            return any(search(user_agent) for search in self.searches)
        lowered = user_agent.lower()
        return self.plain(lowered) is not None or (
            self.required(lowered) is not None
            and any(text in lowered and confirm(user_agent) for text, confirm in self.confirmed)
        )


def plain_text(pattern: str) -> str | None:
    """The text a pattern matches literally (lower-cased), or None when it is a real regex."""
    text = ESCAPED_PLAIN.sub(r"\1", pattern)
    return None if METACHARACTERS & set(text) else text.lower()


def required_text(pattern: str) -> str:
    """The longest run of literal characters at the top level of `pattern` (lower-cased): no
    match without it. Read from the standard library's own parse of the pattern."""
    longest, run = "", ""
    for op, value in [*sre_parser.parse(pattern).data, (None, None)]:
        if op is sre_parser.LITERAL:
            run += chr(value)
            continue
        longest, run = max(longest, run, key=len), ""
    return longest.lower()


def trie_regex(texts: list[str]) -> str:
    """One regex finding any of `texts`, shaped as a trie: texts that begin alike share one
    branch, so `re` tests each position once per first character instead of once per text
    (a plain alternation of the texts was slower than testing each). A text that extends
    another is left out: where it is, so is the shorter one."""
    trie: Trie = {}
    for text in texts:
        node = trie
        for character in text:
            node = node.setdefault(character, {})
        node[""] = {}  # a text ends here

    def branch(node: Trie) -> str:
        if "" in node:
            return ""
        ways = [re.escape(character) + branch(rest) for character, rest in sorted(node.items())]
        return ways[0] if len(ways) == 1 else f"(?:{'|'.join(ways)})"

    return branch(trie) if trie else "(?!)"


@cache
def robot_matcher() -> RobotMatcher:
    """The vendored list, compiled once per process."""
    anchored, plain, confirmed, searches = [], [], [], []
    for pattern in load_patterns():
        if pattern.startswith("^"):
            anchored.append(pattern)
            continue
        search = re.compile(pattern, re.IGNORECASE).search
        searches.append(search)
        text = plain_text(pattern)
        if text is not None:
            plain.append(text)
        else:
            confirmed.append((required_text(pattern), search))
    one_regex = "|".join(f"(?:{pattern})" for pattern in anchored) or "(?!)"
    return RobotMatcher(
        anchored=re.compile(one_regex, re.IGNORECASE).match,
        plain=re.compile(trie_regex(plain)).search,
        required=re.compile(trie_regex([text for text, _ in confirmed])).search,
        confirmed=tuple(confirmed),
        searches=tuple(searches),
    )


@lru_cache(maxsize=4096)
def is_robot(user_agent: str) -> bool:
    """True when `user_agent` (empty when absent) matches the COUNTER-Robots list."""
    return robot_matcher().matches(user_agent)
