"""The usage report: per resource and library month, COUNTER Release 5's Total_Item_Requests
and Unique_Item_Requests (counted by resources/usage.py), filtered by access level, type,
subject and period; the same figures on /admin/reports, in the CSV and from `flask usage report`.

Rules:
- A period is whole library months `YYYY-MM`, both ends included; every month of it is a
  column, months without uses show 0. Without bounds it runs from the first month with uses to
  the last.
- Names, provider, access level, type and subjects come from the current catalog; a resource
  no longer in it keeps its id as its name and matches no access, type or subject filter.
- Unique_Item_Requests of months counted before visitors were known (moved from the old click
  table) is unknown: an empty cell, and no total.
- CSV: the COUNTER R5 layout of a report: a header block (Report_Name ... Created_By), an empty
  row, then one row per resource and metric with Reporting_Period_Total and one column per
  month (`Jan-2026`); UTF-8 with a byte order mark, every cell through `neutralize_cell`.
"""

from __future__ import annotations

import calendar
import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from catalog.labels import ACCESS_LABELS, TYPE_LABELS
from catalog.loader import LoadedCatalog
from catalog.models import Access
from catalog.spreadsheet import neutralize_cell

TOTAL = "Total_Item_Requests"
UNIQUE = "Unique_Item_Requests"
METRICS = (TOTAL, UNIQUE)
MONTH_PATTERN = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
MONTH_ABBREVIATIONS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                       "Nov", "Dec")  # fmt: skip
BYTE_ORDER_MARK = "\ufeff"
UNKNOWN = "unknown"
ACCESS_CHOICES = {access.value: label for access, label in ACCESS_LABELS.items()}
TYPE_CHOICES = {kind.value: label for kind, label in TYPE_LABELS.items()}


class InvalidFilter(ValueError):
    """A filter value the report cannot use; the message names the field (in Indonesian)."""


@dataclass(frozen=True)
class UsageFilter:
    start: str | None = None  # 'YYYY-MM', first month included
    end: str | None = None  # 'YYYY-MM', last month included
    access: str | None = None
    type: str | None = None
    subject: str | None = None

    def describe(self) -> str:
        """The filters in words, for the CSV's Report_Filters and the printed page."""
        parts = []
        if self.access:
            parts.append(f"Access_Type={self.access}")
        if self.type:
            parts.append(f"Data_Type={self.type}")
        if self.subject:
            parts.append(f"Subject={self.subject}")
        return "; ".join(parts)


def parse_month(value: str | None, label: str) -> str | None:
    """A `YYYY-MM` month, None when empty; InvalidFilter naming `label` otherwise."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if not MONTH_PATTERN.match(value):
        raise InvalidFilter(f"{label}: tulis bulan sebagai TTTT-BB, misalnya 2026-01.")
    return value


def parse_filter(values: Mapping[str, str | None], subjects: Iterable[str]) -> UsageFilter:
    """The filter of a query string or CLI options: `from`, `to`, `access`, `type`, `subject`."""

    def choice(name: str, allowed: Iterable[str], label: str) -> str | None:
        value = (values.get(name) or "").strip()
        if not value:
            return None
        if value not in set(allowed):
            raise InvalidFilter(f"{label}: pilihan {value[:40]!r} tidak dikenal.")
        return value

    start = parse_month(values.get("from"), "Dari bulan")
    end = parse_month(values.get("to"), "Sampai bulan")
    if start and end and start > end:
        raise InvalidFilter("Periode: bulan awal sesudah bulan akhir.")
    return UsageFilter(
        start=start,
        end=end,
        access=choice("access", ACCESS_CHOICES, "Akses"),
        type=choice("type", TYPE_CHOICES, "Jenis"),
        subject=choice("subject", subjects, "Subjek"),
    )


def months_between(start: str, end: str) -> list[str]:
    """Every `YYYY-MM` from `start` to `end`, both included."""
    year, month = int(start[:4]), int(start[5:])
    months = []
    while f"{year:04d}-{month:02d}" <= end:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def month_label(month: str) -> str:
    """`2026-01` → `Jan-2026`, COUNTER's column name."""
    return f"{MONTH_ABBREVIATIONS[int(month[5:]) - 1]}-{month[:4]}"


@dataclass(frozen=True)
class ResourceInfo:
    resource_id: str
    name: str
    provider: str
    access: str  # Access value, or UNKNOWN
    type: str  # ResourceType value, or UNKNOWN
    subjects: tuple[str, ...]

    @property
    def access_label(self) -> str:
        return ACCESS_CHOICES.get(self.access, "Tidak ada di katalog")

    @property
    def type_label(self) -> str:
        return TYPE_CHOICES.get(self.type, "")


@dataclass(frozen=True)
class UsageRow:
    info: ResourceInfo
    total: dict[str, int]
    unique: dict[str, int | None]

    def figures(self, metric: str, months: list[str]) -> list[int | None]:
        source = self.total if metric == TOTAL else self.unique
        return [source.get(month, 0) for month in months]

    def period_total(self, metric: str, months: list[str]) -> int | None:
        values = self.figures(metric, months)
        known = [value for value in values if value is not None]
        return sum(known) if len(known) == len(values) else None


