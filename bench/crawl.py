"""Crawl speed: the project's crawl against a bare Scrapy + trafilatura spider, same pages.

Real pages of ``../shared/data/extraction-dev/`` (both sets, 381 pages) are served on loopback,
one outlet per loopback address (127.0.0.2, 127.0.0.3, ...: Scrapy keys politeness on the host,
not the port), each listed by one sitemap. Two crawlers read them in the same run, alternately:

* the project: ``aggregator crawl`` on a fresh SQLite file, delay 0, a 2-process extraction pool;
* a bare spider written here: Scrapy defaults, the sitemap read, every page handed to
  ``trafilatura.extract`` (with metadata, JSON output) in a 2-process ``ProcessPoolExecutor``
  and written to a SQLite file with the moment it was stored.

Both see the same concurrency per host. Measured per crawl, from the moment the command is
launched: seconds to the first and to the last article stored (the bare spider records the
moment it stores each page; for the project, the moment its row was inserted, ``updated_at``
of a new article, not ``first_seen_at``, which is when the page was fetched), articles/s over
that span, CPU per article summed over the whole process tree (psutil, polled every 50 ms: the
extraction pool's forkserver and its workers are no children that ``time`` would wait for), and
the peak RSS of the tree (the sum over its processes, so pages shared after a fork count more
than once).

Usage:
    python bench/crawl.py                    # 1 outlet of 200 pages, 10 outlets of 38; 3 rounds
    python bench/crawl.py --rounds 5 --write # and update the Crawl speed section
    python bench/crawl.py --shape "1 outlet" # one shape only
    python bench/crawl.py --baseline ../old  # also the project checked out at ../old
    python bench/crawl.py --profile prof.txt # py-spy record (raw stacks) of one project crawl
                                             # (1 outlet, or the shape --shape names)
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(BENCH))

from corpus import machine, write_section  # noqa: E402

from aggregator.demo.server import OutletServer  # noqa: E402

DATA = REPO.parent / "shared" / "data" / "extraction-dev"
CONCURRENCY = 8  # per outlet, both crawlers
WORKERS = 2  # extraction processes, both crawlers
SHAPES = {"1 outlet": (1, 200), "10 outlets": (10, 38)}  # (outlets, pages per outlet)
POLL = 0.05
# The same crawl without story linking (issue 11's budget is the CPU linking adds).
STORIES_OFF = "project, stories off"
_UNLINKED = {"AGGREGATOR_STORY_LINKING": "false"}


def pages() -> list[bytes]:
    """Every page of the development sets, undecoded (381 pages)."""
    files = sorted((DATA / "body" / "html").glob("*.html.gz"))
    files += sorted((DATA / "dates" / "pages").glob("*.gz"))
    if not files:
        raise SystemExit(f"no pages under {DATA}: is ../shared mounted?")
    return [gzip.decompress(f.read_bytes()) for f in files]


def build_outlets(root: Path, outlets: int, per_outlet: int) -> list[Path]:
    """``outlets`` folders of ``per_outlet`` distinct pages each, each with a sitemap."""
    every = pages()
    if outlets * per_outlet > len(every):
        raise SystemExit(f"{outlets} x {per_outlet} pages asked, {len(every)} available")
    now = datetime.now(UTC).isoformat(timespec="seconds")
    folders = []
    for k in range(outlets):
        folder = root / f"outlet{k}"
        (folder / "a").mkdir(parents=True)
        urls = []
        for i in range(per_outlet):
            (folder / "a" / f"p{i}.html").write_bytes(every[k * per_outlet + i])
            urls.append(f"<url><loc>{{{{BASE}}}}/a/p{i}.html</loc><lastmod>{now}</lastmod></url>")
        (folder / "sitemap.xml").write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
            + "\n".join(urls)
            + "\n</urlset>\n",
            encoding="utf-8",
        )
        folders.append(folder)
    return folders


@contextmanager
def serving(folders: list[Path]) -> Iterator[list[str]]:
    """Each outlet on its own loopback address; yields their base URLs."""
    with ExitStack() as stack:
        servers = [
            stack.enter_context(OutletServer(f, host=f"127.0.0.{k + 2}"))
            for k, f in enumerate(folders)
        ]
        yield [s.base_url for s in servers]


class TreeMonitor:
    """CPU seconds and peak RSS of a process and all its descendants, polled."""

    def __init__(self, root: psutil.Process) -> None:
        self.root = root
        self.cpu: dict[int, float] = {}
        self.peak_rss = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeMonitor:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(POLL)

    def sample(self) -> None:
        try:
            procs = [self.root, *self.root.children(recursive=True)]
        except psutil.Error:
            return
        rss = 0
        for proc in procs:
            try:
                with proc.oneshot():
                    times = proc.cpu_times()
                    rss += proc.memory_info().rss
            except psutil.Error:
                continue
            self.cpu[proc.pid] = max(self.cpu.get(proc.pid, 0.0), times.user + times.system)
        self.peak_rss = max(self.peak_rss, rss)

    @property
    def cpu_seconds(self) -> float:
        return sum(self.cpu.values())

    @property
    def main_cpu_seconds(self) -> float:
        """The launched process alone (the crawl's reactor, its threads and imports)."""
        return self.cpu.get(self.root.pid, 0.0)


def measured(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, TreeMonitor]:
    """Run ``command`` to its end under a TreeMonitor; (launch epoch, monitor)."""
    launched = time.time()
    proc = psutil.Popen(command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    with TreeMonitor(proc) as monitor:
        try:
            output, _ = proc.communicate(timeout=600)
        except BaseException:  # interrupted or hung: leave no crawl (or pool) behind
            for process in [*proc.children(recursive=True), proc]:
                process.kill()
            raise
    if proc.returncode != 0:
        raise SystemExit(f"{command[:3]} failed ({proc.returncode}):\n{output.decode()[-3000:]}")
    return launched, monitor


def project_crawl(
    work: Path, bases: list[str], code: Path = REPO, options: dict[str, str] | None = None
) -> dict[str, Any]:
    """``aggregator crawl`` of the outlets on a fresh SQLite file, with the code at ``code``
    and the runtime ``options`` (environment variables) given."""
    # Commits before the network policy (issue 12) know no allow_networks and fetch loopback.
    policy = "allow_networks" in (code / "aggregator" / "config" / "sources.py").read_text()
    lines = ["sources:"]
    for k, base in enumerate(bases):
        lines += [
            f"  - name: outlet{k}",
            f"    homepage: {base}/",
            "    languages: [en]",
            f"    sitemaps: [{base}/sitemap.xml]",
        ]
        if policy:
            lines.append("    allow_networks: [127.0.0.0/8]")
    (work / "sources.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    database = work / "project.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AGGREGATOR_")}
    env |= {
        "PYTHONPATH": str(code),
        "AGGREGATOR_DATABASE_URL": f"sqlite:///{database}",
        "AGGREGATOR_SOURCES": str(work / "sources.yaml"),
        "AGGREGATOR_DOWNLOAD_DELAY": "0",
        "AGGREGATOR_CONCURRENCY_PER_DOMAIN": str(CONCURRENCY),
        "AGGREGATOR_EXTRACT_WORKERS": str(WORKERS),
        "AGGREGATOR_ALLOW_NETWORKS": "127.0.0.0/8",
    }
    env |= options or {}
    command = [sys.executable, "-m", "aggregator", "crawl", "--progress", "off"]
    launched, monitor = measured(command, env, work)
    with sqlite3.connect(database) as db:
        # updated_at of a new article: when its row was inserted, in the transaction that
        # stores it; first_seen_at is when it was fetched (what earlier runs reported).
        stored, first, last, fetched = db.execute(
            "SELECT count(*), min(updated_at), max(updated_at), min(first_seen_at) FROM articles"
        ).fetchone()
    first_epoch, last_epoch, fetched_epoch = (
        datetime.fromisoformat(t).replace(tzinfo=UTC).timestamp() for t in (first, last, fetched)
    )
    row = figures(stored, first_epoch - launched, last_epoch - launched, monitor)
    row["first_fetched_s"] = fetched_epoch - launched
    return row


def bare_crawl(work: Path, bases: list[str]) -> dict[str, Any]:
    """The bare Scrapy + trafilatura spider of this file (``--bare``)."""
    database = work / "bare.db"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    command = [sys.executable, __file__, "--bare", str(database), *bases]
    launched, monitor = measured(command, env, work)
    with sqlite3.connect(database) as db:
        stored, first, last = db.execute(
            "SELECT count(*), min(stored_at), max(stored_at) FROM pages"
        ).fetchone()
    return figures(stored, first - launched, last - launched, monitor)


def figures(stored: int, first: float, seconds: float, monitor: TreeMonitor) -> dict[str, Any]:
    return {
        "articles": stored,
        "first_s": first,
        "seconds": seconds,
        "per_s": stored / seconds,
        "cpu_ms": 1000 * monitor.cpu_seconds / max(stored, 1),
        "main_cpu_ms": 1000 * monitor.main_cpu_seconds / max(stored, 1),
        "peak_mb": monitor.peak_rss / 2**20,
    }


# --- the bare spider, run in its own process -------------------------------------------------


def _extract(html: bytes, url: str) -> str | None:
    import trafilatura

    return trafilatura.extract(html, url=url, output_format="json", with_metadata=True)


def run_bare(database: str, bases: list[str]) -> None:
    """A Scrapy spider with defaults: read each sitemap, fetch, extract in a pool, store."""
    import asyncio
    from concurrent.futures import ProcessPoolExecutor

    import scrapy
    from scrapy.crawler import CrawlerProcess
    from scrapy.utils.sitemap import Sitemap

    db = sqlite3.connect(database)
    db.execute("CREATE TABLE pages (url TEXT PRIMARY KEY, doc TEXT, stored_at REAL)")
    pool = ProcessPoolExecutor(WORKERS)

    class Store:
        async def process_item(self, item: dict[str, Any]) -> dict[str, Any]:
            doc = await asyncio.wrap_future(pool.submit(_extract, item["html"], item["url"]))
            if doc:
                db.execute("INSERT INTO pages VALUES (?, ?, ?)", (item["url"], doc, time.time()))
                db.commit()
            return {"url": item["url"]}

    class Bare(scrapy.Spider):
        name = "bare"

        async def start(self) -> Any:
            for base in bases:
                yield scrapy.Request(base + "/sitemap.xml", callback=self.sitemap)

        def sitemap(self, response: Any) -> Any:
            for entry in Sitemap(response.body):
                yield scrapy.Request(entry["loc"], callback=self.page)

        def page(self, response: Any) -> Any:
            yield {"url": response.url, "html": response.body}

    process = CrawlerProcess(
        {
            "LOG_LEVEL": "WARNING",
            "DOWNLOAD_DELAY": 0,
            "CONCURRENT_REQUESTS_PER_DOMAIN": CONCURRENCY,
            "ITEM_PIPELINES": {Store: 100},
            "TELNETCONSOLE_ENABLED": False,
            "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
        }
    )
    process.crawl(Bare)
    process.start()
    pool.shutdown()
    db.close()


# --- rounds and the report -------------------------------------------------------------------


def run(rounds: int, baseline: Path | None) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Every shape, ``rounds`` times, the crawlers alternating within a round."""
    crawlers: list[tuple[str, Any]] = [
        ("bare", bare_crawl),
        ("project", project_crawl),
        (STORIES_OFF, lambda work, bases: project_crawl(work, bases, options=_UNLINKED)),
    ]
    if baseline is not None:  # the project at another commit, checked out at ``baseline``
        label = f"project at {_commit(baseline)}"
        crawlers.append((label, lambda work, bases: project_crawl(work, bases, baseline)))
    results: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for shape, (outlets, per_outlet) in SHAPES.items():
        results[shape] = {kind: [] for kind, _ in crawlers}
        for round_ in range(rounds):
            for kind, crawl in crawlers:
                with tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmp:
                    work = Path(tmp)
                    with serving(build_outlets(work, outlets, per_outlet)) as bases:
                        row = crawl(work, bases)
                results[shape][kind].append(row)
                print(shape, round_ + 1, kind, json.dumps(row, default=_round), flush=True)
    return results


def _commit(tree: Path) -> str:
    """The short commit of a checkout (or the folder's name when it is none)."""
    done = subprocess.run(
        ["git", "-C", str(tree), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    return done.stdout.strip() if done.returncode == 0 else tree.name


def _round(value: float) -> float:
    return round(value, 2)


def median(rows: list[dict[str, Any]], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def render(results: dict[str, dict[str, list[dict[str, Any]]]], rounds: int) -> str:
    lines = [
        "## Crawl speed",
        "",
        f"Machine: {machine()}. The machine is shared with other engineers' builds and tests "
        "while these figures are taken: absolute figures move with their load, the ratios "
        "(same run, crawlers alternating) much less.",
        "",
        f"`python bench/crawl.py --rounds {rounds} --write`: real pages of "
        "`../shared/data/extraction-dev/` on loopback (one outlet per loopback address, one "
        f"sitemap each), {CONCURRENCY} requests per outlet at once, {WORKERS} extraction "
        "processes, delay 0. Baseline: a bare Scrapy spider (defaults) with `trafilatura.extract` "
        f"in a {WORKERS}-process pool, written in the benchmark. Time is from launching the "
        "command to the last article stored; CPU is summed over the whole process tree "
        "(forkserver and pool included) and divided by the articles stored; peak RSS is the sum "
        f"over the tree. Median of {rounds} rounds.",
        "",
        "| shape | crawler | articles | launch → first stored (s) | launch → last stored (s) "
        "| articles/s | ratio to bare | CPU ms / article (tree) | of which main process "
        "| peak RSS (MB) |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for shape, kinds in results.items():
        bare_rate = median(kinds["bare"], "per_s")
        for kind, rows in kinds.items():
            rate = median(rows, "per_s")
            lines.append(
                f"| {shape} | {kind} | {median(rows, 'articles'):.0f} "
                f"| {median(rows, 'first_s'):.2f} | {median(rows, 'seconds'):.2f} "
                f"| {rate:.1f} | {rate / bare_rate:.2f}x | {median(rows, 'cpu_ms'):.0f} "
                f"| {median(rows, 'main_cpu_ms'):.0f} | {median(rows, 'peak_mb'):.0f} |"
            )
    lines += ["", _paired(results), "", _linking_cost(results)]
    return "\n".join(lines) + "\n"


def _paired(results: dict[str, dict[str, list[dict[str, Any]]]]) -> str:
    """The project against the bare spider round by round (each right after the bare crawl,
    so under about the same load): the median of those ratios moves less with the machine's
    load than the ratio of the medians in the table, which pairs crawls of different rounds."""
    parts = []
    for shape, kinds in results.items():
        for kind in ("project", STORIES_OFF):
            pairs = list(zip(kinds[kind], kinds["bare"], strict=True))
            speed = [mine["per_s"] / bare["per_s"] for mine, bare in pairs]
            cpu = [mine["cpu_ms"] / bare["cpu_ms"] for mine, bare in pairs]
            parts.append(
                f"{shape}, {kind}: articles/s {statistics.median(speed):.2f}x (rounds: "
                + ", ".join(f"{r:.2f}" for r in speed)
                + f"), CPU per article {statistics.median(cpu):.2f}x (rounds: "
                + ", ".join(f"{r:.2f}" for r in cpu)
                + ")"
            )
    return (
        "Paired by round (median of each round's ratio to the bare crawl of the same round, "
        "which ran just before): " + "; ".join(parts) + "."
    )


def _linking_cost(results: dict[str, dict[str, list[dict[str, Any]]]]) -> str:
    """What story linking adds to a crawl's CPU per article: the project against itself with
    ``AGGREGATOR_STORY_LINKING=false``, paired round by round (the two ran back to back)."""
    parts = []
    for shape, kinds in results.items():
        pairs = list(zip(kinds["project"], kinds[STORIES_OFF], strict=True))
        ratios = [on["cpu_ms"] / off["cpu_ms"] for on, off in pairs]
        tree = [on["cpu_ms"] - off["cpu_ms"] for on, off in pairs]
        main = [on["main_cpu_ms"] - off["main_cpu_ms"] for on, off in pairs]
        parts.append(
            f"{shape} {statistics.median(ratios) - 1:+.1%} (rounds: "
            + ", ".join(f"{r - 1:+.0%}" for r in ratios)
            + f"; {statistics.median(tree):+.0f} ms an article, of which main process"
            f" {statistics.median(main):+.0f} ms)"
        )
    return (
        "Story linking's cost (issue 11: at most +20% CPU per article): tree CPU per article "
        "of `project` over `project, stories off` (`AGGREGATOR_STORY_LINKING=false`: no story "
        "inputs in the extraction processes, no linking in the store path), median of the "
        "rounds' ratios: " + "; ".join(parts) + "."
    )


def profile(output: Path, shape: str) -> None:
    """py-spy's raw stacks (all processes) of one project crawl of ``shape``."""
    outlets, per_outlet = SHAPES[shape]
    with tempfile.TemporaryDirectory(prefix="bench-crawl-") as tmp:
        work = Path(tmp)
        with serving(build_outlets(work, outlets, per_outlet)) as bases:
            global measured
            plain = measured

            def under_pyspy(command: list[str], env: dict[str, str], cwd: Path) -> Any:
                spy = ["py-spy", "record", "--subprocesses", "--rate", "250", "--format", "raw"]
                return plain([*spy, "-o", str(output.resolve()), "--", *command], env, cwd)

            measured = under_pyspy
            print(json.dumps(project_crawl(work, bases), default=_round))
    print(f"profile written to {output}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3, help="crawls of each kind per shape")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--shape", choices=list(SHAPES), help="only this shape")
    parser.add_argument(
        "--baseline", type=Path, help="also crawl with the project checked out here (a commit)"
    )
    parser.add_argument("--profile", type=Path, help="write a py-spy profile here instead")
    parser.add_argument("--bare", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.bare:
        run_bare(args.bare[0], args.bare[1:])
        return
    if args.profile:
        profile(args.profile, args.shape or "1 outlet")
        return
    if args.shape:
        for other in set(SHAPES) - {args.shape}:
            del SHAPES[other]
    results = run(args.rounds, args.baseline)
    text = render(results, args.rounds)
    print(text)
    if args.write:
        write_section("Crawl speed", text)
        print("updated docs/benchmarks.md")


if __name__ == "__main__":
    main()
