"""Real ``aggregator serve`` processes for hostile probes (tests and bench/hostile_logins.py).

Each process serves one database on a free loopback port, trusts ``X-Forwarded-For`` from
127.0.0.1 (so a probe can speak "from" any address, as through a proxy) and writes its
access and app log to a file.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.web.client_helpers import csrf_of

PASSWORD_CHECK = "password checked for"


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_login_page(process: subprocess.Popen[bytes], port: int) -> tuple[bytes, object]:
    """The login page and its headers once the server answers (nothing when it died)."""
    for _ in range(600):  # wait for the server, not for a time budget
        if process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login") as response:
                return response.read(), response.headers
        except OSError:
            time.sleep(0.1)
    return b"", {}


@dataclass
class Served:
    """One running ``aggregator serve``."""

    base_url: str
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def password_checks(self) -> int:
        """How many passwords this process has checked (one log line each)."""
        return self.log_text().count(PASSWORD_CHECK)


@contextmanager
def serving(database_url: str, log: Path) -> Iterator[Served]:
    """``aggregator serve`` on ``database_url`` until the block ends."""
    port = free_port()
    env = {**os.environ, "AGGREGATOR_DATABASE_URL": database_url}
    command = [sys.executable, "-m", "aggregator", "serve", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--forwarded-allow-ips", "127.0.0.1"]
    with (
        log.open("a") as out,
        subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT) as process,
    ):
        try:
            if not wait_for_login_page(process, port)[0]:
                raise RuntimeError(f"aggregator serve did not start:\n{log.read_text()}")
            yield Served(f"http://127.0.0.1:{port}", log)
        finally:
            process.terminate()
            process.wait(timeout=30)


def login_client(base_url: str, address: str) -> tuple[httpx.Client, str]:
    """A client speaking through the trusted proxy "from" ``address``, and its login token."""
    client = httpx.Client(base_url=base_url, headers={"X-Forwarded-For": address}, timeout=120)
    return client, csrf_of(client.get("/login").text)


def post_login(client: httpx.Client, token: str, username: str, password: str) -> int:
    """The status of one login form post (303 in, 401 wrong, 429 locked)."""
    data = {"username": username, "password": password, "csrf": token}
    return client.post("/login", data=data).status_code


def try_login(base_url: str, address: str, username: str, password: str) -> int:
    """One login "from" ``address`` in a fresh client; its status."""
    client, token = login_client(base_url, address)
    try:
        return post_login(client, token, username, password)
    finally:
        client.close()


def parallel_logins(base_urls: list[str], count: int, address: str, username: str) -> list[int]:
    """``count`` wrong logins for ``username`` "from" ``address``, released all at once and
    spread over the servers at ``base_urls``; their statuses."""
    clients = [login_client(base_urls[n % len(base_urls)], address) for n in range(count)]
    start = threading.Barrier(count)
    statuses: list[int] = []
    lock = threading.Lock()

    def attempt(n: int) -> None:
        client, token = clients[n]
        start.wait()
        status = post_login(client, token, username, f"wrong guess {n}")
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for client, _ in clients:
        client.close()
    return statuses
