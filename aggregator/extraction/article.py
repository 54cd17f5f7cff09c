"""The typed result of extraction: what the rest of the system knows about a page."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, Literal

# The storable article floor: a body with fewer words is no article (a gallery, a stub, a bot
# wall). The crawl drops such pages and ``sources check`` reports them, by :func:`rejection`.
MIN_ARTICLE_WORDS = 40

DateOrigin = Literal["jsonld", "meta", "time", "feed", "sitemap", "text", "url", "selector"]
Precision = Literal["day", "minute", "month"]


@dataclass(frozen=True)
class DateValue:
    """A date we trust: aware UTC, the offset it was written in, its origin and precision.

    ``value`` is UTC. For a day-precision date it is midnight UTC *of the local calendar day*
    the page gave, so converting zones never moves the day (see shared/notes/dates.md); a
    month-precision one ("June 2020", only from ``parse_date_string``) is its first day.
    """

    value: datetime
    # The UTC offset the time was written in ("+04:00"; "Z" becomes "+00:00"): the page's own,
    # or the source's zone when the page gave a bare local time. None for day precision.
    offset: str | None
    origin: DateOrigin
    precision: Precision
    raw: str = ""

    def iso(self) -> str:
        """ISO 8601 in UTC; a day-precision date as ``YYYY-MM-DD``."""
        if self.precision == "day":
            return self.value.date().isoformat()
        if self.precision == "month":
            return self.value.strftime("%Y-%m")
        return self.value.isoformat().replace("+00:00", "Z")

    def local_date(self) -> date:
        """The calendar day as the page meant it (in its own offset), e.g. for scoring."""
        if self.precision in ("day", "month") or not self.offset:
            return self.value.date()
        sign = -1 if self.offset.startswith("-") else 1
        hours, minutes = self.offset[1:].split(":")
        shift = timedelta(hours=int(hours), minutes=int(minutes)) * sign
        return self.value.astimezone(timezone(shift)).date()


@dataclass(frozen=True)
class BodyLink:
    """A link in the body to another site's page, and the words it was written on."""

    url: str
    anchor: str


@dataclass(frozen=True)
class ExtractedArticle:
    """Everything extraction learned from one page. Produced by ``extract_article``."""

    url: str
    canonical_url: str | None = None
    title: str | None = None
    body: str = ""
    authors: list[str] = field(default_factory=list)
    published: DateValue | None = None
    modified: DateValue | None = None
    language: str | None = None
    language_declared: str | None = None
    language_detected: str | None = None
    description: str | None = None
    top_image: str | None = None
    site_name: str | None = None
    section: str | None = None
    tags: list[str] = field(default_factory=list)
    word_count: int = 0
    paywalled: bool = False
    challenge: bool = False
    # Inline links of the body to other sites' pages: credits the text may not spell out.
    links: list[BodyLink] = field(default_factory=list)
    # How the body was obtained ("selector", "trafilatura", "fallback") and any warnings.
    method: str = "trafilatura"
    warnings: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (what ``aggregator extract`` prints)."""
        data = asdict(self)
        for key in ("published", "modified"):
            value: DateValue | None = getattr(self, key)
            data[key] = value.iso() if value else None
            data[f"{key}_detail"] = (
                {
                    "utc": value.value.isoformat(),
                    "offset": value.offset,
                    "origin": value.origin,
                    "precision": value.precision,
                    "raw": value.raw,
                }
                if value
                else None
            )
        return data


@dataclass(frozen=True)
class Hints:
    """What a feed or sitemap said about an article before we fetched it.

    Extraction uses them when the page itself is silent (a feed date beats no date, never a
    date the page states), and they are recorded with origin ``feed`` or ``sitemap``.
    """

    title: str | None = None
    published: str | None = None  # as written in the feed/sitemap (RFC 822, W3C, ...)
    language: str | None = None
    origin: Literal["feed", "sitemap", "links"] = "feed"


def rejection(article: ExtractedArticle) -> str | None:
    """Why an extraction is not a storable article (None when it is)."""
    if article.challenge:
        return "challenge"
    if not article.body.strip():
        return "empty_extraction"
    if article.word_count < MIN_ARTICLE_WORDS:
        return "too_short"
    return None
