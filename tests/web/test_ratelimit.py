"""Rate limits per client address and per member number, shared through the database or Redis."""

from __future__ import annotations

import pytest
from flask import Flask

from signup_fn.store import schema
from tests.support.samples import VALID
from tests.support.stored import audit_rows, requests_stored, rows


def send(app: Flask, member_id: str, remote: str = "203.0.113.7", **headers: str):
    return app.test_client().post(
        "/api/signup",
        json={**VALID, "member_id": member_id},
        headers=headers,
        environ_base={"REMOTE_ADDR": remote},
    )


def test_address_limit_gives_429_with_retry_after(make_app) -> None:
    app = make_app(RATE_LIMIT_ADDRESS_COUNT=3, RATE_LIMIT_ADDRESS_WINDOW=600)
    assert [send(app, f"A{n}").status_code for n in range(3)] == [202, 202, 202]
    limited = send(app, "A3")
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["Retry-After"]) <= 600
    assert limited.get_json() == {"error": "Terlalu banyak permintaan; coba lagi nanti."}
    assert len(requests_stored(app)) == 3
    assert (audit_rows(app)[-1]["outcome"], audit_rows(app)[-1]["reason"]) == (
        "rate_limited",
        "address",
    )
    assert send(app, "A4", remote="198.51.100.9").status_code == 202  # another address


def test_invalid_posts_count_against_the_address(make_app) -> None:
    app = make_app(RATE_LIMIT_ADDRESS_COUNT=2)
    client = app.test_client()
    for _ in range(2):
        assert client.post("/api/signup", json={"x": 1}).status_code == 422
    assert client.post("/api/signup", json=VALID).status_code == 429


def test_member_limit(make_app) -> None:
    app = make_app(RATE_LIMIT_MEMBER_COUNT=2, RATE_LIMIT_MEMBER_WINDOW=3600)
    codes = [send(app, "M1", remote=f"198.51.100.{n}").status_code for n in range(3)]
    assert codes == [202, 202, 429]
    assert audit_rows(app)[-1]["reason"] == "member"
    assert send(app, "M2", remote="198.51.100.50").status_code == 202


def test_form_post_rate_limited_gets_an_html_page(make_app) -> None:
    app = make_app(RATE_LIMIT_ADDRESS_COUNT=1)
    client = app.test_client()
    client.post("/api/signup", data={**VALID, "consent": "on"})
    response = client.post("/api/signup", data={**VALID, "consent": "on"})
    assert response.status_code == 429
    assert response.mimetype == "text/html"
    assert response.headers["Retry-After"]


def test_spoofed_forwarded_for_does_not_reset_the_limit(make_app) -> None:
    app = make_app(RATE_LIMIT_ADDRESS_COUNT=2, TRUSTED_PROXIES=0)
    codes = [
        send(app, f"S{n}", **{"X-Forwarded-For": f"192.0.2.{n}"}).status_code for n in range(4)
    ]
    assert codes == [202, 202, 429, 429]


def test_trusted_proxy_hop_gives_the_real_client(make_app) -> None:
    app = make_app(RATE_LIMIT_ADDRESS_COUNT=2, TRUSTED_PROXIES=1)
    proxy = "10.0.0.1"
    # Two clients behind one proxy: each has its own count.
    for client_address in ("192.0.2.10", "192.0.2.20"):
        codes = [
            send(
                app,
                f"P{client_address[-2:]}{n}",
                remote=proxy,
                **{"X-Forwarded-For": client_address},
            ).status_code
            for n in range(3)
        ]
        assert codes == [202, 202, 429]
    # A client prepending a fake address: only the hop the proxy appended counts.
    forged = [
        send(
            app, f"F{n}", remote=proxy, **{"X-Forwarded-For": f"1.2.3.{n}, 192.0.2.30"}
        ).status_code
        for n in range(3)
    ]
    assert forged == [202, 202, 429]


def test_limit_of_zero_turns_it_off(make_app) -> None:
    app = make_app(RATE_LIMIT_ADDRESS_COUNT=0, RATE_LIMIT_MEMBER_COUNT=0)
    assert {send(app, "Z1").status_code for _ in range(8)} == {202}


def test_counters_are_shared_by_apps_on_one_database(make_app) -> None:
    """Two apps (as two workers or instances) on the same database share the count."""
    first, second = make_app(RATE_LIMIT_ADDRESS_COUNT=2), make_app(RATE_LIMIT_ADDRESS_COUNT=2)
    assert send(first, "W1").status_code == 202
    assert send(second, "W2").status_code == 202
    assert send(first, "W3").status_code == 429


def test_counter_keys_hold_no_address_or_member_number(make_app) -> None:
    app = make_app()
    send(app, "K12345", remote="192.0.2.77")
    keys = [row["key"] for row in rows(app, schema.rate_limits)]
    assert len(keys) == 2
    assert all(len(key) == 64 and "192.0.2.77" not in key and "K12345" not in key for key in keys)


@pytest.mark.redis
def test_redis_backed_limits_are_shared(make_app, redis_url: str) -> None:
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    settings = {"REDIS_URL": redis_url, "RATE_LIMIT_ADDRESS_COUNT": 2}
    first, second = make_app(**settings), make_app(**settings)
    assert send(first, "R1").status_code == 202
    assert send(second, "R2").status_code == 202
    limited = send(first, "R3")
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) >= 1
    assert rows(first, schema.rate_limits) == []  # counted in Redis, not the database
    assert audit_rows(first)[-1]["outcome"] == "rate_limited"
    assert redis.Redis.from_url(redis_url).keys("portal:ratelimit:*")
