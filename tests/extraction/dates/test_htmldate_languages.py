"""htmldate's text search reads dates in the languages it is given, not in every locale."""

from __future__ import annotations

from datetime import datetime

import htmldate.extractors
from htmldate import find_date

from aggregator.extraction.dates.htmldate_languages import in_languages, parser_for

# A date only in running text: no meta, no JSON-LD, no <time>, nothing in the URL, so only
# htmldate's extensive search (and its dateparser parser) can find it.
PAGE = """<html><head><title>Pleno municipal</title></head><body><div class="story">
<h1>El pleno aprueba el presupuesto</h1><p>El ayuntamiento votó las cuentas del año.</p>
<span class="when">3 de marzo de 2020</span></div></body></html>"""


def _guess(languages: tuple[str, ...] | None) -> str | None:
    with in_languages(languages):
        return find_date(
            PAGE, extensive_search=True, url="http://diario.test/pleno",
            min_date=datetime(1995, 1, 1), max_date=datetime(2030, 1, 1),
        )  # fmt: skip


def test_a_spanish_date_is_read_in_spanish_and_not_in_english() -> None:
    # Alternating checks that htmldate's per-string memo is dropped when the languages change:
    # otherwise the second call would repeat the first one's answer.
    assert _guess(("es",)) == "2020-03-03"
    assert _guess(("en",)) != "2020-03-03"  # at most the year it falls back on
    assert _guess(("es", "en")) == "2020-03-03"
    assert _guess(None) == "2020-03-03"  # no languages: every locale, as htmldate alone


def test_htmldate_gets_its_own_parser_back() -> None:
    before = htmldate.extractors.get_external_parser
    _guess(("es",))
    assert htmldate.extractors.get_external_parser is before
    assert before().languages is None  # htmldate's: every locale


def test_the_restricted_parser_has_htmldate_s_settings() -> None:
    # The settings are copied from htmldate's own parser: a new htmldate that changes them
    # must change ours too, or its text dates would be read differently here.
    theirs = htmldate.extractors.get_external_parser()
    assert vars(parser_for(("es",))._settings) == vars(theirs._settings)
