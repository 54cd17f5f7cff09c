"""Turning what a page wrote into a :class:`DateValue`: UTC, offset, precision, origin.

The one rule that matters (shared/notes/dates.md): a day-only date keeps the page's *local*
calendar day. It is stored as midnight UTC of that day with precision ``day``, so no time
zone conversion can move it to the day before.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime

from aggregator.extraction.article import DateOrigin, DateValue

# 2021-02-04, 2021-02-04T09:30, 2021-02-04 09:30:00.123+01:00, 2021-02-04T09:30:00Z, 2021/02/04
_ISO = re.compile(
    r"^\s*(?P<y>\d{4})[-/](?P<m>\d{1,2})[-/](?P<d>\d{1,2})"
    r"(?:[T\s]+(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{1,2})(?:[.,]\d+)?)?"
    r"\s*(?P<tz>Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?)?"
)
MAX_RAW = 200  # the raw text kept for provenance; pages can put anything in an attribute


def format_offset(delta: timedelta | None) -> str | None:
    """``+04:00`` / ``-05:30`` for a UTC offset (``None`` stays ``None``)."""
    if delta is None:
        return None
    minutes = int(delta.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{minutes:02d}"


def day_value(day: date, origin: DateOrigin, raw: str) -> DateValue:
    """A day-precision date: midnight UTC of the page's own calendar day."""
    value = datetime(day.year, day.month, day.day, tzinfo=UTC)
    return DateValue(value=value, offset=None, origin=origin, precision="day", raw=raw[:MAX_RAW])


def moment_value(moment: datetime, origin: DateOrigin, raw: str) -> DateValue:
    """A minute-precision date from an aware datetime; its offset is kept for display."""
    if moment.tzinfo is None:
        raise ValueError("moment_value needs an aware datetime")
    offset = format_offset(moment.utcoffset())
    value = moment.astimezone(UTC).replace(microsecond=0)
    return DateValue(
        value=value, offset=offset, origin=origin, precision="minute", raw=raw[:MAX_RAW]
    )


def in_zone(value: DateValue | None, zone: tzinfo) -> DateValue | None:
    """A time the page wrote in UTC, shown in the publisher's zone (its local day is theirs).

    CMS write ``Z`` for convenience; an editor in Dubai sees 22:00Z on the 3rd as 02:00 on the
    4th, and that is the day the outlet published. Other offsets and day precision stay.
    """
    if value is None or value.precision != "minute" or value.offset != "+00:00":
        return value
    offset = format_offset(value.value.astimezone(zone).utcoffset())
    if offset in (None, "+00:00"):
        return value
    return DateValue(value.value, offset, value.origin, value.precision, value.raw)


def _offset_of(text: str) -> timedelta | None:
    if text in ("Z", "UTC", "GMT"):
        return timedelta(0)
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    return sign * timedelta(hours=hours, minutes=minutes)


def parse_machine_date(text: str, zone: tzinfo, origin: DateOrigin) -> DateValue | None:
    """Read a machine-written date (ISO 8601, RFC 822) as found in JSON-LD, meta or ``<time>``.

    A bare local time is read in the source's ``zone``. Returns None when the text is not such
    a date or names an impossible day; human-written text goes to :mod:`.text` instead.
    """
    text = text.strip()
    if not text:
        return None
    match = _ISO.match(text)
    if match:
        return _from_iso(match, zone, origin, text)
    if re.match(r"^\d{9,13}$", text):  # a Unix timestamp (some CMS put them in meta tags)
        seconds = int(text) / (1000 if len(text) > 11 else 1)
        return moment_value(datetime.fromtimestamp(seconds, UTC), origin, text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment_value(moment, origin, text)


def _from_iso(match: re.Match[str], zone: tzinfo, origin: DateOrigin, raw: str) -> DateValue | None:
    parts = match.groupdict()
    try:
        day = date(int(parts["y"]), int(parts["m"]), int(parts["d"]))
        if parts["H"] is None:
            return day_value(day, origin, raw)
        moment = datetime(
            day.year, day.month, day.day, int(parts["H"]), int(parts["M"]), int(parts["S"] or 0)
        )
    except ValueError:
        return None
    if parts["tz"]:
        offset = _offset_of(parts["tz"])
        if offset is None or abs(offset) > timedelta(hours=14):
            return None
        return moment_value(moment.replace(tzinfo=timezone(offset)), origin, raw)
    return moment_value(moment.replace(tzinfo=zone), origin, raw)
