"""The bundled sample outlets that ``aggregator demo`` and the end-to-end crawl tests serve.

Three news sites live as folders under ``sites/``; :class:`~aggregator.demo.server.OutletServer`
plays each on its own loopback port, so each is its own "domain". They are written like the
real thing (menus, breadcrumbs, cookie banners, view counters, share buttons, "most read"
lists) because the point is to prove that extraction keeps the article and drops the chrome.
This module says what is in them: where their feeds and sitemaps are, which pages are articles,
what a correct crawl must make of each page (title, language, publication time in UTC) and
which pages are duplicates, so the demo command and the tests never hard-code a path.
``docs/demo.md`` describes what each page exercises.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from io import StringIO
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from aggregator.demo.server import OutletServer
from aggregator.network_policy import host_allowance

SITES = Path(__file__).parent / "sites"


@dataclass(frozen=True)
class DemoArticle:
    """One article page of a demo outlet and what a correct crawl makes of it.

    ``published`` is a UTC datetime, or a plain date when the page only gives a day (the
    local calendar day: converting local midnight to UTC would move it to the day before).
    """

    path: str
    title: str
    language: str
    published: datetime | date
    duplicate_of: str | None = None
    """Path of the page this one repeats word for word (AMP edition, wire-desk copy)."""
    near_duplicate_of: str | None = None
    """Path of the page this one rewrites (new headline, one more paragraph): both are stored."""


@dataclass(frozen=True)
class DemoOutlet:
    """One sample outlet: its folder and what a sources-file entry for it declares."""

    name: str
    label: str
    languages: tuple[str, ...]
    timezone: str
    feeds: tuple[str, ...]
    sitemaps: tuple[str, ...]
    articles: tuple[DemoArticle, ...]
    interval: str = "30m"

    @property
    def folder(self) -> Path:
        """The folder OutletServer serves."""
        return SITES / self.name

    def article(self, path: str) -> DemoArticle:
        """The article at ``path``; KeyError names the outlet otherwise."""
        for article in self.articles:
            if article.path == path:
                return article
        raise KeyError(f"outlet {self.name!r} has no article at {path!r}")

    def originals(self) -> tuple[DemoArticle, ...]:
        """The articles a crawl must store: every page that is not an exact duplicate."""
        return tuple(a for a in self.articles if a.duplicate_of is None)

    def source_entry(self, base: str) -> dict[str, Any]:
        """The sources-file entry for this outlet served at ``base``."""
        base = base.rstrip("/")
        return {
            "name": self.name,
            "label": self.label,
            "homepage": f"{base}/",
            "feeds": [base + path for path in self.feeds],
            "sitemaps": [base + path for path in self.sitemaps],
            "languages": list(self.languages),
            "timezone": self.timezone,
            "schedule": {"interval": self.interval},
            # Served on loopback: allowed for this outlet only (see docs/crawling.md).
            "allow_networks": [host_allowance(base)],
        }


def _utc(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


NSO_SOURCE = "emirates-leaks"
NSO_URL_PATH = "/2021/02/nso-enquete.html"
NSO_TAGLINE = "موقع إخباري يهتم بفضائح و انتهاكات دولة الامارات"
NSO_VIEWS = "185"
NSO_TITLE = (
    "La société israélienne de logiciels espions NSO Group fait l’objet d’une nouvelle "
    "enquête américaine"
)
NSO_FIRST_PARAGRAPH = (
    "NSO Group semble faire l’objet d’un nouvel examen minutieux de la part du Département "
    "Américain de la Justice (DoJ), rapporte The Guardian."
)
NSO_LAST_PARAGRAPH = (
    "Dans un blogue connexe publié en décembre, le président de Microsoft, Brad Smith, a demandé "
    "à la future administration Biden d’intervenir dans cette affaire judiciaire très médiatisée "
    "et a comparé NSO Group à des mercenaires du XXIe siècle. La raison pour laquelle l’enquête "
    "du DoJ semble s’être arrêtée au cours de la dernière année de l’administration de Donald "
    "Trump n’est pas claire, mais les enquêtes sensibles sur des entreprises étrangères telles "
    "que NSO Group, qui est étroitement réglementée par le ministère de la défense israélien, "
    "ont tendance à nécessiter une coopération avec le département d’État américain."
)
NSO_DATE_TEXT = "الأربعاء، 3 فبراير 2021 02:05 م"
"""The page's only publication date: visible, in Arabic, Dubai wall time (UTC+4)."""
NSO_PUBLISHED = _utc(2021, 2, 3, 10, 5)
NSO_LANGUAGE = "fr"

EMIRATES_LEAKS = DemoOutlet(
    name=NSO_SOURCE,
    label="Emirates Leaks",
    languages=("ar", "fr"),
    timezone="Asia/Dubai",
    feeds=("/feed.xml",),
    sitemaps=("/sitemap.xml",),
    articles=(
        DemoArticle(NSO_URL_PATH, NSO_TITLE, NSO_LANGUAGE, NSO_PUBLISHED),
        DemoArticle(
            "/2021/02/rights-groups-detainees.html",
            "منظمات حقوقية تطالب بالإفراج عن معتقلي الرأي في الإمارات وتنتقد ظروف احتجازهم",
            "ar",
            _utc(2021, 2, 2, 5, 40),
        ),
        DemoArticle(
            "/2021/02/migrant-workers-wages.html",
            "عمال مهاجرون يشكون تأخر أجورهم لأشهر في مشروع سكني جنوبي دبي",
            "ar",
            _utc(2021, 2, 1, 15, 15),
        ),
        DemoArticle(
            "/2021/01/arms-deals-report.html",
            "تقرير: واردات السلاح الخليجية تتضاعف رغم التحذيرات من استخدامها في اليمن",
            "ar",
            date(2021, 1, 28),
        ),
    ),
)

