"""Reading SLiMS' member export (CSV) into member rows for the member check.

The format (see signup_fn/README.md): the 18 columns of `COLUMNS` in that order; fields
separated by `,` and enclosed in `"`; no header row unless the librarian asked for one, and a
header row ends with a trailing separator; values escaped MySQL-style, with a backslash
(`\\"`, `\\\\`, `\\n`, `\\t`, `\\0`...), never by doubling quotes; empty values as `""`; dates
`YYYY-MM-DD`, with `0000-00-00` or empty for none.

Python's `csv` module cannot read this exactly: with `escapechar="\\\\"` it turns `\\n` into
`n` and `\\0` into `0`. So records are split by one regular expression and the escapes are
decoded by MySQL's own rules (`\\x` for any other `x` is `x`).

The rule for bad input: every problem is collected as `FILE:LINE: message` (LINE is where the
record starts, 1-based; messages in Indonesian) and `MemberCsvError` is raised once, so the
caller stores nothing from a file with any bad row.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from ..member_numbers import member_key

COLUMNS: tuple[str, ...] = (
    "member_id",
    "member_name",
    "gender",
    "member_type_name",
    "member_email",
    "member_address",
    "postal_code",
    "inst_name",
    "is_new",
    "member_image",
    "pin",
    "member_phone",
    "member_fax",
    "member_since_date",
    "register_date",
    "expire_date",
    "birth_date",
    "member_notes",
)
DATE_COLUMNS = ("member_since_date", "register_date", "expire_date", "birth_date")
NO_DATE = "0000-00-00"
MAX_EXPORT_BYTES = 50 * 1024 * 1024  # ~150,000 members; a library's export is far smaller
MAX_PROBLEMS = 1000  # beyond this the file is not a member export; stop listing

# Column limits of SLiMS' `member` / `mst_member_type` tables.
MAX_LENGTHS = {
    "member_id": 20,
    "member_name": 100,
    "member_type_name": 50,
    "member_email": 100,
    "member_phone": 50,
    "inst_name": 100,
}

SEPARATOR = ","
# One field: enclosed (backslash escapes, newlines allowed inside) or bare (up to , or EOL).
FIELD = re.compile(r'"((?:[^"\\]|\\.)*)"|([^,"\r\n]*)', re.DOTALL)
LINE_END = re.compile(r"\r\n|\n|\r")
MYSQL_ESCAPES = {"0": "\0", "b": "\b", "n": "\n", "r": "\r", "t": "\t", "Z": "\x1a"}
ESCAPE = re.compile(r"\\(.)", re.DOTALL)
DATE_SHAPE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(frozen=True)
class ExportedMember:
    """The part of one exported member the portal keeps (data minimisation)."""

    member_id: str
    name: str
    email: str | None
    phone: str | None
    member_type: str | None
    inst_name: str | None
    expire_date: date | None
    line: int


@dataclass(frozen=True)
class MemberExport:
    """A whole, valid export: its members in file order, how it was decoded, if it had a header."""

    members: list[ExportedMember]
    encoding: str
    had_header: bool


@dataclass(frozen=True)
class CsvProblem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class MemberCsvError(Exception):
    """The export is not usable: `problems` holds every problem found, in file order."""

    def __init__(self, problems: list[CsvProblem]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def unescape(value: str) -> str:
    """Decode MySQL backslash escapes: `\\n` is a newline, `\\0` NUL, `\\x` otherwise `x`."""
    return ESCAPE.sub(lambda match: MYSQL_ESCAPES.get(match[1], match[1]), value)


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 (a BOM is dropped), else Windows-1252, else Latin-1."""
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding), encoding.removesuffix("-sig")
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def split_records(text: str) -> Iterator[tuple[int, list[str] | None, str | None]]:
    """Yield (line, fields, problem) per record; blank lines are skipped.

    `fields` is None when the record is malformed; `problem` then says why. An unclosed quote
    ends the file (everything after it would belong to that field).
    """
    position, line, end = 0, 1, len(text)
    while position < end:
        line_break = LINE_END.match(text, position)
        if line_break:  # a blank line
            position, line = line_break.end(), line + 1
            continue
        start_line, fields = line, []
        while True:
            field = FIELD.match(text, position)
            if field is None:  # unreachable: the bare alternative matches the empty string
                return
            if field[1] is not None:
                fields.append(unescape(field[1]))
                line += field[1].count("\n") + field[1].count("\r") - field[1].count("\r\n")
            else:
                fields.append(field[2])
            position = field.end()
            if position < end and text[position] == SEPARATOR:
                position += 1
                continue
            line_break = LINE_END.match(text, position)
            if position == end or line_break:
                if line_break:
                    position, line = line_break.end(), line + 1
                yield start_line, fields, None
                break
            if text[position] == '"' and field[0] == "":
                # The quoted alternative found no closing quote before the end of the file.
                yield start_line, None, 'tanda kutip (") tidak ditutup'
                return
            if text[position] == '"':
                message = 'tanda kutip di dalam nilai harus ditulis \\" (bukan "")'
            else:
                message = f"karakter tak terduga {text[position]!r} setelah nilai"
            yield start_line, None, message
            next_break = LINE_END.search(text, position)
            if next_break is None:
                return
            position, line = next_break.end(), line + 1
            break


