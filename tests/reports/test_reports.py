"""Reports on a known data set (times set directly): by status and month, request to decision
and decision to activation (median, p90, share within the 12-minute standard), most-used
resources; CSV downloads (formula-safe, audited) and the CLI."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from signup_fn.reports import service as reports
from signup_fn.services import services
from signup_fn.store import schema
from signup_fn.store.engine import transaction
from tests.support.review_helpers import add_request, librarian_login, set_request_times
from tests.support.stored import audit_rows

JANUARY = datetime(2026, 1, 15, 3, 0, tzinfo=UTC)  # 10:00 WIB
FEBRUARY = datetime(2026, 2, 15, 3, 0, tzinfo=UTC)
DECISION_MINUTES = [2, 4, 6, 8, 10, 12, 14, 16, 18, 20]
ACTIVATION_MINUTES = [5, 10, 30, 60]


@pytest.fixture
def known_data(app: Flask) -> None:
    """Ten decided requests (8 approved, 2 rejected), one pending, four activations, clicks."""
    runner = app.test_cli_runner()
    for index, minutes in enumerate(DECISION_MINUTES):
        request_id = add_request(app, member_id=f"P{index}", email=f"p{index}@example.ac.id")
        if index < 8:
            result = runner.invoke(
                args=["requests", "approve", str(request_id), "--contact", "langsung"]
            )
        else:
            result = runner.invoke(
                args=["requests", "reject", str(request_id), "--reason", "bukan_anggota"]
            )
        assert result.exit_code == 0, result.output
        created = (JANUARY if index < 6 else FEBRUARY) + timedelta(hours=index)
        activated = None
        if index < len(ACTIVATION_MINUTES):
            activated = created + timedelta(minutes=minutes + ACTIVATION_MINUTES[index])
        set_request_times(
            app,
            request_id,
            created_at=created,
            decided_at=created + timedelta(minutes=minutes),
            activated_at=activated,
        )
    pending = add_request(app, member_id="P99")
    set_request_times(app, pending, created_at=FEBRUARY + timedelta(days=1))
    with app.app_context(), transaction(services().engine) as connection:
        connection.execute(
            schema.resource_usage.insert(),
            [
                {
                    "resource_id": "pubmed",
                    "month": "2026-01",
                    "total_requests": 5,
                    "unique_requests": 1,
                },
                {
                    "resource_id": "pubmed",
                    "month": "2026-02",
                    "total_requests": 7,
                    "unique_requests": 1,
                },
                {
                    "resource_id": '=HYPERLINK("http://x")',
                    "month": "2026-02",
                    "total_requests": 3,
                    "unique_requests": 1,
                },
                {
                    "resource_id": "ebsco",
                    "month": "2026-02",
                    "total_requests": 20,
                    "unique_requests": 1,
                },
            ],
        )


def test_percentile_and_durations() -> None:
    assert reports.percentile([2, 4, 6, 8, 10, 12, 14, 16, 18, 20], 0.9) == pytest.approx(18.2)
    assert reports.percentile([7], 0.9) == 7
    single = reports.durations("x", [7.0], timedelta(minutes=12))
    assert (single.median, single.p90, single.within) == (7.0, 7.0, 1.0)
    empty = reports.durations("x", [], timedelta(minutes=12))
    assert (empty.count, empty.median, empty.within) == (0, None, None)


@pytest.mark.usefixtures("known_data")
def test_report_figures(app: Flask) -> None:
    with app.app_context(), services().engine.connect() as connection:
        report = reports.build_report(connection)
    assert [(row.month, row.counts, row.total) for row in report.months] == [
        ("2026-01", {"pending": 0, "approved": 6, "rejected": 0}, 6),
        ("2026-02", {"pending": 1, "approved": 2, "rejected": 2}, 5),
    ]
    decision, activation = report.timings
    assert (decision.count, decision.median, decision.standard) == (10, 11.0, 12.0)
    assert decision.p90 == pytest.approx(18.2) and decision.within == pytest.approx(0.6)
    assert (activation.count, activation.median, activation.within) == (4, 20.0, None)
    assert activation.p90 == pytest.approx(51.0)
    assert [(row.resource_id, row.total) for row in report.resources] == [
        ("ebsco", 20),
        ("pubmed", 12),
        ('=HYPERLINK("http://x")', 3),
    ]


@pytest.mark.usefixtures("known_data")
def test_reports_page_and_csv_downloads(app: Flask, client: FlaskClient) -> None:
    librarian_id = librarian_login(app, client)
    page = client.get("/admin/reports").get_data(as_text=True)
    assert "11,0 menit" in page and "18,2 menit" in page and "60%" in page
    assert "12,0 menit" in page and "20,0 menit" in page and "51,0 menit" in page
    assert "2026-01" in page and "ebsco" in page
    assert '=HYPERLINK("http://x")' not in page  # escaped in HTML
    downloads = {}
    for name in reports.REPORT_NAMES:
        response = client.get(f"/admin/reports.csv?report={name}")
        assert response.status_code == 200 and response.mimetype == "text/csv"
        assert f"laporan-{name}-" in response.headers["Content-Disposition"]
        assert response.headers["Cache-Control"] == "no-store"
        text = response.get_data(as_text=True)
        assert text.startswith("\ufeff")
        downloads[name] = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert downloads["status"][1:] == [
        ["2026-01", "0", "6", "0", "6"],
        ["2026-02", "1", "2", "2", "5"],
    ]
    assert downloads["timing"][1] == ["Permintaan → keputusan", "10", "11.0", "18.2", "12", "60.0"]
    assert downloads["resources"][0] == ["sumber", "2026-01", "2026-02", "jumlah"]
    assert downloads["resources"][3] == ['\'=HYPERLINK("http://x")', "0", "3", "3"]
    exports = [row for row in audit_rows(app) if row["action"] == "export"]
    assert [row["reason"] for row in exports] == list(reports.REPORT_NAMES)
    assert {row["actor"] for row in exports} == {f"librarian:{librarian_id}"}
    assert client.get("/admin/reports.csv?report=passwords").status_code == 404


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_csv_cells_are_formula_safe(cell: str) -> None:
    report = reports.Report([], [], [reports.ResourceRow(cell, 1, {"2026-01": 1})], ["2026-01"])
    rows = list(csv.reader(io.StringIO(reports.to_csv(report, "resources").removeprefix("\ufeff"))))
    assert rows[1][0] == "'" + cell


@pytest.mark.usefixtures("known_data")
def test_cli_report_prints_the_same_figures(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["requests", "report"])
    assert result.exit_code == 0
    assert "Permintaan → keputusan\t10\t11.0\t18.2\t12\t60.0" in result.output
    assert "2026-02\t1\t2\t2\t5" in result.output
    assert "ebsco\t0\t20\t20" in result.output


def test_the_procedure_steps_are_held_against_their_standards() -> None:
    start = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)

    def at(minutes: float | None) -> datetime | None:
        return None if minutes is None else start + timedelta(minutes=minutes)

    rows = [  # received, checked, decided, activated, first opened (minutes after receipt)
        dict(
            zip(
                ("created_at", "checked_at", "decided_at", "activated_at", "opened_at"),
                times,
                strict=True,
            )
        )
        for times in (
            (at(0), at(4), at(5), at(9), at(10)),
            (at(0), at(20), at(25), None, None),
            (at(0), None, None, None, None),
        )
    ]
    steps = reports.procedure_steps(rows)
    assert [step.standard for step in steps] == [5, 10, 2, 5, 2]
    form, check, decide, activate, open_ = steps
    assert (form.count, form.median) == (0, None)  # before anything is recorded
    assert (check.count, check.median, check.within) == (2, 12.0, 0.5)
    assert (decide.count, decide.median, decide.within) == (2, 3.0, 0.5)
    assert (activate.count, activate.median, activate.within) == (1, 4.0, 1.0)
    assert (open_.count, open_.median, open_.within) == (1, 1.0, 1.0)
