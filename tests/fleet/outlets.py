"""Generated loopback outlets for fleet tests and benchmarks: each on its own 127.0.0.x host.

Every outlet has a robots.txt with a Crawl-delay, an RSS feed of recent articles and the
article pages (distinct prose, so none is a near duplicate of another). Each outlet's server
listens on its own loopback address, so each is its own host for politeness, and logs every
request with its arrival time and User-Agent: the tests count downloads and measure gaps there.
"""

from __future__ import annotations

import itertools
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from aggregator.demo.server import Hit, OutletServer
from aggregator.network_policy import host_allowance

WORDS = " ".join(
    (
        "council budget river harbour election minister school bridge winter festival market",
        "railway hospital museum library farmers strike court inquiry report storm coast mayor",
        "village factory wages rent housing tram airport energy grid solar wind police witness",
        "tribunal ferry orchestra teachers nurses vote ballot parliament reform tax road tunnel",
    )
).split()


@dataclass(frozen=True)
class TimedHit:
    """One request as the outlet saw it arrive."""

    at: float  # time.monotonic() at arrival
    path: str
    status: int
    user_agent: str
    client: str  # the address it came from


class ArticleGate:
    """Answers one worker (by User-Agent) ``limit`` article pages across all outlets, then
    holds its further article requests unanswered until :meth:`open`.

    A test kills that worker once every page it was answered has reached it: what the worker
    downloaded is then exactly :attr:`served`, with no answer half-way on the wire.
    """

    def __init__(self, agent: str, limit: int) -> None:
        self.agent = agent
        self.limit = limit
        self.served: list[str] = []  # URLs answered to the worker
        self._lock = threading.Lock()
        self._open = threading.Event()

    def admit(self, base_url: str, hit: Hit) -> bool:
        """True to answer ``hit``; False to hold it (the caller waits for :meth:`open`)."""
        if not hit.path.startswith("/news/") or self._open.is_set():
            return True
        if not hit.headers.get("User-Agent", "").startswith(self.agent):
            return True
        with self._lock:
            if len(self.served) < self.limit:
                self.served.append(base_url + hit.path)
                return True
        return False

    def full(self) -> bool:
        with self._lock:
            return len(self.served) >= self.limit

    def wait(self) -> None:
        self._open.wait(timeout=120)

    def open(self) -> None:
        """Let held requests go (their worker is dead: they are dropped unanswered)."""
        self._open.set()


class TimedOutletServer(OutletServer):
    """An outlet server whose log keeps each request's arrival time and User-Agent."""

    def __init__(self, root: Path, host: str, gate: ArticleGate | None = None) -> None:
        super().__init__(root, host=host)
        self.timed: list[TimedHit] = []
        self.held: list[Hit] = []  # requests the gate never answered
        self.gate = gate

    def record(self, hit: Hit) -> None:
        if self.gate is not None and not self.gate.admit(self.base_url, hit):
            with self._lock:
                self.held.append(hit)
            self.gate.wait()
            # No answer at all: the handler ends, the connection is dropped (a quiet error).
            raise ConnectionAbortedError("held for a worker that was killed")
        super().record(hit)
        with self._lock:
            agent = hit.headers.get("User-Agent", "")
            self.timed.append(TimedHit(time.monotonic(), hit.path, hit.status, agent, hit.client))

    def article_hits(self) -> list[TimedHit]:
        with self._lock:
            return [h for h in self.timed if h.path.startswith("/news/")]


def _prose(rng: random.Random, sentences: int) -> str:
    out = []
    for _ in range(sentences):
        words = rng.sample(WORDS, 12)
        out.append(" ".join(words).capitalize() + ".")
    return " ".join(out)


def write_outlet(root: Path, index: int, articles: int, crawl_delay: float) -> Path:
    """Write outlet number ``index`` with ``articles`` article pages into ``root``."""
    folder = root / f"outlet{index:02d}"
    (folder / "news").mkdir(parents=True)
    rng = random.Random(index)
    now = datetime.now(UTC)
    items = []
    for n in range(articles):
        title = f"Outlet {index} story {n}: " + " ".join(rng.sample(WORDS, 4))
        published = now - timedelta(minutes=10 + n)
        body = "".join(f"<p>{_prose(rng, 5)}</p>" for _ in range(4))
        page = (
            f"<!doctype html><html lang=en><head><title>{title}</title>"
            f'<meta property="article:published_time" content="{published.isoformat()}">'
            f"</head><body><header><nav>Home News Sport</nav></header><article>"
            f"<h1>{title}</h1>{body}</article><footer>Contact</footer></body></html>"
        )
        (folder / "news" / f"story-{n}.html").write_text(page, encoding="utf-8")
        items.append(
            f"<item><title>{title}</title><link>{{{{BASE}}}}/news/story-{n}.html</link>"
            f"<pubDate>{format_datetime(published)}</pubDate></item>"
        )
    feed = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Outlet {index}</title><link>{{{{BASE}}}}/</link><description>x</description>"
        + "".join(items)
        + "</channel></rss>"
    )
    (folder / "feed.xml").write_text(feed, encoding="utf-8")
    (folder / "robots.txt").write_text(
        f"User-agent: *\nCrawl-delay: {crawl_delay}\n", encoding="utf-8"
    )
    (folder / "index.html").write_text("<html><body>Outlet</body></html>", encoding="utf-8")
    return folder


def host_of(index: int) -> str:
    """The loopback address outlet ``index`` listens on (127.0.0.1 is left to the rest)."""
    return f"127.0.0.{10 + index}"


def start_outlets(
    root: Path,
    count: int,
    articles: int,
    crawl_delay: float,
    *,
    hosts: Sequence[str] | None = None,
    gate: ArticleGate | None = None,
) -> list[TimedOutletServer]:
    """Write and serve ``count`` outlets, each on its own host (loopback unless ``hosts``)."""
    servers = []
    for index in range(count):
        folder = write_outlet(root, index, articles, crawl_delay)
        host = hosts[index] if hosts is not None else host_of(index)
        servers.append(TimedOutletServer(folder, host, gate).start())
    return servers


def sources_yaml(servers: list[TimedOutletServer], schedule: str = "1h") -> str:
    """A sources file with one source per outlet, each allowed its own address only (like an
    intranet site: the network policy refuses every other non-public address)."""
    lines = ["sources:"]
    for index, server in enumerate(servers):
        lines += [
            f"  - name: outlet{index:02d}",
            f"    homepage: {server.base_url}/",
            "    languages: [en]",
            f"    feeds: [{server.base_url}/feed.xml]",
            f"    allow_networks: [{host_allowance(server.base_url)}]",
            f"    schedule: {{interval: {schedule}, jitter: 0s}}",
        ]
    return "\n".join(lines) + "\n"


def gaps(hits: list[TimedHit]) -> list[float]:
    """Seconds between consecutive requests at one outlet."""
    times = sorted(h.at for h in hits)
    return [b - a for a, b in itertools.pairwise(times)]


def wait_until(predicate: Callable[[], bool], timeout: float, step: float = 0.1) -> bool:
    """Poll ``predicate()`` until it is true or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False
