"""`aggregator serve` starts the review page on the address it is given, and trusts the
client address a named reverse proxy forwards."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.hostile.serving import free_port, wait_for_login_page
from tests.web.client_helpers import csrf_of


def test_serve_answers_on_the_given_port(tmp_path: Path) -> None:
    port = free_port()
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
            body, headers = wait_for_login_page(process, port)
            assert b'name="csrf"' in body, log.read_text()
            assert "frame-ancestors 'none'" in headers["content-security-policy"]
        finally:
            process.terminate()
            process.wait(timeout=30)
    assert f"review page on http://127.0.0.1:{port}/" in log.read_text()


PASSWORD = "correct horse battery"
GUESSER, EDITOR = "203.0.113.5", "203.0.113.9"


@pytest.mark.parametrize("trusted", [True, False], ids=["proxy-named", "proxy-not-named"])
def test_login_lock_follows_the_forwarded_address_of_a_named_proxy(
    tmp_path: Path, trusted: bool
) -> None:
    """Six wrong guesses for amira "from" one address behind the proxy on 127.0.0.1: the
    editor at another address still gets in when the proxy is named, and not otherwise
    (every request then comes from the proxy's own address)."""
    port = free_port()
    env = {
        **os.environ,
        "AGGREGATOR_DATABASE_URL": f"sqlite:///{tmp_path / 'a.db'}",
        "AGGREGATOR_WEB_PORT": str(port),
    }
    subprocess.run(
        [sys.executable, "-m", "aggregator", "users", "add", "amira", "--password-stdin"],
        input=PASSWORD + "\n",
        text=True,
        env=env,
        check=True,
        capture_output=True,
    )
    option = ["--forwarded-allow-ips", "127.0.0.1"] if trusted else []
    with subprocess.Popen(
        [sys.executable, "-m", "aggregator", "serve", "--host", "127.0.0.1", *option],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    ) as process:
        try:
            assert wait_for_login_page(process, port)[0], "serve did not start"
            guesses = [_log_in(port, GUESSER, "wrong guess!") for _ in range(6)]
            assert guesses == [401] * 5 + [429]
            assert _log_in(port, GUESSER, PASSWORD) == 429
            assert _log_in(port, EDITOR, PASSWORD) == (303 if trusted else 429)
        finally:
            process.terminate()
            process.wait(timeout=30)


def _log_in(port: int, address: str, password: str) -> int:
    """The status of a login form post made through a proxy for ``address``."""
    headers = {"X-Forwarded-For": address}
    with httpx.Client(base_url=f"http://127.0.0.1:{port}", headers=headers) as client:
        token = csrf_of(client.get("/login").text)
        data = {"username": "amira", "password": password, "csrf": token}
        return client.post("/login", data=data).status_code