@dataclass(frozen=True)
class UsageReport:
    months: list[str]
    rows: list[UsageRow]  # most used first
    filters: UsageFilter
    subjects: dict[str, str] = field(default_factory=dict)  # id → name, for the filter form

    def by_access(self) -> dict[str, list[int]]:
        """Total_Item_Requests per month for each access level (in catalog order)."""
        sums: dict[str, list[int]] = {access.value: [0] * len(self.months) for access in Access}
        for row in self.rows:
            if row.info.access in sums:
                for index, value in enumerate(row.figures(TOTAL, self.months)):
                    sums[row.info.access][index] += value or 0
        return sums

    def top(self, count: int = 10) -> list[tuple[str, int]]:
        """The `count` most used resources: (name, Total_Item_Requests over the period)."""
        ranked = [(row.info.name, row.period_total(TOTAL, self.months) or 0) for row in self.rows]
        return [item for item in ranked if item[1] > 0][:count]


def resource_info(resource_id: str, catalog: LoadedCatalog | None) -> ResourceInfo:
    resource = catalog.resources_by_id.get(resource_id) if catalog else None
    if resource is None:
        return ResourceInfo(resource_id, resource_id, "", UNKNOWN, UNKNOWN, ())
    kind = resource.type.value
    return ResourceInfo(
        resource_id,
        resource.name,
        resource.provider or "",
        resource.access.value,
        kind,
        tuple(resource.subjects),
    )


def matches(info: ResourceInfo, filters: UsageFilter) -> bool:
    return (
        (filters.access is None or info.access == filters.access)
        and (filters.type is None or info.type == filters.type)
        and (filters.subject is None or filters.subject in info.subjects)
    )


def build_usage_report(
    usage_rows: Iterable[Mapping[str, Any]],
    catalog: LoadedCatalog | None,
    filters: UsageFilter,
) -> UsageReport:
    """The report of `usage_rows` (queries.resource_usage_rows) under `filters`."""
    totals: dict[str, dict[str, int]] = defaultdict(dict)
    uniques: dict[str, dict[str, int | None]] = defaultdict(dict)
    seen_months: set[str] = set()
    for row in usage_rows:
        month = str(row["month"])
        if (filters.start and month < filters.start) or (filters.end and month > filters.end):
            continue
        resource_id = str(row["resource_id"])
        totals[resource_id][month] = int(row["total_requests"])
        unique = row["unique_requests"]
        uniques[resource_id][month] = None if unique is None else int(unique)
        seen_months.add(month)
    rows = []
    for resource_id in totals:
        info = resource_info(resource_id, catalog)
        if matches(info, filters):
            rows.append(UsageRow(info, totals[resource_id], uniques[resource_id]))
    start = filters.start or (min(seen_months) if seen_months else None)
    end = filters.end or (max(seen_months) if seen_months else None)
    months = months_between(start, end) if start and end else []
    rows.sort(key=lambda row: (-(row.period_total(TOTAL, months) or 0), row.info.name.casefold()))
    subjects = {s.id: s.name for s in catalog.catalog.subjects} if catalog else {}
    return UsageReport(months, rows, filters, subjects)


def table(report: UsageReport) -> list[list[str]]:
    """The report as text cells: header row, then one row per resource and metric."""
    header = [
        "Item",
        "Item_ID",
        "Publisher",
        "Access_Type",
        "Data_Type",
        "Metric_Type",
        "Reporting_Period_Total",
        *(month_label(month) for month in report.months),
    ]
    rows = [header]
    for row in report.rows:
        for metric in METRICS:
            period_total = row.period_total(metric, report.months)
            rows.append(
                [
                    row.info.name,
                    row.info.resource_id,
                    row.info.provider,
                    row.info.access,
                    row.info.type,
                    metric,
                    "" if period_total is None else str(period_total),
                    *(
                        "" if value is None else str(value)
                        for value in row.figures(metric, report.months)
                    ),
                ]
            )
    return rows


def header_block(report: UsageReport, *, institution: str, created: datetime) -> list[list[str]]:
    """COUNTER R5's report header (name/value rows)."""
    period = ""
    if report.months:
        last = report.months[-1]
        days = calendar.monthrange(int(last[:4]), int(last[5:]))[1]
        period = f"Begin_Date={report.months[0]}-01; End_Date={last}-{days:02d}"
    return [
        ["Report_Name", "Penggunaan e-resource portal"],
        ["Report_ID", "IR"],
        ["Release", "5"],
        ["Institution_Name", institution],
        ["Institution_ID", ""],
        ["Metric_Types", "; ".join(METRICS)],
        ["Report_Filters", report.filters.describe()],
        ["Report_Attributes", ""],
        ["Exceptions", ""],
        ["Reporting_Period", period],
        ["Created", created.isoformat(timespec="seconds")],
        ["Created_By", "Portal e-resource"],
    ]


def to_csv(report: UsageReport, *, institution: str, created: datetime) -> str:
    buffer = io.StringIO()
    buffer.write(BYTE_ORDER_MARK)
    writer = csv.writer(buffer)
    for cells in [
        *header_block(report, institution=institution, created=created),
        [],
        *table(report),
    ]:
        writer.writerow(neutralize_cell(cell) for cell in cells)
    return buffer.getvalue()
