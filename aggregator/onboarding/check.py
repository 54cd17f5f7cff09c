"""A dry run of one source: what each discovery method finds, and three extracted articles.

Operators run it (``aggregator sources check NAME``) after adding or editing a source, and
when a source's crawls go quiet. It stores nothing. It reports per method how many article
URLs were found, extracts three of them with the crawler's own extraction, and names what is
wrong in words an operator can act on: no feed, broken listings, bot walls, empty bodies.

Its rules are the crawl's: listings are read and sitemaps walked by
:mod:`aggregator.discovery.limits` (a listing cut by a limit is a note, as it is a warning on a
crawl's run), a download is judged by :func:`aggregator.extraction.walls.page_problem` and an
extraction by :func:`aggregator.extraction.article.rejection`. Only the number of sampled
articles differs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Literal, cast

from protego import Protego

from aggregator.config.sources import Source
from aggregator.discovery.dates import too_old
from aggregator.discovery.feeds import Entry, parse_feed
from aggregator.discovery.limits import (
    MAX_CHILD_SITEMAPS,
    MAX_LISTING_BYTES,
    TOO_DEEP,
    cut_message,
    newest_key,
    too_deep,
)
from aggregator.discovery.links import extract_links, site_host
from aggregator.discovery.robots import is_robots_url, robots_url, sitemaps_from_robots
from aggregator.discovery.sitemaps import newest_children, parse_sitemap
from aggregator.errors import AggregatorError, DiscoveryError
from aggregator.extraction.article import MIN_ARTICLE_WORDS, ExtractedArticle, Hints, rejection
from aggregator.extraction.walls import page_problem
from aggregator.onboarding.http import Fetch, Fetched
from aggregator.urls import canonicalize_url

Extract = Callable[..., ExtractedArticle]
Origin = Literal["feed", "sitemap", "links"]


@dataclass
class MethodResult:
    """One listing: how it was read, how many article URLs it gave, or what went wrong."""

    method: str  # feed | sitemap | links
    url: str
    found: int = 0
    error: str | None = None
    cuts: list[str] = field(default_factory=list)  # listings a limit cut (the crawl warns)


@dataclass
class Sample:
    """One article fetched and extracted."""

    url: str
    title: str | None = None
    published: str | None = None
    language: str | None = None
    words: int = 0
    problem: str | None = None


@dataclass
class CheckReport:
    """Everything ``sources check`` prints."""

    source: str
    methods: list[MethodResult] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # something is broken
    notes: list[str] = field(default_factory=list)  # worth knowing, works anyway


def _get(fetch: Fetch, url: str) -> Fetched:
    answer = fetch(url)
    if answer.status != 200:
        raise DiscoveryError(f"HTTP {answer.status}")
    return answer


def _cut(cuts: list[str], url: str, kept: int, total: int, answer: Fetched, more: bool) -> None:
    size = min(len(answer.body), MAX_LISTING_BYTES)
    message = cut_message(url, kept, total, size, more or answer.truncated)
    if message is not None:
        cuts.append(message)


def _sitemap_entries(
    fetch: Fetch,
    url: str,
    max_age: timedelta | None,
    now: datetime,
    cuts: list[str],
    depth: int = 0,
) -> list[Entry]:
    answer = _get(fetch, url)
    sitemap = parse_sitemap(answer.body, url)
    kept = len(sitemap.entries if sitemap.kind == "urlset" else sitemap.children)
    _cut(cuts, url, kept, sitemap.total, answer, sitemap.truncated)
    if sitemap.kind == "urlset":
        return sitemap.entries
    if too_deep(depth + 1):
        raise DiscoveryError(TOO_DEEP)
    children = newest_children(sitemap.children, max_age, now, MAX_CHILD_SITEMAPS)
    entries: list[Entry] = []
    failed: list[str] = []
    for child in children:
        try:
            entries.extend(_sitemap_entries(fetch, child.url, max_age, now, cuts, depth + 1))
        except AggregatorError as exc:
            failed.append(f"{child.url}: {exc}".replace(f"{child.url}: {child.url}", child.url))
    if failed and not entries:
        raise DiscoveryError(f"every child sitemap failed ({failed[0]})")
    return entries


def _feed_entries(fetch: Fetch, url: str, cuts: list[str]) -> list[Entry]:
    answer = _get(fetch, url)
    feed = parse_feed(answer.body, url)
    _cut(cuts, url, len(feed.entries), feed.total, answer, feed.truncated)
    return feed.entries


def _link_entries(fetch: Fetch, url: str, source: Source, cuts: list[str]) -> list[Entry]:
    page = _get(fetch, url)
    links = extract_links(page.body, page.url, source.links, site_host(source.homepage))
    return [Entry(link) for link in links]


def _read(
    method: str, url: str, read: Callable[..., list[Entry]]
) -> tuple[MethodResult, list[Entry]]:
    """Run one listing reader; its failure becomes the method's error, not the command's."""
    result = MethodResult(method, url)
    entries: list[Entry] = []
    try:
        # Counted as the crawl counts them: one per canonical URL.
        unique = {canonicalize_url(e.url): e for e in reversed(read(cuts=result.cuts))}
        entries = list(reversed(unique.values()))
    except AggregatorError as exc:
        result.error = str(exc).replace(f"cannot fetch {url}: ", "").replace(f"{url}: ", "")
    result.found = len(entries)
    return result, entries


def _listings(
    source: Source, fetch: Fetch, now: datetime
) -> list[tuple[MethodResult, list[Entry]]]:
    results = [_read("feed", url, partial(_feed_entries, fetch, url)) for url in source.feeds]
    sitemap_entries = partial(_sitemap_entries, fetch, max_age=source.max_age, now=now)
    for url in source.sitemaps:
        if not is_robots_url(url):
            results.append(_read("sitemap", url, partial(sitemap_entries, url)))
            continue
        try:
            listed = sitemaps_from_robots(_get(fetch, url).body, url)
        except AggregatorError as exc:
            results.append((MethodResult("sitemap", url, error=str(exc)), []))
            continue
        if not listed:
            results.append((MethodResult("sitemap", url, error="no Sitemap: lines"), []))
        for sitemap in listed:
            results.append(_read("sitemap", sitemap, partial(sitemap_entries, sitemap)))
    for url in source.start_pages:
        results.append(_read("links", url, partial(_link_entries, fetch, url, source)))
    return results


class _Robots:
    """robots.txt rules per host, so a dry run is as polite as the crawl."""

    def __init__(self, fetch: Fetch, user_agent: str) -> None:
        self.fetch = fetch
        self.user_agent = user_agent
        self.parsers: dict[str, Protego | None] = {}

    def allowed(self, url: str) -> bool:
        key = robots_url(url)
        if key not in self.parsers:
            try:
                answer = self.fetch(key)
                body = answer.body if answer.status == 200 else b""
            except AggregatorError:
                body = b""
            self.parsers[key] = Protego.parse(body.decode("utf-8", errors="replace"))
        parser = self.parsers[key]
        return parser is None or bool(parser.can_fetch(url, self.user_agent))


def _sample(source: Source, fetch: Fetch, extract: Extract, entry: Entry, origin: str) -> Sample:
    sample = Sample(entry.url)
    try:
        page = _get(fetch, entry.url)
    except AggregatorError as exc:
        sample.problem = str(exc)
        return sample
    problem = page_problem(page.headers, page.body)
    if problem is not None:
        sample.problem = "bot wall" if problem[0] == "challenge" else problem[1]
        return sample
    hints = Hints(
        title=entry.title,
        published=entry.published,
        language=entry.language,
        origin=cast(Origin, origin),
    )
    try:
        article = extract(page.text(), page.url, source, hints=hints)
    except AggregatorError as exc:
        sample.problem = str(exc)
        return sample
    sample.title = article.title
    sample.published = article.published.iso() if article.published else None
    sample.language = article.language
    sample.words = article.word_count
    reason = rejection(article)
    if reason == "challenge":
        sample.problem = "bot wall"
    elif reason is not None:
        sample.problem = "empty body"
    return sample


def check_source(
    source: Source, fetch: Fetch, extract: Extract, samples: int = 3, user_agent: str = "*"
) -> CheckReport:
    """Read every listing of ``source``, extract ``samples`` articles, and diagnose."""
    report = CheckReport(source.name)
    now = datetime.now(UTC)
    listings = _listings(source, fetch, now)
    report.methods = [result for result, _ in listings]
    chosen: list[tuple[Entry, str]] = []
    seen: set[str] = set()
    robots = _Robots(fetch, user_agent)
    refused = 0
    for result, entries in listings:
        # Newest first, as the crawl requests them (stable: equal dates keep listing order).
        for entry in sorted(entries, key=newest_key, reverse=True):
            if len(chosen) >= samples:
                break
            if entry.url in seen or too_old(entry.published_at, source.max_age, now):
                continue  # the crawl would not fetch it either
            seen.add(entry.url)
            if not robots.allowed(entry.url):
                refused += 1
                continue
            chosen.append((entry, result.method))
    report.samples = [_sample(source, fetch, extract, e, m) for e, m in chosen]
    report.problems, report.notes = diagnose(report)
    if refused:
        report.notes.append(
            f"robots.txt refuses {refused} of the announced articles looked at; "
            "the crawl skips them too"
        )
    return report


def diagnose(report: CheckReport) -> tuple[list[str], list[str]]:
    """(problems, notes): what is wrong, in order of importance, and what is merely odd."""
    problems: list[str] = []
    notes: list[str] = []
    feeds = [m for m in report.methods if m.method == "feed"]
    if not feeds:
        no_feed = (
            "no feed: the source declares none (`aggregator sources add` on its "
            "homepage looks for one)"
        )
        found_otherwise = any(m.found for m in report.methods)
        (notes if found_otherwise else problems).append(no_feed)
    elif all(m.error or not m.found for m in feeds):
        problems.append("no working feed: every feed failed or was empty")
    for method in report.methods:
        if method.error:
            problems.append(f"{method.method} {method.url}: {method.error}")
        notes.extend(f"{cut}; the crawl reads it the same way" for cut in method.cuts)
    if not any(m.found for m in report.methods):
        problems.append("no article URLs found by any method")
    walls = [s for s in report.samples if s.problem == "bot wall"]
    if walls:
        problems.append(
            f"bot wall: {len(walls)} of {len(report.samples)} articles answered "
            "with a challenge page"
        )
    empty = [s for s in report.samples if s.problem == "empty body"]
    if empty:
        problems.append(
            f"empty bodies: {len(empty)} of {len(report.samples)} articles gave "
            f"under {MIN_ARTICLE_WORDS} words (try selectors.body)"
        )
    for sample in report.samples:
        if sample.problem and sample.problem not in ("bot wall", "empty body"):
            problems.append(f"article {sample.url}: {sample.problem}")
    extracted = [s for s in report.samples if not s.problem]
    if extracted and not any(s.published for s in extracted):
        notes.append("no dates: no extracted article had a publication date (try selectors.date)")
    return problems, notes