_LYON = "/culture/2021/02/04/manuscrit-arabe-lyon.html"
_LYON_TITLE = (
    "Un manuscrit arabe du XIIe siècle redécouvert dans les réserves de la bibliothèque de Lyon"
)
_FOS = "/economie/2021/02/03/marseille-armateur-emirien.html"
_FOS_TITLE = "Le port de Marseille-Fos s’allie à un armateur émirien pour une ligne vers le Golfe"

LA_GAZETTE = DemoOutlet(
    name="la-gazette",
    label="La Gazette",
    languages=("fr",),
    timezone="Europe/Paris",
    feeds=("/flux/une.xml",),
    sitemaps=("/sitemap.xml",),
    articles=(
        DemoArticle(
            "/international/2021/02/02/yemen-treve-hodeida.html",
            "Yémen : les ONG réclament une trêve autour du port de Hodeïda",
            "fr",
            _utc(2021, 2, 2, 17, 30),
        ),
        DemoArticle(_FOS, _FOS_TITLE, "fr", _utc(2021, 2, 3, 6, 45)),
        DemoArticle("/amp" + _FOS, _FOS_TITLE, "fr", _utc(2021, 2, 3, 6, 45), duplicate_of=_FOS),
        DemoArticle(_LYON, _LYON_TITLE, "fr", _utc(2021, 2, 4, 10, 20)),
        DemoArticle(
            "/depeches/2021/02/04/manuscrit-arabe-xiie-siecle-lyon.html",
            _LYON_TITLE,
            "fr",
            _utc(2021, 2, 4, 10, 20),
            duplicate_of=_LYON,
        ),
    ),
)

_INSURERS = "/business/2021/02/03/shipping-insurers-war-risk-premiums.html"

GULF_COURIER = DemoOutlet(
    name="gulf-courier",
    label="The Gulf Courier",
    languages=("en",),
    timezone="Asia/Dubai",
    feeds=("/rss.xml",),
    sitemaps=("/sitemap_index.xml",),
    articles=(
        DemoArticle(
            "/business/2021/02/04/khor-qalat-port-expansion.html",
            "Khor Qalat port to double container capacity in $1.2bn expansion",
            "en",
            _utc(2021, 2, 4, 4, 0),
        ),
        DemoArticle(
            _INSURERS,
            "Gulf shipping insurers raise war-risk premiums after tanker blast",
            "en",
            _utc(2021, 2, 3, 5, 30),
        ),
        DemoArticle(
            "/wire/2021/02/03/tanker-blast-insurance-costs.html",
            "Tanker blast pushes up insurance costs for ships in southern Gulf",
            "en",
            _utc(2021, 2, 3, 7, 10),
            near_duplicate_of=_INSURERS,
        ),
        DemoArticle(
            "/gulf/2021/02/02/blogger-detention-rights-groups.html",
            "Rights groups urge release of blogger held over cost-of-living posts",
            "en",
            _utc(2021, 2, 2, 12, 45),
        ),
        DemoArticle(
            "/gulf/2021/02/01/schools-return-to-classrooms.html",
            "Schools weigh return to classrooms as vaccination drive gathers pace",
            "en",
            _utc(2021, 2, 1, 15, 20),
        ),
    ),
)

OUTLETS: tuple[DemoOutlet, ...] = (EMIRATES_LEAKS, LA_GAZETTE, GULF_COURIER)


def outlet(name: str) -> DemoOutlet:
    """The demo outlet called ``name``; KeyError lists the known ones otherwise."""
    for candidate in OUTLETS:
        if candidate.name == name:
            return candidate
    known = ", ".join(o.name for o in OUTLETS)
    raise KeyError(f"no demo outlet named {name!r} (known: {known})")


def sources_yaml(bases: Mapping[str, str]) -> str:
    """A sources file (YAML) declaring the outlets named in ``bases``, each at its base URL.

    ``bases`` maps an outlet name to where it is served, e.g. ``{"la-gazette":
    "http://127.0.0.1:41234"}``; outlets keep the order of :data:`OUTLETS`.
    """
    unknown = sorted(set(bases) - {o.name for o in OUTLETS})
    if unknown:
        raise ValueError(f"not a demo outlet: {', '.join(unknown)}")
    entries = [o.source_entry(bases[o.name]) for o in OUTLETS if o.name in bases]
    yaml = YAML(typ="rt")  # keeps each entry's key order: name first, as people write it
    yaml.indent(mapping=2, sequence=4, offset=2)
    out = StringIO()
    out.write("# The bundled demo outlets, served on loopback (see docs/demo.md).\n")
    yaml.dump({"sources": entries}, out)
    return out.getvalue()


@contextmanager
def serving(outlets: Iterable[DemoOutlet] = OUTLETS) -> Iterator[dict[str, OutletServer]]:
    """Serve each outlet on its own loopback port for the duration of the block.

    Yields ``{name: server}``; ``{n: s.base_url for n, s in servers.items()}`` is what
    :func:`sources_yaml` takes.
    """
    with ExitStack() as stack:
        servers: dict[str, OutletServer] = {}
        for demo in outlets:
            servers[demo.name] = server = OutletServer(demo.folder).start()
            stack.callback(server.stop)
        yield servers
