"""Worker "hosts" for fleet tests: one network namespace each, joined to this machine by a veth.

Worker N runs in namespace ``aggtest-<pid>-N`` at 10.20N.B.2, the machine's side of its veth
being 10.20N.B.1/24 and its default route (B comes from the test's pid, so two test runs on one
machine do not collide). The outlets and the relays to PostgreSQL and Redis (which listen on
127.0.0.1 only, out of a namespace's reach) get addresses 10.210.B.x/32 on a veth pair that
stays on this machine: local addresses, reached from every namespace through its own veth.
Nothing here routes beyond this machine; the crawler's network policy is told about the
outlets' /32 addresses only.

Everything made is removed by :meth:`Hosts.remove`, also after a half-made setup.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass, field

import pytest

from tests.conftest import REQUIRE_SERVICES


def ip(*args: str) -> None:
    """Run one ``ip`` command; raise with its error output."""
    done = subprocess.run(["ip", *args], capture_output=True, text=True, timeout=20)
    if done.returncode != 0:
        raise OSError(f"ip {' '.join(args)}: {done.stderr.strip()}")


@dataclass
class Hosts:
    """Namespaces, veths and the local addresses made for one test."""

    count: int
    block: int = field(default_factory=lambda: os.getpid() % 250 + 1)
    namespaces: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)  # machine-side ends (deleting one: both)

    @property
    def tag(self) -> str:
        return f"ag{self.block}"

    def namespace(self, n: int) -> str:
        return f"aggtest-{os.getpid()}-{n}"

    def worker_address(self, n: int) -> str:
        return f"10.20{n}.{self.block}.2"

    def local(self, index: int) -> str:
        """A local address for a service the workers reach (1: relays, 10+: outlets)."""
        return f"10.210.{self.block}.{index}"

    def prefix(self, n: int) -> list[str]:
        """The command prefix that runs a program on worker host ``n``."""
        return ["ip", "netns", "exec", self.namespace(n)]

    def make(self, services: int) -> None:
        """Make the namespaces (1..count) and ``services`` local addresses (1..services)."""
        for n in range(1, self.count + 1):
            name, here, there = self.namespace(n), f"{self.tag}h{n}", f"{self.tag}w{n}"
            ip("netns", "add", name)
            self.namespaces.append(name)
            ip("link", "add", here, "type", "veth", "peer", "name", there, "netns", name)
            self.links.append(here)
            ip("addr", "add", f"10.20{n}.{self.block}.1/24", "dev", here)
            ip("link", "set", here, "up")
            ip("-n", name, "addr", "add", f"{self.worker_address(n)}/24", "dev", there)
            ip("-n", name, "link", "set", there, "up")
            ip("-n", name, "link", "set", "lo", "up")
            ip("-n", name, "route", "add", "default", "via", f"10.20{n}.{self.block}.1")
        # Both ends stay here: a link that only carries local addresses (no dummy module needed).
        ip("link", "add", f"{self.tag}s", "type", "veth", "peer", "name", f"{self.tag}t")
        self.links.append(f"{self.tag}s")
        for index in range(1, services + 1):
            ip("addr", "add", f"{self.local(index)}/32", "dev", f"{self.tag}s")
        ip("link", "set", f"{self.tag}s", "up")
        ip("link", "set", f"{self.tag}t", "up")

    def remove(self) -> None:
        """Delete what was made (a veth goes with its namespace or its peer)."""
        for link in self.links:
            subprocess.run(["ip", "link", "del", link], capture_output=True, timeout=20)
        for name in self.namespaces:
            subprocess.run(["ip", "netns", "del", name], capture_output=True, timeout=20)
        self.links.clear()
        self.namespaces.clear()


def make_hosts(count: int, services: int) -> Hosts:
    """Worker hosts, or a clean skip where namespaces cannot be made (not root, no ``ip``);
    with AGGREGATOR_REQUIRE_SERVICES=1 and root, a failure fails the test."""
    if os.geteuid() != 0:
        pytest.skip("network namespaces need root")
    hosts = Hosts(count)
    try:
        hosts.make(services)
    except (OSError, subprocess.SubprocessError) as exc:
        hosts.remove()
        if REQUIRE_SERVICES:
            pytest.fail(f"network namespaces could not be made (services required): {exc}")
        pytest.skip(f"network namespaces could not be made: {exc}")
    return hosts
