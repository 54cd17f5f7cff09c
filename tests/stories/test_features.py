"""Story features and attribution on real sentences: the development data, the seed report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aggregator.stories import attribution
from aggregator.stories.attribution import attributions, outlet_key, source_keys
from aggregator.stories.features import skeleton, story_features
from aggregator.stories.score import Profile, Stats, score

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
DEV = SHARED / "data" / "stories-dev" / "ntrex-dev.jsonl"
SEED = SHARED / "seed" / "nso-report.txt"


def _story(story: str) -> dict[str, dict[str, str]]:
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines()]
    return {r["lang"]: r for r in rows if r["story"] == story}


def _keys(row: dict[str, str]) -> set[str]:
    return set(story_features(row["title"], row["body"]).counts)


def test_numbers_survive_translation_in_every_script() -> None:
    """ "832", "7.5" / "7,5", "380,000" / "380 000" and Arabic-Indic digits are one key."""
    story = _story("ntrex:euronews-en.153835")  # Indonesia tsunami, five languages
    for lang in ("en", "fr", "ar", "de", "es"):
        assert {"n:832", "n:75"} <= _keys(story[lang]), lang
    arabic_digits = story_features(None, "ارتفع العدد إلى ١٬٤٠٠ شخص و٧٫٥ بالمئة")
    assert {"n:1400", "n:75"} <= set(arabic_digits.counts)
    french = story_features(None, "Les 1 400 utilisateurs de WhatsApp en 2019")
    assert {"n:1400", "y:2019", "e:whatsapp"} <= set(french.counts)


def test_names_match_across_latin_and_arabic_script_by_skeleton() -> None:
    story = _story("ntrex:euronews-en.153835")
    english, arabic = _keys(story["en"]), _keys(story["ar"])
    # Sutopo (سوتوبو) and Nugroho (نوجروهو): transliterated, the same consonant skeletons
    assert {"k:STB", "k:NKR"} <= english & arabic
    assert skeleton("guardian") == skeleton("ghardyan") == "KRTN"
    assert skeleton("microsoft") == skeleton("mykrwswft")


def test_sentence_initial_words_are_not_names() -> None:
    feats = story_features(None, "The company said. Many people were trapped in Palu on Friday.")
    assert "e:many" not in feats.counts and "e:the" not in feats.counts
    assert "e:palu" in feats.counts


@pytest.mark.parametrize(
    ("text", "outlet"),
    [
        (
            "NSO Group semble faire l’objet d’un nouvel examen, rapporte The Guardian.",
            "The Guardian",
        ),
        ("Selon Le Monde, le gouvernement a démissionné hier soir.", "Le Monde"),
        ("The company was fined, according to Reuters.", "Reuters"),
        ("Die Regierung plant Kürzungen, berichtet der Spiegel.", "der Spiegel"),
        ("El gobierno cayó el martes, según El País.", "El País"),
        ("وقالت الشركة نقلاً عن صحيفة الغارديان إن التحقيق مستمر", "الغارديان"),
        ("بحسب رويترز فإن الأسعار ارتفعت", "رويترز"),
    ],
)
def test_attribution_sentences_in_each_language(text: str, outlet: str) -> None:
    found = attributions(text)
    assert [c.kind for c in found] == ["sentence"]
    assert found[0].outlet is not None and found[0].outlet.startswith(outlet)
    assert found[0].sentence and outlet in found[0].sentence


def test_arabic_and_latin_names_of_an_outlet_share_a_key() -> None:
    assert outlet_key("The Guardian") == outlet_key("الغارديان") == outlet_key("theguardian.com")
    assert "KRTN" in source_keys("guardian", "The Guardian", "https://www.theguardian.com/")
    assert outlet_key("AFP") == "afp"


def test_datelines_and_a_canonical_on_another_site() -> None:
    found = attributions("PARIS (AFP) - Le président a parlé devant les députés.")
    assert [(c.kind, c.outlet) for c in found] == [("dateline", "AFP")]
    copied = attributions(
        "Some text.", page_url="https://copy.example/a", canonical="https://www.theguardian.com/x"
    )
    assert [(c.kind, c.url) for c in copied] == [("canonical", "https://www.theguardian.com/x")]
    assert (
        attributions("Text.", page_url="https://a.example/1", canonical="https://a.example/2") == []
    )


def test_no_attribution_in_plain_reporting() -> None:
    assert attributions("He said, according to officials, that the port would reopen.") == []


def test_seed_report_credits_the_guardian() -> None:
    found = attributions(SEED.read_text(encoding="utf-8"))
    assert [(c.kind, c.outlet, c.outlet_key) for c in found] == [
        ("sentence", "The Guardian", "KRTN")
    ]
    assert "rapporte The Guardian" in (found[0].sentence or "")


def test_translation_scores_over_its_bar_and_another_story_does_not() -> None:
    tsunami = _story("ntrex:euronews-en.153835")
    other = _story("ntrex:bbc.381790")  # Welsh assembly members: unrelated
    profiles = {
        (s, lang): Profile(lang, story_features(row["title"], row["body"]).to_json())
        for s, story in (("t", tsunami), ("o", other))
        for lang, row in story.items()
    }
    counts: dict[str, dict[str, int]] = {}
    for (_, lang), p in profiles.items():
        for key in p.positions:
            counts.setdefault(key, {})[lang] = counts.setdefault(key, {}).get(lang, 0) + 1
    stats = Stats(200, counts)  # a window of 200 recent articles
    for lang in ("fr", "de", "es", "ar"):
        assert score(profiles[("t", lang)], profiles[("t", "en")], stats).passed, lang
        assert not score(profiles[("o", lang)], profiles[("t", "en")], stats).passed, lang


@pytest.mark.parametrize(
    "text",
    [
        "Le ministre démissionne, d’après Le Monde.",
        "Le projet est abandonné, RAPPORTAIT Le Figaro.",
        "Le chiffre est faux, écrit Libération.",
        "The deal collapsed, as first reported by The Times.",
        "The Guardian first reported the breach.",
        "Die Zahl stieg, meldete die Nachrichtenagentur Reuters.",
        "Wie der Spiegel berichtete, fiel die Zahl.",
        "Dem Spiegel zufolge fiel die Zahl.",
        "La cifra cayó, informó El Mundo.",
        "La cifra cayó, de acuerdo con El País.",
        "وفقاً لـ رويترز فإن الأسعار ارتفعت",
        "أفادت صحيفة الغارديان بأن التحقيق مستمر",
    ],
)
def test_every_attribution_form_passes_the_word_filter(text: str) -> None:
    """Each pattern runs only on bodies holding one of its words (most hold none): the
    forms it matches must all hold one, whatever their case."""
    assert [c.kind for c in attributions(text)] == ["sentence"]


def test_the_word_filter_never_hides_a_match_in_the_development_bodies() -> None:
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines()]
    bodies = [r["body"] for r in rows] + [SEED.read_text(encoding="utf-8")]
    matched = 0
    for body in bodies:
        for pattern, words in attribution._LATIN:
            if pattern.search(body):
                matched += 1
                assert any(word in body.lower() for word in words), pattern.pattern[:60]
        if attribution._ARABIC.search(body):
            matched += 1
            assert any(word in body for word in attribution._ARABIC_WORDS)
    assert matched >= 20  # the check ran on bodies that attribute
