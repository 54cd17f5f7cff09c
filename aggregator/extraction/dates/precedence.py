"""Choosing the publication and update dates of a page among everything it (and its feed) says.

Precedence for the publication date, most trusted first:

1. the source's own ``selectors.date`` (an operator's statement about this site), then on a
   wiki's revision view (MediaWiki diff or old revision) the time of the revision it shows,
2. JSON-LD ``datePublished`` (then ``dateCreated``) of the article object,
3. meta tags (``article:published_time``, ``og:published_time``, Dublin Core, ...),
4. ``<time datetime>`` / ``itemprop=datePublished`` in the article,
5. a Unix time in a date element's attribute (``data-time``: the printed text next to it may be
   in the reader's zone),
6. an absolute date in visible text near the headline, read in the source's languages and zone,
7. the feed or sitemap date we were given (``Hints``),
8. htmldate's search (text, then URL patterns), recorded as ``text`` or ``url``,
9. a relative date near the headline ("2 hours ago": often a sidebar widget, so it only
   counts when nothing better exists),
10. the date in the URL.

The first candidate that is plausible wins: not before 1995, not after the fetch time plus a
small slack. Among the structured ones (1-4), a day-precise winner takes the time of a later
candidate on the same local day, and a UTC ("Z") winner the offset of a later candidate for
the same instant, else the source's (or inferred) zone's offset: the local day is the
outlet's. Without a source, the page's own offsets and its URL's day help (:mod:`.offsets`).
Update dates come only from update fields and text ("Mis à jour le ..."), never from
publication fields; an update earlier than the publication is dropped. Visible update text is
only read when the page has no structured publication date.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta

from htmldate import find_date

from aggregator.extraction import selectors
from aggregator.extraction.article import DateOrigin, DateValue, Hints
from aggregator.extraction.dates.htmldate_languages import in_languages
from aggregator.extraction.dates.offsets import publisher_offset
from aggregator.extraction.dates.structured import (
    epoch_date,
    jsonld_dates,
    machine_or_human,
    meta_dates,
    revision_dates,
    time_dates,
    url_date,
)
from aggregator.extraction.dates.text import TextContext, TextDates, is_relative, read_text_dates
from aggregator.extraction.dates.validity import readable_text, spells_day, stated_impossible_date
from aggregator.extraction.dates.values import day_value, in_zone, parse_machine_date
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
    page: Page,
    context: TextContext,
    date_selector: str | None,
    hints: Hints | None,
    zone_known: bool = True,
    notes: list[str] | None = None,
) -> tuple[DateValue | None, DateValue | None]:
    """The page's (published, modified) dates following the precedence above.

    The structured finders are cheap and always run (they also give update dates); visible
    text, htmldate and the rest run only when those gave no plausible publication date.
    ``zone_known`` is False when ``context.zone`` is only a guess (no source): a time written
    in UTC then takes the offset the page itself suggests (:mod:`.offsets`), said in ``notes``.
    """
    modified_found: list[DateValue] = []
    structured = list(_structured_candidates(page, context, date_selector, modified_found))
    published = _refine(structured, context.fetched_at)
    if published is None:
        fallbacks = _fallback_candidates(page, context, hints, modified_found)
        published = next((v for v in fallbacks if plausible(v, context.fetched_at)), None)
    modified = next((m for m in modified_found if plausible(m, context.fetched_at)), None)
    if modified and published and modified.value < published.value:
        modified = None
    published = publisher_offset(published, page, context, zone_known, notes)
    return published, in_zone(modified, context.zone)


def _structured_candidates(
    page: Page, context: TextContext, date_selector: str | None, modified_found: list[DateValue]
) -> Iterator[DateValue]:
    """Selector, JSON-LD, meta and ``<time>`` candidates, in precedence order."""
    if date_selector:
        found = _selector_date(page, context, date_selector)
        if found.published:
            yield found.published
        modified_found.extend(filter(None, [found.modified]))
    finders: list[Callable[[Page, TextContext], tuple[list[DateValue], list[DateValue]]]] = [
        revision_dates, jsonld_dates, meta_dates, time_dates,
    ]  # fmt: skip
    seen: list[DateValue] = []
    for finder in finders:
        if finder is time_dates and modified_found and _final(seen, context.fetched_at):
            return  # <time> elements (a costly scan) could neither refine nor add anything
        published, modified = finder(page, context)
        modified_found.extend(modified)
        seen.extend(published)
        yield from published


def _fallback_candidates(
    page: Page, context: TextContext, hints: Hints | None, modified_found: list[DateValue]
) -> Iterator[DateValue]:
    """The rest, computed lazily: costly finders run only when the cheaper ones failed."""
    if from_epoch := epoch_date(page):
        yield from_epoch  # exact, where the printed text may be in the reader's zone
    text = visible_dates(page, context)
    modified_found.extend(filter(None, [text.modified]))
    relative = text.published and is_relative(text.published.raw)
    if text.published and not relative:
        yield text.published
    if hints and hints.published:
        origin: DateOrigin = "sitemap" if hints.origin == "sitemap" else "feed"
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


def _final(candidates: list[DateValue], fetched_at: datetime) -> bool:
    """The winner is known and precise: minute precision in the publisher's own offset."""
    valid = next((value for value in candidates if plausible(value, fetched_at)), None)
    return valid is not None and valid.precision == "minute" and valid.offset != "+00:00"


