"""The server-rendered forms of the admin and patron pages: reading fields, rendering pages."""

from __future__ import annotations

from typing import Any

from flask import render_template, request

from .passwords import MIN_LENGTH, RECOMMENDED_LENGTH

MAX_FIELD_LENGTH = 1000


def form_field(name: str) -> str:
    """A posted form field as text; absent or longer than any real answer reads as empty."""
    value = request.form.get(name, "")
    return value if len(value) <= MAX_FIELD_LENGTH else ""


def page(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    """A form page, told the password policy's lengths for its hints."""
    context.setdefault("min_length", MIN_LENGTH)
    context.setdefault("recommended_length", RECOMMENDED_LENGTH)
    return render_template(template, **context), status
