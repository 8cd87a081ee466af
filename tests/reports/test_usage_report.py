"""The usage report: a seeded month counted through the real endpoints equals a hand count on
the page, in the COUNTER-style CSV, in the CLI and in the charts; filters; charts without
script, with title and description; SVG and PNG downloads."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree

import pytest
import time_machine
from flask import Flask
from flask.testing import FlaskClient

from signup_fn.reports import charts
from tests.support.catalog_sample import write_catalog
from tests.support.review_helpers import librarian_login
from tests.support.stored import audit_rows

A = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0"
B = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
ROBOT = "Googlebot/2.1 (+http://www.google.com/bot.html)"
OCTOBER = datetime(2026, 10, 20, 2, 0, tzinfo=UTC)  # 09:00 WIB
NOVEMBER = datetime(2026, 11, 9, 2, 0, tzinfo=UTC)
TODAY = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)


@pytest.fixture
def report_app(make_app, tmp_path: Path) -> Flask:
    return make_app(
        CATALOG_PATH=str(write_catalog(tmp_path / "resources.yml")),
        LIBRARY_NAME="Perpustakaan Contoh",
    )


@pytest.fixture
def client(report_app: Flask) -> FlaskClient:
    """The librarian's browser, on the app with the sample catalog."""
    return report_app.test_client()


def click(client: FlaskClient, resource_id: str, agent: str, address: str) -> None:
    client.post(
        f"/api/use/{resource_id}",
        headers={"User-Agent": agent},
        environ_base={"REMOTE_ADDR": address},
    )


@pytest.fixture
def seeded(report_app: Flask) -> None:
    """Uses of October and November 2026, counted by the real endpoint.

    Hand count, November: sumber-gratis — visitor A clicks at 0 s, 10 s (double click), then
    5 minutes later (a new request): 2 Total, 1 Unique; visitor B (another address) once: 1, 1;
    the next day A again: 1 Total, 1 Unique → Total 4, Unique 3. jurnal-berbayar — A once,
    a robot 5 times → Total 1, Unique 1. October: jurnal-berbayar — B twice a minute apart →
    Total 2, Unique 1.
    """
    client = report_app.test_client()
    with time_machine.travel(OCTOBER, tick=False) as traveller:
        click(client, "jurnal-berbayar", B, "10.0.0.2")
        traveller.shift(timedelta(minutes=1))
        click(client, "jurnal-berbayar", B, "10.0.0.2")
        traveller.move_to(NOVEMBER)
        click(client, "sumber-gratis", A, "10.0.0.1")
        traveller.shift(timedelta(seconds=10))
        click(client, "sumber-gratis", A, "10.0.0.1")
        traveller.shift(timedelta(minutes=5))
        click(client, "sumber-gratis", A, "10.0.0.1")
        click(client, "sumber-gratis", B, "10.0.0.2")
        click(client, "jurnal-berbayar", A, "10.0.0.1")
        for _ in range(5):
            click(client, "jurnal-berbayar", ROBOT, "10.0.0.9")
        traveller.shift(timedelta(days=1))
        click(client, "sumber-gratis", A, "10.0.0.1")


HAND_COUNT = {
    # (resource, metric): (October, November)
    ("sumber-gratis", "Total_Item_Requests"): ("0", "4"),
    ("sumber-gratis", "Unique_Item_Requests"): ("0", "3"),
    ("jurnal-berbayar", "Total_Item_Requests"): ("2", "1"),
    ("jurnal-berbayar", "Unique_Item_Requests"): ("1", "1"),
}


def read_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))


def counter_rows(rows: list[list[str]]) -> tuple[dict[str, str], list[str], list[list[str]]]:
    """(header block, column names, data rows) of a COUNTER-style CSV."""
    blank = rows.index([])
    return dict((row[0], row[1]) for row in rows[:blank]), rows[blank + 1], rows[blank + 2 :]


def svg_values(svg: bytes) -> list[float]:
    """Every value pygal printed, in series order (our own SVG, parsed in a test)."""
    root = ElementTree.fromstring(svg)  # the app's own output
    return [
        float(element.text)
        for element in root.iter("{http://www.w3.org/2000/svg}desc")
        if element.get("class") == "value" and element.text
    ]


@pytest.mark.usefixtures("seeded")
def test_the_csv_of_a_seeded_period_equals_the_hand_count(
    report_app: Flask, client: FlaskClient
) -> None:
    librarian_id = librarian_login(report_app, client)
    with time_machine.travel(TODAY, tick=False):
        response = client.get("/admin/reports.csv?report=usage&from=2026-10&to=2026-11")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    header, columns, data = counter_rows(read_csv(response.get_data(as_text=True)))
    assert header["Report_ID"] == "IR" and header["Release"] == "5"
    assert header["Institution_Name"] == "Perpustakaan Contoh"
    assert header["Metric_Types"] == "Total_Item_Requests; Unique_Item_Requests"
    assert header["Reporting_Period"] == "Begin_Date=2026-10-01; End_Date=2026-11-30"
    assert header["Created"].startswith("2026-12-02T09:00:00")
    assert columns == [
        "Item",
        "Item_ID",
        "Publisher",
        "Access_Type",
        "Data_Type",
        "Metric_Type",
        "Reporting_Period_Total",
        "Oct-2026",
        "Nov-2026",
    ]
    figures = {(row[1], row[5]): tuple(row[7:]) for row in data}
    assert figures == HAND_COUNT
    totals = {(row[1], row[5]): row[6] for row in data}
    assert totals[("sumber-gratis", "Total_Item_Requests")] == "4"
    assert totals[("jurnal-berbayar", "Total_Item_Requests")] == "3"
    assert data[0][:5] == ["Sumber Gratis", "sumber-gratis", "", "free", "ebook"]  # most used first
    assert [row["reason"] for row in audit_rows(report_app) if row["action"] == "export"] == [
        "usage"
    ]
    assert {row["actor"] for row in audit_rows(report_app) if row["action"] == "export"} == {
        f"librarian:{librarian_id}"
    }


