"""Helpers for spider tests: materialise a test outlet, gzip a sitemap, crawl in a child process."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

from aggregator.demo.server import OutletServer

OUTLETS = Path(__file__).parent.parent / "fixtures" / "outlets"
SCRIPT = Path(__file__).with_name("crawl_script.py")
REPO = Path(__file__).parent.parent.parent

# Fast, loopback-only crawl settings: no politeness delay between our own test requests.
FAST = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_START_DELAY": 0,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "RETRY_TIMES": 0,
    "DOWNLOAD_TIMEOUT": 2,
    "LOG_LEVEL": "INFO",
}


def materialize(name: str, tmp_path: Path, outlets: Path = OUTLETS) -> Path:
    """Copy outlet ``name`` (a folder of ``outlets``) into ``tmp_path`` with its recent dates
    set to one hour ago."""
    target = tmp_path / name
    shutil.copytree(outlets / name, target)
    recent = datetime.now(UTC) - timedelta(hours=1)
    for file in target.rglob("*"):
        if file.is_file() and file.suffix in {".xml", ".rdf", ".json", ".html", ".txt"}:
            text = file.read_text(encoding="utf-8")
            text = text.replace("{{RECENT_ISO}}", recent.isoformat(timespec="seconds"))
            text = text.replace("{{RECENT_RFC822}}", format_datetime(recent))
            file.write_text(text, encoding="utf-8")
    return target


def loopback_source(
    name: str,
    base: str,
    *,
    feeds: Sequence[str] = (),
    sitemaps: Sequence[str] = (),
    **options: str | int,
) -> str:
    """A sources file with one source on a loopback outlet: its feeds and sitemaps are paths
    on ``base``; ``options`` are more fields of the source (``max_age="30d"``). The outlet is
    on loopback, so the source allows it, as an operator's entry for an intranet outlet would."""
    options = {"allow_networks": "[127.0.0.1/32]", **options}
    lines = [
        f"  - name: {name}",
        f"    homepage: {base}/",
        "    languages: [en]",
        f"    feeds: [{', '.join(base + f for f in feeds)}]",
        f"    sitemaps: [{', '.join(base + s for s in sitemaps)}]",
        *(f"    {key}: {value}" for key, value in options.items()),
    ]
    return "sources:\n" + "\n".join(lines) + "\n"


def gzip_sitemap(server: OutletServer, source: str, target: str) -> None:
    """Write ``target`` as the gzip of ``source`` with ``{{BASE}}`` filled in.

    The outlet server only fills ``{{BASE}}`` in text files, so a gzipped sitemap with
    absolute URLs has to be made once the server's port is known.
    """
    text = (server.root / source).read_text(encoding="utf-8")
    data = text.replace("{{BASE}}", server.base_url).encode()
    (server.root / target).write_bytes(gzip.compress(data))


@dataclass
class CrawlResult:
    """What one crawl yielded and counted."""

    items: list[dict[str, Any]]
    figures: dict[str, dict[str, Any]]
    stats: dict[str, Any] = field(default_factory=dict)
    log: str = ""

    def urls(self, source: str | None = None) -> set[str]:
        return {i["url"] for i in self.items if source is None or i["source"] == source}


def run_cli(
    database_url: str,
    sources: Path | None,
    *args: str,
    env: dict[str, str] | None = None,
    timeout: float = 240,
) -> subprocess.CompletedProcess[str]:
    """Run the real ``aggregator`` command (``args``: the verb and its options) in a child
    process, as an operator would, with its output captured (see :func:`cli_command`)."""
    command, child_env = cli_command(database_url, sources, *args, env=env)
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        cwd=REPO,
        env=child_env,
    )


def cli_command(
    database_url: str, sources: Path | None, *args: str, env: dict[str, str] | None = None
) -> tuple[list[str], dict[str, str]]:
    """The argv and environment of a real ``aggregator`` command.

    The child gets only PATH, this checkout on PYTHONPATH, no politeness delay and one
    extraction worker, plus ``env``: nothing of the test's own environment leaks in (pass
    ``loopback_allowance()`` where the sources file does not allow 127.0.0.1 itself).
    """
    command = [sys.executable, "-m", "aggregator", "--database-url", database_url]
    if sources is not None:
        command += ["--sources", str(sources)]
    base = {
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(REPO),
        "AGGREGATOR_DOWNLOAD_DELAY": "0",
        "AGGREGATOR_EXTRACT_WORKERS": "1",
    }
    return [*command, *args], {**base, **(env or {})}


def loopback_allowance() -> dict[str, str]:
    """The test session's network allowance (tests/conftest.py: 127.0.0.1 only)."""
    return {"AGGREGATOR_ALLOW_NETWORKS": os.environ["AGGREGATOR_ALLOW_NETWORKS"]}


def crawl(tmp_path: Path, sources_yaml: str, database_url: str, **settings: Any) -> CrawlResult:
    """Crawl the sources in ``sources_yaml`` once, in a child process."""
    sources = tmp_path / "sources.yaml"
    sources.write_text(sources_yaml, encoding="utf-8")
    out = tmp_path / "crawl.json"
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("AGGREGATOR_") or k == "AGGREGATOR_ALLOW_NETWORKS"
    }
    env["PYTHONPATH"] = str(REPO)
    done = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            str(sources),
            database_url,
            str(out),
            json.dumps({**FAST, **settings}),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        env=env,
        cwd=tmp_path,
    )
    if done.returncode != 0 or not out.exists():
        raise AssertionError(f"crawl failed ({done.returncode}):\n{done.stderr[-4000:]}")
    data = json.loads(out.read_text(encoding="utf-8"))
    out.unlink()
    return CrawlResult(data["items"], data["figures"], data["stats"], done.stderr)
