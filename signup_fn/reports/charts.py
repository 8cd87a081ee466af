"""The reports' charts, drawn by pygal as SVG on the server (PNG through CairoSVG).

Rules:
- A chart is a `Chart`: a name, a title and a description in Indonesian, the x labels and the
  series. The page shows the same figures in the table beside it; the chart only draws them.
- The SVG carries `role="img"`, its `<title>` and a `<desc>` (the description), and the
  values printed on the bars, so it reads without JavaScript and without tooltips. pygal's
  inline script is removed: the SVG holds no script at all, so the production CSP
  (`script-src` absent) has nothing to refuse; its inline `<style>` is allowed by the chart
  responses' own CSP (`SVG_CSP`).
- PNG needs the optional extra `charts` (cairosvg and the system's libcairo2); without it the
  PNG links are left out and the route answers 404.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

import pygal
from pygal.style import Style

SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'"
WIDTH, HEIGHT = 800, 400
# Colours told apart without colour vision too (the table and printed values carry the
# figures); each has at least 3:1 contrast with the white background.
STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1f1f1f",
    foreground_strong="#000000",
    foreground_subtle="#595959",
    font_family="DejaVu Sans, Liberation Sans, Arial, sans-serif",
    colors=("#1565c0", "#c62828", "#6d4c41", "#2e7d32", "#8e24aa", "#ef6c00"),
    value_font_size=12,
    title_font_size=18,
    legend_font_size=13,
    label_font_size=12,
    major_label_font_size=12,
)
KINDS = {"stacked": pygal.StackedBar, "bar": pygal.Bar, "horizontal": pygal.HorizontalBar}


@dataclass(frozen=True)
class Chart:
    name: str  # used in URLs and file names
    title: str
    description: str
    kind: str  # a key of KINDS
    x_labels: list[str]
    series: list[tuple[str, Sequence[float | None]]]
    y_title: str = ""

    @property
    def empty(self) -> bool:
        return not self.x_labels or not any(
            value for _, values in self.series for value in values if value
        )


def render_svg(chart: Chart) -> bytes:
    """The chart as a standalone SVG document without any script."""
    graph: Any = KINDS[chart.kind](
        title=chart.title,
        y_title=chart.y_title or None,
        width=WIDTH,
        height=HEIGHT,
        style=STYLE,
        js=[],
        print_values=True,
        print_zeroes=False,
        legend_at_bottom=True,
        truncate_legend=-1,
        truncate_label=-1,
        x_label_rotation=0 if len(chart.x_labels) <= 8 else 30,
        show_y_guides=True,
        disable_xml_declaration=True,
        no_data_text="Belum ada data",
    )
    graph.x_labels = chart.x_labels
    for label, values in chart.series:
        graph.add(label, values)
    tree = graph.render_tree()
    return finish(tree, chart)


def finish(root: Any, chart: Chart) -> bytes:
    """Drop pygal's scripts; name the image for assistive technology (title, desc, role)."""
    for parent in list(root.iter()):
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    for child in list(root):  # pygal's own top-level <title>, replaced by ours
        if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == "title":
            root.remove(child)
    # pygal's tree names no namespace on its elements (the root declares it as default)
    title = ElementTree.Element("title", id=f"{chart.name}-title")
    title.text = chart.title
    desc = ElementTree.Element("desc", id=f"{chart.name}-desc")
    desc.text = chart.description
    root.insert(0, desc)
    root.insert(0, title)
    root.set("role", "img")
    root.set("aria-labelledby", f"{chart.name}-title {chart.name}-desc")
    body = ElementTree.tostring(root, encoding="unicode")
    return ("<?xml version='1.0' encoding='utf-8'?>\n" + body).encode()


def png_available() -> bool:
    """Whether PNG can be made here (the `charts` extra and libcairo2 are installed)."""
    try:
        import cairosvg  # noqa: F401
    except (ImportError, OSError):
        return False
    return True


def render_png(chart: Chart) -> bytes:
    import cairosvg

    return cairosvg.svg2png(bytestring=render_svg(chart), output_width=WIDTH * 2)
