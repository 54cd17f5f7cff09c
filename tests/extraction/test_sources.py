"""Extraction of one recorded page per bundled source against its expected JSON (Fundus style).

The pages and expectations are in tests/fixtures/sources/; after a deliberate change to
extraction, run ``scripts/regenerate-extraction-fixtures`` and review the diff it prints.
"""

from __future__ import annotations

import pytest

from tests.extraction.source_fixtures import (
    README,
    REGENERATE,
    Fixture,
    bundled_sources,
    differences,
    extract,
    fixtures,
    without_page,
)

FIXTURES = fixtures()


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.id for f in FIXTURES])
def test_extraction_matches_the_recorded_expectation(fixture: Fixture) -> None:
    stored = fixture.load()
    assert "expected" in stored, f"{fixture.record} has no 'expected' yet: run {REGENERATE}"
    problems = differences(fixture.source, stored["expected"], extract(fixture))
    if problems:
        hint = f"if the change is intended, run {REGENERATE} and review its diff"
        pytest.fail("\n".join([*problems, hint]), pytrace=False)


@pytest.mark.parametrize("fixture", FIXTURES, ids=[f.id for f in FIXTURES])
def test_fixture_belongs_to_a_bundled_source(fixture: Fixture) -> None:
    recorded = fixture.load()["recorded"]
    assert fixture.source in bundled_sources(), (
        f"{fixture.page.parent.name}/ is not a source in sources.yaml or aggregator/demo"
    )
    assert recorded["source"] == fixture.source, (
        f"{fixture.record}: recorded.source is {recorded['source']!r}, its folder says "
        f"{fixture.source!r}"
    )
    assert {"url", "fetched_at", "origin"} <= set(recorded), (
        f"{fixture.record}: recorded needs url, fetched_at and origin"
    )


@pytest.mark.parametrize("name", sorted(bundled_sources()))
def test_every_bundled_source_has_a_recorded_page(name: str) -> None:
    """A source without a fixture is listed in the README with a reason; the skip reports it."""
    has_page = any(f.source == name for f in FIXTURES)
    reason = without_page().get(name)
    if has_page:
        assert reason is None, f"{name} has a fixture now: remove its line from {README}"
        return
    assert reason is not None, (
        f"{name} has no recorded page: add tests/fixtures/sources/{name}/<slug>.html.gz and "
        f"<slug>.json, or list it under 'No recorded page yet' in {README} with the reason"
    )
    pytest.skip(f"{name}: no recorded page yet ({reason})")


def test_readme_lists_only_bundled_sources() -> None:
    stale = sorted(set(without_page()) - set(bundled_sources()))
    assert not stale, f"{README} lists sources that are not bundled: {', '.join(stale)}"
