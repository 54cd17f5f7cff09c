"""Dates a page states for machines: JSON-LD, meta tags, ``<time datetime>``, the URL, and
the revision line of a wiki's revision view.

Each finder returns candidates in its own order of trust. Modification fields feed only the
``modified`` list: an update time is never a publication time.
"""

from __future__ import annotations

import re
from datetime import UTC, date

from lxml import etree

from aggregator.extraction.article import DateOrigin, DateValue
from aggregator.extraction.dates.text import TextContext, parse_human_date
from aggregator.extraction.dates.values import day_value, parse_machine_date
from aggregator.extraction.page import Page

PUBLISHED_META = (
    "article:published_time", "og:article:published_time", "og:published_time",
    "article:published", "datepublished", "published_time", "publish-date", "publish_date",
    "publishdate", "pubdate", "publication_date", "article.published", "article_date_original",
    "originalpublicationdate", "sailthru.date", "parsely-pub-date", "dc.date.issued",
    "dcterms.issued", "dc.date.created", "dcterms.created", "dc.date", "dcterms.date",
    "cxenseparse:recs:publishtime", "date", "datecreated", "created",
)  # fmt: skip
MODIFIED_META = (
    "article:modified_time", "og:updated_time", "article:updated_time", "datemodified",
    "dcterms.modified", "dc.date.modified", "last-modified", "modified_time",
)  # fmt: skip
_MODIFIED_CONTEXT = re.compile(r"updat|modif|edited|actualis|aktualis|تحديث", re.IGNORECASE)
_EPOCH_ATTRIBUTES = ("data-time", "data-timestamp", "data-utime", "data-time-ms", "data-epoch")
_EPOCH_ELEMENTS_XPATH = etree.XPath("|".join(f"//*[@{name}]" for name in _EPOCH_ATTRIBUTES))
# Compiled once: these run on every page.
_TIME_ELEMENTS = etree.XPath(
    '//*[@itemprop][@itemprop="datePublished" or @itemprop="dateModified"][not(self::meta)]'
    "|//time[@datetime]"
)
_IN_ARTICLE = etree.XPath("boolean(ancestor::article|ancestor::main)")
_EPOCH = re.compile(r"^(?:\d{10}|\d{13})$")  # seconds or milliseconds since 1970
_EPOCH_ELEMENTS = 20
# MediaWiki's revision views name the revision shown: a diff its newer side ("Latest revision
# as of 05:33, 7 April 2020"), an old revision its header ("Revision as of ..."). That revision
# is what the page publishes; its JSON-LD datePublished is the wiki page's creation, years back.
_REVISION_LINES = ("mw-diff-ntitle1", "mw-revision-date", "mw-revision-info")
_REVISION_LINE = etree.XPath("|".join(f"//*[@id='{name}']" for name in _REVISION_LINES))
_URL_DATE = re.compile(
    r"/((?:199[5-9]|20[0-4]\d))[/_-]?(0[1-9]|1[0-2])[/_-]?(0[1-9]|[12]\d|3[01])(?:[/_.-]|$)"
)


def machine_or_human(text: str, context: TextContext, origin: DateOrigin) -> DateValue | None:
    """A structured field is usually ISO 8601, but some CMS write "June 7, 2020" there."""
    value = parse_machine_date(text, context.zone, origin)
    if value is None and len(text) <= 80:
        value = parse_human_date(text, context, origin)
    return value


def revision_dates(page: Page, context: TextContext) -> tuple[list[DateValue], list[DateValue]]:
    """The time of the revision a wiki's revision view shows (MediaWiki's own header line).

    Only on pages MediaWiki says it generated: finding an element by id scans the whole tree.
    """
    if not (page.meta_first("generator") or "").lower().startswith("mediawiki"):
        return [], []
    for element in _REVISION_LINE(page.tree)[:1]:
        value = parse_human_date(element.text_content()[:200], context, "text")
        if value is not None:
            return [value], []
    return [], []


def jsonld_dates(page: Page, context: TextContext) -> tuple[list[DateValue], list[DateValue]]:
    """datePublished (then dateCreated) and dateModified of the article's JSON-LD object."""
    published: list[DateValue] = []
    modified: list[DateValue] = []
    if page.article is None:
        return published, modified
    for key, bucket in (
        ("datePublished", published),
        ("dateCreated", published),
        ("dateModified", modified),
    ):
        raw = page.article.get(key)
        if isinstance(raw, list) and raw:
            raw = raw[0]
        if isinstance(raw, str) and (value := machine_or_human(raw, context, "jsonld")):
            bucket.append(value)
    return published, modified


def meta_dates(page: Page, context: TextContext) -> tuple[list[DateValue], list[DateValue]]:
    """Publication and modification meta tags, in :data:`PUBLISHED_META` order."""
    found: tuple[list[DateValue], list[DateValue]] = ([], [])
    for names, bucket in ((PUBLISHED_META, found[0]), (MODIFIED_META, found[1])):
        for name in names:
            raw = page.meta_first(name)
            if raw and (value := machine_or_human(raw, context, "meta")):
                bucket.append(value)
                break
    return found


def time_dates(page: Page, context: TextContext) -> tuple[list[DateValue], list[DateValue]]:
    """``<time datetime>`` and ``itemprop=datePublished`` elements, those in the article first."""
    published: list[DateValue] = []
    modified: list[DateValue] = []
    elements = _TIME_ELEMENTS(page.tree)
    inside = [e for e in elements if _IN_ARTICLE(e)]
    for element in (inside or elements)[:20]:
        raw = element.get("datetime") or element.get("content") or element.text_content()
        value = machine_or_human(raw.strip()[:100], context, "time") if raw else None
        if value is None:
            continue
        hint = " ".join(
            filter(
                None,
                [
                    element.get("itemprop"),
                    element.get("class"),
                    (element.getparent().get("class") if element.getparent() is not None else None),
                    element.text_content()[:60],
                ],
            )
        )
        is_modified = element.get("itemprop") == "dateModified" or (
            element.get("itemprop") != "datePublished" and bool(_MODIFIED_CONTEXT.search(hint))
        )
        (modified if is_modified else published).append(value)
    return published, modified


def epoch_date(page: Page) -> DateValue | None:
    """The instant in a date element's Unix-time attribute (``data-time="1594448702"``).

    Pages carry these so that a script can print the time in the reader's zone: the printed
    text ("11:25 PM - 10 Jul 2020") is then the zone of whoever rendered the page, the
    attribute the real instant. Those in the article come first.
    """
    elements = _EPOCH_ELEMENTS_XPATH(page.tree)
    inside = [e for e in elements[:_EPOCH_ELEMENTS] if _IN_ARTICLE(e)]
    for element in inside or elements[:_EPOCH_ELEMENTS]:
        for name in _EPOCH_ATTRIBUTES:
            raw = (element.get(name) or "").strip()
            if _EPOCH.match(raw):
                return parse_machine_date(raw, UTC, "time")
    return None


def url_date(url: str) -> DateValue | None:
    """The day in article URLs such as ``/2021/02/03/slug`` or ``/20210203-slug``."""
    match = _URL_DATE.search(url.split("?", 1)[0])
    if match is None:
        return None
    try:
        day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None
    return day_value(day, "url", match.group(0))
