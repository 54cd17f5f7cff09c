"""``aggregator demo --keep-serving`` (issue 16): while it serves, a copy of demo.db alone
is complete (the crawl is checkpointed out of the WAL); the closing hint names the sources
file; Ctrl-C and SIGTERM stop it. A real demo run in a child process."""

from __future__ import annotations

import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow


def _read_until(process: subprocess.Popen[str], marker: str, timeout: float) -> str:
    """The demo's output up to the line holding ``marker``."""
    assert process.stdout is not None
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        seen.append(line)
        if marker in line:
            return "".join(seen)
    pytest.fail(f"no {marker!r} from the demo:\n" + "".join(seen))


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_keep_serving_copy_of_the_file_is_complete_and_a_signal_stops_it(
    tmp_path: Path, signum: int
) -> None:
    folder = tmp_path / "demo"
    with subprocess.Popen(
        [sys.executable, "-m", "aggregator", "demo", "--dir", str(folder), "--keep-serving"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)},
    ) as process:
        _check_and_stop(process, folder, tmp_path, signum)


def _check_and_stop(
    process: subprocess.Popen[str], folder: Path, tmp_path: Path, signum: int
) -> None:
    try:
        output = _read_until(process, "Serving until Ctrl-C", timeout=300)
        hint = next(line for line in output.splitlines() if line.startswith("Explore: "))
        assert f"--sources {folder / 'sources.yaml'}" in hint
        # The file alone, as someone copying it elsewhere would take it.
        copy = tmp_path / "copy.db"
        shutil.copyfile(folder / "demo.db", copy)
        with sqlite3.connect(copy) as db:
            articles = db.execute("SELECT count(*) FROM articles").fetchone()[0]
            runs = db.execute("SELECT count(*) FROM crawl_runs WHERE status = 'finished'")
            finished = runs.fetchone()[0]
        assert articles >= 10 and finished == 3
        process.send_signal(signum)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
