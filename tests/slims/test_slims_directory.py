"""The member look-up in SLiMS' own database (a SLiMS-shaped schema in the real MariaDB)."""

from __future__ import annotations

import secrets
import socket
import threading
from collections.abc import Callable, Iterator
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from signup_fn.slims.connection import SlimsUnavailable, make_slims_engine, slims_connection
from signup_fn.slims.directory import (
    DirectoryUnavailable,
    MemberRecord,
    SlimsDirectory,
    member_directory,
)
from tests.support.slims_fixture import (
    add_member,
    add_member_type,
    fresh_slims_database,
    library_today,
)

pytestmark = pytest.mark.mariadb


@pytest.fixture(scope="module")
def slims_url(mariadb_url: str) -> Iterator[str]:
    with fresh_slims_database(mariadb_url) as url:
        engine = sa.create_engine(url)
        with engine.begin() as connection:
            dosen = add_member_type(connection, "Dosen", loan_periode=14)
            add_member(
                connection,
                "P27820121001",
                "Siti Aminah, S.Kep., Ns.",
                member_email="siti@example.ac.id",
                inst_name="D3 Keperawatan",
                expire_date=date(2026, 1, 31),
            )
            add_member(
                connection,
                "NIP1980",
                "dr. Rudi Hartono",
                member_type_id=dosen,
                member_email="",
                is_pending=1,
                expire_date=library_today() + timedelta(days=365),
            )
        engine.dispose()
        yield url


@pytest.fixture
def slims_directory(slims_url: str) -> Iterator[SlimsDirectory]:
    engine = make_slims_engine(slims_url)
    yield SlimsDirectory(engine)
    engine.dispose()


def test_lookup_reads_the_member_and_its_type(slims_directory: SlimsDirectory) -> None:
    assert slims_directory.lookup("P27820121001") == MemberRecord(
        member_id="P27820121001",
        name="Siti Aminah, S.Kep., Ns.",
        email="siti@example.ac.id",
        member_type="Standard",
        inst_name="D3 Keperawatan",
        expire_date=date(2026, 1, 31),
        is_pending=False,
        source="slims",
    )
    pending = slims_directory.lookup("nip1980")  # SLiMS' collation ignores case
    assert pending is not None
    assert (pending.member_id, pending.member_type, pending.email, pending.is_pending) == (
        "NIP1980",
        "Dosen",
        None,
        True,
    )
    assert slims_directory.lookup("P404") is None


def test_the_app_uses_slims_when_configured(make_app: Callable[..., Flask], slims_url: str) -> None:
    app = make_app(SLIMS_DATABASE_URL=slims_url)
    with app.app_context():
        directory = member_directory()
    assert isinstance(directory, SlimsDirectory)
    result = app.test_cli_runner().invoke(args=["members", "show", "P27820121001"])
    assert result.exit_code == 0, result.output
    assert "Sumber: slims" in result.output and "Jenis anggota: Standard" in result.output


def test_the_session_is_read_only(slims_url: str) -> None:
    engine = make_slims_engine(slims_url)
    try:
        with engine.connect() as connection, pytest.raises(sa.exc.DBAPIError, match="READ ONLY"):
            connection.exec_driver_sql(
                "UPDATE member SET mpasswd = 'x' WHERE member_id = 'P27820121001'"
            )
        with pytest.raises(SlimsUnavailable), slims_connection(engine) as connection:
            connection.exec_driver_sql("DELETE FROM member")
    finally:
        engine.dispose()
    writer = make_slims_engine(slims_url, write=True)
    try:
        with writer.begin() as connection:
            changed = connection.exec_driver_sql(
                "UPDATE member SET last_update = last_update WHERE member_id = 'NIP1980'"
            )
            assert changed.rowcount >= 0
    finally:
        writer.dispose()


def test_the_documented_grants_are_enough(mariadb_url: str, slims_url: str) -> None:
    """The least-privilege user of signup_fn/README.md can look members up, not write."""
    user, password = f"portal_ro_{secrets.token_hex(4)}", secrets.token_urlsafe(16)
    account = f"'{user}'@'127.0.0.1'"
    database = sa.make_url(slims_url).database
    admin = sa.create_engine(mariadb_url)
    with admin.begin() as connection:
        connection.exec_driver_sql(f"CREATE USER {account} IDENTIFIED BY '{password}'")
        for table in ("member", "mst_member_type", "loan", "item", "biblio"):
            connection.exec_driver_sql(f"GRANT SELECT ON {database}.{table} TO {account}")
    url = sa.make_url(slims_url).set(username=user, password=password)
    engine = make_slims_engine(url.render_as_string(hide_password=False), write=True)
    try:
        assert SlimsDirectory(engine).lookup("P27820121001") is not None
        with engine.begin() as connection, pytest.raises(sa.exc.DBAPIError, match="denied"):
            connection.exec_driver_sql("UPDATE member SET mpasswd = NULL")
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.exec_driver_sql(f"DROP USER {account}")
        admin.dispose()


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_slims_down_is_directory_unavailable() -> None:
    engine = make_slims_engine(f"mysql+pymysql://portal_ro:x@127.0.0.1:{closed_port()}/slims")
    try:
        with pytest.raises(DirectoryUnavailable, match="SLiMS sedang tidak dapat dihubungi"):
            SlimsDirectory(engine).lookup("P27820121001")
    finally:
        engine.dispose()


def test_a_silent_server_times_out_as_unavailable() -> None:
    """A server that accepts the connection and never answers: the timeout ends the wait."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []
    thread = threading.Thread(target=lambda: accepted.append(listener.accept()[0]), daemon=True)
    thread.start()
    port = listener.getsockname()[1]
    engine = make_slims_engine(f"mysql+pymysql://portal_ro:x@127.0.0.1:{port}/slims", timeout=1)
    try:
        with pytest.raises(DirectoryUnavailable):
            SlimsDirectory(engine).lookup("P27820121001")
    finally:
        engine.dispose()
        for connection in accepted:
            connection.close()
        listener.close()


def test_the_app_reports_slims_down_through_the_cli(make_app: Callable[..., Flask]) -> None:
    app = make_app(SLIMS_DATABASE_URL=f"mysql+pymysql://u:p@127.0.0.1:{closed_port()}/slims")
    result = app.test_cli_runner().invoke(args=["members", "show", "P1"])
    assert result.exit_code == 1
    assert "SLiMS sedang tidak dapat dihubungi" in result.output
    assert "Traceback" not in result.output
