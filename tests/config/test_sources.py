"""The sources file: typed validation; errors name the file, line, source and field."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from aggregator.config.sources import load_sources, parse_sources
from aggregator.errors import ConfigError, SourceNotFound

REPO = Path(__file__).resolve().parents[2]

GOOD = """\
defaults:
  schedule: {interval: 30m}
sources:
  - name: emirates-leaks
    homepage: https://example.org/
    feeds: [https://example.org/feed.xml]
    languages: ar
    timezone: Asia/Dubai
  - name: la-gazette
    homepage: https://example.fr/
    sitemaps: [https://example.fr/sitemap.xml]
    languages: [fr]
    timezone: Europe/Paris
    schedule: {cron: "*/10 * * * *"}
    max_age: 2d
    enabled: false
"""


def test_valid_file_becomes_typed_sources() -> None:
    sources = parse_sources(GOOD, "sources.yaml")
    first, second = sources.sources
    assert first.languages == ["ar"]
    assert first.schedule is not None and first.schedule.interval == timedelta(minutes=30)
    assert second.schedule is not None and second.schedule.cron == "*/10 * * * *"
    assert second.max_age == timedelta(days=2)
    assert [s.name for s in sources.enabled()] == ["emirates-leaks"]


def test_shipped_sources_file_is_valid() -> None:
    sources = load_sources(REPO / "sources.yaml")
    names = {s.name for s in sources.sources}
    assert {"guardian", "le-monde", "france24-ar", "aljazeera-en", "middle-east-eye"} <= names
    assert all(s.feeds or s.sitemaps or s.start_pages for s in sources.sources)


@pytest.mark.parametrize(
    ("edit", "line", "source", "field", "words"),
    [
        (
            ("timezone: Europe/Paris", "timezone: Europe/Pariss"),
            13,
            "la-gazette",
            "timezone",
            "unknown time zone",
        ),
        (("languages: [fr]", "languages: [french]"), 12, "la-gazette", "languages", "ISO 639-1"),
        (("max_age: 2d", "max_age: soon"), 15, "la-gazette", "max_age", "duration"),
        (("max_age: 2d", "max_articles: 0"), 15, "la-gazette", "max_articles", "greater than"),
        (("    languages: ar\n", ""), 4, "emirates-leaks", "languages", "required"),
        (
            ("feeds: [https://example.org/feed.xml]", "feed: [https://example.org/feed.xml]"),
            6,
            "emirates-leaks",
            "feed",
            "unknown field",
        ),
        (
            ('{cron: "*/10 * * * *"}', '{cron: "*/10 * *"}'),
            14,
            "la-gazette",
            "schedule",
            "five fields",
        ),
    ],
)
def test_invalid_field_is_named_with_its_line(
    edit: tuple[str, str], line: int, source: str, field: str, words: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_sources(GOOD.replace(*edit), "sources.yaml")
    error = caught.value
    assert (error.path, error.line, error.source, error.field) == (
        "sources.yaml",
        line,
        source,
        field,
    )
    assert words in str(error)
    assert str(error).startswith(f"sources.yaml:{line}, source {source!r}, field {field!r}: ")


def test_broken_yaml_names_the_line() -> None:
    with pytest.raises(ConfigError, match=r"^sources.yaml:6: not valid YAML"):
        parse_sources(
            GOOD.replace(
                "    homepage: https://example.org/", "    homepage: [https://example.org/", 1
            ),
            "sources.yaml",
        )


def test_duplicate_names_are_refused() -> None:
    text = GOOD.replace("name: la-gazette", "name: emirates-leaks")
    with pytest.raises(ConfigError, match=r"duplicate name \(first declared at line 4\)"):
        parse_sources(text, "sources.yaml")


def test_source_needs_an_entry_point() -> None:
    text = GOOD.replace("    feeds: [https://example.org/feed.xml]\n", "")
    with pytest.raises(ConfigError, match="at least one of 'feeds', 'sitemaps'"):
        parse_sources(text, "sources.yaml")


def test_missing_file_says_how_to_point_at_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="AGGREGATOR_SOURCES"):
        load_sources(tmp_path / "nope.yaml")


def test_unknown_source_lists_known_ones() -> None:
    sources = parse_sources(GOOD, "sources.yaml")
    with pytest.raises(SourceNotFound, match="known: emirates-leaks, la-gazette"):
        sources.select(["guardian"])


def test_max_articles_has_a_default_and_can_be_a_default() -> None:
    from aggregator.discovery.limits import MAX_ARTICLES_PER_RUN

    first, second = parse_sources(GOOD).sources
    assert first.max_articles == second.max_articles == MAX_ARTICLES_PER_RUN
    text = GOOD.replace("defaults:\n", "defaults:\n  max_articles: 40\n")
    text = text.replace("    max_age: 2d\n", "    max_age: 2d\n    max_articles: 2000\n")
    first, second = parse_sources(text).sources
    assert (first.max_articles, second.max_articles) == (40, 2000)


def test_allow_networks_takes_networks_addresses_and_host_names() -> None:
    text = GOOD.replace(
        "    timezone: Asia/Dubai\n",
        "    timezone: Asia/Dubai\n"
        "    allow_networks: [127.0.0.1/32, 10.0.0.0/8, intranet.example]\n",
        1,
    )
    first = parse_sources(text, "sources.yaml").sources[0]
    assert first.allow_networks == ["127.0.0.1/32", "10.0.0.0/8", "intranet.example"]
    assert parse_sources(GOOD, "sources.yaml").sources[1].allow_networks == []


def test_a_bad_allowance_names_file_line_source_and_entry() -> None:
    text = GOOD.replace(
        "    timezone: Asia/Dubai\n",
        "    timezone: Asia/Dubai\n    allow_networks:\n      - 127.0.0.1/32\n      - 10.0.0.1/8\n",
        1,
    )
    with pytest.raises(ConfigError) as caught:
        parse_sources(text, "sources.yaml")
    message = str(caught.value)
    assert message.startswith("sources.yaml:11, source 'emirates-leaks', field 'allow_networks.1'")
    assert "host bits set" in message


@pytest.mark.parametrize("value", ["42", "{fr: 1}", "[fr, 42]"])
def test_languages_of_the_wrong_shape_say_the_expected_form(value: str) -> None:
    """Issue 16: ``languages: 42`` said only "Input should be a valid list"."""
    with pytest.raises(ConfigError) as caught:
        parse_sources(GOOD.replace("languages: [fr]", f"languages: {value}"), "sources.yaml")
    message = str(caught.value)
    assert message.startswith("sources.yaml:12, source 'la-gazette', field 'languages': got ")
    assert "expected a language code or a list of them, like 'languages: en'" in message


REVISITS = """\
defaults:
  revisit: {after: [2h, 12h], approved_for: 7d}
sources:
  - name: wire
    homepage: https://wire.example/
    languages: [en]
    feeds: [https://wire.example/feed.xml]
  - name: archive
    homepage: https://archive.example/
    languages: [en]
    feeds: [https://archive.example/feed.xml]
    revisit: {after: []}
"""


def test_revisit_policy_per_source_and_in_defaults() -> None:
    from datetime import timedelta

    from aggregator.config.sources import Revisit

    wire, archive = parse_sources(REVISITS, "sources.yaml").sources
    assert wire.revisit.after == [timedelta(hours=2), timedelta(hours=12)]
    assert wire.revisit.approved_for == timedelta(days=7) and wire.revisit.enabled
    assert archive.revisit.after == [] and not archive.revisit.enabled
    default = Revisit()
    assert [s.total_seconds() / 3600 for s in default.after] == [1, 6, 24, 72]
    assert default.approved_for == timedelta(days=14) and default.max_per_run == 50


@pytest.mark.parametrize(
    ("revisit", "message"),
    [
        ("{after: [6h, 1h]}", "steps must increase"),
        ("{after: [0s]}", "every step must be positive"),
        ("{after: [soon]}", "expected a duration"),
        ("{every: 1h}", "unknown field"),
    ],
)
def test_bad_revisit_policy_names_source_field_and_line(revisit: str, message: str) -> None:
    text = REVISITS.replace("revisit: {after: []}", f"revisit: {revisit}")
    with pytest.raises(ConfigError) as caught:
        parse_sources(text, "sources.yaml")
    error = str(caught.value)
    assert message in error and "archive" in error and "revisit" in error
    assert "sources.yaml:12" in error  # the revisit line
