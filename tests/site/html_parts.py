"""Small readers of built HTML for the site tests (stdlib html.parser, no scraping library)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""
    section: str = ""  # id of the enclosing <section>, if any


@dataclass
class _Collector(HTMLParser):
    wanted: set[str]
    found: list[Element] = field(default_factory=list)
    _open: list[Element] = field(default_factory=list)
    _sections: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "section":
            self._sections.append(values.get("id", ""))
        if tag in self.wanted:
            element = Element(tag, values, section=self._sections[-1] if self._sections else "")
            self.found.append(element)
            self._open.append(element)

    def handle_endtag(self, tag: str) -> None:
        if tag == "section" and self._sections:
            self._sections.pop()
        if self._open and self._open[-1].tag == tag:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for element in self._open:
            element.text += data


def elements(html: str, *tags: str) -> list[Element]:
    """Every element of the given tags, with its attributes, text and enclosing section id."""
    collector = _Collector(set(tags))
    collector.feed(html)
    return collector.found


def article(html: str) -> str:
    """The page's content area (Material's <article>), without the theme's chrome."""
    start = html.index("<article")
    return html[start : html.index("</article>", start)]


URL_ATTRIBUTES = frozenset({"href", "src", "action"})


@dataclass
class _References(HTMLParser):
    urls: list[str] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is not None and name in URL_ATTRIBUTES:
                self.urls.append(value)
            elif value and name == "id":
                self.ids.add(value)


def references(html: str) -> tuple[list[str], set[str]]:
    """The URLs a page points at (href, src, action) and the ids its elements carry."""
    collector = _References()
    collector.feed(html)
    return collector.urls, collector.ids


def block(html: str, opening: str, closing: str) -> str:
    """The part of `html` from the first `opening` text to the next `closing` text."""
    start = html.index(opening)
    return html[start : html.index(closing, start)]
