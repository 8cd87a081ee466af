"""The reports under /admin/reports: requests, service times, e-resource use and extension
requests, each as a table, a chart (SVG and PNG) and a CSV, for a chosen period; printable as
the period report (one page per section, the library's name and the period on each).

Every view needs a librarian; CSV downloads write the audit row `export`. The figures come from
`reports` (requests, times, extensions) and `usage_report` (COUNTER uses); the charts from
`charts`, built from the very figures of the tables beside them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Flask, Response, abort, g, render_template, request

from .. import clock, library
from ..auth.admin_views import librarian_required
from ..deferred import deferred
from ..resources.catalog_source import CatalogUnavailable, current_catalog
from ..services import services
from ..store.audit import add_audit
from ..store.engine import transaction
from ..store.statuses import ExtensionStatus, RequestStatus
from ..web.admin_layout import AdminTab, add_tab
from . import queries

if TYPE_CHECKING:
    from . import charts
    from . import service as reports
    from . import usage as usage_report
    from .usage import UsageFilter, UsageReport
else:  # pygal, the reports and the catalog's models: on the first report asked for
    charts, reports = deferred("signup_fn.reports.charts"), deferred("signup_fn.reports.service")
    usage_report = deferred("signup_fn.reports.usage")

bp = Blueprint("admin_reports", __name__, url_prefix="/admin")

STATUS_LABELS: dict[str, str] = {
    RequestStatus.PENDING: "Menunggu",
    RequestStatus.APPROVED: "Disetujui",
    RequestStatus.REJECTED: "Ditolak",
}
EXTENSION_LABELS: dict[str, str] = {
    ExtensionStatus.PENDING: "Menunggu",
    ExtensionStatus.GRANTED: "Dikabulkan",
    ExtensionStatus.DECLINED: "Ditolak",
}
TOP_RESOURCES = 10


def catalog_or_none() -> Any:
    try:
        return current_catalog()
    except CatalogUnavailable:
        return None


def read_filter(catalog: Any) -> UsageFilter:
    subjects = catalog.subjects_by_id if catalog else {}
    return usage_report.parse_filter(request.args, subjects)


def period_report(filters: UsageFilter) -> tuple[reports.Report, UsageReport]:
    with services().engine.connect() as connection:
        connection = connection.execution_options(read_only=True)
        report = reports.build_report(connection, start=filters.start, end=filters.end)
        rows = queries.resource_usage_rows(connection)
    return report, usage_report.build_usage_report(rows, catalog_or_none(), filters)


def requested_period_report() -> tuple[reports.Report, UsageReport]:
    """`period_report` for the filter in the query string; 400 when the filter is invalid."""
    try:
        filters = read_filter(catalog_or_none())
    except usage_report.InvalidFilter:
        abort(400)
    return period_report(filters)


def period_label(filters: UsageFilter, usage: UsageReport, report: reports.Report) -> str:
    months = sorted(
        {row.month for row in report.months}
        | {row.month for row in report.extensions}
        | set(usage.months)
    )
    start = filters.start or (months[0] if months else "")
    end = filters.end or (months[-1] if months else "")
    if not start:
        return "semua data"
    return start if start == end else f"{start} s.d. {end}"


# --- the charts, each from the figures of the table beside it --------------------------------


def month_status_chart(
    name: str, title: str, description: str, rows: list[reports.MonthRow], labels: dict[str, str]
) -> charts.Chart:
    """Stacked bars of requests per month, one series per status of `labels`."""
    return charts.Chart(
        name,
        title,
        description,
        "stacked",
        [row.month for row in rows],
        [(label, [row.counts[status] for row in rows]) for status, label in labels.items()],
        "Permintaan",
    )


def requests_chart(report: reports.Report, usage: UsageReport) -> charts.Chart:
    return month_status_chart(
        "permintaan",
        "Permintaan akun per bulan menurut hasil",
        "Batang bertumpuk: jumlah permintaan akun yang masuk tiap bulan, dibagi menurut "
        "status sekarang (menunggu, disetujui, ditolak). Angkanya sama dengan tabel di sampingnya.",
        report.months,
        STATUS_LABELS,
    )


def service_chart(report: reports.Report, usage: UsageReport) -> charts.Chart:
    return charts.Chart(
        "waktu-layanan",
        "Waktu tiap langkah prosedur dibanding standar (menit)",
        "Batang berpasangan per langkah prosedur: median waktu yang tercatat dan standar "
        "prosedur (5, 10, 2, 5 dan 2 menit). Langkah 1 tidak dapat diukur portal.",
        "bar",
        [step.label for step in report.steps],
        [
            ("Median", [None if s.median is None else round(s.median, 1) for s in report.steps]),
            ("Standar", [s.standard for s in report.steps]),
        ],
        "Menit",
    )


def access_chart(report: reports.Report, usage: UsageReport) -> charts.Chart:
    sums = usage.by_access()
    return charts.Chart(
        "penggunaan-akses",
        "Penggunaan e-resource per bulan menurut jenis akses",
        "Batang bertumpuk: Total_Item_Requests (penggunaan menurut aturan COUNTER) tiap bulan, "
        "dibagi menurut akses gratis, langganan dan khusus anggota.",
        "stacked",
        list(usage.months),
        [(usage_report.ACCESS_CHOICES[access], values) for access, values in sums.items()],
        "Penggunaan",
    )


def top_chart(report: reports.Report, usage: UsageReport) -> charts.Chart:
    top = usage.top(TOP_RESOURCES)
    return charts.Chart(
        "sumber-teratas",
        f"{TOP_RESOURCES} e-resource yang paling banyak digunakan",
        "Batang mendatar: Total_Item_Requests tiap sumber selama periode, dari yang terbanyak.",
        "horizontal",
        [name for name, _ in top],
        [("Total_Item_Requests", [total for _, total in top])],
    )


def extensions_chart(report: reports.Report, usage: UsageReport) -> charts.Chart:
    return month_status_chart(
        "perpanjangan",
        "Permintaan perpanjangan pinjaman per bulan",
        "Batang bertumpuk: permintaan perpanjangan yang masuk tiap bulan menurut status "
        "(menunggu, dikabulkan, ditolak).",
        report.extensions,
        EXTENSION_LABELS,
    )


CHARTS: dict[str, Callable[[reports.Report, UsageReport], charts.Chart]] = {
    "permintaan": requests_chart,
    "waktu-layanan": service_chart,
    "penggunaan-akses": access_chart,
    "sumber-teratas": top_chart,
    "perpanjangan": extensions_chart,
}


def invalid_filter(error: usage_report.InvalidFilter) -> tuple[str, int]:
    return render_template("admin/reports_invalid.html", error=str(error)), 400


@bp.get("/reports")
@librarian_required
def index() -> tuple[str, int]:
    catalog = catalog_or_none()
    try:
        filters = read_filter(catalog)
    except usage_report.InvalidFilter as error:
        return invalid_filter(error)
    report, usage = period_report(filters)
    query = {key: value for key, value in request.args.items() if value}
    return render_template(
        "admin/reports.html",
        report=report,
        usage=usage,
        filters=filters,
        query=query,
        charts={name: build(report, usage) for name, build in CHARTS.items()},
        png=charts.png_available(),
        period=period_label(filters, usage, report),
        status_labels=STATUS_LABELS,
        extension_labels=EXTENSION_LABELS,
        access_choices=usage_report.ACCESS_CHOICES,
        type_choices=usage_report.TYPE_CHOICES,
        metrics=usage_report.METRICS,
        catalog_missing=catalog is None,
    ), 200


@bp.get("/reports/chart/<name>.<kind>")
@librarian_required
def chart(name: str, kind: str) -> Response:
    """One chart as SVG or PNG, for the page's <img> and the download links."""
    if name not in CHARTS or kind not in ("svg", "png"):
        abort(404)
    report, usage = requested_period_report()
    figure = CHARTS[name](report, usage)
    if kind == "png":
        if not charts.png_available():
            abort(404)
        body, mimetype = charts.render_png(figure), "image/png"
    else:
        body, mimetype = charts.render_svg(figure), "image/svg+xml"
    headers = {"Content-Security-Policy": charts.SVG_CSP}
    if request.args.get("unduh"):
        stamp = clock.library_today().strftime("%Y%m%d")
        headers["Content-Disposition"] = f'attachment; filename="grafik-{name}-{stamp}.{kind}"'
    return Response(body, mimetype=mimetype, headers=headers)


@bp.get("/reports.csv")
@librarian_required
def reports_csv() -> Response:
    """One report as a formula-safe CSV download; audit `export`."""
    name = request.args.get("report", "")
    if name not in (*reports.REPORT_NAMES, "usage"):
        abort(404)
    report, usage = requested_period_report()
    if name == "usage":
        body = usage_report.to_csv(
            usage, institution=library.current().name, created=clock.library_now()
        )
    else:
        body = reports.to_csv(report, name)
    with transaction(services().engine) as connection:
        add_audit(connection, action="export", outcome="ok", actor=g.actor, reason=name)
    stamp = clock.library_today().strftime("%Y%m%d")
    return Response(
        body,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="laporan-{name}-{stamp}.csv"'},
    )


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    add_tab(app, AdminTab("Laporan", ("admin_reports.index",)))
