"""Counted uses, the COUNTER Release 5 way: `POST /api/use/<id>` and `/go/<id>` count a
visitor's double click once, robots never, a flood from one address only up to its limit, and
store nothing about who clicked."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from flask import Flask

from signup_fn import clock
from signup_fn.resources.robots import LIST_FILE, is_robot, load_patterns
from signup_fn.store import schema
from tests.support.catalog_sample import write_catalog
from tests.support.stored import rows
from tests.support.web import active_account

BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36"
)
OTHER_BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
# 10:00 in Jakarta on a Monday: far from the library's midnight
MORNING = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)


@pytest.fixture
def usage_app(make_app, tmp_path: Path) -> Flask:
    return make_app(CATALOG_PATH=str(write_catalog(tmp_path / "resources.yml")))


def usage(app: Flask) -> dict[tuple[str, str], tuple[int, int | None]]:
    """(resource, month) → (Total_Item_Requests, Unique_Item_Requests)."""
    return {
        (row["resource_id"], row["month"]): (row["total_requests"], row["unique_requests"])
        for row in rows(app, schema.resource_usage)
    }


def use(client, resource_id: str, agent: str = BROWSER, **headers: str):
    return client.post(f"/api/use/{resource_id}", headers={"User-Agent": agent, **headers})


def test_a_use_is_counted_with_204_and_a_double_click_once(usage_app: Flask) -> None:
    client = usage_app.test_client()
    with time_machine.travel(MORNING, tick=False) as traveller:
        first = use(client, "sumber-gratis")
        assert (first.status_code, first.get_data()) == (204, b"")
        traveller.shift(timedelta(seconds=29))
        assert use(client, "sumber-gratis").status_code == 204  # double click: once
        assert usage(usage_app) == {("sumber-gratis", "2026-11"): (1, 1)}
        traveller.shift(timedelta(seconds=29))  # each request restarts the 30 seconds
        use(client, "sumber-gratis")
        assert usage(usage_app) == {("sumber-gratis", "2026-11"): (1, 1)}
        traveller.shift(timedelta(seconds=31))
        use(client, "sumber-gratis")  # a new request, the same visitor and day
        assert usage(usage_app) == {("sumber-gratis", "2026-11"): (2, 1)}
        use(client, "sumber-gratis", OTHER_BROWSER)  # another visitor
        use(client, "jurnal-berbayar")
        assert usage(usage_app) == {
            ("sumber-gratis", "2026-11"): (3, 2),
            ("jurnal-berbayar", "2026-11"): (1, 1),
        }
        traveller.shift(timedelta(days=1))
        use(client, "sumber-gratis")  # the next day: unique again
    assert usage(usage_app)[("sumber-gratis", "2026-11")] == (4, 3)


def test_the_month_is_the_librarys(usage_app: Flask) -> None:
    # 2026-11-30 23:30 UTC is already 1 December in Jakarta (WIB, UTC+7)
    with time_machine.travel(datetime(2026, 11, 30, 23, 30, tzinfo=UTC), tick=False):
        use(usage_app.test_client(), "sumber-gratis")
    assert usage(usage_app) == {("sumber-gratis", "2026-12"): (1, 1)}


@pytest.mark.parametrize(
    "agent",
    [
        "",
        "Googlebot/2.1 (+http://www.google.com/bot.html)",
        "python-requests/2.32.3",
        "curl/8.5.0",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "HeadlessChrome/130.0.0.0 Safari/537.36",
    ],
)
def test_robots_are_never_counted(usage_app: Flask, agent: str) -> None:
    client = usage_app.test_client()
    assert use(client, "sumber-gratis", agent).status_code == 204
    assert client.get("/go/sumber-gratis", headers={"User-Agent": agent}).status_code == 302
    assert usage(usage_app) == {}


def test_the_vendored_robot_list_is_complete_and_compiles() -> None:
    entries = json.loads(LIST_FILE.read_text(encoding="utf-8"))
    assert len(load_patterns()) == len(entries) > 300
    readme = (LIST_FILE.parent / "README.md").read_text(encoding="utf-8")
    assert f"| Patterns | {len(entries)} |" in readme
    assert not is_robot(BROWSER)
    assert not is_robot(OTHER_BROWSER)


def test_the_split_matcher_answers_as_one_regex_of_the_list() -> None:
    import re

    from signup_fn.resources.robots import required_text, robot_matcher

    whole = re.compile("|".join(f"(?:{p})" for p in load_patterns()), re.IGNORECASE)
    samples = [BROWSER, OTHER_BROWSER, "", "x", "Java/1.8.0_151", "okhttp/4.9.0", "oaDOI",
               "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
               "Scrapy/2.11 (+https://scrapy.org)", "Wget/1.21", "default", "%default%",
               "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148"]  # fmt: skip
    samples += [f"Mozilla/5.0 {pattern} x" for pattern in load_patterns()]
    samples += [pattern.upper() for pattern in load_patterns()]
    # a regex's literal text alone (present, yet the regex may not match); case-insensitive
    # matching beyond ASCII ("ſ" is an "s" to `re`, not to str.lower)
    samples += [f"x {required_text(pattern)} y" for pattern in load_patterns()]
    samples += ["ſpider", "Mozilla/5.0 ſcrapy/2", "KRAWLER/1", "İNDY LIBRARY"]
    matcher = robot_matcher()
    assert [matcher.matches(agent) for agent in samples] == [
        whole.search(agent) is not None for agent in samples
    ]


def test_a_bad_robot_list_names_the_entry(tmp_path: Path) -> None:
    bad = tmp_path / "list.json"
    bad.write_text('[{"pattern": "bot"}, {"pattern": "(unclosed"}]', encoding="utf-8")
    with pytest.raises(ValueError, match=r"entry 2 \('\(unclosed'\)"):
        load_patterns(bad)


@pytest.mark.parametrize(
    "resource_id",
    ["koleksi-anggota", "koleksi-lama", "tidak-ada", "KOLEKSI-ANGGOTA", "a" * 200],
)
def test_only_free_and_paid_resources_are_counted_by_the_api(
    usage_app: Flask, resource_id: str
) -> None:
    assert use(usage_app.test_client(), resource_id).status_code == 404
    assert usage(usage_app) == {}


def test_the_site_origin_gets_cors_and_a_foreign_origin_is_refused(usage_app: Flask) -> None:
    client = usage_app.test_client()
    ours = use(client, "sumber-gratis", Origin="https://site.example")
    assert ours.status_code == 204
    assert ours.headers["Access-Control-Allow-Origin"] == "https://site.example"
    assert ours.headers["Vary"] == "Origin"
    assert "Set-Cookie" not in ours.headers
    foreign = use(client, "jurnal-berbayar", OTHER_BROWSER, Origin="https://evil.example")
    assert foreign.status_code == 403
    assert "Access-Control-Allow-Origin" not in foreign.headers
    # a page without a referrer sends `Origin: null`: still ours to count
    assert use(client, "jurnal-berbayar", Origin="null").status_code == 204
    assert usage(usage_app) == {
        ("sumber-gratis", this_month(usage_app)): (1, 1),
        ("jurnal-berbayar", this_month(usage_app)): (1, 1),
    }


def test_only_post_counts(usage_app: Flask) -> None:
    client = usage_app.test_client()
    assert client.get("/api/use/sumber-gratis").status_code == 405
    assert usage(usage_app) == {}


def this_month(app: Flask) -> str:
    with app.app_context():
        return clock.library_now().strftime("%Y-%m")


def test_300_anonymous_go_requests_in_a_second_are_one_use(usage_app: Flask) -> None:
    """The flood that once counted 300 uses: the same visitor's requests collapse to one."""
    client = usage_app.test_client()
    started = MORNING
    with time_machine.travel(started, tick=False) as traveller:
        for _ in range(300):
            response = client.get("/go/sumber-gratis", headers={"User-Agent": BROWSER})
            assert response.status_code == 302  # the visitor is still sent on
            traveller.shift(timedelta(milliseconds=4))  # 300 requests in 1.2 s
    assert usage(usage_app) == {("sumber-gratis", "2026-11"): (1, 1)}


