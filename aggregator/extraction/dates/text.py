"""Date lines printed for readers ("Publié le 3 février 2021, mis à jour le 4 février") read.

A line may give the publication and an update: we split it at the update words so an update
is never taken for the publication, and read each part with :func:`.reader.read_date`
(dateparser plus our rewrites, in the source's languages and zone; relative phrases resolve
against the fetch time *in that zone*, since dateparser reads ``RELATIVE_BASE`` as wall time).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from aggregator.extraction.article import DateOrigin, DateValue
from aggregator.extraction.dates import arabic, patterns, persian
from aggregator.extraction.dates.reader import TextContext, read_date

MAX_TEXT = patterns.MAX_TEXT


def looks_like_date(text: str) -> bool:
    """Cheap test before dateparser: a year, a numeric date, a relative phrase, a Hijri or
    Jalali date."""
    text = arabic.normalize(text).replace("’", "'")
    if patterns.DATEISH.search(text) or patterns.RELATIVE_WORD.search(text):
        return True
    if not arabic.has_arabic(text):
        return False
    return arabic.hijri_to_gregorian(text) is not None or persian.to_gregorian(text) != text


def is_relative(text: str) -> bool:
    """True for "2 hours ago", "il y a 3 jours", "منذ ساعتين", "hier"..."""
    text = arabic.normalize(text).replace("’", "'")
    return bool(patterns.RELATIVE_WORD.search(text)) and not patterns.DATEISH.search(text)


@dataclass(frozen=True)
class TextDates:
    """The publication and update dates one piece of text gave (either may be missing)."""

    published: DateValue | None = None
    modified: DateValue | None = None


def read_text_dates(text: str, context: TextContext, origin: DateOrigin = "text") -> TextDates:
    """Read "published ... / updated ..." text into dates; an update never counts as published.

    A month alone ("June 2020") is no publication date: the page's own day is wanted.
    """
    text = " ".join(text.split())
    if not text or len(text) > MAX_TEXT or not re.search(r"\d|[\u0660-\u0669]", text + "0"):
        return TextDates()
    text = arabic.normalize(text)
    marker = patterns.MODIFIED.search(text)
    if marker is None:
        return TextDates(published=parse_human_date(text, context, origin))
    before, after = text[: marker.start()], text[marker.end() :]
    return TextDates(
        published=parse_human_date(before, context, origin) if before.strip() else None,
        modified=parse_human_date(after, context, origin),
    )


def parse_human_date(text: str, context: TextContext, origin: DateOrigin) -> DateValue | None:
    """One human-written date of a page, at least day precise; None when there is none."""
    value = read_date(text, context, origin)
    return value if value is not None and value.precision != "month" else None
