"""The SLiMS conformance suite: real SLiMS 9.7, installed by its own installer, as the oracle.

Once per session: the tree (tests/support/slims_tree.py) is unpacked, served by one `php -S` on a
free loopback port, and installed over HTTP (`install/api.php`: `test-connection`, then
`do-install`) into a MariaDB database of its own (`slims_real_<hex>`, dropped at the end).
A MariaDB user with exactly the GRANTs signup_fn/README.md documents is made for the portal;
every portal-side statement of the suite runs as that user. SLiMS' own pages are then driven
with `requests` (`site.SlimsSite`). Skips with the reason without the tree, php or MariaDB;
fails under `CI=true`.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa

from tests.slims_real.site_driver import SlimsSite, portal_user_grants
from tests.support.slims_tree import php, slims_tree, unpack

ADMIN_PASSWORD = "admin-" + secrets.token_hex(8)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"php -S ended: {log.read_text(errors='replace')[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("php -S did not start")


@pytest.fixture(scope="session")
def slims_site(mariadb_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SlimsSite]:
    """Real SLiMS, installed and served; its database URL (root) and the portal user's."""
    started = time.monotonic()
    tree = slims_tree()
    executable = php()
    folder = tmp_path_factory.mktemp("slims")
    root = unpack(tree, folder / "tree")
    server = sa.make_url(mariadb_url)
    name = f"slims_real_{secrets.token_hex(5)}"
    port = free_port()
    log = folder / "php.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [executable, "-S", f"127.0.0.1:{port}", "-t", str(root)],
            cwd=root,
            stdout=output,
            stderr=subprocess.STDOUT,
            env={**os.environ, "TZ": "UTC"},
        )
    admin_engine = sa.create_engine(server)
    user = f"portal_{secrets.token_hex(4)}"
    user_password = secrets.token_urlsafe(16)
    try:
        wait_for(port, process, log)
        base = f"http://127.0.0.1:{port}/"
        installer = requests.Session()
        settings = {
            "host": server.host or "127.0.0.1",
            "port": str(server.port or 3306),
            "name": name,
            "user": server.username or "root",
            "pass": server.password or "",
        }
        answer = installer.post(
            base + "install/api.php", json={"action": "test-connection", **settings}, timeout=60
        ).json()
        assert answer["status"], answer
        answer = installer.post(
            base + "install/api.php",
            json={
                "action": "do-install",
                "username": "admin",
                "passwd": ADMIN_PASSWORD,
                "confirmPasswd": ADMIN_PASSWORD,
                "sampleData": False,
                "engine": "MyISAM",
            },
            timeout=120,
        ).json()
        assert answer["status"], answer
        database_url = server.set(database=name)
        with admin_engine.begin() as connection:
            for statement in portal_user_grants(name, user, user_password):
                connection.exec_driver_sql(statement)
        portal_url = database_url.set(username=user, password=user_password)
        site = SlimsSite(
            base_url=base,
            database_url=database_url.render_as_string(hide_password=False),
            portal_url=portal_url.render_as_string(hide_password=False),
            admin_password=ADMIN_PASSWORD,
        )
        print(f"\nSLiMS unpacked, served and installed in {time.monotonic() - started:.1f} s")
        yield site
        site.dispose()
    finally:
        process.terminate()
        process.wait(timeout=10)
        with admin_engine.begin() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name}")
            connection.exec_driver_sql(f"DROP USER IF EXISTS '{user}'@'127.0.0.1'")
        admin_engine.dispose()
