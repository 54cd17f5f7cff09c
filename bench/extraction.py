"""Score our extractor against bare trafilatura (body) and htmldate (dates) on the dev set.

Run from a checkout whose sibling ``shared/`` holds the data (as CI lays it out)::

    python bench/extraction.py            # print the table
    python bench/extraction.py --write    # also update the Extraction section of docs/benchmarks.md

Body: word 4-shingle precision/recall/F1 (``\\w+`` tokens, case kept, multisets), averaged per
page; a page with empty output counts only against recall (shared/data/extraction-dev/README.md).
Dates: accuracy = share of pages with an expected day whose extracted publication day (in the
page's own offset) is that day; coverage = share of those pages with any date. Pages whose
expectation is empty (NaN) are counted apart: a date there is a false positive.
Speed: CPU seconds of this process (one core), each page timed for both tools in turn, so load
from other programs affects both columns alike. Both tools first run once, untimed, on the first
page: one-off costs (py3langid's model, dateparser's locales, trafilatura's setup) are paid once
per worker process, not per article; ours is reported on its own row. The date pass runs
first, and bare trafilatura reads its pages too, untimed (``run_dates``): the body pass after it
measures both tools in a worker's steady state.
Date strings: tests/fixtures/extraction/date-strings.json read by ``parse_date_string`` and by
plain ``dateparser.parse`` with the same languages, zone and "now".
"""

from __future__ import annotations

import argparse
import gzip
import json
import math
import platform
import re
import sys
import time
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared/data/extraction-dev"
sys.path.insert(0, str(REPO))

from htmldate import find_date  # noqa: E402
from trafilatura import bare_extraction  # noqa: E402

from aggregator.extraction import extract_article  # noqa: E402
from tests.extraction.dates import date_strings  # noqa: E402

_WORD = re.compile(r"\w+")
FETCHED_AT = datetime.now(UTC)


@dataclass
class Column:
    """Running totals for one extractor."""

    precision: list[float] = field(default_factory=list)
    recall: list[float] = field(default_factory=list)
    seconds: float = 0.0
    pages: int = 0
    correct: int = 0
    dated: int = 0
    expected: int = 0
    false_dates: int = 0

    def f1(self) -> float:
        p, r = self.mean(self.precision), self.mean(self.recall)
        return 2 * p * r / (p + r) if p + r else 0.0

    @staticmethod
    def mean(values: list[float]) -> float:
        return sum(values) / len(values) if values else 0.0

    def speed(self) -> float:
        return self.pages / self.seconds if self.seconds else 0.0


def shingles(text: str) -> Counter[tuple[str, ...]]:
    words = _WORD.findall(text or "")
    return Counter(tuple(words[i : i + 4]) for i in range(len(words) - 3))


def score(column: Column, predicted: str, expected: str) -> None:
    got, want = shingles(predicted), shingles(expected)
    shared = sum((got & want).values())
    if got:  # empty output counts only against recall
        column.precision.append(shared / sum(got.values()))
    column.recall.append(shared / sum(want.values()) if want else 1.0)


def timed(column: Column, run: Callable[[bytes, str], object], html: bytes, url: str) -> object:
    start = time.process_time()
    result = run(html, url)
    column.seconds += time.process_time() - start
    column.pages += 1
    return result


def ours_body(html: bytes, url: str) -> str:
    return extract_article(html, url, fetched_at=FETCHED_AT).body


def bare_body(html: bytes, url: str) -> str:
    document = bare_extraction(html, url=url)
    return (document.text if document is not None else "") or ""


def ours_date(html: bytes, url: str) -> date | None:
    published = extract_article(html, url, fetched_at=FETCHED_AT).published
    return published.local_date() if published else None


def htmldate_date(html: bytes, url: str) -> date | None:
    found = find_date(html, url=url, original_date=True)
    return date.fromisoformat(found) if found else None


def warm_up(data: Path) -> float:
    """Run both tools once on the first body page, untimed; our one-off CPU seconds."""
    truth = json.loads((data / "body/ground-truth.json").read_text(encoding="utf-8"))
    page_id, expected = next(iter(truth.items()))
    html = gzip.decompress((data / f"body/html/{page_id}.html.gz").read_bytes())
    bare_body(html, expected["url"])
    start = time.process_time()
    ours_body(html, expected["url"])
    return time.process_time() - start


def run_body(data: Path, limit: int | None) -> tuple[Column, Column]:
    truth = json.loads((data / "body/ground-truth.json").read_text(encoding="utf-8"))
    ours, bare = Column(), Column()
    for page_id, expected in list(truth.items())[:limit]:
        html = gzip.decompress((data / f"body/html/{page_id}.html.gz").read_bytes())
        url, body = expected["url"], expected["articleBody"]
        score(ours, str(timed(ours, ours_body, html, url)), body)
        score(bare, str(timed(bare, bare_body, html, url)), body)
    return ours, bare


def run_dates(data: Path, limit: int | None) -> tuple[Column, Column]:
    """Score dates; run before the body pass, which then times both tools in a steady state.

    Our extractor reads every date page here; bare trafilatura reads each one too, untimed,
    so both come to the body pass with the same history. A crawl worker pays once per process
    what a first reading costs: dateparser loads each language's tables on its first date in
    that language (~30 ms each), htmldate every locale's month names once (~0.15 s). On 181
    body pages in some 20 languages those loads would otherwise be charged to the first pages.
    """
    expected_dates = json.loads((data / "dates/expected.json").read_text(encoding="utf-8"))
    ours, baseline = Column(), Column()
    for url, expected in list(expected_dates.items())[:limit]:
        html = gzip.decompress((data / f"dates/pages/{expected['file']}.gz").read_bytes())
        bare_body(html, url)  # untimed: the baseline's history, see above
        want = expected.get("date")
        want = None if want is None or (isinstance(want, float) and math.isnan(want)) else want
        for column, finder in ((ours, ours_date), (baseline, htmldate_date)):
            got = timed(column, finder, html, url)
            if want is None:
                column.false_dates += got is not None
                continue
            column.expected += 1
            column.dated += got is not None
            column.correct += got is not None and str(got) == want
    return ours, baseline


