"""``aggregator crawl --progress log`` prints progress lines, not Scrapy's INFO log (issue
16): a real crawl of a loopback outlet in a child process."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

from aggregator.demo.server import OutletServer
from tests.spiders.crawling import loopback_allowance, run_cli
from tests.test_quality_alerts import publish


def _crawl(tmp_path: Path, server: OutletServer, *flags: str) -> subprocess.CompletedProcess[str]:
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "sources:\n  - name: port\n"
        f"    homepage: {server.base_url}/\n    languages: [en]\n"
        f"    feeds: [{server.base_url}/feed.xml]\n",
        encoding="utf-8",
    )
    return run_cli(
        f"sqlite:///{tmp_path / 'aggregator.db'}",
        sources,
        "crawl",
        *flags,
        env=loopback_allowance(),
    )


def test_progress_log_prints_progress_lines_and_no_scrapy_info(
    tmp_path: Path, serve_outlet: Callable[[Path], OutletServer]
) -> None:
    root = tmp_path / "port-daily"
    root.mkdir()
    publish(root, ["a1", "a2", "a3"], undated=set())
    done = _crawl(tmp_path, serve_outlet(root), "--progress", "log")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stderr.splitlines()
    assert not [line for line in lines if " INFO: " in line], done.stderr[:2000]
    progress = [line for line in lines if line.startswith("progress: ")]
    assert progress, done.stderr
    assert progress[-1].startswith("progress: sources 1/1 · fetched ")
    assert " · stored 3 · " in progress[-1]
    assert "port\tfinished" in done.stdout  # the summary table still follows
    verbose = _crawl(tmp_path, serve_outlet(root), "--progress", "log", "-v")
    assert " INFO: " in verbose.stderr  # -v brings Scrapy's own log back
