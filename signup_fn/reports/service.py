"""Reports for the librarians: requests by status and month, the procedure's times, and the
most-used resources; the same figures as a page, as CSV and on the command line.

Rules:
- Months are the library's (`PORTAL_TIMEZONE`), for requests and clicks alike (a click is
  counted in the library's month when it happens).
- Request to decision is held against the procedure's standard: checking (10 minutes) plus
  activation by the librarian (2 minutes) = 12 minutes. Decision to activation (the patron
  sets the password) is shown without a standard.
- Median and 90th percentile: linear interpolation between the sorted values (as a
  spreadsheet's PERCENTILE.INC); with one value both are that value.
- CSV: UTF-8 with a byte order mark, every cell passed through `neutralize_cell`.
"""

from __future__ import annotations

import csv
import io
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, TypeVar

from sqlalchemy import Connection

from catalog.spreadsheet import neutralize_cell

from ..clock import library_month
from ..store.statuses import REQUEST_STATUS_WORDS, ExtensionStatus, RequestStatus
from . import queries

DECISION_STANDARD = timedelta(minutes=10 + 2)
STATUSES = tuple(RequestStatus)
REPORT_NAMES = ("status", "timing", "steps", "resources", "extensions")
BYTE_ORDER_MARK = "\ufeff"


@dataclass(frozen=True)
class Durations:
    """Minutes between two steps over `count` requests; `within` is the share (0..1) within
    `standard` minutes, None when there is no standard or no value."""

    label: str
    count: int
    median: float | None
    p90: float | None
    standard: float | None
    within: float | None


@dataclass(frozen=True)
class MonthRow:
    month: str
    counts: dict[str, int]
    total: int


@dataclass(frozen=True)
class ResourceRow:
    resource_id: str
    total: int
    months: dict[str, int]


@dataclass(frozen=True)
class Report:
    months: list[MonthRow]
    timings: list[Durations]
    resources: list[ResourceRow]
    click_months: list[str]
    steps: list[Durations] = field(default_factory=list)  # the procedure's five steps
    extensions: list[MonthRow] = field(default_factory=list)  # extension requests by month


def minutes(delta: timedelta) -> float:
    return delta.total_seconds() / 60


def percentile(values: Sequence[float], fraction: float) -> float:
    """The `fraction` percentile by linear interpolation (PERCENTILE.INC)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    lower = int(position)
    upper = min(lower + 1, len(ordered) - 1)
    return ordered[lower] + (ordered[upper] - ordered[lower]) * (position - lower)


def durations(label: str, values: Sequence[float], standard: timedelta | None) -> Durations:
    if not values:
        return Durations(label, 0, None, None, minutes(standard) if standard else None, None)
    within = None
    if standard is not None:
        within = sum(1 for value in values if value <= minutes(standard)) / len(values)
    return Durations(
        label,
        len(values),
        statistics.median(values),
        percentile(values, 0.9),
        minutes(standard) if standard else None,
        within,
    )


def by_month(timeline: Iterable[dict[str, Any]]) -> list[MonthRow]:
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for row in timeline:
        counts[library_month(row["created_at"])][row["status"]] += 1
    return [
        MonthRow(month, {status: counted[status] for status in STATUSES}, counted.total())
        for month, counted in sorted(counts.items())
    ]


def timings(timeline: Iterable[dict[str, Any]]) -> list[Durations]:
    to_decision: list[float] = []
    to_activation: list[float] = []
    for row in timeline:
        if row["decided_at"] is not None:
            to_decision.append(minutes(row["decided_at"] - row["created_at"]))
            if row["activated_at"] is not None:
                to_activation.append(minutes(row["activated_at"] - row["decided_at"]))
    return [
        durations("Permintaan → keputusan", to_decision, DECISION_STANDARD),
        durations("Keputusan → aktivasi akun", to_activation, None),
    ]


def resources(clicks: Iterable[dict[str, Any]]) -> tuple[list[ResourceRow], list[str]]:
    """Resources by clicks, most used first, with their clicks per month."""
    per_resource: dict[str, dict[str, int]] = defaultdict(dict)
    months: set[str] = set()
    for row in clicks:
        per_resource[row["resource_id"]][row["month"]] = row["total_requests"]
        months.add(row["month"])
    rows = [
        ResourceRow(resource_id, sum(by_month_.values()), by_month_)
        for resource_id, by_month_ in per_resource.items()
    ]
    rows.sort(key=lambda row: (-row.total, row.resource_id))
    return rows, sorted(months)


# The procedure's five steps, each with its standard in minutes and the two recorded times it
# runs between. Step 1 (the patron filling in the form) happens before anything is recorded,
# so the portal cannot measure it: it is shown with its standard and no figures.
PROCEDURE_STEPS: tuple[tuple[str, int, str | None, str | None], ...] = (
    ("1. Mengisi formulir", 5, None, None),
    ("2. Pemeriksaan", 10, "created_at", "checked_at"),
    ("3. Persetujuan", 2, "checked_at", "decided_at"),
    ("4. Aktivasi akun", 5, "decided_at", "activated_at"),
    ("5. Masuk dan membuka sumber", 2, "activated_at", "opened_at"),
)
EXTENSION_STATUSES = tuple(ExtensionStatus)


def procedure_steps(rows: Iterable[dict[str, Any]]) -> list[Durations]:
    """Minutes each request spent in each step, against the step's standard."""
    rows = list(rows)
    steps = []
    for label, standard, start, end in PROCEDURE_STEPS:
        values = []
        if start and end:
            values = [
                minutes(row[end] - row[start])
                for row in rows
                if row[start] is not None and row[end] is not None
            ]
        steps.append(durations(label, values, timedelta(minutes=standard)))
    return steps


