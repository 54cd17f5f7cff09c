"""``extract_article``: the one entry point from HTML to :class:`ExtractedArticle`.

Pure by design: no Scrapy, no database, no network, no per-process state beyond caches. The
spider's extract pipeline runs it in a process pool, and ``aggregator extract``, the benchmark
and the tests call the very same function.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

from aggregator.config.sources import Selectors, Source
from aggregator.extraction.article import DateValue, ExtractedArticle, Hints
from aggregator.extraction.authors import find_authors
from aggregator.extraction.body import find_body, word_count
from aggregator.extraction.dates import TextContext, find_dates
from aggregator.extraction.dates.validity import stated_impossible_date
from aggregator.extraction.dates.zones import (
    country_of_language,
    country_of_url,
    zone_of_country,
)
from aggregator.extraction.jsonld import text_of
from aggregator.extraction.language import detect_language
from aggregator.extraction.links import body_links
from aggregator.extraction.metadata import read_metadata
from aggregator.extraction.page import parse_page
from aggregator.extraction.titles import find_title
from aggregator.extraction.walls import detect_walls


def extract_article(
    html: str | bytes,
    url: str,
    source: Source | None = None,
    *,
    fetched_at: datetime | None = None,
    hints: Hints | None = None,
) -> ExtractedArticle:
    """Extract title, body, authors, dates, language and metadata from one article page.

    ``source`` supplies selectors (which win when they match), languages and time zone for
    reading dates; ``fetched_at`` (default: now) resolves "2 hours ago" and rejects future
    dates; ``hints`` carries what the feed or sitemap said. Raises ExtractionError (naming the
    URL) only when the input is not HTML at all.
    """
    fetched_at = (fetched_at or datetime.now(UTC)).astimezone(UTC)
    page = parse_page(html, url)
    selectors = source.selectors if source else Selectors()
    meta = read_metadata(page)
    title = find_title(page, selectors.title, meta.site_name) or (hints.title if hints else None)
    article_body = text_of(page.article.get("articleBody")) if page.article else None
    body = find_body(page.tree, url, selectors.body, title, article_body, meta.description)
    words = word_count(body.text)
    paywalled, challenge = detect_walls(page, html, words)
    notes = list(body.warnings)
    if page.truncated:
        notes.append("page over the size limit (5 MB or 25,000 elements) was truncated")
    if page.flattened:
        notes.append("page nested deeper than 255 elements: the deeper tags were flattened")
    if challenge:  # "Checking your browser" is not an article body
        body.text, words = "", 0
        notes.append("bot challenge page: body dropped")
    detected = detect_language(body.text) if body.text else None
    language = detected or meta.language or (source.languages[0] if source else None)
    zone = ZoneInfo(source.timezone) if source else _page_zone(url, language, notes)
    context = TextContext(
        languages=_date_languages(source, language, meta.language, hints),
        zone=zone,
        fetched_at=fetched_at,
    )
    published, modified = find_dates(
        page, context, selectors.date, hints, zone_known=source is not None, notes=notes
    )
    if impossible := stated_impossible_date(page, in_text=_read_in_text(published)):
        notes.append(f"date: {impossible!r} is not a real calendar date; not used")
    return ExtractedArticle(
        url=url,
        canonical_url=meta.canonical_url,
        title=title,
        body=body.text,
        authors=find_authors(page, selectors.author, meta.site_name),
        published=published,
        modified=modified,
        language=language,
        language_declared=meta.language,
        language_detected=detected,
        description=meta.description,
        top_image=meta.top_image,
        site_name=meta.site_name,
        section=meta.section,
        tags=meta.tags,
        links=body_links(page, body.text),
        word_count=words,
        paywalled=paywalled,
        challenge=challenge,
        method=body.method,
        warnings=notes,
    )


def _read_in_text(published: DateValue | None) -> bool:
    """Whether the page's text could have given the publication date (then a wrong one there
    is worth a warning): no date was found, or it came from the text or the URL."""
    return published is None or published.origin in ("text", "url")


def _page_zone(url: str, language: str | None, notes: list[str]) -> tzinfo:
    """Without a source: the zone of the site's country domain or of a one-zone language."""
    country, reason = country_of_url(url), "domain"
    if country is None:
        country, reason = country_of_language(language), "language"
    zone = zone_of_country(country) if country else None
    if zone is None or country is None:
        notes.append("no source: times without a zone were read as UTC (pass --source)")
        return ZoneInfo("UTC")
    where = f".{country.lower()} domain" if reason == "domain" else f"page's language, {language}"
    notes.append(f"no source: times without a zone were read in {zone} (from the {where};"
                 " pass --source)")  # fmt: skip
    return zone


def _date_languages(
    source: Source | None, language: str | None, declared: str | None, hints: Hints | None
) -> tuple[str, ...]:
    """Languages to read dates in: the source's, else the page's (detected first), then English.

    The first decides the order of numeric dates (``03.05.2013`` is 3 May in German), so the
    page's own language comes before the English that many pages also print dates in. Never
    "any language": dateparser then tries 200 locales (~0.2 s a call) and misreads more.
    """
    if source:
        return tuple(source.languages)
    found = [lang for lang in (language, declared, hints.language if hints else None) if lang]
    return tuple(dict.fromkeys([*found, "en"]))
