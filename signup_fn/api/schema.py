"""The sign-up request's strict schema and its messages in Indonesian.

Rules: only known fields (unknown ones are refused under `UNKNOWN_FIELDS` by count, never by
name: a name chosen by the sender is not printed on the library's pages); every text field
follows the typed-text rule (`typed_text`: NFC, trimmed, no controls, bidi controls, zero-width
characters or lone surrogates, not blank); lengths are checked after normalisation; member
numbers and phone numbers take ASCII digits only (Python's `\\d` and `isdigit()` also accept
Arabic-Indic and full-width digits).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from email_validator import EmailNotValidError, validate_email
from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from ..member_numbers import MEMBER_NUMBER_PATTERN, normalise_member_number, valid_member_number
from ..typed_text import FILLERS_CLASS, REFUSED_CLASS, TextRefused, first_refusal, typed_text

# Patterns shared with openapi.json (a test keeps them equal). [0-9] is ASCII only; \d is not.
MEMBER_ID_PATTERN = MEMBER_NUMBER_PATTERN
PHONE_PATTERN = r"^\+?[0-9](?:[ -]?[0-9]){5,28}$"
# The typed-text rule as a JSON Schema pattern (the server also refuses format characters
# beyond the BMP and lone surrogates): no refused character, something visible.
TEXT_PATTERN = rf"^[^{REFUSED_CLASS}]*[^\s{REFUSED_CLASS}{FILLERS_CLASS}][^{REFUSED_CLASS}]*$"
PHONE = re.compile(PHONE_PATTERN)
# A name is what a name needs (it greets the patron in the activation e-mail): Latin letters with
# their accents, words joined by one space (a comma may end a word), an apostrophe or a hyphen
# inside a word, a period after a word or after initials and titles of one or two letters
# ("S.Kep.", "A.Md.Keb.", "Hj."); no digits, `@`, slashes or web addresses ("evil.com").
NAME_LETTERS = r"A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u017F\u1E00-\u1EFF"
NAME_WORD = rf"(?:[{NAME_LETTERS}]{{1,2}}\.)*[{NAME_LETTERS}]+(?:['\u2019-][{NAME_LETTERS}]+)*\.?"
NAME_PATTERN = rf"^ *{NAME_WORD}(?:,? {NAME_WORD})* *$"
NAME_MAX_LENGTH = 80
NAME = re.compile(NAME_PATTERN)
UNKNOWN_FIELDS = "unknown_fields"  # the errors' key of every field the form does not have
MAX_ELAPSED_MS = 7 * 24 * 3600 * 1000
TRUE_FORM_VALUES = {"true", "on"}

MESSAGES = {
    "missing": "Wajib diisi.",
    "string_type": "Harus berupa teks.",
    "int_type": "Harus berupa bilangan bulat.",
    "bool_type": "Harus berupa nilai benar/salah.",
    "literal_error": "Nilai tidak valid.",
    "string_too_long": "Terlalu panjang: paling banyak {max_length} karakter.",
    "string_too_short": "Wajib diisi.",
    "greater_than_equal": "Nilai tidak valid.",
    "less_than_equal": "Nilai tidak valid.",
}
FIELD_LABELS = {
    "member_id": "Nomor anggota (NIM/NIP)",
    "name": "Nama lengkap",
    "email": "E-mail",
    "phone": "Nomor telepon",
    "programme": "Program studi atau unit",
    "role": "Status",
    "consent": "Persetujuan",
    "website": "Situs web",
    "elapsed_ms": "Waktu pengisian",
    UNKNOWN_FIELDS: "Kolom lain",
}
FIELD_MESSAGES = {
    "role": "Pilih salah satu: Mahasiswa, Dosen, atau Tenaga kependidikan.",
    "consent": "Anda perlu menyetujui Kebijakan Privasi.",
}


def fail(message: str) -> PydanticCustomError:
    return PydanticCustomError("invalid", message)


def clean_text(value: str, max_length: int) -> str:
    """A required text field under the typed-text rule, 1..max_length characters."""
    try:
        return typed_text(value, max_length=max_length)
    except TextRefused as refused:
        raise fail(str(refused)) from None


def check_name(value: str) -> str:
    """The typed-text rule (it names a refused character), then the name's own rule."""
    value = clean_text(value, NAME_MAX_LENGTH)
    if not NAME.fullmatch(value):
        raise fail(
            "Nama lengkap: tulis dengan huruf; di antara kata hanya spasi, koma, titik, tanda "
            "hubung (-) atau apostrof (') — tanpa angka, @, garis miring atau alamat situs."
        )
    return value


Name = Annotated[str, Field(min_length=1, max_length=NAME_MAX_LENGTH), AfterValidator(check_name)]
PROGRAMME_MAX_LENGTH = 100
# a required text field of at most 100 characters (checked after NFC too)
Programme = Annotated[
    str,
    Field(min_length=1, max_length=PROGRAMME_MAX_LENGTH),
    AfterValidator(lambda value: clean_text(value, PROGRAMME_MAX_LENGTH)),
]


