"""Dates printed for readers near the headline ("Publié le ...", "منذ ساعتين", "Feb 3, 2021").

We look only at short elements whose class or id says date/time/byline, closest to the ``<h1>``
first: a date in the sidebar or footer belongs to another story or to the copyright line.
"""

from __future__ import annotations

import re

from lxml import etree
from lxml.html import HtmlElement

from aggregator.extraction.article import DateValue
from aggregator.extraction.dates.patterns import is_ambiguous_numeric
from aggregator.extraction.dates.structured import url_date
from aggregator.extraction.dates.text import (
    MAX_TEXT,
    TextContext,
    TextDates,
    is_relative,
    looks_like_date,
    read_text_dates,
)
from aggregator.extraction.dates.values import day_value
from aggregator.extraction.page import Page

MAX_ELEMENTS = 8
MAX_EXAMINED = 40
_LINES_UNDER = 2  # siblings after the headline read as a possible date line
_MARKED = re.compile(r"date|time|publi|posted|byline|dateline|meta|info|tarikh", re.IGNORECASE)
_SKIP = frozenset({"script", "style", "a", "meta", "link", "head", "title", "noscript", "svg"})


def visible_dates(page: Page, context: TextContext) -> TextDates:
    """The first publication and update dates readable near the title.

    An absolute date beats a relative one ("3 hours ago" is often a sidebar widget); a
    relative one is used when it is all the page gives. A numeric date whose day and month
    could be swapped ("03/05/2013") is read in the page's language order, unless another date
    on the page (an unambiguous one nearby, or the URL's) agrees only with the other reading.
    """
    published = modified = relative = ambiguous = None
    others: list[DateValue] = []
    for text in nearest_to_title(page.tree):
        if not looks_like_date(text):
            continue
        found = read_text_dates(text, context)
        modified = modified or found.modified
        if found.published is None:
            continue
        if is_relative(found.published.raw):
            relative = relative or found.published
        elif is_ambiguous_numeric(found.published.raw):
            ambiguous = ambiguous or found.published
        elif ambiguous is not None:
            others.append(found.published)  # only to settle the ambiguous one's reading
        else:
            published = found.published
            break
    if ambiguous is not None:
        published = _settled(ambiguous, [*others, *filter(None, [url_date(page.url)])])
    return TextDates(published=published or relative, modified=modified)


def _settled(value: DateValue, others: list[DateValue]) -> DateValue:
    """A day/month-ambiguous date, swapped when the other dates agree only with the swap."""
    day = value.local_date()
    try:
        swapped = day.replace(month=day.day, day=day.month)
    except ValueError:
        return value
    days = {other.local_date() for other in others}
    if day in days or swapped not in days:
        return value
    if value.precision == "day":
        return day_value(swapped, value.origin, value.raw)
    return DateValue(
        value.value + (swapped - day), value.offset, value.origin, value.precision, value.raw
    )


def nearest_to_title(tree: HtmlElement) -> list[str]:
    """Texts of short date-like elements, nearest to the first ``<h1>`` first.

    One pass over the tree in Python: an XPath testing class and id with translate() and
    contains() costs ten times more on large pages.
    """
    marked: list[tuple[int, HtmlElement]] = []
    headings: list[tuple[int, HtmlElement]] = []
    for index, element in enumerate(tree.iter(etree.Element)):
        tag = element.tag
        if tag in ("h1", "h2"):
            headings.append((index, element))
        if tag in _SKIP:
            continue
        attributes = f"{element.get('class', '')} {element.get('id', '')}"
        if tag == "time" or (len(attributes) > 1 and _MARKED.search(attributes)):
            marked.append((index, element))
    anchor = _headline_index(headings)
    if anchor is not None:
        marked.extend(_date_lines_under(headings, anchor))
        # Before the headline sit the site header's "today is ..." and the menu: count double.
        marked.sort(
            key=lambda item: item[0] - anchor if item[0] > anchor else 2 * (anchor - item[0])
        )
    texts: list[str] = []
    for _, element in marked[:MAX_EXAMINED]:
        # Pieces joined by a space: "News24<br>13 Jan 2020" is not "News2413 Jan 2020".
        text = " ".join(" ".join(element.itertext()).split())
        if 0 < len(text) <= MAX_TEXT and text not in texts:
            texts.append(text)
            if len(texts) == MAX_ELEMENTS:
                break
    return texts


def _headline_index(headings: list[tuple[int, HtmlElement]]) -> int | None:
    """Position of the headline: the first ``<h1>`` of a few words (many logos are an h1).

    A page without one often has its headline in an ``<h2>``: the first of a few words then.
    """
    for wanted in ("h1", "h2"):
        for index, element in headings:
            if element.tag == wanted and len(element.text_content().split()) >= 3:
                return index
    return next((index for index, element in headings if element.tag == "h1"), None)


def _date_lines_under(
    headings: list[tuple[int, HtmlElement]], anchor: int
) -> list[tuple[int, HtmlElement]]:
    """The short unmarked elements right after the headline: where a date line sits.

    Many templates put "Agency<br>13 Jan 2020, 22:11 GMT+10" in a bare ``<p>`` under the
    headline; given the headline's position plus one, it comes before any marked element.
    """
    headline = next(element for index, element in headings if index == anchor)
    lines: list[tuple[int, HtmlElement]] = []
    sibling = headline.getnext()
    while sibling is not None and len(lines) < _LINES_UNDER:
        if isinstance(sibling.tag, str) and sibling.tag not in _SKIP:
            lines.append((anchor + 1, sibling))
        sibling = sibling.getnext()
    return lines
