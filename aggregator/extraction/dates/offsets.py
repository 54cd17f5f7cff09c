"""The publisher's UTC offset for a time the page wrote in UTC, when no source names its zone.

CMS write ``Z`` for convenience, so ``2020-05-02T02:54Z`` from a New York station is 22:54 on
1 May for its editors and readers: the outlet's day is the 1st. With a source, its configured
zone decides. Without one (``aggregator extract URL``, the benchmark), the page itself says more
than its domain does, in this order:

1. the zone inferred from the country domain or the language (``zones.py``), when there is one;
2. the offset the page's other timestamps are written in (a schedule in its scripts saying
   ``-0400``, ``<time datetime="...+05:30">``), when one offset dominates;
3. UTC;

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
from collections.abc import Iterator
from datetime import date, datetime, timedelta

from lxml import etree

from aggregator.extraction.article import DateValue
from aggregator.extraction.dates.structured import url_date
from aggregator.extraction.dates.text import TextContext
from aggregator.extraction.dates.validity import spells_day
from aggregator.extraction.dates.values import format_offset, in_zone
from aggregator.extraction.dates.visible import nearest_to_title
from aggregator.extraction.page import Page

# 2020-05-01T23:00:00-04:00, 2020-05-01T23:00:00.000+0530, Fri, 01 May 2020 23:00:00 -0400:
# one pattern, anchored on the digit and "T" or space before the hour (one C-speed scan).
# Found from the offset back: a sign and four digits are rarer in scripts than the digits a
# pattern opening on the time would be tried at (a third less time on the dev pages, same finds).
_SIGNED = re.compile(r"[+-]\d\d:?\d\d(?![\d:])")
_TIME_BEFORE = re.compile(r"\d[T ]\d\d:\d\d(?::\d\d)?(?:\.\d+)? ?$")
_STAMPED = etree.XPath("//script/text()|//time/@datetime")  # where timestamps are
_TIME_CHARS = 40  # "2020-05-01T23:00:00.000000 " and more
# A zone written in a date text: a name of UTC, or a numeric offset.
_WRITTEN_ZONE = re.compile(r"(?<![^\W\d_])(?:UTC|GMT|Z)(?![^\W\d_])|[+-]\d\d:?\d\d(?!\d)")
_SCANNED = 1_000_000  # characters of scripts and attributes read: enough for any real page
_LARGEST = timedelta(hours=14)


def publisher_offset(
    value: DateValue | None,
    page: Page,
    context: TextContext,
    zone_known: bool,
    notes: list[str] | None = None,
) -> DateValue | None:
    """``value`` shown in the publisher's offset when it was written in UTC (see module doc).

    When the offset comes from the page rather than a zone, ``notes`` (the article's
    warnings) says so: the day shown is then our inference.
    """
    zoned = in_zone(value, context.zone)
    if value is None or value.precision != "minute" or value.offset != "+00:00" or zone_known:
        return zoned
    wall = _wall_clock(value)
    from_url = url_date(page.url)
    url_day = from_url.value.date() if from_url else None
    for offset, reason in _candidates(page, context, zoned):
        local = value.value.date() if wall else _local_day(value.value, _delta(offset))
        if url_day is None or local == url_day:
            if reason:
                _note(notes, value, offset, reason, wall)
            return _moved(value, offset, wall)
    if wall or url_day is None or url_day == value.value.date() or not _prints_day(page, url_day):
        return value  # a URL's day alone may be the draft's: the page must show it too
    reaching = _offset_reaching(value.value, url_day)
    if reaching is None:
        return value
    _note(notes, value, reaching, "nearest offset giving the day its URL and date line show", wall)
    return _with_offset(value, reaching)


def _wall_clock(value: DateValue) -> bool:
    """A time read from text that wrote no zone ("05:33, 7 April 2020"): UTC was our guess.

    Such a time is the publisher's clock, so at the publisher's offset it is the same clock
    (05:33 at -07:00), where a time written in UTC is the same instant (``Z`` shown at -07:00).
    """
    return value.origin == "text" and _WRITTEN_ZONE.search(value.raw) is None


def _moved(value: DateValue, offset: str, wall: bool) -> DateValue:
    if not wall:
        return _with_offset(value, offset)
    moment = value.value - _delta(offset)
    return DateValue(moment, offset, value.origin, value.precision, value.raw)


def _note(notes: list[str] | None, value: DateValue, offset: str, reason: str, wall: bool) -> None:
    if notes is not None:
        how = "(no zone written) read at" if wall else "(UTC) shown at"
        notes.append(f"no source: publication time {value.raw!r} {how} {offset}, the "
                     f"{reason} (pass --source)")  # fmt: skip


def _candidates(
    page: Page, context: TextContext, zoned: DateValue | None
) -> Iterator[tuple[str, str]]:
    """(offset, reason to say so) to try, lazily: a zone inferred from the country or language
    before the page's own timestamps (scripts may embed a third party's), those before UTC."""
    inferred = str(context.zone) not in ("UTC", "Etc/UTC")
    if inferred and zoned is not None and zoned.offset:
        yield zoned.offset, ""  # the zone's own warning already names it
    if found := page_offset(page):
        yield found, "offset of the page's own timestamps"
    yield "+00:00", ""


def _prints_day(page: Page, day: date) -> bool:
    """Whether a date line near the headline spells ``day`` ("| 17 de Febrero 2020").

    A cheap check without dateparser: it only has to confirm a day we already have, on the few
    pages where a URL and a UTC time disagree.
    """
    return any(spells_day(text, day) for text in nearest_to_title(page.tree))


def page_offset(page: Page) -> str | None:
    """The non-zero offset most of the page's explicit timestamps are written in, if any."""
    texts = _STAMPED(page.tree)
    joined = "\n".join(map(str, texts))[:_SCANNED]
    counts = Counter(
        offset for offset in map(_normal, _offsets(joined)) if offset and offset != "+00:00"
    )
    if not counts:
        return None
    offset, count = counts.most_common(1)[0]
    return offset if 2 * count > sum(counts.values()) else None


def _offsets(text: str) -> Iterator[str]:
    """Every UTC offset written right after a time ("23:00:00-04:00", "23:00 +0530")."""
    for match in _SIGNED.finditer(text):
        if _TIME_BEFORE.search(text, max(match.start() - _TIME_CHARS, 0), match.start()):
            yield match.group(0)


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
