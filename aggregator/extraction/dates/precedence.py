"""Choosing the publication and update dates of a page among everything it (and its feed) says.

Precedence for the publication date, most trusted first:

1. the source's own ``selectors.date`` (an operator's statement about this site),
2. JSON-LD ``datePublished`` (then ``dateCreated``) of the article object,
3. meta tags (``article:published_time``, ``og:published_time``, Dublin Core, ...),
4. ``<time datetime>`` / ``itemprop=datePublished`` in the article,
5. an absolute date in visible text near the headline, read in the source's languages and zone,
6. the feed or sitemap date we were given (``Hints``),
7. htmldate's search (text, then URL patterns), recorded as ``text`` or ``url``,
8. a relative date near the headline ("2 hours ago": often a sidebar widget, so it only
   counts when nothing better exists),
9. the date in the URL.

The first candidate that is plausible wins: not before 1995, not after the fetch time plus a
small slack. When the winner is day-precise and a later candidate gives a time on the same
local day, the time is taken. Update dates come only from update fields and text ("Mis à jour
le ..."), never from publication fields, and an update earlier than the publication is dropped.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta

from htmldate import find_date

from aggregator.extraction import selectors
from aggregator.extraction.article import DateValue, Hints
from aggregator.extraction.dates.structured import (
    jsonld_dates,
    machine_or_human,
    meta_dates,
    time_dates,
    url_date,
)
from aggregator.extraction.dates.text import TextContext, TextDates, is_relative, read_text_dates
from aggregator.extraction.dates.values import day_value, parse_machine_date
from aggregator.extraction.dates.visible import visible_dates
from aggregator.extraction.page import Page

EARLIEST = date(1995, 1, 1)
SLACK = timedelta(minutes=30)  # clocks and CMS disagree a little; more than this is not news
_HTMLDATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


def plausible(value: DateValue, fetched_at: datetime) -> bool:
    """Not before 1995 and not in the future (a local day may run up to UTC+14 ahead)."""
    if value.value.date() < EARLIEST:
        return False
    if value.precision == "day":
        return value.value.date() <= (fetched_at + timedelta(hours=14)).date()
    return value.value <= fetched_at + SLACK


def find_dates(
    page: Page, context: TextContext, date_selector: str | None, hints: Hints | None
) -> tuple[DateValue | None, DateValue | None]:
    """The page's (published, modified) dates following the precedence above."""
    modified_found: list[DateValue] = []
    published = _first_plausible(
        _published_candidates(page, context, date_selector, hints, modified_found),
        context.fetched_at,
    )
    modified = next((m for m in modified_found if plausible(m, context.fetched_at)), None)
    if modified and published and modified.value < published.value:
        modified = None
    return published, modified


def _published_candidates(
    page: Page,
    context: TextContext,
    date_selector: str | None,
    hints: Hints | None,
    modified_found: list[DateValue],
) -> Iterator[DateValue]:
    """Candidates in precedence order, computed lazily: costly finders run only when needed."""
    if date_selector:
        found = _selector_date(page, context, date_selector)
        if found.published:
            yield found.published
        modified_found.extend(filter(None, [found.modified]))
    finders: list[Callable[[Page, TextContext], tuple[list[DateValue], list[DateValue]]]] = [
        jsonld_dates, meta_dates, time_dates,
    ]  # fmt: skip
    for finder in finders:
        published, modified = finder(page, context)
        modified_found.extend(modified)
        yield from published
    text = visible_dates(page, context)
    modified_found.extend(filter(None, [text.modified]))
    relative = text.published and is_relative(text.published.raw)
    if text.published and not relative:
        yield text.published
    if hints and hints.published:
        origin = "sitemap" if hints.origin == "sitemap" else "feed"
        hint = machine_or_human(hints.published, context, origin)
        if hint:
            yield hint
    guess = _htmldate(page, context)
    if guess and not any(_same(guess, m) for m in modified_found):
        yield guess  # htmldate falls back to update dates: those are not publications
    if text.published and relative:
        yield text.published
    if from_url := url_date(page.url):
        yield from_url


def _first_plausible(candidates: Iterator[DateValue], fetched_at: datetime) -> DateValue | None:
    chosen = None
    for value in candidates:
        if not plausible(value, fetched_at):
            continue
        if chosen is None:
            chosen = value
            if value.precision == "minute":
                return value
        elif value.precision == "minute" and value.local_date() == chosen.value.date():
            return value  # same day, now with the time of day
    return chosen


def _same(a: DateValue, b: DateValue) -> bool:
    if a.precision == "day" or b.precision == "day":
        return a.local_date() == b.local_date()
    return a.value == b.value


def _selector_date(page: Page, context: TextContext, expression: str) -> TextDates:
    text = selectors.first_text(page.tree, expression)
    if not text:
        return TextDates()
    value = parse_machine_date(text, context.zone, "selector")
    if value is not None:
        return TextDates(published=value)
    return read_text_dates(text, context, origin="selector")


def _htmldate(page: Page, context: TextContext) -> DateValue | None:
    """htmldate's guess: strong on pages that state their date only in text or the URL."""
    latest = (context.fetched_at + timedelta(days=1)).astimezone(UTC).replace(tzinfo=None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            found = find_date(
                page.tree, extensive_search=True, original_date=True,
                outputformat=_HTMLDATE_FORMAT, url=page.url,
                min_date=datetime(1995, 1, 1), max_date=latest,
            )  # fmt: skip
        except (ValueError, TypeError):
            return None
    if not found:
        return None
    from_url = url_date(page.url)
    if re.match(r"^\d{4}-\d\d-\d\dT00:00:00$", found):  # htmldate only knew the day
        day = date.fromisoformat(found[:10])
        origin = "url" if from_url and from_url.value.date() == day else "text"
        return day_value(day, origin, found)
    return parse_machine_date(found, context.zone, "text")
