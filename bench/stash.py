"""What the fleet's page stash costs a worker: CPU per stored article with it on and off.

One worker (8 runs at once, one extraction process) crawls 20 loopback outlets of 10 new
articles each (no Crawl-delay, pages padded to ~80 KB like a real article page with its
navigation and scripts) on a fresh PostgreSQL database, with ``AGGREGATOR_PAGE_STASH`` off and
on in alternate rounds. Measured: the worker process's CPU (all its threads: the stash writes
run on one thread per crawl) from the queueing of the runs to the last one acknowledged, per
stored article; and the Redis server's CPU over the same span (``INFO cpu``; other users of
that Redis count too). The extraction process is not counted: the stash does not touch it.

Usage: python bench/stash.py [--write] [--rounds N]
Needs Redis and PostgreSQL on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from corpus import machine, write_section  # noqa: E402
from databases import drop_database, fresh_database  # noqa: E402
from fleet import BROKER, Outlets, Site, drain, env_for, make_site, proc_cpu, publish  # noqa: E402
from fleet import sources_file as write_sources  # noqa: E402

from aggregator.fleet.broker import Broker  # noqa: E402
from aggregator.fleet.stash import PageStash  # noqa: E402
from storage.db import session_scope, upgrade  # noqa: E402
from storage.runs import CrawlRun  # noqa: E402

OUTLETS, ARTICLES = 20, 10
PADDING = b"<nav>" + b'<a href="/section/x">Section</a> ' * 2400 + b"</nav>"  # ~80 KB


def padded_site(index: int, seed: str) -> Site:
    site = make_site(index, ARTICLES, 0.0, seed)
    for path, (body, ctype) in list(site.pages.items()):
        if path.startswith("/news/"):
            site.pages[path] = (body.replace(b"<body>", b"<body>" + PADDING), ctype)
    return site


def redis_cpu(broker: Broker) -> float:
    info = broker.client.info("cpu")
    return float(info["used_cpu_sys"]) + float(info["used_cpu_user"])


def one_round(outlets: Outlets, tmp: Path, stash: bool, round_no: int) -> dict[str, float]:
    seed = f"st{round_no}{'on' if stash else 'off'}"
    bases = [
        publish(outlets, i, padded_site(i, seed), 40 + round_no * 2 + stash) for i in range(OUTLETS)
    ]
    sources = tmp / f"{seed}.yaml"
    names = write_sources(sources, bases, seed)
    url = fresh_database("postgres", f"stash_{seed}")
    upgrade(url)
    broker = Broker(BROKER)
    broker.client.flushdb()
    env = env_for(url, sources, AGGREGATOR_PAGE_STASH="true" if stash else "false")
    process = subprocess.Popen(
        [sys.executable, "-m", "aggregator", "worker", "--concurrency", "8"],
        env=env,
        cwd="/tmp",
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not broker.workers() and time.monotonic() < deadline:
        time.sleep(0.1)
    cpu0, redis0 = proc_cpu(process.pid), redis_cpu(broker)
    for name in names:
        broker.enqueue(name)
    drain(broker)
    cpu, server = proc_cpu(process.pid) - cpu0, redis_cpu(broker) - redis0
    process.terminate()
    process.wait(timeout=60)
    left = PageStash(BROKER, prefix="aggregator:fleet:", ttl_ms=1000).total()
    with session_scope(url) as session:
        stored = sum(r.stored for r in session.query(CrawlRun))
    drop_database("postgres", f"stash_{seed}")
    broker.close()
    return {
        "stored": stored,
        "ms/article": 1000 * cpu / stored,
        "redis ms": 1000 * server / stored,
        "left": left,
    }


def per_page(pages: int = 500) -> dict[str, float]:
    """CPU ms of each stash step for one ~80 KB article page, measured alone (this process)."""
    from scrapy import Request
    from scrapy.http import HtmlResponse

    from aggregator.middlewares.stash import served_response, stashed_page

    stash = PageStash(BROKER, prefix="bench:stash:", ttl_ms=60_000)
    stash.client.flushdb()
    body = padded_site(0, "micro").pages["/news/0.html"][0]
    urls = [f"http://127.0.0.1/news/{n}.html" for n in range(pages)]
    responses = [HtmlResponse(u, body=body, headers={"Content-Type": "text/html"}) for u in urls]

    def timed(step: Callable[[int], object]) -> float:
        start = time.process_time()
        for n in range(pages):
            step(n)
        return 1000 * (time.process_time() - start) / pages

    built = [stashed_page(r) for r in responses]

    def serve(n: int) -> object:
        page = stash.get("s", urls[n])
        assert page is not None
        return served_response(page, Request(urls[n]))

    figures = {
        "reactor": timed(lambda n: (stashed_page(responses[n]), stash.key("s", urls[n]))),
        "put": timed(lambda n: stash.put("s", built[n])),
        "serve": timed(serve),
        "delete": timed(lambda n: stash.delete([stash.key("s", urls[n])])),
        "bytes": float(len(built[0].encode())),
    }
    stash.client.flushdb()
    stash.close()
    return figures


def report(rows: dict[bool, list[dict[str, float]]], rounds: int, page: dict[str, float]) -> str:
    def median(stash: bool, key: str) -> float:
        return statistics.median(r[key] for r in rows[stash])

    off, on = median(False, "ms/article"), median(True, "ms/article")
    lines = [
        "## Page stash",
        "",
        f"Machine: {machine()}. Command: `python bench/stash.py --write` (`bench/run stash`): "
        f"one worker, {OUTLETS} outlets x {ARTICLES} new articles of ~80 KB, {rounds} rounds "
        "each way, alternating; medians. CPU time, so less sensitive to load than wall time.",
        "",
        "| page stash | stored per round | worker CPU ms per article "
        "| Redis server CPU ms per article | left in the stash |",
        "|---|---|---|---|---|",
    ]
    for stash, label in ((False, "off"), (True, "on")):
        lines.append(
            f"| {label} | {median(stash, 'stored'):.0f} | {median(stash, 'ms/article'):.2f} | "
            f"{median(stash, 'redis ms'):.3f} | {max(r['left'] for r in rows[stash]):.0f} bytes |"
        )
    lines += [
        "",
        f"The stash costs the worker {on - off:+.2f} ms of CPU per article "
        f"({(on - off) / off:+.1%} of its own CPU; the extraction process is not counted). "
        "Per-round figures:",
        "",
    ]
    for stash in (False, True):
        figures = ", ".join(f"{r['ms/article']:.2f}" for r in rows[stash])
        lines.append(f"- {'on' if stash else 'off'}: {figures} ms per article")
    spread = max(
        max(r["ms/article"] for r in v) - min(r["ms/article"] for r in v) for v in rows.values()
    )
    lines += [
        "",
        f"Rounds of one mode differ by up to {spread:.2f} ms: a difference smaller than that is "
        "the machine's noise, not a cost the stash was measured to have.",
    ]
    lines += [
        "",
        f"Each step alone, per {page['bytes'] / 1024:.0f} KB page (CPU of this client; Redis's "
        f"own not counted): on the reactor thread {page['reactor']:.3f} ms (the response's "
        f"parts and its key); on the stash thread {page['put']:.3f} ms to stash it and "
        f"{page['delete']:.3f} ms to delete it once stored; a redelivered run is served a page "
        f"in {page['serve']:.3f} ms instead of a download.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--rounds", type=int, default=3, help="rounds each way")
    args = parser.parse_args()
    outlets = Outlets()
    rows: dict[bool, list[dict[str, float]]] = {False: [], True: []}
    with tempfile.TemporaryDirectory(prefix="bench-stash-") as folder:
        for round_no in range(args.rounds):
            for stash in (False, True):
                row = one_round(outlets, Path(folder), stash, round_no)
                print("stash" if stash else "plain", row, flush=True)
                rows[stash].append(row)
    text = report(rows, args.rounds, per_page())
    print(text)
    if args.write:
        write_section("Page stash", text)


if __name__ == "__main__":
    main()
