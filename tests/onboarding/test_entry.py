"""New sources-file entries: names, layout kept, validation before writing."""

from __future__ import annotations

from pathlib import Path

import pytest

from aggregator.config.sources import load_sources
from aggregator.errors import ConfigError
from aggregator.onboarding.autodiscover import Discovery
from aggregator.onboarding.entry import append_entry, build_entry, same_homepage, suggest_name


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("https://www.lemonde.fr/", "lemonde"),
        ("https://english.aljazeera.net/news/", "aljazeera-english"),
        ("https://www.bbc.co.uk/arabic", "bbc"),
        ("https://www.france24.com/ar/", "france24"),
        ("http://127.0.0.1:8000/", "127-0-0-1"),
    ],
)
def test_suggest_name(url: str, name: str) -> None:
    assert suggest_name(url) == name


def test_same_homepage() -> None:
    assert same_homepage("https://www.lemonde.fr/", "http://lemonde.fr")
    assert not same_homepage("https://www.france24.com/ar/", "https://www.france24.com/fr/")


FOUND = Discovery(
    homepage="https://site.test/",
    feeds=["https://site.test/rss"],
    sitemaps=[],
    language="ar",
    title="الموقع",
)


def _entry(name: str = "site", timezone: str = "Asia/Dubai"):  # type: ignore[no-untyped-def]
    return build_entry(FOUND, name=name, languages=["ar"], timezone=timezone)


def test_unindented_lists_keep_their_style(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(
        "sources:\n- name: a  # first\n  homepage: https://a.test/\n"
        "  feeds: [https://a.test/rss]\n  languages: en\n",
        encoding="utf-8",
    )
    append_entry(path, _entry())
    text = path.read_text(encoding="utf-8")
    assert text.startswith("sources:\n- name: a  # first\n")
    assert "\n- name: site\n  label: الموقع\n  homepage: https://site.test/\n" in text
    assert [s.name for s in load_sources(path).sources] == ["a", "site"]


def test_empty_flow_list_becomes_a_block(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("# keep me\nsources: []\n", encoding="utf-8")
    append_entry(path, _entry())
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# keep me\nsources:\n")
    assert load_sources(path).get("site").feeds == ["https://site.test/rss"]


def test_an_invalid_result_is_never_written(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("sources: []\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="field 'timezone'"):
        append_entry(path, _entry(timezone="Mars/Olympus"))
    assert path.read_text(encoding="utf-8") == "sources: []\n"
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


def test_a_broken_file_is_reported_not_rewritten(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text("sources:\n  - name: Bad Name\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"s\.yaml:2"):
        append_entry(path, _entry())
    assert path.read_text(encoding="utf-8") == "sources:\n  - name: Bad Name\n"


def test_nothing_found_means_link_following_from_the_homepage() -> None:
    entry = build_entry(
        Discovery(homepage="https://bare.test/"),
        name="bare",
        languages=["fr"],
        timezone="Europe/Paris",
    )
    assert entry["start_pages"] == ["https://bare.test/"]
    assert "feeds" not in entry and "label" not in entry


def test_a_homepage_differing_only_by_port_is_another_site(tmp_path: Path) -> None:
    """Issue 16: adding 127.0.0.1:8002 named the source on 127.0.0.1:8001."""
    assert not same_homepage("http://127.0.0.1:8001/", "http://127.0.0.1:8002/")
    assert same_homepage("http://127.0.0.1:8002/", "http://127.0.0.1:8002")
    assert same_homepage("https://www.lemonde.fr:443/", "http://lemonde.fr/")
    path = tmp_path / "sources.yaml"
    path.write_text(
        "sources:\n"
        + "".join(
            f"  - {{name: {name}, homepage: 'http://127.0.0.1:{port}/', languages: en,\n"
            f"     feeds: ['http://127.0.0.1:{port}/f']}}\n"
            for name, port in (("one", 8001), ("two", 8002))
        ),
        encoding="utf-8",
    )
    found = Discovery(homepage="http://127.0.0.1:8002/", feeds=["http://127.0.0.1:8002/f"])
    entry = build_entry(found, name="three", languages=["en"], timezone="UTC")
    with pytest.raises(ConfigError, match="is already declared as source 'two'"):
        append_entry(path, entry)
    other = Discovery(homepage="http://127.0.0.1:8003/", feeds=["http://127.0.0.1:8003/f"])
    added = append_entry(path, build_entry(other, name="three", languages=["en"], timezone="UTC"))
    assert [s.name for s in added.sources] == ["one", "two", "three"]
