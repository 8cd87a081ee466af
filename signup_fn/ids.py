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


ROW_ID_TYPE = click.IntRange(ROW_ID.start, ROW_ID.stop - 1)  # an ID argument of the CLI


def init_app(app: Flask) -> None:
    """Register `<id:...>` (before any blueprint that uses it)."""
    app.url_map.converters["id"] = RowIdConverter