def check_member_id(value: str) -> str:
    """A member number as SLiMS issues it, in its normal form (`member_numbers`)."""
    normal = normalise_member_number(value)
    if not valid_member_number(normal):
        raise fail(
            "Nomor anggota (NIM/NIP): 1–20 huruf A–Z dan angka 0–9, boleh dipisah satu spasi, "
            "titik atau tanda hubung, persis seperti di kartu anggota."
        )
    return normal


def check_email(value: str) -> str:
    """A syntactically valid address (no DNS lookup), normalised; no CR/LF or controls."""
    if first_refusal(value) is not None:
        raise fail("Alamat e-mail tidak valid.")
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError:
        raise fail("Alamat e-mail tidak valid.") from None


def check_phone(value: str) -> str:
    """At least 6 ASCII digits, an optional leading +, single spaces or dashes between."""
    if not PHONE.fullmatch(value):
        raise fail("Nomor telepon: 6–29 angka 0–9, boleh diawali + dan dipisah spasi atau -.")
    return value


def integral(value: Any) -> Any:
    """JSON Schema counts `2500.0` as an integer; so do we (booleans stay refused)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def require(value: bool) -> bool:
    """Consent must be given: `true` (a JSON boolean; `1` is not accepted)."""
    if value is not True:
        raise fail(FIELD_MESSAGES["consent"])
    return value


class SignupRequest(BaseModel):
    """What a patron may send; nothing else (no `status`, `is_admin`, `approved_by`...)."""

    model_config = ConfigDict(strict=True, extra="forbid")

    member_id: Annotated[str, Field(max_length=20), AfterValidator(check_member_id)]
    name: Name
    email: Annotated[str, Field(max_length=254), AfterValidator(check_email)]
    phone: Annotated[str, Field(max_length=30), AfterValidator(check_phone)] | None = None
    programme: Programme
    role: Literal["student", "lecturer", "staff"]
    consent: Annotated[bool, Field(json_schema_extra={"const": True}), AfterValidator(require)]
    website: Annotated[str, Field(max_length=200)] | None = None  # honeypot: must stay empty
    # the fill time the site's script measured; a plain form post gets it from `fill_time`
    elapsed_ms: Annotated[int, BeforeValidator(integral), Field(ge=0, le=MAX_ELAPSED_MS)]


class InvalidSignup(Exception):
    """The request broke the schema; `errors` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def message_for(error: Mapping[str, Any]) -> str:
    field = str(error["loc"][0]) if error["loc"] else ""
    kind = error["type"]
    if kind == "invalid":
        return error["msg"]
    if kind != "missing" and field in FIELD_MESSAGES:
        return FIELD_MESSAGES[field]
    template = MESSAGES.get(kind, "Nilai tidak valid.")
    return template.format(**(error.get("ctx") or {}))


def unknown_fields_message(count: int) -> str:
    return (
        f"{count} kolom yang tidak dikenal ikut terkirim; kirim hanya kolom formulir pendaftaran."
    )


def parse_signup(payload: Mapping[str, Any]) -> SignupRequest:
    """Validate a decoded JSON object; raise InvalidSignup with one message per known field
    and one (`UNKNOWN_FIELDS`) counting the unknown ones."""
    try:
        return SignupRequest.model_validate(dict(payload))
    except ValidationError as exc:
        errors: dict[str, str] = {}
        unknown = 0
        for error in exc.errors():
            if error["type"] == "extra_forbidden":
                unknown += 1
                continue
            field = str(error["loc"][0]) if error["loc"] else "body"
            errors.setdefault(field, message_for(error))
        if unknown:
            errors[UNKNOWN_FIELDS] = unknown_fields_message(unknown)
        raise InvalidSignup(errors) from None


def form_to_payload(form: Mapping[str, list[str]]) -> dict[str, Any]:
    """Turn an HTML form post into the JSON shape: each field once, empty optionals absent,
    the consent checkbox to `true`, `elapsed_ms` to an integer (ASCII digits only)."""
    repeated = {
        key: "Kolom dikirim lebih dari sekali."
        for key, values in form.items()
        if len(values) > 1 and key in SignupRequest.model_fields
    }
    if repeated:
        raise InvalidSignup(repeated)
    payload: dict[str, Any] = {key: values[0] for key, values in form.items()}
    for optional in ("phone", "website", "elapsed_ms"):
        if payload.get(optional) == "":
            del payload[optional]
    if isinstance(payload.get("consent"), str) and payload["consent"].lower() in TRUE_FORM_VALUES:
        payload["consent"] = True
    elapsed = payload.get("elapsed_ms")
    if isinstance(elapsed, str) and elapsed.isascii() and elapsed.isdigit() and len(elapsed) < 12:
        payload["elapsed_ms"] = int(elapsed)
    return payload
