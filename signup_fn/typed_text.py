"""The one rule for text a person types: the sign-up fields (API and HTML form), the login,
forgot, reset and password forms, librarians' rejection reasons and notes, patrons' notes, and
the CLI's text options.

Rule (`typed_text`):
- lone surrogates are refused (they cannot be stored, e-mailed or shown);
- the text is NFC-normalised and trimmed; multi-line text has its line ends made `\\n`;
- refused everywhere: NUL and every other C0/C1 control character (multi-line text keeps line
  feeds and tabs), line and paragraph separators (U+2028, U+2029) and format characters
  (Unicode category Cf), among them the bidi controls (U+202A–U+202E, U+2066–U+2069, U+200E,
  U+200F, U+061C: `Andi\\u202egnp.exe` shows as "Andiexe.png") and the zero-width characters
  (U+200B–U+200D, U+2060, U+FEFF);
- text that is blank once invisible characters are removed (spaces, Hangul and Braille
  fillers) counts as empty;
- the length is counted after normalisation.

Secrets (`secret_text`, for passwords) are kept as typed; only the characters no password can
hold are refused: controls and lone surrogates.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import click

BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
ZERO_WIDTH = frozenset("\u200b\u200c\u200d\u2060\ufeff")
MULTILINE_CONTROLS = frozenset("\n\t")
FILLERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")  # letters and symbols that show nothing
# The refused characters of the Basic Multilingual Plane as a JSON Schema (ECMA-262) character
# class body, for openapi.json: controls, line and paragraph separators, format characters (Cf
# of Unicode 14); and FILLERS, which a text needs more than.
REFUSED_CLASS = (
    r"\u0000-\u001F\u007F-\u009F\u00AD\u0600-\u0605\u061C\u06DD\u070F\u0890-\u0891\u08E2"
    r"\u180E\u200B-\u200F\u2028\u2029\u202A-\u202E\u2060-\u2064\u2066-\u206F\uFEFF\uFFF9-\uFFFB"
)
FILLERS_CLASS = r"\u115F\u1160\u2800\u3164\uFFA0"


class TextRefused(ValueError):
    """The text breaks the rule; `str()` says what, in Indonesian (without the field's name)."""


def refusal(char: str, *, multiline: bool = False) -> str | None:
    """Why `char` is refused in typed text, or None when it is allowed."""
    code = f"U+{ord(char):04X}"
    category = unicodedata.category(char)
    if category == "Cs":
        return f"Mengandung karakter yang tidak valid ({code})."
    if category == "Cc":
        if multiline and char in MULTILINE_CONTROLS:
            return None
        if char in "\r\n":
            return f"Mengandung baris baru ({code}); tulis dalam satu baris."
        return f"Mengandung karakter kendali ({code}) yang tidak diizinkan."
    if category in {"Zl", "Zp"}:
        return f"Mengandung pemisah baris ({code}) yang tidak diizinkan."
    if char in BIDI_CONTROLS:
        return f"Mengandung karakter pengatur arah teks ({code}) yang tidak diizinkan."
    if char in ZERO_WIDTH:
        return f"Mengandung karakter lebar nol ({code}) yang tidak diizinkan."
    if category == "Cf":
        return f"Mengandung karakter tak terlihat ({code}) yang tidak diizinkan."
    return None


def first_refusal(value: str, *, multiline: bool = False) -> str | None:
    """The refusal of the first refused character of `value`, or None."""
    for char in value:
        reason = refusal(char, multiline=multiline)
        if reason is not None:
            return reason
    return None


def invisible(char: str) -> bool:
    return char.isspace() or char in FILLERS or unicodedata.category(char) == "Cf"


def typed_text(
    value: str, *, max_length: int, multiline: bool = False, required: bool = True
) -> str:
    """`value` cleaned by the rule (see the module); "" for a blank optional text.
    Raises TextRefused."""
    if multiline:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    reason = first_refusal(value, multiline=multiline)
    if reason is not None:
        raise TextRefused(reason)
    value = unicodedata.normalize("NFC", value).strip()
    if all(invisible(char) for char in value):
        if required:
            raise TextRefused("Wajib diisi.")
        return ""
    if len(value) > max_length:
        raise TextRefused(f"Terlalu panjang: paling banyak {max_length} karakter.")
    return value


def secret_refusal(value: str) -> str | None:
    """The first character no password can hold (a control or a lone surrogate), or None."""
    return next((char for char in value if unicodedata.category(char) in {"Cc", "Cs"}), None)


def secret_text(value: str) -> str:
    """A password as typed; controls and lone surrogates refused (TextRefused)."""
    char = secret_refusal(value)
    if char is not None:
        raise TextRefused(f"Mengandung karakter kendali (U+{ord(char):04X}).")
    return value


class TypedText(click.ParamType[str, Any]):
    """A CLI argument or option under the typed-text rule (a usage error otherwise)."""

    name = "text"

    def __init__(self, max_length: int = 200) -> None:
        self.max_length = max_length

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            return typed_text(str(value), max_length=self.max_length)
        except TextRefused as refused:
            self.fail(str(refused), param, ctx)


CLI_TEXT = TypedText()
