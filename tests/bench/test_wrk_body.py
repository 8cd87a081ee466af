"""wrk's sign-up body (bench/wrk_load.lua) is the Python load generator's body
(bench.signup.signup_body): both loads post what the function accepts."""

from __future__ import annotations

import json
import re
from pathlib import Path

from bench.signup import signup_body

LUA = Path(__file__).resolve().parents[2] / "bench" / "wrk_load.lua"


def wrk_body(member_id: str) -> bytes:
    """The body wrk_load.lua's request() writes for `member_id`."""
    source = LUA.read_text(encoding="utf-8")
    declaration = re.search(r"local body_format = ((?:'[^']*'\s*(?:\.\.\s*)?)+)", source)
    assert declaration, "body_format not found in bench/wrk_load.lua"
    body_format = "".join(re.findall(r"'([^']*)'", declaration.group(1)))
    return (body_format % (member_id, member_id.lower())).encode()


def test_wrk_posts_the_same_sign_up_as_the_python_load() -> None:
    member_id = "R1T1N7"
    assert json.loads(wrk_body(member_id)) == json.loads(signup_body(member_id))
