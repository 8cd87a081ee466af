"""The link checker library against a loopback server: each class, limits, retries."""

from __future__ import annotations

from datetime import UTC, datetime

from catalog.linkcheck import (
    USER_AGENT,
    CheckSettings,
    LinkStatus,
    LinkTarget,
    changed_targets,
    check_links,
    parse_retry_after,
    user_agent,
)
from catalog.site_settings import repository_url
from tests.links.link_server import LinkServer

FAST = CheckSettings(per_host=4, total=16, timeout=2.0, retries=2, backoff=0.01)


def check_one(server: LinkServer, path: str, access: str = "free", **settings):
    options = {**FAST.__dict__, **settings}
    target = LinkTarget(id="uji", url=server.url(path), access=access, line=7)
    [result] = check_links([target], CheckSettings(**options))
    return result


def test_ok_with_an_honest_user_agent_and_head_only(server):
    result = check_one(server, "/ok")
    assert result.status is LinkStatus.OK
    assert result.http_status == 200
    assert [(seen.method, seen.path) for seen in server.requests] == [("HEAD", "/ok")]
    assert server.requests[0].headers["User-Agent"] == USER_AGENT
    assert "eresource-portal" in USER_AGENT


def test_the_user_agent_names_the_library_repository(tmp_path):
    repository = "https://github.com/perpustakaan-contoh/eresource-portal"
    (tmp_path / "mkdocs.yml").write_text(f"repo_url: {repository}\n", encoding="utf-8")
    assert user_agent(repository_url(tmp_path / "resources.yml")) == f"{USER_AGENT} (+{repository})"
    assert user_agent(repository_url(tmp_path / "lain" / "resources.yml")) == USER_AGENT


def test_not_found_and_server_error_are_broken(server):
    assert check_one(server, "/status/404").status is LinkStatus.BROKEN
    result = check_one(server, "/status/500")
    assert result.status is LinkStatus.BROKEN
    assert result.http_status == 500
    assert "HTTP 500" in result.detail
    assert result.attempts == 3  # retried twice


def test_gone_is_broken_without_retries(server):
    result = check_one(server, "/status/410")
    assert result.status is LinkStatus.BROKEN
    assert result.attempts == 1


def test_a_hanging_server_times_out(server):
    result = check_one(server, "/hang", timeout=0.5)
    assert result.status is LinkStatus.TIMEOUT
    assert "0.5 detik" in result.detail


def test_hanging_links_do_not_hold_up_the_others(server):
    targets = [LinkTarget(f"h{i}", server.url("/hang")) for i in range(3)]
    targets += [LinkTarget(f"ok{i}", server.url("/ok")) for i in range(10)]
    results = check_links(targets, CheckSettings(**{**FAST.__dict__, "timeout": 0.5}))
    statuses = [result.status for result in results]
    assert statuses == [LinkStatus.TIMEOUT] * 3 + [LinkStatus.OK] * 10


def test_connection_refused_is_a_connection_error():
    target = LinkTarget("mati", "http://127.0.0.1:9/")  # discard port: closed on loopback
    [result] = check_links([target], CheckSettings(**{**FAST.__dict__, "retries": 1}))
    assert result.status is LinkStatus.CONNECTION
    assert result.attempts == 2
    assert "koneksi" in result.detail


def test_permanent_redirects_ask_for_the_new_url(server):
    for path in ("/perm", "/perm308"):
        result = check_one(server, path)
        assert result.status is LinkStatus.MOVED
        assert result.new_url == server.url("/ok")
        assert f"perbarui URL ke {server.url('/ok')}" in result.detail


def test_temporary_redirects_are_fine(server):
    assert check_one(server, "/temp").status is LinkStatus.OK


def test_a_permanent_then_temporary_chain_names_the_permanent_address(server):
    result = check_one(server, "/perm-then-temp")
    assert result.status is LinkStatus.MOVED
    assert result.new_url == server.url("/temp")


def test_a_redirect_to_a_missing_page_is_broken(server):
    result = check_one(server, "/perm-to-404")
    assert result.status is LinkStatus.BROKEN
    assert result.http_status == 404


def test_head_refused_falls_back_to_a_ranged_get(server):
    result = check_one(server, "/nohead")
    assert result.status is LinkStatus.OK
    assert result.http_status == 206
    methods = [(seen.method, seen.headers.get("Range")) for seen in server.requests]
    assert methods == [("HEAD", None), ("GET", "bytes=0-0")]


def test_login_statuses_for_members_and_paid_need_login(server):
    for access in ("members", "paid"):
        for code in (401, 403):
            result = check_one(server, f"/status/{code}", access=access)
            assert result.status is LinkStatus.LOGIN, (access, code)
            assert not result.is_failure


def test_login_statuses_for_free_resources_are_broken(server):
    assert check_one(server, "/status/403", access="free").status is LinkStatus.BROKEN


def test_retries_with_backoff_then_success(server):
    result = check_one(server, "/flaky/a")
    assert result.status is LinkStatus.OK
    assert result.attempts == 3
    assert server.flaky["/flaky/a"] == 3


def test_no_retries_means_the_503_stands(server):
    result = check_one(server, "/flaky/b", retries=0)
    assert result.status is LinkStatus.BROKEN
    assert result.http_status == 503


def test_a_retry_after_beyond_the_limit_is_not_waited_for(server):
    assert parse_retry_after("120") == 120.0
    now = datetime(2026, 11, 23, 8, 0, 0, tzinfo=UTC)
    assert parse_retry_after("Mon, 23 Nov 2026 08:00:30 GMT", now) == 30.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def test_the_per_host_limit_is_respected(server):
    targets = [LinkTarget(f"s{i}", server.url("/slow")) for i in range(12)]
    results = check_links(targets, CheckSettings(**{**FAST.__dict__, "per_host": 3}))
    assert all(result.status is LinkStatus.OK for result in results)
    assert server.max_in_flight == 3  # reached, never passed


def test_the_global_limit_is_respected(server):
    targets = [LinkTarget(f"s{i}", server.url("/slow")) for i in range(8)]
    check_links(targets, CheckSettings(**{**FAST.__dict__, "per_host": 8, "total": 2}))
    assert server.max_in_flight == 2


def test_results_follow_the_order_of_the_targets(server):
    paths = ["/status/404", "/ok", "/temp", "/status/500", "/perm"]
    targets = [LinkTarget(f"t{i}", server.url(path)) for i, path in enumerate(paths)]
    results = check_links(targets, FAST)
    assert [result.target.id for result in results] == [f"t{i}" for i in range(5)]


def test_changed_targets_are_new_ids_and_new_urls():
    targets = [
        LinkTarget("same", "https://a.example/"),
        LinkTarget("moved", "https://b.example/new"),
        LinkTarget("new", "https://c.example/"),
    ]
    base = {"same": "https://a.example/", "moved": "https://b.example/old"}
    assert [t.id for t in changed_targets(targets, base)] == ["moved", "new"]