def test_a_flood_with_changing_user_agents_stops_at_the_address_limit(make_app, tmp_path) -> None:
    app = make_app(
        CATALOG_PATH=str(write_catalog(tmp_path / "resources.yml")),
        RATE_LIMIT_USE_COUNT=20,
        RATE_LIMIT_USE_WINDOW=60,
    )
    client = app.test_client()
    statuses = []
    with time_machine.travel(MORNING, tick=False):
        for number in range(300):
            agent = f"{OTHER_BROWSER} variant/{number}"
            statuses.append(client.get("/go/sumber-gratis", headers={"User-Agent": agent}))
            use(client, "jurnal-berbayar", agent)
        limited = use(client, "jurnal-berbayar")
    assert {response.status_code for response in statuses} == {302}
    assert usage(app) == {
        ("sumber-gratis", "2026-11"): (10, 10),
        ("jurnal-berbayar", "2026-11"): (10, 10),
    }
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "60"


def test_members_only_go_links_follow_the_same_rules(usage_app: Flask) -> None:
    client = usage_app.test_client()
    active_account(usage_app, client, "P27820121001")
    with time_machine.travel(MORNING, tick=False) as traveller:
        for _ in range(3):
            client.get("/go/koleksi-anggota", headers={"User-Agent": BROWSER})
        traveller.shift(timedelta(minutes=5))
        client.get("/go/koleksi-anggota", headers={"User-Agent": BROWSER})
        client.get("/go/koleksi-anggota", headers={"User-Agent": "Googlebot/2.1"})
    assert usage(usage_app) == {("koleksi-anggota", "2026-11"): (2, 1)}


def test_nothing_about_the_visitor_is_kept_beyond_the_day(usage_app: Flask) -> None:
    client = usage_app.test_client()
    with time_machine.travel(MORNING, tick=False) as traveller:
        use(client, "sumber-gratis")
        visits = rows(usage_app, schema.usage_visits)
        assert set(schema.usage_visits.c.keys()) == {"key", "day", "last_at", "is_new", "counted"}
        assert set(schema.resource_usage.c.keys()) == {
            "resource_id",
            "month",
            "total_requests",
            "unique_requests",
        }
        assert len(visits) == 1
        stored = json.dumps([{k: str(v) for k, v in row.items()} for row in visits])
        for secret_part in ("127.0.0.1", BROWSER, "Chrome", "sumber-gratis"):
            assert secret_part not in stored
        traveller.shift(timedelta(days=1))
        use(client, "jurnal-berbayar")  # the next day's first use deletes the day before's
        assert [row["day"] for row in rows(usage_app, schema.usage_visits)] == ["2026-11-03"]
        traveller.shift(timedelta(days=2))
        result = usage_app.test_cli_runner().invoke(args=["privacy", "purge"])
        assert result.exit_code == 0, result.output
    assert rows(usage_app, schema.usage_visits) == []
