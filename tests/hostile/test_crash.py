"""Crash hygiene: a crawl killed by SIGKILL leaves no process behind and its run is closed by
the next command; an unusable database is one line naming the file, from every command.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from aggregator.cli import cli
from aggregator.demo.server import OutletServer
from scheduler.orphan_runs import pid_alive
from storage.db import session_scope, upgrade
from storage.runs import CrawlRun, start_run
from tests.hostile.cli import command, environment
from tests.hostile.pages import build_outlet, sources_file


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (children, their children...)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return {p for p in found if pid_alive(p)}


def wait_for(condition: object, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if callable(condition) and condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_a_killed_crawl_leaves_no_process_and_the_next_command_closes_its_run(
    tmp_path: Path,
) -> None:
    outlet = build_outlet(tmp_path / "outlet")
    routes = json.loads((outlet / "_routes.json").read_text(encoding="utf-8"))
    routes["/articles/nso-enquete.html"]["delay"] = 20  # keeps the crawl busy until killed
    (outlet / "_routes.json").write_text(json.dumps(routes), encoding="utf-8")
    database_url = f"sqlite:///{tmp_path / 'aggregator.db'}"
    with OutletServer(outlet).start() as server:
        sources = sources_file(tmp_path / "sources.yaml", server.base_url)
        crawl = subprocess.Popen(
            command(database_url, sources, "crawl", "--progress", "off"),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env=environment(), cwd=tmp_path,
        )  # fmt: skip
        children: set[int] = set()
        try:
            # The forkserver, the resource tracker and at least one extraction worker.
            wait_for(lambda: len(descendants(crawl.pid)) >= 3, 90, "the extraction pool")
            children = descendants(crawl.pid)
            os.kill(crawl.pid, signal.SIGKILL)
            crawl.wait(timeout=10)
            wait_for(lambda: not any(pid_alive(p) for p in children), 5, "children to die")
        finally:
            if crawl.poll() is None:
                crawl.kill()
            for pid in children:  # survivors, when the test fails
                if pid_alive(pid):
                    os.kill(pid, signal.SIGKILL)
    with session_scope(database_url) as session:
        assert session.scalars(select(CrawlRun.status)).one() == "running"
    result = CliRunner().invoke(
        cli, ["--database-url", database_url, "--sources", str(sources), "status"]
    )
    assert result.exit_code == 0, result.output
    assert "Marked interrupted" in result.output
    with session_scope(database_url) as session:
        run = session.scalars(select(CrawlRun)).one()
        assert run.status == "interrupted"
        assert run.message and "killed or crashed" in run.message


def test_only_runs_of_dead_processes_of_this_host_are_closed(
    tmp_path: Path, sqlite_url: str
) -> None:
    upgrade(sqlite_url)
    gone = subprocess.Popen(["true"])
    gone.wait()
    host = socket.gethostname()
    with session_scope(sqlite_url) as session:
        for name, pid, on in [("dead", gone.pid, host), ("alive", os.getpid(), host),
                              ("elsewhere", gone.pid, "another-machine")]:  # fmt: skip
            start_run(session, source_name=name, source_id=None, trigger="manual", pid=pid, host=on)
    sources = tmp_path / "sources.yaml"
    sources.write_text("sources: []\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--database-url", sqlite_url, "--sources", str(sources),
                                      "articles"])  # fmt: skip
    assert result.exit_code == 0, result.output
    with session_scope(sqlite_url) as session:
        statuses = dict(session.execute(select(CrawlRun.source_name, CrawlRun.status)).all())
    assert statuses == {"dead": "interrupted", "alive": "running", "elsewhere": "running"}


COMMANDS = [
    ["status"], ["crawl"], ["articles"], ["serve"], ["schedule"], ["db", "upgrade"],
    ["db", "current"], ["users", "list"],
]  # fmt: skip
ONE_SOURCE = """\
sources:
  - {name: one, homepage: 'http://one.test/', feeds: ['http://one.test/f'], languages: en}
"""


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_corrupted_database_is_one_line_naming_the_file(tmp_path: Path, args: list[str]) -> None:
    database = tmp_path / "aggregator.db"
    database.write_bytes(b"this is not a database file " * 200)
    sources = tmp_path / "sources.yaml"
    sources.write_text(ONE_SOURCE, encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["--database-url", f"sqlite:///{database}", "--sources", str(sources), *args]
    )
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: database {database} is not a valid SQLite file (file is not a database): "
        "restore it from a backup or point --database-url elsewhere"
    ]


def test_a_database_path_that_cannot_be_opened_is_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "a-folder"
    folder.mkdir()
    result = CliRunner().invoke(cli, ["--database-url", f"sqlite:///{folder}", "status"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: database {folder} cannot be opened (check the file and folder permissions) "
        "(unable to open database file): restore it from a backup or point --database-url "
        "elsewhere"
    ]
