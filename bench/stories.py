# ruff: noqa: E501  (report sentences and bulk-load SQL read better unbroken)
"""Story linking: quality on the development stories, CPU at store time, lookup at 1M.

quality  every article of ../shared/data/stories-dev (ntrex-dev.jsonl, wmt-dev.jsonl) stored
         through ``save_article`` into one SQLite file, stories an hour to ten days apart,
         originals first (translations 1-6 hours later), then again in the reverse order
         (translations first). Pairwise precision/recall per language pair (every two
         articles: same story or not, as stored vs as labelled), origin accuracy where the
         original is marked, on the whole set and on two halves of the stories (split by a
         hash of the story id: "tune" and "held out").
cpu      CPU seconds per article of the store path with linking, and of the linking part
         alone (the difference is the store path before this work), same articles.
lookup   candidate lookup latency with 1M indexed articles on SQLite and PostgreSQL: profiles
         and postings generated in bulk (Zipf-distributed features over a year), then the
         lookups of real dev articles' features in the window.

Usage:
    python bench/stories.py                      # quality + cpu
    python bench/stories.py --lookup 1000000 --db both --write
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.append(str(ROOT / "bench"))  # after ROOT: bench/storage.py must not hide storage/

from corpus import machine, write_section  # noqa: E402

import storage.story_links as story_links  # noqa: E402
from aggregator.stories.features import KIND_WEIGHT, story_features  # noqa: E402
from aggregator.stories.inputs import story_inputs  # noqa: E402
from storage.article_record import ArticleRecord  # noqa: E402
from storage.db import session_scope, upgrade  # noqa: E402
from storage.ingest import save_article  # noqa: E402
from storage.sources import sync_source  # noqa: E402
from storage.stories import StoryMember  # noqa: E402
from storage.story_index import lookup  # noqa: E402

DEV = ROOT.parent / "shared" / "data" / "stories-dev"
T0 = datetime(2026, 11, 1, tzinfo=UTC)


def load() -> list[dict[str, Any]]:
    rows = []
    for name in ("ntrex-dev.jsonl", "wmt-dev.jsonl"):
        rows += [json.loads(line) for line in (DEV / name).read_text().splitlines() if line]
    return rows


def half(story: str) -> str:
    """Which half of the stories: "tune" or "held out" (a stable hash of the id)."""
    return "tune" if hashlib.sha1(story.encode()).digest()[0] % 2 == 0 else "held out"


def schedule(rows: list[dict[str, Any]], reverse: bool, seed: int = 7) -> list[datetime]:
    """Publication times: stories spread over ten days, members 1-6 h after the original
    (or before it, ``reverse``)."""
    rng = random.Random(seed)
    start = {
        s: T0 + timedelta(hours=rng.uniform(0, 240)) for s in sorted({r["story"] for r in rows})
    }
    times = []
    for row in rows:
        lag = timedelta(0) if row["original"] else timedelta(hours=rng.uniform(1, 6))
        times.append(start[row["story"]] + (-lag if reverse else lag))
    return times


def store_all(
    url: str, rows: list[dict[str, Any]], times: list[datetime], *, precomputed: bool = False
) -> tuple[dict[int, int], float, float]:
    """Store every row in time order; row index -> article id; CPU total and linking CPU.

    ``precomputed``: each record carries its story inputs, computed before the timing as a
    crawl's extraction process computes them (the crawl's store path); else storage computes
    them (imports, re-fetches).
    """
    upgrade(url)
    inputs = [story_inputs(r["title"], r["body"]) if precomputed else None for r in rows]
    with session_scope(url) as session:
        sources = {}
        for src in sorted({r["source"] for r in rows}):
            name = "s-" + hashlib.sha1(src.encode()).hexdigest()[:10]
            sources[src] = sync_source(
                session,
                name,
                label=src,
                homepage=f"https://{name}.example/",
                languages=[],
                timezone="UTC",
                enabled=True,
                schedule=None,
                config={},
            ).id
    linking = [0.0]
    original = story_links.link_article

    def timed(*args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return original(*args, **kwargs)
        finally:
            linking[0] += time.process_time() - start

    ids: dict[int, int] = {}
    story_links.link_article = timed  # measure the linking part (ingest calls it by name)
    import storage.ingest as ingest

    ingest.link_article = timed
    start = time.process_time()
    try:
        for i in sorted(range(len(rows)), key=lambda i: times[i]):
            row = rows[i]
            # each language of a story from its own outlet
            source = sources[row["source"]]
            record = ArticleRecord(
                source_id=source,
                url=f"https://dev.example/{row['lang']}/{hashlib.sha1((row['story'] + row['lang']).encode()).hexdigest()[:16]}",
                fetched_at=times[i] + timedelta(minutes=5),
                body=row["body"],
                title=row["title"],
                language=row["lang"],
                published_at=times[i],
                story=inputs[i],
            )
            with session_scope(url) as session:
                ids[i] = save_article(session, record).article_id
    finally:
        story_links.link_article = original
        ingest.link_article = original
    return ids, time.process_time() - start, linking[0]


def evaluate(url: str, rows: list[dict[str, Any]], ids: dict[int, int]) -> dict[str, Any]:
    with session_scope(url) as session:
        members = {m.article_id: m for m in session.query(StoryMember)}
        from storage.stories import Story

        origins = {s.id: s.origin_article_id for s in session.query(Story)}
    story_of = {i: (members[a].story_id if a in members else -a) for i, a in ids.items()}
    out: dict[str, Any] = {}
    for part in ("all", "tune", "held out"):
        chosen = [i for i in ids if part == "all" or half(rows[i]["story"]) == part]
        tp: Counter[str] = Counter()
        fp: Counter[str] = Counter()
        fn: Counter[str] = Counter()
        for i, j in itertools.combinations(chosen, 2):
            pair = "-".join(sorted((rows[i]["lang"], rows[j]["lang"])))
            same, linked = rows[i]["story"] == rows[j]["story"], story_of[i] == story_of[j]
            if same and linked:
                tp[pair] += 1
            elif linked:
                fp[pair] += 1
            elif same:
                fn[pair] += 1
        pairs = {}
        for pair in sorted(set(tp) | set(fp) | set(fn)):
            p = tp[pair] / (tp[pair] + fp[pair]) if tp[pair] + fp[pair] else 1.0
            r = tp[pair] / (tp[pair] + fn[pair]) if tp[pair] + fn[pair] else 1.0
            pairs[pair] = {
                "precision": p,
                "recall": r,
                "tp": tp[pair],
                "fp": fp[pair],
                "fn": fn[pair],
            }
        right = total = 0
        for i in chosen:
            if not rows[i]["original"]:
                continue
            total += 1
            sid = story_of[i]
            origin = origins.get(sid) if sid > 0 else None
            # a story of its own, or the origin of the story it is in
            right += (
                origin == ids[i]
                if sid > 0
                else not any(story_of[j] == sid for j in chosen if j != i) or False
            )
        out[part] = {"pairs": pairs, "origin": right / total if total else None, "originals": total}
    return out


def quality() -> dict[str, Any]:
    rows = load()
    result: dict[str, Any] = {"articles": len(rows)}
    for order in ("originals first", "translations first"):
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite:///{tmp}/stories.db"
            ids, cpu, link_cpu = store_all(url, rows, schedule(rows, order != "originals first"))
            result[order] = evaluate(url, rows, ids)
            result[order]["cpu_ms_per_article"] = 1000 * cpu / len(rows)
            result[order]["link_cpu_ms_per_article"] = 1000 * link_cpu / len(rows)
        if order == "originals first":  # the crawl's path: inputs from the extraction process
            with tempfile.TemporaryDirectory() as tmp:
                url = f"sqlite:///{tmp}/stories.db"
                ids, cpu, link_cpu = store_all(url, rows, schedule(rows, False), precomputed=True)
                same = evaluate(url, rows, ids) == {
                    k: v for k, v in result[order].items() if not k.endswith("_per_article")
                }
                result[order]["crawl_path"] = {
                    "same_links": same,
                    "cpu_ms_per_article": 1000 * cpu / len(rows),
                    "link_cpu_ms_per_article": 1000 * link_cpu / len(rows),
                }
    return result


# ---------------------------------------------------------------- lookup at 1M


def bulk_index(url: str, rows: int, per: int, seed: int = 3) -> None:
    """``rows`` articles with profiles and ``per`` postings each: Zipf-distributed keys, times
    over a year. Loaded through the driver directly (executemany on SQLite, COPY on
    PostgreSQL): the store path is not what this measures."""
    import numpy as np

    from storage.db import get_engine
    from storage.story_index import feature_hash

    rng = np.random.default_rng(seed)
    engine = get_engine(url)
    pg = engine.dialect.name == "postgresql"
    year = 365 * 86400
    hashes = {}
    raw = engine.raw_connection()
    cur = raw.cursor()
    t0 = T0.replace(tzinfo=None)
    if not pg:
        cur.execute("PRAGMA synchronous=OFF")
        cur.execute("PRAGMA foreign_keys=OFF")
    cur.execute(
        "INSERT INTO sources (id, name, homepage, languages, timezone, enabled, config, "
        "created_at, updated_at) VALUES (1, 'bulk', 'https://bulk.example/', '[]', 'UTC', "
        + ("true" if pg else "1")
        + ", '{}', '2026-01-01', '2026-01-01')"
    )
    # Secondary indexes are built once after the load, as a restore would.
    cur.execute("DROP INDEX ix_story_features_lookup")
    cur.execute("DROP INDEX ix_story_features_article")
    cur.execute("DROP INDEX ix_story_profiles_at")
    raw.commit()
    batch = 100_000
    for lo in range(0, rows, batch):
        n = min(batch, rows - lo)
        seconds = rng.integers(0, year, n)
        keys = rng.zipf(1.3, size=(n, per)) % 3_000_000
        langs = rng.choice(["en", "fr", "de", "es", "ar"], n)
        arts, prof, post = [], [], []
        for k in range(n):
            aid = lo + k + 1
            at = (t0 - timedelta(seconds=int(seconds[k]))).isoformat(sep=" ")
            ks = {int(x) for x in keys[k]}
            arts.append((aid, f"https://bulk.example/{aid}", at, at, at, at))
            prof.append((aid, str(langs[k]), at, json.dumps({f"k:{x}": 0.5 for x in ks})))
            for x in ks:
                h = hashes.get(x)
                if h is None:
                    h = hashes[x] = feature_hash(f"k:{x}")
                post.append((h, aid, at, str(langs[k])))
        if pg:
            with cur.copy(
                "COPY articles (id, source_id, url, body, body_hash, authors, tags, word_count, paywalled, extraction, fetched_at, first_seen_at, updated_at, sort_at, revision, status, starred) FROM STDIN"
            ) as copy:
                for a in arts:
                    copy.write_row(
                        (
                            a[0],
                            1,
                            a[1],
                            "",
                            "",
                            "[]",
                            "[]",
                            0,
                            False,
                            "{}",
                            a[2],
                            a[3],
                            a[4],
                            a[5],
                            1,
                            "new",
                            False,
                        )
                    )
            with cur.copy(
                "COPY story_profiles (article_id, language, at, features) FROM STDIN"
            ) as copy:
                for r in prof:
                    copy.write_row(r)
            with cur.copy(
                "COPY story_features (feature, article_id, at, language) FROM STDIN"
            ) as copy:
                for r in post:
                    copy.write_row(r)
        else:
            cur.executemany(
                "INSERT INTO articles (id, source_id, url, body, body_hash, authors, tags, "
                "word_count, paywalled, extraction, fetched_at, first_seen_at, updated_at, "
                "sort_at, revision, status, starred) VALUES (?, 1, ?, '', '', '[]', '[]', 0, 0, "
                "'{}', ?, ?, ?, ?, 1, 'new', 0)",
                arts,
            )
            cur.executemany("INSERT INTO story_profiles VALUES (?, ?, ?, ?)", prof)
            cur.executemany(
                "INSERT INTO story_features (feature, article_id, at, language) VALUES (?, ?, ?, ?)",
                post,
            )
        raw.commit()
    cur.execute(
        "CREATE INDEX ix_story_features_lookup ON story_features (feature, at, language, article_id)"
    )
    cur.execute("CREATE INDEX ix_story_features_article ON story_features (article_id)")
    cur.execute("CREATE INDEX ix_story_profiles_at ON story_profiles (at)")
    cur.execute("ANALYZE")
    raw.commit()
    if pg:
        # A live database's autovacuum marks the index's pages all-visible every 10,000
        # inserts (migration 0010); a bulk COPY leaves them unmarked, and every index-only
        # scan of a lookup would visit the heap (~20x slower at 1M articles).
        raw.driver_connection.autocommit = True
        for table in ("story_features", "story_profiles", "articles"):
            raw.cursor().execute(f"VACUUM ANALYZE {table}")
    raw.close()


def lookup_latency(url: str, queries: int = 300) -> dict[str, float]:
    rows = load()
    rng = random.Random(5)
    sample = rng.sample(rows, min(queries, len(rows)))
    times = []
    with session_scope(url) as session:
        for row in sample:
            keys = story_features(row["title"], row["body"]).indexed()
            # half the keys from the bulk vocabulary, so postings and frequencies are real
            keys = keys[: len(keys) // 2] + [
                f"k:{int(rng.paretovariate(0.3)) % 3_000_000}" for _ in range(len(keys) // 2)
            ]
            weights = {k: KIND_WEIGHT.get(k[0], 1.0) for k in keys}
            at = T0 - timedelta(days=rng.uniform(0, 365))
            start = time.perf_counter()
            lookup(session, keys, weights, at)
            times.append(1000 * (time.perf_counter() - start))
    times.sort()
    return {
        "p50_ms": statistics.median(times),
        "p95_ms": times[int(0.95 * (len(times) - 1))],
        "max_ms": times[-1],
        "queries": len(times),
    }


def lookup_bench(kind: str, rows: int, per: int) -> dict[str, Any]:
    from storage.db import get_engine

    if kind == "sqlite":
        tmp = tempfile.mkdtemp(prefix="stories-bench-")
        url = f"sqlite:///{tmp}/lookup.db"
    else:
        import uuid

        from sqlalchemy import create_engine, text

        name = f"stories_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(
            "postgresql+psycopg://postgres@127.0.0.1:5432/test", isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    upgrade(url)
    start = time.perf_counter()
    bulk_index(url, rows, per)
    load_s = time.perf_counter() - start
    result = {
        "db": kind,
        "rows": rows,
        "postings_per_article": per,
        "load_s": load_s,
        **lookup_latency(url),
    }
    get_engine(url).dispose()
    if kind != "sqlite":
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    return result


def render(q: dict[str, Any] | None, lookups: list[dict[str, Any]], command: str) -> str:
    lines = [
        "## Stories",
        "",
        f"Machine: {machine()}. The machine is shared with other engineers' work: CPU and latency figures are loaded-machine figures.",
        f"Command: `{command}`.",
        "",
    ]
    if q:
        lines += [
            f'{q["articles"]} development articles (37 NTREX stories in en/fr/ar/de/es, 151 WMT stories in en/fr/de/es) stored through `save_article` into one SQLite file. Pairwise precision / recall per language pair (same story or not, every two articles). Thresholds were chosen looking at the whole development set (so "tune"/"held out" is a split of stories reported separately, not a clean hold-out).',
            "",
        ]
        for order in ("originals first", "translations first"):
            res = q[order]
            lines += [
                f"### {order.capitalize()}",
                "",
                "| pair | all P / R | tune P / R | held out P / R |",
                "|---|---|---|---|",
            ]
            for pair in sorted(res["all"]["pairs"]):
                cells = []
                for part in ("all", "tune", "held out"):
                    p = res[part]["pairs"].get(pair)
                    cells.append(f"{p['precision']:.3f} / {p['recall']:.3f}" if p else "-")
                lines.append(f"| {pair} | " + " | ".join(cells) + " |")
            lines += [
                "",
                f"Origin right: all {res['all']['origin']:.1%} ({res['all']['originals']} originals), tune {res['tune']['origin']:.1%}, held out {res['held out']['origin']:.1%}.",
                f"CPU per article, whole store path: {res['cpu_ms_per_article']:.2f} ms, of which linking (features, attribution, index, lookup, scoring, join): {res['link_cpu_ms_per_article']:.2f} ms; the store path before this work is the difference ({res['cpu_ms_per_article'] - res['link_cpu_ms_per_article']:.2f} ms).",
            ]
            crawl = res.get("crawl_path")
            if crawl:
                lines.append(
                    f"A crawl's store path (features and attributions computed by the extraction process, as `aggregator crawl` does; {'same' if crawl['same_links'] else 'DIFFERENT'} stories): {crawl['cpu_ms_per_article']:.2f} ms, of which linking {crawl['link_cpu_ms_per_article']:.2f} ms."
                )
            lines.append("")
    if lookups:
        lines += [
            "### Candidate lookup",
            "",
            "| database | indexed articles | postings each | load s | p50 ms | p95 ms | max ms |",
            "|---|---|---|---|---|---|---|",
        ]
        for r in lookups:
            lines.append(
                f"| {r['db']} | {r['rows']:,} | {r['postings_per_article']} | {r['load_s']:.0f} | {r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['max_ms']:.1f} |"
            )
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--no-quality", action="store_true", help="skip the quality and CPU run")
    parser.add_argument(
        "--lookup",
        type=int,
        default=0,
        metavar="N",
        help="indexed articles for the lookup benchmark (e.g. 1000000)",
    )
    parser.add_argument("--postings", type=int, default=20, help="postings per bulk article")
    parser.add_argument("--db", default="sqlite", help="sqlite, postgres or both")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    args = parser.parse_args()
    q = None if args.no_quality else quality()
    if q:
        print(json.dumps({k: v for k, v in q.items()}, indent=1, default=str)[:4000])
    lookups = []
    if args.lookup:
        kinds = ["sqlite", "postgres"] if args.db == "both" else [args.db]
        for kind in kinds:
            r = lookup_bench(kind, args.lookup, args.postings)
            print(r)
            lookups.append(r)
    text = render(q, lookups, "python bench/stories.py " + " ".join(sys.argv[1:]))
    print(text)
    if args.write:
        write_section("Stories", text)


if __name__ == "__main__":
    main()
