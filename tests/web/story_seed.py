"""Stories for the story-view tests, made through the storage API as the linker makes them.

On top of the sample newsroom (:mod:`tests.web.review_seed`): the NSO story told three times
(a Guardian original in English, a French translation crediting it on Emirates Leaks, an
Arabic republication of the French one on Al Jazeera, hostile text in its evidence), and a
second, English-French story about a port strike for the editor to merge into it.
"""

from __future__ import annotations

from sqlalchemy import select

from storage.articles import Article
from storage.citations import Cited, add_citations
from storage.db import session_scope
from storage.sources import SourceRow
from storage.stories import Link, join

from .review_seed import _article

HOSTILE_NAME = "<script>alert('evidence')</script>"
ATTRIBUTION = "NSO Group fait l’objet d’une nouvelle enquête américaine, rapporte The Guardian."


def seed_stories(database_url: str) -> dict[str, int]:
    """Add the two stories; return the ids of their articles and of the stories."""
    with session_scope(database_url) as session:
        src = {s.name: s for s in session.scalars(select(SourceRow))}
        arts = {
            "en": _article(
                src["guardian"],
                "https://www.theguardian.com/technology/2026/nov/19/nso-inquiry",
                "NSO Group faces new US justice department inquiry",
                "The Israeli spyware firm NSO Group is under scrutiny by the US Department "
                "of Justice, sources say. WhatsApp sued NSO in 2019 over 1,400 phones.",
                "en",
                30,
            ),
            "fr": _article(
                src["emaratleaks"],
                "https://emaratleaks.example/fr/2026/11/19/nso-enquete",
                "NSO Group visé par une nouvelle enquête américaine",
                "La société israélienne NSO Group fait l’objet d’une enquête du département "
                "américain de la Justice. " + ATTRIBUTION,
                "fr",
                26,
            ),
            "ar": _article(
                src["aljazeera"],
                "https://www.aljazeera.net/news/2026/11/19/nso",
                "تحقيق أمريكي جديد مع مجموعة إن إس أو",
                "تخضع شركة برامج التجسس الإسرائيلية إن إس أو لتحقيق جديد من وزارة العدل "
                "الأمريكية، نقلاً عن إمارات ليكس.",
                "ar",
                20,
            ),
            "port_en": _article(
                src["guardian"],
                "https://www.theguardian.com/world/2026/nov/19/marseille-fos-strike",
                "Dockers strike at Marseille-Fos",
                "Dockers at Marseille-Fos walked out on Tuesday.",
                "en",
                28,
            ),
            "port_fr": _article(
                src["lemonde"],
                "https://www.lemonde.fr/economie/2026/11/19/greve-marseille-fos",
                "Grève des dockers à Marseille-Fos",
                "Les dockers de Marseille-Fos ont cessé le travail mardi.",
                "fr",
                27,
            ),
        }
        session.add_all(arts.values())
        session.flush()
        add_citations(
            session,
            arts["fr"].id,
            [
                Cited(
                    "sentence",
                    outlet="The Guardian",
                    outlet_key="theguardian",
                    sentence=ATTRIBUTION,
                )
            ],
        )
        add_citations(
            session,
            arts["ar"].id,
            [Cited("link", outlet=HOSTILE_NAME, url=arts["fr"].url)],
        )
        nso = join(
            session,
            arts["fr"],
            arts["en"],
            Link(
                "translation",
                0.87,
                {
                    "score": 0.87,
                    "threshold": 0.3,
                    "shared": {
                        "names": ["NSO Group", "WhatsApp"],
                        "numbers": ["2019"],
                        "skeletons": ["nsgrp"],
                        "urls": ["https://www.justice.gov/"],
                    },
                    "attribution": {
                        "kind": "sentence",
                        "outlet": "The Guardian",
                        "sentence": ATTRIBUTION,
                    },
                    "time": "after",
                },
                cited_article_id=arts["en"].id,
            ),
        )
        assert nso is not None
        join(
            session,
            arts["ar"],
            arts["fr"],
            Link(
                "republication",
                0.91,
                {"shared": {"names": [HOSTILE_NAME, "NSO"]}, "link": arts["fr"].url},
                cited_article_id=arts["fr"].id,
            ),
        )
        port = join(
            session,
            arts["port_fr"],
            arts["port_en"],
            Link("translation", 0.74, {"shared": {"names": ["Marseille-Fos"]}}),
        )
        assert port is not None
        ids = {key: article.id for key, article in arts.items()}
        ids["nso_story"], ids["port_story"] = nso.id, port.id
        return ids


def story_of(database_url: str, article_id: int) -> int | None:
    """The story an article is in now."""
    with session_scope(database_url) as session:
        article = session.get(Article, article_id)
        return article.story_id if article else None
