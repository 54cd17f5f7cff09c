"""Publication and update dates: where to find them, how to read them, which to trust.

``find_dates`` (see :mod:`.precedence` for the order of trust) is what extraction calls;
``read_text_dates`` reads one human-written date line in a source's languages and zone.
"""

from aggregator.extraction.dates.precedence import find_dates, plausible
from aggregator.extraction.dates.text import TextContext, TextDates, read_text_dates

__all__ = ["TextContext", "TextDates", "find_dates", "plausible", "read_text_dates"]
