"""One password: every password the portal accepts logs in to SLiMS' real OPAC member area as
the patron types it; every other one is refused by the portal, saying why, before anything is
saved (SLiMS' index.php sanitizer: trim, strip_tags, escape_string; bcrypt's 72 bytes)."""

from __future__ import annotations

import html
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from tests.slims_real.portal_app import portal_app
from tests.slims_real.site_driver import SlimsSite
from tests.support.slims_fixture import add_member
from tests.support.web import new_account, post_form

pytestmark = pytest.mark.mariadb

ACCEPTED = {
    "single quotes": "sandi 'kutip' tunggal",
    "double quotes": 'sandi "kutip" ganda',
    "backslash": "garis\\miring\\terbalik",
    "greater than": "lebih>besar>dari",
    "ampersand": "dan&ampersand&amp;lt;",
    "accents": "kata sandi beraksen éèüñ",
    "emoji": "emoji rahasia 🦊🔑🌙",
    "all escapes": "a'b\"c\\d campuran &>",
    "72 bytes": "k" * 66 + "🦊é",  # 66 + 4 + 2 bytes: bcrypt's limit exactly
}
REFUSED = {
    "less than": ("kurang<lebih dari", "tanda <"),
    "tag": ("sandi <b>tebal</b> ini", "tanda <"),
    "leading space": (" spasi di depan", "spasi"),
    "trailing space": ("spasi di belakang ", "spasi"),
    "over 72 bytes": ("kuda baterai staples benar " * 3 + "x", "terlalu panjang untuk SLiMS"),
    "over 72 bytes escaped": ("k" * 70 + "''", "terlalu panjang untuk SLiMS"),
}


@pytest.fixture(scope="module")
def app(slims_site: SlimsSite, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    yield portal_app(slims_site, Path(tmp_path_factory.mktemp("portal")))


def member_email(member_id: str) -> str:
    return f"{member_id.lower()}@example.ac.id"


def slims_member(site: SlimsSite) -> str:
    """A SLiMS member holding the e-mail the portal account will have: the portal writes the
    password into SLiMS only for that e-mail."""
    member_id = f"P{secrets.randbelow(10**10):010d}"
    with site.engine.begin() as connection:
        add_member(connection, member_id, "Siti Aminah", member_email=member_email(member_id))
    return member_id


def mpasswd(site: SlimsSite, member_id: str) -> str | None:
    with site.engine.connect() as connection:
        return connection.execute(
            sa.text("SELECT mpasswd FROM member WHERE member_id = :id"), {"id": member_id}
        ).scalar_one()


def activate(app: Flask, member_id: str, password: str) -> tuple[int, str]:
    _, token = new_account(app, member_id, email=member_email(member_id))
    client = app.test_client()
    response = post_form(
        client, f"/activate?token={token}", {"password": password, "password_confirm": password}
    )
    return response.status_code, html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize("case", sorted(ACCEPTED))
def test_an_accepted_password_logs_in_to_the_real_opac(
    app: Flask, slims_site: SlimsSite, case: str
) -> None:
    password = ACCEPTED[case]
    member_id = slims_member(slims_site)
    status, page = activate(app, member_id, password)
    assert status == 303, page
    assert (mpasswd(slims_site, member_id) or "").startswith("$2y$10$")
    assert slims_site.opac_login(member_id, password)  # exactly as typed
    assert not slims_site.opac_login(member_id, password[:-1] + "X")


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_a_password_slims_would_change_is_refused_saying_why(
    app: Flask, slims_site: SlimsSite, case: str
) -> None:
    password, reason = REFUSED[case]
    member_id = slims_member(slims_site)
    status, page = activate(app, member_id, password)
    assert status == 422 and "SLiMS" in page and reason in page, page
    assert mpasswd(slims_site, member_id) is None  # nothing saved in SLiMS (nor the portal)


def test_the_refused_passwords_really_fail_in_slims(slims_site: SlimsSite) -> None:
    # The oracle for the refusals: stored as typed (PHP's own password_hash of the raw
    # value, as a naive portal would), SLiMS' login refuses each of them.
    import bcrypt

    from signup_fn.auth.one_password import BCRYPT_COST

    for case, (password, _) in sorted(REFUSED.items()):
        member_id = slims_member(slims_site)
        raw = password.encode()
        if len(raw) > 72:
            # bcrypt ignores the rest: SLiMS lets in a *different* password with that prefix
            hashed = bcrypt.hashpw(raw[:72], bcrypt.gensalt(BCRYPT_COST)).decode()
            wrong = raw[:72].decode(errors="ignore") + "sesuatu lain"
            with slims_site.engine.begin() as connection:
                connection.execute(
                    sa.text("UPDATE member SET mpasswd = :h WHERE member_id = :id"),
                    {"h": "$2y$" + hashed.removeprefix("$2b$"), "id": member_id},
                )
            assert slims_site.opac_login(member_id, wrong), case
            continue
        hashed = bcrypt.hashpw(raw, bcrypt.gensalt(BCRYPT_COST)).decode()
        with slims_site.engine.begin() as connection:
            connection.execute(
                sa.text("UPDATE member SET mpasswd = :h WHERE member_id = :id"),
                {"h": "$2y$" + hashed.removeprefix("$2b$"), "id": member_id},
            )
        assert not slims_site.opac_login(member_id, password), case
