"""Spreadsheet safety for CSV files we publish or let people download.

The rule: a cell that a spreadsheet would run as a formula (starting with = + - @, a tab or a
carriage return) gets a leading apostrophe. Used by the catalog's `resources.csv` and the
function's report downloads; no imports, so both can use it cheaply.
"""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralize_cell(value: str) -> str:
    """Keep a spreadsheet from running the cell as a formula: prefix an apostrophe."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value
