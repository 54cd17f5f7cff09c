"""A small newsroom in a database: outlets in Arabic, French and English, one story told by
three of them, the NSO report (a French article on an Arabic site) and a hostile article.

Rows are inserted through SQLAlchemy as the crawl pipelines would store them; each article
is indexed for full-text search.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage.articles import Article, ArticleRevision, ArticleUrl
from storage.db import session_scope
from storage.runs import CrawlRun
from storage.sources import SourceRow
from storage.stories import Story
from storage.users import add_user

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "nso-report.txt"
PASSWORD = "correct horse battery"
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)

NSO_FALLBACK = (
    "موقع إخباري يهتم بفضائح و انتهاكات دولة الامارات\n\n"
    "La société israélienne de logiciels espions NSO Group fait l’objet d’une nouvelle "
    "enquête américaine\n\n"
    "Amnesty International et d’autres organisations ont recueilli des informations sur "
    "l’utilisation systématique du logiciel espion Pegasus développé par NSO Group."
)
HOSTILE_TITLE = '<script>alert("title")</script><img src=x onerror=alert(1)>Breaking'
HOSTILE_BODY = (
    "<script>alert('body')</script>\n\n"
    '<a href="javascript:alert(2)">click me</a> and <img src=x onerror="alert(3)">\n\n'
    '"><svg onload=alert(4)>'
)
HOSTILE_URL = "javascript:alert(document.cookie)//hostile"


def nso_text() -> str:
    """The recorded NSO report text (shared seed), or its opening lines when absent."""
    return SEED.read_text(encoding="utf-8") if SEED.exists() else NSO_FALLBACK


def _source(name: str, label: str, homepage: str, languages: list[str]) -> SourceRow:
    return SourceRow(
        name=name,
        label=label,
        homepage=homepage,
        languages=languages,
        timezone="UTC",
        enabled=True,
        schedule=None,
        config={},
    )


def _article(
    source: SourceRow,
    url: str,
    title: str,
    body: str,
    language: str,
    hours_ago: float,
    **extra: object,
) -> Article:
    at = NOW - timedelta(hours=hours_ago)
    fields: dict[str, object] = {
        "published_at": at,
        "published_source": "json-ld",
        "published_precision": "minute",
        "published_offset": "+00:00",
    }
    fields.update(extra)
    return Article(
        source=source,
        url=url,
        title=title,
        body=body,
        language=language,
        body_hash=hashlib.sha256(body.encode()).hexdigest(),
        word_count=len(body.split()),
        sort_at=at,
        first_seen_at=at,
        fetched_at=at,
        updated_at=at,
        **fields,
    )


def seed(database_url: str) -> dict[str, int]:
    """Fill the database; return the ids of the articles by a short key."""
    with session_scope(database_url) as session:
        aj = _source("aljazeera", "الجزيرة نت", "https://www.aljazeera.net/", ["ar"])
        lm = _source("lemonde", "Le Monde", "https://www.lemonde.fr/", ["fr"])
        gu = _source("guardian", "The Guardian", "https://www.theguardian.com/", ["en"])
        el = _source("emaratleaks", "إمارات ليكس", "https://emaratleaks.example/", ["ar", "fr"])
        bad = _source(
            "badsite", "<img src=x onerror=alert('label')>", "javascript:alert(5)", ["en"]
        )
        session.add_all([aj, lm, gu, el, bad])
        story = Story(title="Tunisia protests")
        session.add(story)
        session.flush()
        arts = {
            "aj_tunisia": _article(
                aj,
                "https://www.aljazeera.net/news/2026/11/20/tunisia",
                "احتجاجات في تونس بعد ارتفاع أسعار الخبز",
                "خرج آلاف المتظاهرين إلى شوارع العاصمة تونس احتجاجا على ارتفاع الأسعار.\n\n"
                "وقالت النقابات إن الإضراب سيستمر.",
                "ar",
                5,
                story_id=story.id,
                authors=["محمد علي"],
                published_offset="+03:00",
                published_source="meta",
            ),
            "lm_tunisia": _article(
                lm,
                "https://www.lemonde.fr/afrique/article/2026/11/20/tunisie",
                "En Tunisie, des milliers de manifestants contre la hausse du prix du pain",
                "Des milliers de manifestants ont défilé à Tunis.\n\nLes syndicats appellent "
                "à la grève.",
                "fr",
                3,
                story_id=story.id,
                authors=["Frédéric Bobin"],
                description="Les syndicats appellent à la grève.",
                published_offset="+01:00",
            ),
            "gu_tunisia": _article(
                gu,
                "https://www.theguardian.com/world/2026/nov/20/tunisia-protests",
                "Thousands protest in Tunisia over bread prices",
                "Thousands of protesters marched in Tunis.\n\nUnions called a strike.",
                "en",
                4,
                story_id=story.id,
            ),
            "aj_gaza": _article(
                aj,
                "https://www.aljazeera.net/news/2026/11/20/gaza",
                "وصول قافلة مساعدات جديدة إلى غزة",
                "وصلت قافلة تضم عشرات الشاحنات إلى معبر رفح صباح اليوم.",
                "ar",
                1,
                published_precision="day",
                published_source="url",
            ),
            "nso": _article(
                el,
                "https://emaratleaks.example/fr/2021/02/04/nso-group-enquete",
                "La société israélienne de logiciels espions NSO Group fait l’objet d’une "
                "nouvelle enquête américaine",
                nso_text(),
                "fr",
                2,
                description="NSO Group semble faire l’objet d’un nouvel examen minutieux "
                "de la part du Département Américain de la Justice.",
                language_declared="ar",
            ),
            "hostile": _article(
                bad,
                HOSTILE_URL,
                HOSTILE_TITLE,
                HOSTILE_BODY,
                "en",
                6,
                description="<svg onload=alert('desc')>",
                authors=["<b onmouseover=alert(6)>Eve</b>"],
            ),
        }
        session.add_all(arts.values())
        session.flush()
        story.origin_article_id = arts["aj_tunisia"].id
        story.article_count = 3
        for article in arts.values():
            session.add(ArticleUrl(url=article.url, article=article, source_id=article.source_id))
        session.add(
            ArticleUrl(
                url=arts["lm_tunisia"].url + "?amp=1",
                article=arts["lm_tunisia"],
                kind="alias",
                source_id=arts["lm_tunisia"].source_id,
            )
        )
        session.add(
            ArticleRevision(
                article=arts["lm_tunisia"],
                number=1,
                title="Tunisie : manifestations à Tunis",
                body="Des manifestants ont défilé.",
                body_hash="0" * 64,
                changed=["title", "body"],
                captured_at=NOW - timedelta(hours=2),
            )
        )
        arts["lm_tunisia"].revision = 2
        session.add_all(
            [
                CrawlRun(
                    source_id=aj.id,
                    source_name="aljazeera",
                    status="finished",
                    started_at=NOW - timedelta(hours=1),
                    finished_at=NOW,
                    fetched=10,
                    stored=8,
                ),
                CrawlRun(
                    source_id=gu.id,
                    source_name="guardian",
                    status="failed",
                    started_at=NOW - timedelta(hours=2),
                    message="feed answered 503",
                ),
                CrawlRun(
                    source_id=gu.id,
                    source_name="guardian",
                    status="failed",
                    started_at=NOW - timedelta(hours=1),
                    message="feed answered 503",
                ),
            ]
        )
        add_user(session, "amira", PASSWORD)
        session.flush()
        _index(session, list(arts.values()))
        return {key: article.id for key, article in arts.items()}


def _index(session: object, articles: list[Article]) -> None:
    try:
        from storage.search import index_article
    except ImportError:  # the search module is not in this tree yet
        return
    for article in articles:
        index_article(session, article)  # type: ignore[arg-type]
