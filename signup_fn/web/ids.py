"""Row ids in URLs and on the command line: the integers a table's id column can hold.

Rule (`ROW_ID`): an id is 1 .. 2**31 - 1 (a signed 32-bit INTEGER, the narrowest id column of
the portal's databases and SLiMS'). A URL whose id is outside that range matches no route (404)
and never reaches a database driver, which would refuse the number with an error (500).
"""

from __future__ import annotations

from typing import Any

import click
from flask import Flask
from werkzeug.routing import IntegerConverter, Map

ROW_ID = range(1, 2**31)


class RowIdConverter(IntegerConverter):
    """`<id:name>` in a route: ASCII digits, a value in `ROW_ID`; anything else is a 404."""

    def __init__(self, url_map: Map, **kwargs: Any) -> None:
        super().__init__(url_map, min=ROW_ID.start, max=ROW_ID.stop - 1)


class RowIdParam(click.ParamType[int, Any]):
    """An ID argument of the CLI, as `requests list` prints it or bare: `#12` or `12`, in
    `ROW_ID`; anything else is a usage error naming the value."""

    name = "id"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            number = value
        else:
            digits = str(value).strip().removeprefix("#")
            if not (digits.isascii() and digits.isdigit()):
                self.fail(f"{value!r} bukan nomor: tulis mis. 12 atau #12.", param, ctx)
            number = int(digits)
        if number not in ROW_ID:
            self.fail(f"{value} di luar rentang {ROW_ID.start}..{ROW_ID.stop - 1}.", param, ctx)
        return number


ROW_ID_TYPE = RowIdParam()


def init_app(app: Flask) -> None:
    """Register `<id:...>` (before any blueprint that uses it)."""
    app.url_map.converters["id"] = RowIdConverter