def extension_months(rows: Iterable[dict[str, Any]]) -> list[MonthRow]:
    """Extension requests per library month by status."""
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        counts[library_month(row["created_at"])][row["status"]] += 1
    return [
        MonthRow(month, {status: counted[status] for status in EXTENSION_STATUSES}, counted.total())
        for month, counted in sorted(counts.items())
    ]


def in_period(month: str, start: str | None, end: str | None) -> bool:
    """Whether the `YYYY-MM` month lies from `start` to `end` (either open)."""
    return (start is None or month >= start) and (end is None or month <= end)


def build_report(
    connection: Connection, *, start: str | None = None, end: str | None = None
) -> Report:
    """Every figure of the requests, received (and uses, counted) from month `start` to `end`."""

    def received(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
        return [row for row in rows if in_period(library_month(row["created_at"]), start, end)]

    timeline = received(queries.request_timeline(connection))
    usage_rows = [
        row
        for row in queries.resource_usage_rows(connection)
        if in_period(row["month"], start, end)
    ]
    resource_rows, click_months = resources(usage_rows)
    return Report(
        by_month(timeline),
        timings(timeline),
        resource_rows,
        click_months,
        procedure_steps(received(queries.procedure_times(connection))),
        extension_months(received(queries.extension_request_times(connection))),
    )


# --- tables (for CSV and the command line) ---------------------------------------------------

STATUS_LABELS = REQUEST_STATUS_WORDS
EXTENSION_STATUS_LABELS = {
    ExtensionStatus.PENDING: "menunggu",
    ExtensionStatus.GRANTED: "dikabulkan",
    ExtensionStatus.DECLINED: "ditolak",
}


Status = TypeVar("Status", bound=str)


def decimal(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def month_table(
    rows: list[MonthRow], statuses: Sequence[Status], labels: Mapping[Status, str]
) -> list[list[str]]:
    """Counts per month and status, header first."""
    header = ["bulan", *(labels[status] for status in statuses), "jumlah"]
    return [header] + [
        [row.month, *(str(row.counts[status]) for status in statuses), str(row.total)]
        for row in rows
    ]


def durations_table(first: str, rows: list[Durations]) -> list[list[str]]:
    """Minutes per measure (named in the column `first`), header first."""
    header = [
        first,
        "jumlah",
        "median_menit",
        "p90_menit",
        "standar_menit",
        "dalam_standar_persen",
    ]
    return [header] + [
        [
            row.label,
            str(row.count),
            decimal(row.median),
            decimal(row.p90),
            decimal(row.standard, 0),
            decimal(None if row.within is None else row.within * 100),
        ]
        for row in rows
    ]


def table(report: Report, name: str) -> list[list[str]]:
    """One report as rows of text cells, header first."""
    if name == "status":
        return month_table(report.months, STATUSES, STATUS_LABELS)
    if name == "timing":
        return durations_table("ukuran", report.timings)
    if name == "steps":
        return durations_table("langkah", report.steps)
    if name == "extensions":
        return month_table(report.extensions, EXTENSION_STATUSES, EXTENSION_STATUS_LABELS)
    if name == "resources":
        header = ["sumber", *report.click_months, "jumlah"]
        return [header] + [
            [
                row.resource_id,
                *(str(row.months.get(month, 0)) for month in report.click_months),
                str(row.total),
            ]
            for row in report.resources
        ]
    raise ValueError(f"unknown report {name!r}")


def to_csv(report: Report, name: str) -> str:
    """One report as CSV (BOM, CRLF, formula-safe cells)."""
    buffer = io.StringIO()
    buffer.write(BYTE_ORDER_MARK)
    writer = csv.writer(buffer)
    for row in table(report, name):
        writer.writerow(neutralize_cell(cell) for cell in row)
    return buffer.getvalue()