@pytest.mark.usefixtures("seeded")
def test_the_page_the_cli_and_the_charts_agree_with_the_csv(
    report_app: Flask, client: FlaskClient
) -> None:
    librarian_login(report_app, client)
    query = "from=2026-10&to=2026-11"
    page = client.get(f"/admin/reports?{query}").get_data(as_text=True)
    assert "Perpustakaan Contoh" in page and "2026-10 s.d. 2026-11" in page
    for name in (
        "permintaan",
        "waktu-layanan",
        "penggunaan-akses",
        "sumber-teratas",
        "perpanjangan",
    ):
        assert f"/admin/reports/chart/{name}.svg" in page or "Belum ada data" in page
    assert "Sumber Gratis" in page and "Total_Item_Requests" in page

    cli = report_app.test_cli_runner().invoke(
        args=["usage", "report", "--from", "2026-10", "--to", "2026-11"]
    )
    assert cli.exit_code == 0, cli.output
    lines = [line.split("\t") for line in cli.output.splitlines()]
    assert {(row[1], row[5]): tuple(row[7:]) for row in lines[1:]} == HAND_COUNT
    as_csv = report_app.test_cli_runner().invoke(
        args=["usage", "report", "--from", "2026-10", "--to", "2026-11", "--csv"]
    )
    _, _, data = counter_rows(read_csv(as_csv.output))
    assert {(row[1], row[5]): tuple(row[7:]) for row in data} == HAND_COUNT

    # uses by access per month: free (0, 4), paid (2, 1), members (0, 0) — as the CSV sums
    by_access = client.get(f"/admin/reports/chart/penggunaan-akses.svg?{query}")
    assert by_access.mimetype == "image/svg+xml"
    assert svg_values(by_access.get_data()) == [0.0, 4.0, 2.0, 1.0, 0.0, 0.0]
    top = client.get(f"/admin/reports/chart/sumber-teratas.svg?{query}").get_data()
    assert svg_values(top) == [4.0, 3.0]  # Reporting_Period_Total of each, most used first
    paid_only = client.get(f"/admin/reports/chart/sumber-teratas.svg?{query}&access=paid")
    assert svg_values(paid_only.get_data()) == [3.0]


@pytest.mark.usefixtures("seeded")
def test_filters_by_access_type_subject_and_period(report_app: Flask, client: FlaskClient) -> None:
    librarian_login(report_app, client)

    def items(query: str) -> set[str]:
        text = client.get(f"/admin/reports.csv?report=usage&{query}").get_data(as_text=True)
        return {row[1] for row in counter_rows(read_csv(text))[2]}

    assert items("access=paid") == {"jurnal-berbayar"}
    assert items("access=members") == set()
    assert items("type=ebook&subject=umum") == {"sumber-gratis", "jurnal-berbayar"}
    assert items("type=journal") == set()
    assert items("from=2026-11&to=2026-11") == {"sumber-gratis", "jurnal-berbayar"}
    assert items("from=2026-10&to=2026-10") == {"jurnal-berbayar"}
    for bad in ("from=2026-13", "from=2026-11&to=2026-10", "access=semua", "subject=<x>"):
        response = client.get(f"/admin/reports?{bad}")
        assert response.status_code == 400, bad
        assert "<x>" not in response.get_data(as_text=True)
        assert client.get(f"/admin/reports.csv?report=usage&{bad}").status_code == 400


@pytest.mark.usefixtures("seeded")
def test_charts_carry_no_script_and_name_themselves(report_app: Flask, client: FlaskClient) -> None:
    librarian_login(report_app, client)
    response = client.get("/admin/reports/chart/penggunaan-akses.svg")
    svg = response.get_data()
    root = ElementTree.fromstring(svg)  # the app's own output
    names = {element.tag.rsplit("}", 1)[-1] for element in root.iter()}
    assert "script" not in names and b"<script" not in svg
    assert root.get("role") == "img"
    title, desc = list(root)[:2]
    assert title.tag.endswith("title") and "menurut jenis akses" in title.text
    assert desc.tag.endswith("desc") and "Total_Item_Requests" in desc.text
    assert response.headers["Content-Security-Policy"] == charts.SVG_CSP
    download = client.get("/admin/reports/chart/penggunaan-akses.svg?unduh=1")
    assert "attachment" in download.headers["Content-Disposition"]
    assert client.get("/admin/reports/chart/tidak-ada.svg").status_code == 404
    assert client.get("/admin/reports/chart/permintaan.gif").status_code == 404


@pytest.mark.usefixtures("seeded")
def test_png_downloads_when_the_charts_extra_is_installed(
    report_app: Flask, client: FlaskClient
) -> None:
    pytest.importorskip("cairosvg", reason="the optional `charts` extra is not installed")
    librarian_login(report_app, client)
    page = client.get("/admin/reports").get_data(as_text=True)
    assert "/admin/reports/chart/penggunaan-akses.png" in page
    response = client.get("/admin/reports/chart/penggunaan-akses.png?unduh=1")
    assert response.mimetype == "image/png"
    assert response.get_data().startswith(b"\x89PNG\r\n\x1a\n")


def test_reports_need_a_librarian(report_app: Flask) -> None:
    client = report_app.test_client()
    for path in (
        "/admin/reports",
        "/admin/reports.csv?report=usage",
        "/admin/reports/chart/permintaan.svg",
    ):
        assert client.get(path).status_code == 302, path
