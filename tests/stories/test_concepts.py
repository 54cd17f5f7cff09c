"""Concept keys on real sentences: the seed report, its Arabic and English renderings, and the
development stories (an Arabic translation finds its English original through them)."""

from __future__ import annotations

import json
from pathlib import Path

from aggregator.stories.concepts import concept_keys
from aggregator.stories.features import story_features
from aggregator.stories.score import Profile, Stats, score

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SEED = SHARED / "seed" / "nso-report.txt"
DEV = SHARED / "data" / "stories-dev" / "ntrex-dev.jsonl"

# The seed report's WhatsApp paragraph and the December blog post, as an English original
# and an Arabic translation would write them (the seed itself is French).
ENGLISH = (
    "WhatsApp sued the company in the United States, claiming NSO Group played a role in "
    "the attack on its users. In a related blog post published on 7 December, Microsoft's "
    "president, Brad Smith, asked the incoming Biden administration to intervene. The Israeli "
    "company said on Tuesday that British reports were wrong."
)
ARABIC = (
    "ورفعت واتساب دعوى قضائية ضد الشركة في الولايات المتحدة، مدعية أن مجموعة NSO لعبت دوراً "
    "في الهجوم على مستخدميها. وفي مدونة ذات صلة نُشرت في 7 ديسمبر، طلب رئيس مايكروسوفت براد "
    "سميث من إدارة بايدن المقبلة التدخل. وقالت الشركة الإسرائيلية يوم الثلاثاء إن التقارير "
    "البريطانية كانت خاطئة."
)


def _keys(text: str) -> set[str]:
    return {key for key, _ in concept_keys(text)}


def test_the_seed_report_names_countries_and_a_month_in_french() -> None:
    keys = _keys(SEED.read_text(encoding="utf-8"))
    # "États-Unis" / "américaine", "israélienne", "Le site britannique", "en décembre"
    assert {"c:US", "c:IL", "c:GB", "m:12"} <= keys


def test_an_arabic_and_an_english_sentence_share_their_concepts() -> None:
    english, arabic = _keys(ENGLISH), _keys(ARABIC)
    shared = {"c:US", "c:IL", "c:GB", "m:12", "t:12-7", "d:1"}
    assert shared <= english
    assert shared <= arabic
    # and they are keys of the story features, where the scorer sees them
    assert shared <= set(story_features(None, ARABIC).counts)


def test_arabic_clitics_and_demonyms() -> None:
    assert _keys("وألمانيا") == {"c:DE"}
    assert _keys("بالولايات المتحدة") == {"c:US"}
    assert _keys("السلطات السورية") == {"c:SY"}
    assert _keys("في شهر آذار") == {"m:3"}  # Levantine month names
    assert _keys("أحد الوزراء") == set()  # "one of the ministers", not Sunday (الأحد)


def test_latin_names_need_their_case() -> None:
    assert _keys("You may march with us to the turkey farm.") == set()
    assert _keys("In May the US left; in March Turkey and the UK did.") == {
        "m:5",
        "c:US",
        "m:3",
        "c:TR",
        "c:GB",
    }
    # French months and demonyms are lowercase; German adjectives are inflected
    assert _keys("le 3 mars, les réfugiés iraniens") == {"m:3", "t:3-3", "c:IR"}
    assert _keys("Die deutsche Regierung am 3. März") == {"l:de", "m:3", "t:3-3"}


def _story(story: str) -> dict[str, dict[str, str]]:
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines()]
    return {r["lang"]: r for r in rows if r["story"] == story}


def test_an_arabic_translation_matches_its_original_through_concepts() -> None:
    """England, Paris, Italy, France, the US: translated names the skeletons cannot match."""
    story = _story("ntrex:euronews-en.153826")
    other = _story("ntrex:reuters.218933")  # China and the US: shares a country, not a story
    profiles = {
        (name, lang): Profile(lang, story_features(row["title"], row["body"]).to_json())
        for name, rows in (("story", story), ("other", other))
        for lang, row in rows.items()
    }
    counts: dict[str, dict[str, int]] = {}
    for (_, lang), profile in profiles.items():
        for key in profile.positions:
            counts.setdefault(key, {})[lang] = counts.setdefault(key, {}).get(lang, 0) + 1
    stats = Stats(200, counts)
    match = score(profiles[("story", "ar")], profiles[("story", "en")], stats)
    assert match.passed
    assert {"c:England", "c:FR", "c:IT"} <= set(match.aligned)
    assert not score(profiles[("other", "ar")], profiles[("story", "en")], stats).passed
    assert not score(profiles[("story", "ar")], profiles[("other", "en")], stats).passed
