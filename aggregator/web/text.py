"""Turning scraped strings into safe, readable page parts: direction, links, paragraphs.

Everything here returns plain text or None; the templates escape it (autoescape is on).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aggregator.exports.item import http_url, local_zone

# Languages written right to left (ISO 639-1 and a few 639-3 codes crawls report).
RTL = frozenset({"ar", "arz", "ary", "fa", "he", "iw", "ur", "ps", "yi", "ckb", "dv", "sd", "ug"})
MAX_HREF = 2048
MAX_PARAGRAPHS = 400
MAX_LEAD_SEARCH = 5  # the description repeats one of the first paragraphs, if any
_BLANK = re.compile(r"\n\s*\n|\n")


def direction(language: str | None) -> str:
    """The ``dir`` attribute for text in ``language``: rtl, ltr, or auto when unknown."""
    if not language:
        return "auto"
    base = language.lower().split("-", 1)[0].split("_", 1)[0]
    return "rtl" if base in RTL else "ltr"


def safe_href(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) URL we may link to, else None.

    ``javascript:``, ``data:`` and any other scheme render as inert text.
    """
    return http_url(url, MAX_HREF)


def paragraphs(body: str | None) -> list[str]:
    """The article body as a bounded list of non-empty paragraphs of plain text."""
    if not body:
        return []
    parts = (p.strip() for p in _BLANK.split(body))
    return [p for p in parts if p][:MAX_PARAGRAPHS]


def lead(description: str | None, body: str | None) -> str | None:
    """The description to show above the body, or None when the body already opens a
    paragraph with it (outlets often copy their first paragraph into the description, and
    the page would show it twice)."""
    if not description or not description.strip():
        return None
    wanted = _folded(description).rstrip("…").rstrip(".").strip()
    for paragraph in paragraphs(body)[:MAX_LEAD_SEARCH]:
        if _folded(paragraph).startswith(wanted):
            return None
    return description


def _folded(text: str) -> str:
    return " ".join(text.split()).casefold()


def local_time(
    moment: datetime | None, offset: str | None = None, precision: str | None = None
) -> str:
    """A stored UTC time shown in the outlet's own offset, cut to the precision it was known."""
    if moment is None:
        return "—"
    local = moment.astimezone(local_zone(offset))
    if precision in ("day", "month", "year"):
        return local.strftime({"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}[precision])
    return (
        local.strftime("%Y-%m-%d %H:%M ")
        + local.strftime("%z")[:3]
        + ":"
        + local.strftime("%z")[3:]
    )


def zone_time(moment: datetime | None, zone: str | None) -> str:
    """A stored UTC time in the editor's zone (an IANA name; None or unknown: UTC), with
    the zone's abbreviation, so a desk in three countries reads one clock."""
    if moment is None:
        return "—"
    try:
        tz: tzinfo = ZoneInfo(zone) if zone else UTC
    except (ZoneInfoNotFoundError, ValueError):
        tz = UTC
    local = moment.astimezone(tz)
    return local.strftime("%Y-%m-%d %H:%M ") + (local.tzname() or "UTC")


def utc_time(moment: datetime | None) -> str:
    """A UTC time for history lists."""
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "—"
