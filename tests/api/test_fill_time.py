"""The minimum fill time cannot be skipped by leaving `elapsed_ms` out; the form still works
without JavaScript (a page asks to send once more and times that)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from html import unescape

import time_machine
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict
from werkzeug.test import TestResponse

from tests.support.samples import FORM_WITHOUT_SCRIPT, VALID
from tests.support.stored import audit_rows, requests_stored

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')
START = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)


def hidden_fields(response: TestResponse) -> MultiDict:
    assert response.status_code == 200, response.get_data(as_text=True)
    fields = HIDDEN.findall(response.get_data(as_text=True))
    return MultiDict([(name, unescape(value)) for name, value in fields])


def test_json_without_elapsed_ms_is_refused(app: Flask, client: FlaskClient) -> None:
    body = {key: value for key, value in VALID.items() if key != "elapsed_ms"}
    response = client.post("/api/signup", json=body)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"elapsed_ms": "Wajib diisi."}
    response = client.post("/api/signup", json={**body, "elapsed_ms": None})
    assert response.status_code == 422
    assert requests_stored(app) == []


def test_form_without_script_is_asked_again_and_timed(app: Flask, client: FlaskClient) -> None:
    with time_machine.travel(START, tick=False) as clock:
        first = client.post("/api/signup", data=FORM_WITHOUT_SCRIPT)
        page = first.get_data(as_text=True)
        assert "Satu langkah lagi" in page and 'action="/api/signup"' in page
        fields = hidden_fields(first)
        assert "shown" in fields and "elapsed_ms" not in fields
        assert fields["name"] == VALID["name"] and fields["consent"] == "true"
        assert requests_stored(app) == [] and audit_rows(app) == []

        clock.shift(timedelta(seconds=1))  # sent again too soon: asked again, nothing lost
        again = client.post("/api/signup", data=fields)
        assert "terlalu cepat" in again.get_data(as_text=True)
        assert hidden_fields(again)["shown"] == fields["shown"]  # the clock keeps running
        assert requests_stored(app) == []

        clock.shift(timedelta(seconds=5))
        sent = client.post("/api/signup", data=fields)
        assert sent.status_code == 303
        [stored] = requests_stored(app)
        assert stored["name"] == VALID["name"]
        assert audit_rows(app)[-1]["outcome"] == "received"


def test_a_forged_or_borrowed_shown_is_no_fill_time(app: Flask, client: FlaskClient) -> None:
    with time_machine.travel(START, tick=False) as clock:
        fields = hidden_fields(client.post("/api/signup", data=FORM_WITHOUT_SCRIPT))
        clock.shift(timedelta(seconds=30))
        for shown in ("x" * 40, fields["shown"][:-2] + "AA"):
            forged = client.post("/api/signup", data={**fields.to_dict(), "shown": shown})
            assert hidden_fields(forged)["shown"] != shown
        other = {**fields.to_dict(), "member_id": "P99"}  # signed for another member number
        assert hidden_fields(client.post("/api/signup", data=other))["shown"] != fields["shown"]
        clock.shift(timedelta(days=2))  # too old
        stale = client.post("/api/signup", data=fields)
        assert hidden_fields(stale)["shown"] != fields["shown"]
    assert requests_stored(app) == []


def test_form_errors_come_before_the_fill_time(client: FlaskClient) -> None:
    response = client.post("/api/signup", data={**FORM_WITHOUT_SCRIPT, "email": "bukan"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Alamat e-mail tidak valid." in page and "Waktu pengisian" not in page


def test_a_bot_that_fills_the_honeypot_is_still_dropped(app: Flask, client: FlaskClient) -> None:
    with time_machine.travel(START, tick=False) as clock:
        bot = {**FORM_WITHOUT_SCRIPT, "website": "https://spam.example"}
        fields = hidden_fields(client.post("/api/signup", data=bot))
        clock.shift(timedelta(seconds=10))
        assert client.post("/api/signup", data=fields).status_code == 303
    assert requests_stored(app) == []
    assert audit_rows(app)[-1]["reason"] == "honeypot"


def test_no_fill_time_needed_when_the_check_is_off(make_app: Callable[..., Flask]) -> None:
    app = make_app(MIN_FILL_MS=0)
    response = app.test_client().post("/api/signup", data=FORM_WITHOUT_SCRIPT)
    assert response.status_code == 303
    assert len(requests_stored(app)) == 1
