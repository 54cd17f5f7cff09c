"""Publication and update dates: where to find them, how to read them, which to trust.

``find_dates`` (see :mod:`.precedence` for the order of trust) is what extraction calls;
``parse_date_string`` reads one human-written date string (the reader the page code uses);
``read_text_dates`` reads a date line that may hold a publication and an update.
"""

from aggregator.extraction.dates.precedence import find_dates, plausible
from aggregator.extraction.dates.reader import TextContext, parse_date_string
from aggregator.extraction.dates.text import TextDates, read_text_dates

__all__ = [
    "TextContext",
    "TextDates",
    "find_dates",
    "parse_date_string",
    "plausible",
    "read_text_dates",
]
