"""`aggregator serve` starts the review page on the address it is given."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_answers_on_the_given_port(tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "AGGREGATOR_DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}",
        "AGGREGATOR_WEB_PORT": str(port),
    }
    log = tmp_path / "serve.log"
    with (
        log.open("w") as out,
        subprocess.Popen(
            [sys.executable, "-m", "aggregator", "serve", "--host", "127.0.0.1"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        ) as process,
    ):
        try:
            body, headers = _wait_for_login_page(process, port)
            assert b'name="csrf"' in body, log.read_text()
            assert "frame-ancestors 'none'" in headers["content-security-policy"]
        finally:
            process.terminate()
            process.wait(timeout=30)
    assert f"review page on http://127.0.0.1:{port}/" in log.read_text()


def _wait_for_login_page(process: subprocess.Popen[bytes], port: int) -> tuple[bytes, Any]:
    """The login page once the server answers (or nothing when the process died)."""
    for _ in range(600):  # wait for the server, not for a time budget
        if process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login") as response:
                return response.read(), response.headers
        except OSError:
            time.sleep(0.1)
    return b"", {}
