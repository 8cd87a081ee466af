"""The server-rendered forms of the admin and patron pages: reading fields, rendering pages.

Every field is read through `form_field`, under the typed-text rule (`typed_text`; passwords
under `secret_text`): a refused character is answered with a page that names the field and
the character (422) before anything reaches the database.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, render_template, request
from werkzeug.exceptions import HTTPException

from ..passwords import MIN_LENGTH, RECOMMENDED_LENGTH
from ..typed_text import TextRefused, secret_text, typed_text

MAX_FIELD_LENGTH = 1000
SECRET_FIELDS = frozenset(
    {"password", "password_confirm", "current_password", "new_password", "new_password_confirm"}
)
FIELD_LABELS = {
    "member_id": "Nomor anggota",
    "identifier": "Nomor anggota atau e-mail",
    "username": "Nama pengguna",
    "code": "Kode autentikator",
    "totp_secret": "Kunci autentikator",
    "password": "Kata sandi",
    "password_confirm": "Ulangi kata sandi",
    "current_password": "Kata sandi saat ini",
    "new_password": "Kata sandi baru",
    "new_password_confirm": "Ulangi kata sandi baru",
    "contact": "Cara kontak diverifikasi",
    "reason": "Alasan penolakan",
    "reason_other": "Alasan lain",
    "decision_note": "Catatan",
    "note": "Catatan",
}


class FieldRefused(Exception):
    """A form field broke the typed-text rule; `label` and `message` say where and what."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(field, message)
        self.label = FIELD_LABELS.get(field, "Isian")
        self.message = message


def form_field(name: str) -> str:
    """A posted form field as text under the typed-text rule (FieldRefused otherwise);
    absent or longer than any real answer reads as empty."""
    value = request.form.get(name, "")
    if len(value) > MAX_FIELD_LENGTH:
        return ""
    try:
        if name in SECRET_FIELDS:
            return secret_text(value)
        return typed_text(value, max_length=MAX_FIELD_LENGTH, required=False)
    except TextRefused as refused:
        raise FieldRefused(name, str(refused)) from None


def page(template: str, status: int = 200, **context: Any) -> tuple[str, int]:
    """A form page, told the password policy's lengths for its hints."""
    context.setdefault("min_length", MIN_LENGTH)
    context.setdefault("recommended_length", RECOMMENDED_LENGTH)
    return render_template(template, **context), status


def form_page_path() -> str | None:
    """This request's path when it also shows a page (GET), to link back to the form."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        adapter.match(request.path, method="GET")
    except HTTPException:
        return None
    return request.path


def field_refused(refused: FieldRefused) -> tuple[str, int]:
    return page(
        "auth/message.html",
        422,
        title="Isian tidak diterima",
        text=f"{refused.label}: {refused.message} Perbaiki isiannya, lalu kirim lagi.",
        back_url=form_page_path(),
    )


def init_app(app: Flask) -> None:
    app.register_error_handler(FieldRefused, field_refused)
