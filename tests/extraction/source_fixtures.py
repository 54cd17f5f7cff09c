"""One recorded page per bundled source and what extraction must make of it (Fundus style).

Each fixture is ``tests/fixtures/sources/<source>/<slug>.html.gz`` plus ``<slug>.json``:

- ``recorded``: where the page was fetched (``url``), when (``fetched_at``, which also pins "now"
  for relative dates), the ``source`` name and where the copy came from (``origin``);
- ``expected``: the extraction, one key per field, the body as a list of paragraphs so that a
  change shows in a diff as the paragraphs it touched.

``tests/extraction/test_sources.py`` compares a fresh extraction with ``expected`` field by
field; ``scripts/regenerate-extraction-fixtures`` rewrites ``expected`` and prints the diff.
Both use this module, so what is checked is exactly what is written.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

from aggregator.config.sources import Source, load_sources, parse_sources
from aggregator.demo.outlets import OUTLETS, sources_yaml
from aggregator.extraction import DateValue, extract_article

ROOT = Path(__file__).parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "sources"
README = FIXTURES / "README.md"
SOURCES_FILE = ROOT / "sources.yaml"
REGENERATE = "scripts/regenerate-extraction-fixtures"

# The demo outlets are served on random loopback ports; their fixtures use one fixed base each.
DEMO_BASES = {o.name: f"http://{o.name}.localhost" for o in OUTLETS}

# "- `bbc-arabic`: why" under the README's "## No recorded page yet" heading.
_MISSING_HEADING = "## No recorded page yet"
_MISSING_LINE = re.compile(r"^- `(?P<name>[a-z0-9_-]+)`: (?P<reason>\S.*)$")


@dataclass(frozen=True)
class Fixture:
    """One recorded page: ``<source>/<slug>.html.gz`` and its ``<slug>.json``."""

    source: str
    slug: str

    @property
    def id(self) -> str:
        return f"{self.source}/{self.slug}"

    @property
    def page(self) -> Path:
        return FIXTURES / self.source / f"{self.slug}.html.gz"

    @property
    def record(self) -> Path:
        return FIXTURES / self.source / f"{self.slug}.json"

    def load(self) -> dict[str, Any]:
        """The JSON file as stored (``expected`` may be absent for a newly added page)."""
        data: dict[str, Any] = json.loads(self.record.read_text(encoding="utf-8"))
        return data


@cache
def bundled_sources() -> dict[str, Source]:
    """Every source the project ships: sources.yaml, then the demo outlets."""
    sources = {s.name: s for s in load_sources(SOURCES_FILE).sources}
    demo = parse_sources(sources_yaml(DEMO_BASES), "aggregator/demo/outlets.py")
    for source in demo.sources:
        sources[source.name] = source
    return sources


def fixtures() -> list[Fixture]:
    """Every recorded page, sorted by source then slug."""
    return [
        Fixture(page.parent.name, page.name.removesuffix(".html.gz"))
        for page in sorted(FIXTURES.glob("*/*.html.gz"))
    ]


def without_page() -> dict[str, str]:
    """Sources the README lists as having no recorded page yet, with the reason given."""
    missing: dict[str, str] = {}
    in_section = False
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            in_section = line.strip() == _MISSING_HEADING
        elif in_section and (match := _MISSING_LINE.match(line)):
            missing[match["name"]] = match["reason"]
    return missing


def _date(value: DateValue | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {
        "value": value.iso(),
        "offset": value.offset,
        "precision": value.precision,
        "origin": value.origin,
        "raw": value.raw,
    }


def extract(fixture: Fixture) -> dict[str, Any]:
    """Run extraction on the recorded page with its source's config; the ``expected`` form."""
    recorded = fixture.load()["recorded"]
    source = bundled_sources()[recorded["source"]]
    html = gzip.decompress(fixture.page.read_bytes())
    fetched_at = datetime.fromisoformat(recorded["fetched_at"])
    article = extract_article(html, recorded["url"], source, fetched_at=fetched_at)
    return {
        "title": article.title,
        "authors": article.authors,
        "language": article.language,
        "language_declared": article.language_declared,
        "language_detected": article.language_detected,
        "published": _date(article.published),
        "modified": _date(article.modified),
        "canonical_url": article.canonical_url,
        "description": article.description,
        "top_image": article.top_image,
        "site_name": article.site_name,
        "section": article.section,
        "tags": article.tags,
        "paywalled": article.paywalled,
        "challenge": article.challenge,
        "method": article.method,
        "warnings": article.warnings,
        "word_count": article.word_count,
        "body": article.body.split("\n\n") if article.body else [],
    }


def serialise(data: dict[str, Any]) -> str:
    """The JSON file's text: stable key order, UTF-8 as written, one value per line."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def regenerated(fixture: Fixture) -> tuple[str, str]:
    """The JSON file's current text and the text with ``expected`` from a fresh extraction."""
    old = fixture.record.read_text(encoding="utf-8")
    data = json.loads(old)
    data["expected"] = extract(fixture)
    return old, serialise(data)


def differences(source: str, expected: dict[str, Any], got: dict[str, Any]) -> list[str]:
    """One line per field that differs, naming the source and the field."""
    lines = []
    for field in [*got, *(f for f in expected if f not in got)]:
        want, have = expected.get(field), got.get(field)
        if want == have:
            continue
        if field == "body" and isinstance(want, list) and isinstance(have, list):
            lines.append(f"{source}: body: {_body_difference(want, have)}")
        else:
            lines.append(f"{source}: {field}: expected {want!r}, got {have!r}")
    return lines


def _body_difference(want: list[str], have: list[str]) -> str:
    for index, (a, b) in enumerate(zip(want, have, strict=False)):
        if a != b:
            return f"paragraph {index + 1}: expected {a[:200]!r}, got {b[:200]!r}"
    return f"expected {len(want)} paragraphs, got {len(have)}"