def parse_date(value: str) -> date | None:
    """`YYYY-MM-DD` → date; empty or `0000-00-00` → None; else ValueError."""
    if value in ("", NO_DATE):
        return None
    if not DATE_SHAPE.fullmatch(value):
        raise ValueError(value)
    return date.fromisoformat(value)


def is_header(fields: list[str]) -> bool:
    """The optional header row: the column names (any case), with a trailing separator."""
    names = fields[:-1] if fields and fields[-1] == "" else fields
    return [name.strip().lower() for name in names] == list(COLUMNS)


def member_from(fields: list[str], line: int) -> tuple[ExportedMember | None, list[str]]:
    """One record → (member, problems); trims blanks, enforces SLiMS' column limits."""
    if len(fields) == len(COLUMNS) + 1 and fields[-1] == "":
        fields = fields[:-1]  # a trailing separator, as the header row has
    if len(fields) != len(COLUMNS):
        return None, [f"ada {len(fields)} kolom, seharusnya {len(COLUMNS)}"]
    values = {name: value.strip() for name, value in zip(COLUMNS, fields, strict=True)}
    problems: list[str] = []
    for name in ("member_id", "member_name"):
        if not values[name]:
            problems.append(f"kolom {name} kosong")
    for name, limit in MAX_LENGTHS.items():
        if len(values[name]) > limit:
            problems.append(f"kolom {name} lebih dari {limit} karakter")
    if any(ord(char) < 32 for char in values["member_id"] + values["member_name"]):
        problems.append("nomor atau nama anggota memuat karakter kendali")
    dates: dict[str, date | None] = {}
    for name in DATE_COLUMNS:
        try:
            dates[name] = parse_date(values[name])
        except ValueError:
            problems.append(f"kolom {name}: tanggal tidak sah {values[name]!r} (YYYY-MM-DD)")
    if problems:
        return None, problems
    member = ExportedMember(
        member_id=values["member_id"],
        name=values["member_name"],
        email=values["member_email"] or None,
        phone=values["member_phone"] or None,
        member_type=values["member_type_name"] or None,
        inst_name=values["inst_name"] or None,
        expire_date=dates["expire_date"],
        line=line,
    )
    return member, []


def parse_export(data: bytes, path: str = "anggota.csv") -> MemberExport:
    """Parse a whole export; raise `MemberCsvError` listing every problem (nothing partial)."""
    if len(data) > MAX_EXPORT_BYTES:
        limit = MAX_EXPORT_BYTES // (1024 * 1024)
        raise MemberCsvError([CsvProblem(path, 1, f"berkas lebih besar dari {limit} MB")])
    text, encoding = decode(data)
    problems: list[CsvProblem] = []
    members: list[ExportedMember] = []
    first_line_of: dict[str, int] = {}
    had_header = False
    for index, (line, fields, problem) in enumerate(split_records(text)):
        if len(problems) >= MAX_PROBLEMS:
            problems.append(
                CsvProblem(path, line, "terlalu banyak kesalahan; pemeriksaan dihentikan")
            )
            break
        if fields is None:
            problems.append(CsvProblem(path, line, problem or "baris tidak sah"))
            continue
        if index == 0 and is_header(fields):
            had_header = True
            continue
        if index == 0 and fields[0].strip().lower() == COLUMNS[0]:
            expected = ", ".join(COLUMNS)
            problems.append(
                CsvProblem(path, line, f"baris judul tidak sesuai; urutan kolom: {expected}")
            )
            continue
        member, row_problems = member_from(fields, line)
        problems.extend(CsvProblem(path, line, message) for message in row_problems)
        if member is None:
            continue
        key = member_key(member.member_id)
        if key in first_line_of:
            message = f"nomor anggota {member.member_id} sudah ada di baris {first_line_of[key]}"
            problems.append(CsvProblem(path, line, message))
            continue
        first_line_of[key] = line
        members.append(member)
    if problems:
        raise MemberCsvError(problems)
    if not members:
        raise MemberCsvError([CsvProblem(path, 1, "berkas tidak memuat data anggota")])
    return MemberExport(members=members, encoding=encoding, had_header=had_header)
