"""The publisher's UTC offset for a time the page wrote in UTC, when no source names its zone.

CMS write ``Z`` for convenience, so ``2020-05-02T02:54Z`` from a New York station is 22:54 on
1 May for its editors and readers: the outlet's day is the 1st. With a source, its configured
zone decides. Without one (``aggregator extract URL``, the benchmark), the page itself says more
than its domain does, in this order:

1. the offset the page's other timestamps are written in (a schedule in its scripts saying
   ``-0400``, ``<time datetime="...+05:30">``), when one offset dominates;
2. the zone inferred from the country domain or the language (``zones.py``);

and the day in the URL (``/2020/02/17/slug``, stamped by the CMS in local time) checks them: an
offset whose local day is not the URL's day is not the publisher's. When none fits and the
page also prints the URL's day near its headline ("| 17 de Febrero 2020" over a JSON-LD
``2020-02-18T02:18Z``), the smallest whole-hour offset that reaches that day is taken (its day
is what matters; the hour it shows is approximate). A URL's day alone moves nothing: some CMS
stamp the day the draft was created, a day or more before publication.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, timedelta

from aggregator.extraction.article import DateValue
from aggregator.extraction.dates.structured import url_date
from aggregator.extraction.dates.text import TextContext, is_relative
from aggregator.extraction.dates.values import format_offset, in_zone
from aggregator.extraction.dates.visible import visible_dates
from aggregator.extraction.page import Page

# 2020-05-01T23:00:00-04:00, 2020-05-01T23:00:00.000+0530
_ISO_OFFSET = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d)?(?:\.\d+)?([+-]\d\d:?\d\d)(?!\d)")
# Fri, 01 May 2020 23:00:00 -0400
_RFC_OFFSET = re.compile(r"\b\d{1,2} [A-Z][a-z]{2} \d{4} \d\d:\d\d(?::\d\d)? ([+-]\d{4})\b")
_SCANNED = 1_000_000  # characters of scripts and attributes read: enough for any real page
_LARGEST = timedelta(hours=14)


def publisher_offset(
    value: DateValue | None, page: Page, context: TextContext, zone_known: bool
) -> DateValue | None:
    """``value`` shown in the publisher's offset when it was written in UTC (see module doc)."""
    zoned = in_zone(value, context.zone)
    if value is None or value.precision != "minute" or value.offset != "+00:00" or zone_known:
        return zoned
    from_url = url_date(page.url)
    url_day = from_url.value.date() if from_url else None
    for offset in filter(None, [page_offset(page), zoned.offset if zoned else None]):
        if url_day is None or _local_day(value.value, _delta(offset)) == url_day:
            return _with_offset(value, offset)
    if url_day is None or url_day == value.value.date() or _shown_day(page, context) != url_day:
        return value  # a URL's day alone may be the draft's: the page must show it too
    reaching = _offset_reaching(value.value, url_day)
    return _with_offset(value, reaching) if reaching else value


def _shown_day(page: Page, context: TextContext) -> date | None:
    """The day the page prints near its headline (dateparser: run only when it decides)."""
    shown = visible_dates(page, context).published
    return shown.local_date() if shown and not is_relative(shown.raw) else None


def page_offset(page: Page) -> str | None:
    """The non-zero offset most of the page's explicit timestamps are written in, if any."""
    texts = page.tree.xpath("//script/text()|//time/@datetime")
    counts: Counter[str] = Counter()
    size = 0
    for text in texts:
        text = str(text)
        size += len(text)
        for match in (*_ISO_OFFSET.finditer(text), *_RFC_OFFSET.finditer(text)):
            offset = _normal(match.group(1))
            if offset and offset != "+00:00":
                counts[offset] += 1
        if size > _SCANNED:
            break
    if not counts:
        return None
    offset, count = counts.most_common(1)[0]
    return offset if 2 * count > sum(counts.values()) else None


def _normal(text: str) -> str | None:
    """``-0400`` or ``-04:00`` as ``-04:00``; None for an offset no place on Earth has."""
    digits = text[1:].replace(":", "")
    delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    if delta > _LARGEST or int(digits[2:]) >= 60:
        return None
    return format_offset(-delta if text[0] == "-" else delta)


def _delta(offset: str) -> timedelta:
    sign = -1 if offset[0] == "-" else 1
    hours, minutes = offset[1:].split(":")
    return sign * timedelta(hours=int(hours), minutes=int(minutes))


def _local_day(moment: datetime, delta: timedelta) -> date:
    return (moment + delta).date()


def _offset_reaching(moment: datetime, day: date) -> str | None:
    """The whole-hour offset nearest to UTC whose local day is ``day`` (None if none can)."""
    for hours in range(1, 15):
        for delta in (timedelta(hours=-hours), timedelta(hours=hours)):
            # Offsets on Earth run from -12:00 to +14:00.
            if delta >= timedelta(hours=-12) and _local_day(moment, delta) == day:
                return format_offset(delta)
    return None


def _with_offset(value: DateValue, offset: str) -> DateValue:
    return DateValue(value.value, offset, value.origin, value.precision, value.raw)
