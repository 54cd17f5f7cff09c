"""The hostile text corpus as an outlet: recorded-style pages, made hostile when served.

The pages are the demo outlets' own recorded pages (the French NSO report and Arabic
emirates-leaks pages, two La Gazette pages), moved to ``/articles/<slug>.html``;
:func:`hostile_pages` turns them into what a hostile outlet sends: bytes in another charset
than the label, 10,000 nested ``<div>``, impossible dates. ``tests/fixtures/hostile/text/``
holds only the outlet's feed. :func:`build_outlet` writes them as a folder the loopback
outlet server plays, with the lying Content-Type headers in its ``_routes.json``;
``bench/hostile_text.py`` uses the same pages.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import aggregator.demo
from aggregator.demo.outlets import DemoOutlet

CORPUS = Path(__file__).parent.parent / "fixtures" / "hostile" / "text"
SITES = Path(aggregator.demo.__file__).parent / "sites"
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


def _demo(page: str, slug: str, *changes: tuple[str, str]) -> str:
    """A demo outlet's page (``site/path`` under aggregator/demo/sites), moved to this outlet's
    ``/articles/{slug}.html`` and with ``changes`` (old, new) applied; each must apply."""
    site, path = page.split("/", 1)
    text = (SITES / site / path).read_text(encoding="utf-8")
    for prefix in ("{{BASE}}/", 'href="/'):  # its own address, absolute and relative
        text = text.replace(prefix + path, f"{prefix}articles/{slug}.html")
    for old, new in changes:
        if old not in text:
            raise ValueError(f"{page}: {old!r} not found; the demo page changed")
        text = text.replace(old, new)
    return text


def hostile_pages() -> list[HostilePage]:
    """Every page of the corpus, hostile as served (``{{BASE}}`` left for the server)."""
    main = ('<main id="primary" class="site-main">\n', "</main>")
    deep = _demo(
        "emirates-leaks/2021/02/rights-groups-detainees.html",
        "deep-nesting",
        (main[0], main[0] + '<div class="wrap">' * DEPTH),
        (main[1], "</div>" * DEPTH + main[1]),
    )
    utf8 = "text/html; charset=utf-8"
    return [
        HostilePage(
            "nso-enquete",
            _demo("emirates-leaks/2021/02/nso-enquete.html", "nso-enquete").encode(),
            utf8,
            None,
            "NSO Group semble faire",
        ),
        HostilePage(
            "windows-1256-labelled-utf-8",
            _demo(
                "emirates-leaks/2021/02/migrant-workers-wages.html", "windows-1256-labelled-utf-8"
            ).encode("cp1256", errors="xmlcharrefreplace"),
            utf8,
            "charset: declared utf-8, read as windows-1256",
            "اشتكى عشرات العمال المهاجرين",
        ),
        HostilePage(
            "utf-8-labelled-windows-1256",
            _demo(
                "emirates-leaks/2021/01/arms-deals-report.html",
                "utf-8-labelled-windows-1256",
                ('<meta charset="utf-8">', '<meta charset="windows-1256">'),
            ).encode(),
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
            _demo(
                "la-gazette/culture/2021/02/04/manuscrit-arabe-lyon.html",
                "impossible-date-numeric",
                ('content="2021-02-04T11:20:00+01:00"', 'content="31/02/2024"'),
                ("Publié le 4 février 2021 à 11h20", "Publié le 31/02/2024"),
            ).encode(),
            utf8,
            "date: '31/02/2024' is not a real calendar date; not used",
            "manuscrit",
        ),
        HostilePage(
            "impossible-date-rfc",
            _demo(
                "la-gazette/economie/2021/02/03/marseille-armateur-emirien.html",
                "impossible-date-rfc",
                (
                    'content="2021-02-03T07:45:00+01:00"',
                    'content="Thu, 31 Feb 2024 10:00:00 +0100"',
                ),
                ("Publié le 3 février 2021 à 07h45", "Publié le jeudi 31 février 2024 à 10h00"),
            ).encode(),
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