def table(
    body: tuple[Column, Column],
    dates: tuple[Column, Column],
    strings: tuple[int, int, int],
    one_off: float,
) -> list[tuple[str, ...]]:
    (ours, bare), (ours_d, html_d) = body, dates

    def ratio(a: float, b: float) -> str:
        return f"{a / b:.2f}" if b else "-"

    rows = [
        ("body precision", ours.mean(ours.precision), bare.mean(bare.precision)),
        ("body recall", ours.mean(ours.recall), bare.mean(bare.recall)),
        ("body F1", ours.f1(), bare.f1()),
        ("body pages/s (1 core)", ours.speed(), bare.speed()),
        ("date accuracy", ours_d.correct / max(ours_d.expected, 1),
         html_d.correct / max(html_d.expected, 1)),
        ("date coverage", ours_d.dated / max(ours_d.expected, 1),
         html_d.dated / max(html_d.expected, 1)),
        ("date pages/s (1 core)", ours_d.speed(), html_d.speed()),
    ]  # fmt: skip
    out = [("metric", "ours", "baseline", "ours/baseline")]
    for name, a, b in rows:
        digits = 1 if "pages/s" in name else 4
        out.append((name, f"{a:.{digits}f}", f"{b:.{digits}f}", ratio(a, b)))
    out.append(("dates given on no-date pages", str(ours_d.false_dates),
                str(html_d.false_dates), "-"))  # fmt: skip
    cases, mine, theirs = strings
    out.append((f"date strings right (of {cases}), vs plain dateparser", str(mine), str(theirs),
                ratio(mine, theirs)))  # fmt: skip
    out.append(("one-off setup per process (CPU s, untimed above)", f"{one_off:.2f}", "-", "-"))
    return out


def render(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"
             for r in rows]  # fmt: skip
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    return "\n".join(lines)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def section(rows: list[tuple[str, ...]], command: str, counts: tuple[int, int]) -> str:
    import htmldate
    import trafilatura

    return "\n".join([
        "## Extraction",
        "",
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()} "
        f"({cpu_model()}), Python {platform.python_version()}, trafilatura "
        f"{trafilatura.__version__}, htmldate {htmldate.__version__}.",
        "",
        f"Command: `{command}` (body: {counts[0]} pages of `body/`, dates: {counts[1]} pages "
        "of `dates/` in shared/data/extraction-dev).",
        "",
        "Baselines, run on the same pages in the same process: body rows, bare",
        "`trafilatura.bare_extraction(html, url=url)` with its defaults; date rows,",
        "`htmldate.find_date(html, url=url, original_date=True)` (its stronger setting: 0.91",
        "here, 0.90 with defaults). Speed is CPU time of this one process (one core), each page",
        "timed for both tools in turn, so other programs on the (shared, 2-core) machine slow",
        "both columns alike: compare the ratios, not the pages/s across runs. Both tools first",
        "run once, untimed, on the first body page; our one-off setup (py3langid's model,",
        "dateparser's first locale) is its own row. The date pass runs first and bare trafilatura",
        "reads its pages too, untimed, so the body rows time both tools in a worker's steady",
        "state (each language's date tables already loaded). Our figures include everything",
        "`extract_article` does (body, metadata, dates, language, walls); on the date rows that",
        "makes the speed ratio whole-extraction vs. date-only, not like for like. Date strings:",
        "the set in tests/fixtures/extraction/date-strings.json, read by `parse_date_string` and",
        "by plain `dateparser.parse` with the same languages, zone and \"now\".",
        "",
        "Targets (extraction round two): body F1 >= 0.975 with speed >= 0.90 of bare",
        "trafilatura's; date accuracy >= 0.95; date strings at least plain dateparser's.",
        "",
        render(rows),
        "",
    ])  # fmt: skip


def write_section(text: str, path: Path) -> None:
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    pattern = re.compile(r"^## Extraction\n.*?(?=^## |\Z)", re.DOTALL | re.MULTILINE)
    if pattern.search(current):
        updated = pattern.sub(lambda _: text + "\n", current)
    else:
        updated = current.rstrip("\n") + "\n\n" + text
    path.write_text(updated.rstrip("\n") + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="extraction-dev folder")
    parser.add_argument("--limit", type=int, default=None, help="pages per set (quick runs)")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    if not (args.data / "README.md").exists():
        sys.exit(f"{args.data}: extraction-dev data not found (pass --data FOLDER)")
    warnings.simplefilter("ignore")
    one_off = warm_up(args.data)
    dates = run_dates(args.data, args.limit)  # first: see run_dates
    body = run_body(args.data, args.limit)
    rows = table(body, dates, date_strings.scores(), one_off)
    print(render(rows))
    if args.write:
        command = "python bench/extraction.py" + (f" --limit {args.limit}" if args.limit else "")
        text = section(rows, command, (body[0].pages, dates[0].pages))
        write_section(text, REPO / "docs/benchmarks.md")
        print(f"updated {REPO / 'docs/benchmarks.md'}")


if __name__ == "__main__":
    main()
