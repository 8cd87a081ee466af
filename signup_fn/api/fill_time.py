"""The sign-up form's minimum fill time (`MIN_FILL_MS`), which no post can skip by leaving a
field out.

Rules:
- A JSON post carries `elapsed_ms` (the site's script measures it); without it the post is
  refused like any missing field (422).
- A plain form post (no JavaScript) carries `elapsed_ms`, or `shown`: a time signed by the
  function (itsdangerous, with the secret key) for this member number. A form post with
  neither, or with a `shown` that is forged, for another member number or older than a day,
  gets a page that asks to send the request once more: its form carries the fields in hidden
  inputs and a fresh `shown`. The age of `shown` is the fill time; a post sent too soon after
  the page was shown gets the page again (the person waits a few seconds, nothing is lost).
- `MIN_FILL_MS` 0 turns the check off: a form post then needs no time at all.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

SHOWN_FIELD = "shown"
SALT = "signup-form-shown"
MAX_AGE_MS = 24 * 3600 * 1000


def now_ms() -> int:
    return int(time.time() * 1000)


def serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def sign_shown(member_id: str) -> str:
    """`shown` for a page shown now to send a request for `member_id`."""
    return serializer().dumps({"m": member_id, "t": now_ms()})


def shown_age_ms(token: object, member_id: object) -> int | None:
    """Milliseconds since `token` was signed for `member_id`; None when it is missing, forged,
    for another member number, from the future or older than a day."""
    if not isinstance(token, str) or not isinstance(member_id, str) or len(token) > 500:
        return None
    try:
        value = serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(value, dict) or value.get("m") != member_id:
        return None
    signed = value.get("t")
    if not isinstance(signed, int):
        return None
    age = now_ms() - signed
    return age if 0 <= age <= MAX_AGE_MS else None


def too_fast(elapsed_ms: int) -> bool:
    return elapsed_ms < current_app.config["MIN_FILL_MS"]


def time_form_post(payload: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """A form post's payload with `shown` taken out and, when the post has no `elapsed_ms`,
    the age of a valid `shown` as its `elapsed_ms` (or 0 when the check is off). Returns the
    payload and the valid `shown` it used (None otherwise)."""
    token = payload.pop(SHOWN_FIELD, None)
    if "elapsed_ms" in payload:
        return payload, None
    if current_app.config["MIN_FILL_MS"] <= 0:
        payload["elapsed_ms"] = 0
        return payload, None
    age = shown_age_ms(token, payload.get("member_id"))
    if age is None:
        return payload, None
    payload["elapsed_ms"] = age
    return payload, str(token)


def hidden_fields(payload: Mapping[str, Any], token: str | None) -> list[tuple[str, str]]:
    """The fields the page sends again, and `shown` (kept when valid, else signed now)."""
    fields = [
        (name, "true" if value is True else str(value))
        for name, value in payload.items()
        if name != "elapsed_ms" and isinstance(value, str | bool)
    ]
    member_id = payload.get("member_id")
    shown = token or sign_shown(member_id if isinstance(member_id, str) else "")
    return [*fields, (SHOWN_FIELD, shown)]
