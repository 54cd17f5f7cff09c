"""Reading article-list filters from a query string, the same way for the page, the API and exports.

A malformed value is dropped with a message rather than failing the page, so a stale
bookmark still opens.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from starlette.datastructures import QueryParams

from storage.article_filter import ArticleFilter
from storage.articles import STATUSES
from storage.base import MAX_ID

MAX_QUERY = 200
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})?$")
_SOURCE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")
KEYS = ("source", "language", "status", "from", "to", "q", "starred", "watch")


@dataclass
class ParsedFilter:
    filter: ArticleFilter
    params: dict[str, str]
    problems: list[str] = field(default_factory=list)

    def link(self, **changes: str | None) -> str:
        """A query string with these filters changed (None removes one); cursor dropped."""
        params = {**self.params, **changes}
        return "?" + urlencode({k: v for k, v in params.items() if v})


def _date(value: str, name: str, problems: list[str]) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.append(f"ignored {name}={value[:40]!r}: expected a date like 2026-01-31")
        return None


def parse_filter(query: QueryParams, *, statuses: tuple[str, ...] = STATUSES) -> ParsedFilter:
    """The filter the query string asks for, and what was ignored in it."""
    problems: list[str] = []
    kept: dict[str, str] = {}
    raw = {k: query.get(k, "").strip() for k in KEYS}
    source = raw["source"] if _SOURCE.match(raw["source"]) else None
    language = raw["language"].lower() if _LANGUAGE.match(raw["language"]) else None
    status = raw["status"] if raw["status"] in statuses else None
    for name, value, ok in (
        ("source", raw["source"], source),
        ("language", raw["language"], language),
        ("status", raw["status"], status),
    ):
        if value and not ok:
            problems.append(f"ignored {name}={value[:40]!r}")
        elif ok:
            kept[name] = value
    date_from = _date(raw["from"], "from", problems) if raw["from"] else None
    date_to = _date(raw["to"], "to", problems) if raw["to"] else None
    if date_from:
        kept["from"] = raw["from"]
    if date_to:
        kept["to"] = raw["to"]
    text = raw["q"][:MAX_QUERY] or None
    if text:
        kept["q"] = text
    starred = raw["starred"] in ("1", "true", "on")
    if starred:
        kept["starred"] = "1"
    watch = _watch(raw["watch"], problems)
    if watch is not None:
        kept["watch"] = str(watch)
    flt = ArticleFilter(
        source=source,
        language=language,
        status=status,
        date_from=date_from,
        date_to=date_to,
        query=text,
        starred=starred,
        watch=watch,
    )
    return ParsedFilter(flt, kept, problems)


def _watch(value: str, problems: list[str]) -> int | None:
    """A watch id (``?watch=3``): only the articles that watch hit."""
    if not value:
        return None
    if value.isdigit() and 0 < int(value) <= MAX_ID:
        return int(value)
    problems.append(f"ignored watch={value[:40]!r}: expected a watch id")
    return None


def bounded_int(value: str | None, default: int) -> int:
    """An integer query value, or ``default`` when absent or not a number."""
    try:
        return int(value) if value else default
    except ValueError:
        return default
