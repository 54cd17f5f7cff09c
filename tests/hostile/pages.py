"""The hostile text corpus as an outlet: recorded-style pages, made hostile when served.

``tests/fixtures/hostile/text/`` holds the pages in UTF-8 (derived from the demo outlets: the
French NSO report and the Arabic emirates-leaks pages). :func:`hostile_pages` turns them into
what a hostile outlet sends: bytes in another charset than the label, 10,000 nested ``<div>``,
impossible dates. :func:`build_outlet` writes them as a folder the loopback outlet server
plays, with the lying Content-Type headers in its ``_routes.json``; ``bench/hostile_text.py``
uses the same pages.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from aggregator.demo.outlets import DemoOutlet

CORPUS = Path(__file__).parent.parent / "fixtures" / "hostile" / "text"
DEPTH = 10_000
OUTLET = DemoOutlet(
    name="hostile-text",
    label="Hostile text",
    languages=("ar", "fr"),
    timezone="Asia/Dubai",
    feeds=("/feed.xml",),
    sitemaps=(),
    articles=(),
)


@dataclass(frozen=True)
class HostilePage:
    """One page as the outlet serves it, and what must become of it."""

    slug: str
    body: bytes
    content_type: str
    warning: str | None  # the warning its stored article must carry (None: no warning)
    phrase: str  # a sentence of its text that must be stored intact

    @property
    def path(self) -> str:
        return f"/articles/{self.slug}.html"


def _text(slug: str) -> str:
    return (CORPUS / f"{slug}.html").read_text(encoding="utf-8")


def hostile_pages() -> list[HostilePage]:
    """Every page of the corpus, hostile as served (``{{BASE}}`` left for the server)."""
    deep = _text("deep-nesting")
    deep = deep.replace("<!--DEEP-->", '<div class="wrap">' * DEPTH)
    deep = deep.replace("<!--/DEEP-->", "</div>" * DEPTH)
    utf8 = "text/html; charset=utf-8"
    return [
        HostilePage(
            "nso-enquete", _text("nso-enquete").encode(), utf8, None, "NSO Group semble faire"
        ),
        HostilePage(
            "windows-1256-labelled-utf-8",
            _text("windows-1256-labelled-utf-8").encode("cp1256", errors="xmlcharrefreplace"),
            utf8,
            "charset: declared utf-8, read as windows-1256",
            "اشتكى عشرات العمال المهاجرين",
        ),
        HostilePage(
            "utf-8-labelled-windows-1256",
            _text("utf-8-labelled-windows-1256").encode(),
            "text/html; charset=windows-1256",
            "charset: declared windows-1256, read as utf-8",
            "معهد الشمال لأبحاث السلام",
        ),
        HostilePage(
            "deep-nesting",
            deep.encode(),
            utf8,
            "page nested deeper than 255 elements: the deeper tags were flattened",
            "منظمات حقوقية",
        ),
        HostilePage(
            "impossible-date-numeric",
            _text("impossible-date-numeric").encode(),
            utf8,
            "date: '31/02/2024' is not a real calendar date; not used",
            "manuscrit",
        ),
        HostilePage(
            "impossible-date-rfc",
            _text("impossible-date-rfc").encode(),
            utf8,
            "date: '31 Feb 2024' is not a real calendar date; not used",
            "Marseille-Fos",
        ),
    ]


def build_outlet(target: Path) -> Path:
    """Write the hostile outlet (pages, feed, ``_routes.json``) into ``target``."""
    (target / "articles").mkdir(parents=True, exist_ok=True)
    shutil.copy(CORPUS / "feed.xml", target / "feed.xml")
    routes = {}
    for page in hostile_pages():
        (target / page.path.lstrip("/")).write_bytes(page.body)
        routes[page.path] = {"content_type": page.content_type}
    (target / "_routes.json").write_text(json.dumps(routes, indent=1), encoding="utf-8")
    return target


def sources_file(path: Path, base: str) -> Path:
    """A sources file declaring the hostile outlet served at ``base`` (JSON is valid YAML)."""
    path.write_text(json.dumps({"sources": [OUTLET.source_entry(base)]}), encoding="utf-8")
    return path
