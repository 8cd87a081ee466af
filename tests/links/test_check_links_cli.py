"""`scripts/check_links.py` end to end: reports, annotations, ignore list, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.links.conftest import catalog_text
from tests.links.link_server import LinkServer

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "check_links.py"
FAST = ["--timeout", "1", "--retries", "1", "--quiet"]


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=60,
    )


def url_line(path: Path, resource_id: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    start = lines.index(f"  - id: {resource_id}")
    return next(i for i in range(start, len(lines)) if lines[i].startswith("    url:")) + 1


def test_all_good_exits_0(server: LinkServer, write_catalog):
    path = write_catalog([("a", server.url("/ok"), "free"), ("b", server.url("/temp"), "free")])
    done = run(path, *FAST, cwd=path.parent)
    assert done.returncode == 0, done.stderr
    assert "2 tautan diperiksa: 2 baik — semua tautan dapat dibuka." in done.stdout


def test_json_report_counts_every_class(server: LinkServer, write_catalog):
    path = write_catalog(
        [
            ("baik", server.url("/ok"), "free"),
            ("pindah", server.url("/perm"), "free"),
            ("login", server.url("/status/401"), "members"),
            ("hilang", server.url("/status/404"), "free"),
            ("macet", server.url("/hang"), "free"),
            ("mati", "http://127.0.0.1:9/", "free"),
        ]
    )
    done = run(path, "--json", *FAST, cwd=path.parent)
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report["counts"] == {
        "ok": 1,
        "moved": 1,
        "needs_login": 1,
        "broken": 1,
        "timeout": 1,
        "connection_error": 1,
        "ignored": 0,
    }
    assert report["failures"] == 3
    by_id = {item["id"]: item for item in report["results"]}
    assert by_id["pindah"]["new_url"] == server.url("/ok")
    assert (
        by_id["pindah"]["message"]
        == f"pindah: alamat pindah permanen; perbarui URL ke {server.url('/ok')}"
    )
    assert by_id["hilang"]["http_status"] == 404
    assert by_id["hilang"]["line"] == url_line(path, "hilang")


def test_github_annotations_point_at_the_url_line(server: LinkServer, write_catalog):
    path = write_catalog(
        [
            ("baik", server.url("/ok"), "free"),
            ("hilang", server.url("/status/404"), "free"),
            ("pindah", server.url("/perm308"), "free"),
        ]
    )
    done = run("resources.yml", "--github", *FAST, cwd=path.parent)
    assert done.returncode == 1
    annotations = [line for line in done.stdout.splitlines() if line.startswith("::")]
    assert annotations == [
        f"::error file=resources.yml,line={url_line(path, 'hilang')}::hilang: rusak — server"
        f" menjawab HTTP 404 ({server.url('/status/404')})",
        f"::warning file=resources.yml,line={url_line(path, 'pindah')}::pindah: alamat pindah"
        f" permanen; perbarui URL ke {server.url('/ok')}",
    ]


def test_the_text_report_names_file_line_and_fix(server: LinkServer, write_catalog):
    path = write_catalog([("pindah", server.url("/perm"), "free")])
    done = run("resources.yml", *FAST, cwd=path.parent)
    assert done.returncode == 0  # a moved link still works: a warning, not a failure
    line = url_line(path, "pindah")
    assert f"resources.yml:{line}: pindah: alamat pindah permanen; perbarui URL ke" in done.stdout


def test_ignored_entries_are_not_checked(server: LinkServer, write_catalog):
    path = write_catalog(
        [("hilang", server.url("/status/404"), "free"), ("b", server.url("/status/500"), "free")]
    )
    (path.parent / "links-ignore.yml").write_text(
        "ignore:\n"
        "  - id: hilang\n"
        "    reason: Penerbit memblokir robot; dicek manual.\n"
        f"  - url: {server.url('/status/500')}\n"
        "    reason: Gangguan diketahui, tiket 12.\n",
        encoding="utf-8",
    )
    done = run("resources.yml", *FAST, cwd=path.parent)
    assert done.returncode == 0, done.stdout
    assert "hilang: dikecualikan (Penerbit memblokir robot; dicek manual.)" in done.stdout
    assert server.requests == []


def test_an_ignore_entry_without_reason_is_an_error(server: LinkServer, write_catalog):
    path = write_catalog([("a", server.url("/ok"), "free")])
    ignore = path.parent / "links-ignore.yml"
    ignore.write_text("ignore:\n  - id: a\n    reason: ok\n  - url: https://x.example/\n")
    done = run("resources.yml", "--ignore", ignore.name, *FAST, cwd=path.parent)
    assert done.returncode == 2
    assert "links-ignore.yml:4: -: entri tidak punya 'reason'" in done.stderr
    assert server.requests == []


def test_an_invalid_catalog_exits_2(tmp_path: Path):
    (tmp_path / "resources.yml").write_text("subjects: []\nresources: []\n")
    done = run("resources.yml", *FAST, cwd=tmp_path)
    assert done.returncode == 2
    assert "resources.yml:" in done.stderr


def test_changed_from_checks_only_new_or_changed_urls(server: LinkServer, tmp_path: Path):
    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=tmp_path, check=True, capture_output=True)

    path = tmp_path / "resources.yml"
    old = [("lama", server.url("/status/404"), "free"), ("ubah", server.url("/temp"), "free")]
    path.write_text(catalog_text(old), encoding="utf-8")
    git("init", "-q")
    git("add", "resources.yml")
    git("-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "base")
    new = [
        ("lama", server.url("/status/404"), "free"),
        ("ubah", server.url("/ok"), "free"),
        ("baru", server.url("/perm"), "free"),
    ]
    path.write_text(catalog_text(new), encoding="utf-8")
    done = run("resources.yml", "--changed-from", "HEAD", "--json", *FAST, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    ids = [item["id"] for item in json.loads(done.stdout)["results"]]
    assert ids == ["ubah", "baru"]  # the unchanged broken link is left to the weekly run
