"""What an export feed says about one approved article, whatever the format.

The republication copy (edited title and summary) wins over the outlet's own; every item
carries an attribution line naming the outlet, the authors, the original URL and date.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from urllib.parse import urlsplit

from storage.articles import Article

SUMMARY_CHARS = 600
# A full-text export carries the body up to this many characters (a hostile page cannot
# make one item megabytes long); longer bodies end with "…".
FULL_TEXT_CHARS = 100_000
# Characters XML 1.0 forbids; scraped text sometimes holds them and lxml refuses them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_OFFSET = re.compile(r"^([+-])(\d{2}):?(\d{2})$")


@dataclass(frozen=True)
class FeedInfo:
    """The feed as a whole: its title, its own URL (without token) and the app's home."""

    title: str
    self_url: str
    home_url: str
    updated: datetime


@dataclass(frozen=True)
class ExportItem:
    id: int
    url: str | None  # the original URL, None when it is not a safe http(s) link
    guid: str  # stable identifier: the original URL, else a URN naming the article
    title: str
    summary: str
    outlet: str
    outlet_url: str | None
    authors: list[str]
    language: str | None
    published: datetime
    original_date: str
    updated: datetime
    attribution: str
    body: str | None = None  # the full text, in full-text exports only

    @property
    def content_text(self) -> str:
        """The full text (in full-text exports) or the summary, then the attribution."""
        text = self.body or self.summary
        return f"{text}\n\n{self.attribution}" if text else self.attribution


def xml_safe(text: str | None) -> str:
    """Text without the control characters XML cannot carry."""
    return _NOT_XML.sub("", text or "")


def rfc822(moment: datetime) -> str:
    """RFC 822 (as updated by RFC 1123/2822) date for RSS, in GMT."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def rfc3339(moment: datetime) -> str:
    """RFC 3339 date for Atom and JSON Feed, in UTC with a Z."""
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def http_url(url: str | None, limit: int = 2048) -> str | None:
    """``url`` when it is an absolute http(s) URL safe to put in a link, else None.

    ``javascript:``, ``data:`` and other schemes, and URLs with spaces or control characters
    (which browsers silently drop, turning "java\tscript:" into "javascript:"), are refused.
    """
    if not url or len(url) > limit:
        return None
    url = url.strip()
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return url


def local_zone(offset: str | None) -> timezone:
    """The outlet's UTC offset as recorded with the date ("+01:00"), UTC when unknown."""
    match = _OFFSET.match(offset or "")
    if not match:
        return UTC
    sign, hours, minutes = match.groups()
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    return timezone(-delta if sign == "-" else delta)


def original_date(article: Article) -> str:
    """The publication date as the outlet gave it: its local day, or time with offset."""
    if article.published_at is None:
        return "date unknown"
    local = article.published_at.astimezone(local_zone(article.published_offset))
    if article.published_precision in ("day", "month", "year"):
        return local.strftime("%Y-%m-%d")
    return local.isoformat(timespec="minutes")


def summary_of(article: Article) -> str:
    """The edited summary, else the outlet's description, else the body's opening words."""
    text = article.edited_summary or article.description or ""
    if not text.strip():
        text = article.body or ""
    text = " ".join(text.split())
    if len(text) <= SUMMARY_CHARS:
        return text
    cut = text[:SUMMARY_CHARS].rsplit(" ", 1)[0]
    return cut + "…"


def attribution_line(outlet: str, authors: list[str], url: str, date_text: str) -> str:
    """ "Originally published by <outlet> (by <authors>) on <date>: <url>"."""
    by = f" (by {', '.join(authors)})" if authors else ""
    return f"Originally published by {outlet}{by} on {date_text}: {url}"


def _updated(article: Article, approved_at: datetime) -> datetime:
    """When the item last changed for a reader: its approval, its publication, or the
    outlet's latest revision (a revisit that found a new text) when later."""
    moments = [approved_at, article.published_at or approved_at]
    if (article.revision or 1) > 1 and article.updated_at is not None:
        moments.append(article.updated_at)
    return max(moments)


def full_text_of(article: Article) -> str | None:
    """The body for a full-text export: paragraphs kept, bounded, XML-safe; None if empty."""
    text = (article.body or "").strip()
    if not text:
        return None
    if len(text) > FULL_TEXT_CHARS:
        text = text[:FULL_TEXT_CHARS].rsplit(" ", 1)[0] + "…"
    return xml_safe(text)


def export_item(article: Article, approved_at: datetime, *, full_text: bool = False) -> ExportItem:
    """The export view of a stored, approved article (with its body when ``full_text``)."""
    source = article.source
    outlet = (source.label or source.name) if source is not None else (article.site_name or "")
    authors = [a for a in (article.authors or []) if isinstance(a, str) and a.strip()]
    when = original_date(article)
    return ExportItem(
        id=article.id,
        url=http_url(article.url),
        guid=http_url(article.url) or f"urn:newsroom-aggregator:article:{article.id}",
        title=xml_safe(article.edited_title or article.title or article.url),
        summary=xml_safe(summary_of(article)),
        outlet=xml_safe(outlet),
        outlet_url=http_url(source.homepage) if source is not None else None,
        authors=[xml_safe(a) for a in authors],
        language=article.language,
        published=article.published_at or article.first_seen_at,
        original_date=when,
        updated=_updated(article, approved_at),
        attribution=xml_safe(attribution_line(outlet, authors, article.url, when)),
        body=full_text_of(article) if full_text else None,
    )
