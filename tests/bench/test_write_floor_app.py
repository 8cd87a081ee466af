"""The benchmark's write floor keeps doing the sign-up's one required write, on the real schema.

bench/signup.py reads its requests/s as the ceiling of any Flask sign-up; that only holds while
it stores what the function stores: one request row (duplicates collapsed by the function's
partial unique index) and one audit row per post, in one transaction.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from bench import write_floor_app
from bench.signup import signup_body


def test_each_post_stores_one_request_and_one_audit_row(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database_url = f"sqlite:///{tmp_path / 'floor.db'}"
    monkeypatch.setenv("PORTAL_DATABASE_URL", database_url)
    client = write_floor_app.create_app().test_client()

    answers = [
        client.post("/api/signup", data=signup_body(member_id), content_type="application/json")
        for member_id in ("P1001", "P1002", "P1001")
    ]

    assert [answer.status_code for answer in answers] == [202, 202, 202]
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        members = connection.execute(
            sa.text("SELECT member_id FROM account_requests ORDER BY id")
        ).scalars()
        audited = connection.execute(
            sa.text("SELECT outcome, request_id FROM audit_log ORDER BY id")
        ).all()
        assert list(members) == ["P1001", "P1002"]
        assert [tuple(row) for row in audited] == [
            ("received", 1),
            ("received", 2),
            ("received", None),
        ]
    engine.dispose()
