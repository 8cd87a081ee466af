"""Reading fields of the server-rendered forms (admin and patron pages)."""

from __future__ import annotations

from flask import request

MAX_FIELD_LENGTH = 1000


def form_field(name: str) -> str:
    """A posted form field as text; absent or longer than any real answer reads as empty."""
    value = request.form.get(name, "")
    return value if len(value) <= MAX_FIELD_LENGTH else ""