def _refine(candidates: list[DateValue], fetched_at: datetime) -> DateValue | None:
    """The first plausible structured candidate, refined by later ones on the same moment.

    A day gains a time of day from a candidate on the same local day; a time written in UTC
    gains the publisher's own offset from a candidate giving the same instant (JSON-LD often
    says ``Z`` where the meta tag says ``+10:00``), so the local day editors see is right.
    """
    valid = [value for value in candidates if plausible(value, fetched_at)]
    if not valid:
        return None
    chosen = valid[0]
    for value in valid[1:]:
        if chosen.precision == "day":
            if value.precision == "minute" and value.local_date() == chosen.value.date():
                chosen = value
        elif (
            value.value == chosen.value
            and chosen.offset == "+00:00"
            and value.offset
            not in (
                None,
                "+00:00",
            )
        ):
            chosen = value
    return chosen


def _only_a_year(page: Page, day: date) -> bool:
    """htmldate's 1 January that the page never writes: a year alone ("© 1998", a script's
    digits) read as a day. No date is better than that one."""
    return (day.month, day.day) == (1, 1) and not spells_day(readable_text(page), day)


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
    """htmldate's guess: strong on pages that state their date only in text or the URL. Its
    text dates are read in the context's languages (:mod:`.htmldate_languages`)."""
    latest = (context.fetched_at + timedelta(days=1)).astimezone(UTC).replace(tzinfo=None)
    languages = tuple(lang for lang in context.dateparser_languages() if lang)
    with warnings.catch_warnings(), in_languages(languages):
        warnings.simplefilter("ignore")
        try:
            found = find_date(
                page.tree, extensive_search=True, original_date=True,
                outputformat=_HTMLDATE_FORMAT, url=page.url,
                min_date=datetime(1995, 1, 1), max_date=latest,
            )  # fmt: skip
        except (ValueError, TypeError):
            return None
    if not found or stated_impossible_date(page):  # htmldate reads "31/02/2024" as 1 Feb
        return None
    from_url = url_date(page.url)
    if re.match(r"^\d{4}-\d\d-\d\dT00:00:00$", found):  # htmldate only knew the day
        day = date.fromisoformat(found[:10])
        origin: DateOrigin = "url" if from_url and from_url.value.date() == day else "text"
        if origin == "text" and _only_a_year(page, day):
            return None
        return day_value(day, origin, found)
    return parse_machine_date(found, context.zone, "text")
