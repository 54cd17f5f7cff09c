"""The story aggregate on both databases: memberships, splits, merges, citations, the index,
and several writers putting articles in one story at once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text

from aggregator.extraction import extract_article
from aggregator.stories.inputs import StoryInputs, story_inputs
from storage.articles import Article
from storage.batches import BatchWriter
from storage.citations import Cited, add_citations, citations_of, citing
from storage.db import session_scope
from storage.editorial import Editor, EditorialAction
from storage.ingest import save_article
from storage.stories import Link, StoryMember, join, members, merge, recent_stories, split
from storage.story_index import add_profile, lookup, profile, remove_profile
from tests.conftest import FIXTURES
from tests.spiders.crawling import REPO
from tests.storage.conftest import record

EDITOR = Editor(user_id=None, username="desk")
T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _article(url: str, outlet: int, body: str, when: datetime, language: str = "en") -> int:
    with session_scope(url) as session:
        outcome = save_article(
            session,
            record(
                outlet,
                f"https://o{outlet}.example/{body.split()[0].lower()}-{when:%H%M%S%f}",
                body,
                published_at=when,
                language=language,
            ),
        )
        return outcome.article_id


def _link(relation: str = "translation", cited: int | None = None) -> Link:
    return Link(relation, 0.9, {"shared": {"names": ["NSO Group"]}}, cited_article_id=cited)


@pytest.fixture
def three(database_url: str, outlets: dict[str, int]) -> list[int]:
    """Three unrelated articles (different bodies), an hour apart."""
    bodies = ["Alpha report on ports " * 20, "Bravo notes on rivers " * 20, "Charlie on dams " * 20]
    return [
        _article(database_url, outlets["wire"], body, T0 + timedelta(hours=i))
        for i, body in enumerate(bodies)
    ]


def test_join_makes_a_story_with_provenance(database_url: str, three: list[int]) -> None:
    first, second, _ = three
    with session_scope(database_url) as session:
        a, b = session.get(Article, second), session.get(Article, first)
        assert a is not None and b is not None
        story = join(session, a, b, _link(cited=first))
        assert story is not None
        story_id = story.id
    with session_scope(database_url) as session:
        rows = members(session, story_id)
        assert [(m.article_id, m.relation) for m, _ in rows] == [
            (first, "original"),
            (second, "translation"),
        ]
        member = session.get(StoryMember, second)
        assert member is not None
        assert member.evidence == {"shared": {"names": ["NSO Group"]}}
        assert member.cited_article_id == first and member.decided_by == "auto"
        assert session.get(Article, second).story_id == story_id  # type: ignore[union-attr]


def test_cited_article_is_the_origin_even_when_published_later(
    database_url: str, three: list[int]
) -> None:
    first, second, _ = three
    with session_scope(database_url) as session:
        early, late = session.get(Article, first), session.get(Article, second)
        assert early is not None and late is not None
        story = join(session, late, early, _link())
        assert story is not None and story.origin_article_id == first
        # the early article credits the later one: the later one is the original
        member = session.get(StoryMember, first)
        assert member is not None
        member.cited_article_id = second
        story = join(session, late, early, Link("original", 1.0, {}))
        assert story is not None and story.origin_article_id == second


def test_split_article_never_joins_again_and_is_recorded(
    database_url: str, three: list[int]
) -> None:
    first, second, _ = three
    with session_scope(database_url) as session:
        a, b = session.get(Article, second), session.get(Article, first)
        story = join(session, a, b, _link())  # type: ignore[arg-type]
        assert story is not None
        split(session, story.id, second, EDITOR)
        story_id = story.id
    with session_scope(database_url) as session:
        a, b = session.get(Article, second), session.get(Article, first)
        assert join(session, a, b, _link()) is None  # type: ignore[arg-type]
        assert a is not None and a.story_id is None
        actions = session.scalars(
            select(EditorialAction.action).where(EditorialAction.article_id == second)
        ).all()
        assert actions == ["split"]
        assert [m.article_id for m, _ in members(session, story_id)] == [first]


def test_merge_moves_members_and_later_links_follow(database_url: str, three: list[int]) -> None:
    first = three[0]
    fourth = _article(database_url, 1, "Delta on ports " * 20, T0 + timedelta(hours=5))
    fifth = _article(database_url, 1, "Echo on ports " * 20, T0 + timedelta(hours=6))
    with session_scope(database_url) as session:
        a, b, c = (session.get(Article, i) for i in three)
        s1 = join(session, b, a, _link())  # type: ignore[arg-type]
        assert s1 is not None
        # a second story of the third article and a fourth
        d = session.get(Article, fourth)
        s2 = join(session, d, c, _link())  # type: ignore[arg-type]
        assert s2 is not None
        kept = merge(session, s1.id, s2.id, EDITOR)
        assert kept.article_count == 4
        assert kept.origin_article_id == first
        assert {m.article_id for m, _ in members(session, s1.id)} == {*three, fourth}
        history = session.scalars(select(EditorialAction.detail)).all()
        assert {"into": s1.id, "from": s2.id} in history
        # a new article linked through the merged story's member lands in the kept story
        e = session.get(Article, fifth)
        assert join(session, e, d, _link()).id == s1.id  # type: ignore[arg-type, union-attr]
        listed = recent_stories(session, T0 - timedelta(days=30))
        assert [s.id for s, _ in listed] == [s1.id]


def test_citations_are_found_by_url_and_outlet(database_url: str, three: list[int]) -> None:
    first, _, _ = three
    with session_scope(database_url) as session:
        add_citations(
            session,
            first,
            [
                Cited("sentence", "The Guardian", "guardian", None, "rapporte The Guardian."),
                Cited("link", None, None, "https://www.theguardian.com/x", None),
                Cited("sentence", "x" * 500, "x" * 500, "https://e.x/" + "y" * 3000, "z" * 5000),
            ],
        )
    with session_scope(database_url) as session:
        by_url = citing(session, ["https://www.theguardian.com/x"], [])
        by_outlet = citing(session, [], ["guardian"])
        assert [c.kind for c in by_url] == ["link"]
        assert [c.sentence for c in by_outlet] == ["rapporte The Guardian."]
        hostile = citing(session, [], ["x" * 200])[0]
        assert hostile.url is None and len(hostile.sentence or "") == 1000


def test_an_outlets_own_pages_never_crowd_out_the_articles_that_credit_it(
    database_url: str, outlets: dict[str, int]
) -> None:
    # The newest five citations of an outlet's name are asked for; six pages of the outlet
    # itself naming it (a signature, a canonical URL) must not hide another outlet's credit.
    words = ["Echo", "Foxtrot", "Golf", "Hotel", "India", "Juliet", "Kilo"]
    ids = [
        _article(database_url, outlets["weekly" if i == 0 else "wire"], f"{w} item " * 40, T0)
        for i, w in enumerate(words)
    ]
    with session_scope(database_url) as session:
        for article_id in ids:
            add_citations(session, article_id, [Cited("sentence", "Wire", "wire", None, "Wire.")])
    with session_scope(database_url) as session:
        crediting = citing(session, [], ["wire"], source_id=outlets["wire"])
        assert [c.article_id for c in crediting] == [ids[0]]
        assert len(citing(session, [], ["wire"])) == 5  # without the source: the newest five


def test_story_inputs_given_with_the_record_are_stored(
    database_url: str, outlets: dict[str, int]
) -> None:
    # A crawl hands the inputs its extraction process computed: storage uses them as given.
    given = StoryInputs(
        {"n:1400": 0.25}, (Cited("sentence", "Reuters", "reuters", None, "said Reuters."),)
    )
    body = "Delta figures on harbours " * 20
    with session_scope(database_url) as session:
        first = save_article(
            session, record(outlets["wire"], "https://wire.example/d", body, story=given)
        ).article_id
    with session_scope(database_url) as session:
        indexed = profile(session, first)
        assert indexed is not None and indexed.features == {"n:1400": 0.25}
        assert [c.outlet for c in citations_of(session, first)] == ["Reuters"]


def test_story_inputs_of_a_text_cleaning_changed_are_computed_again(
    database_url: str, outlets: dict[str, int]
) -> None:
    # Inputs computed from a body with a NUL (which storage removes) are not those of the
    # stored text: storage computes them from what it stores.
    body = "Echo 4,250 tonnes reached Rotterdam in 2024 " * 10
    stale = story_inputs("A title", body + "\x00")
    stale = StoryInputs({**stale.features, "n:999999": 0.9}, stale.cited)
    with session_scope(database_url) as session:
        article_id = save_article(
            session, record(outlets["wire"], "https://wire.example/e", body + "\x00", story=stale)
        ).article_id
    with session_scope(database_url) as session:
        indexed = profile(session, article_id)
        assert indexed is not None
        assert indexed.features == story_inputs("A title", body).features


def test_lookup_finds_recent_articles_in_the_window(database_url: str, three: list[int]) -> None:
    first, second, third = three
    far = T0 + timedelta(days=30)
    with session_scope(database_url) as session:
        for article_id in three:  # replace what storing them indexed
            remove_profile(session, article_id)
        add_profile(session, first, "en", T0, {"n:1400": 0.1}, ["n:1400", "e:nso", "y:2019"])
        add_profile(session, second, "fr", T0, {"n:1400": 0.2}, ["n:1400", "e:nso"])
        add_profile(session, third, "ar", far, {"n:1400": 0.3}, ["n:1400", "e:nso"])
    with session_scope(database_url) as session:
        found = lookup(session, ["n:1400", "e:nso", "y:2019"], {}, T0, exclude=first)
        assert [c.article_id for c in found.candidates] == [second]
        assert found.total == 2
        assert found.candidates[0].language == "fr"
        assert found.candidates[0].features == {"n:1400": 0.2}
        assert found.df["e:nso"] == {"en": 1, "fr": 1}  # the far one is outside the window
        later = lookup(session, ["n:1400"], {}, far)
        assert [c.article_id for c in later.candidates] == [third]
        remove_profile(session, second)
        assert lookup(session, ["e:nso"], {}, T0, exclude=first).candidates == []


def test_concurrent_writers_make_one_story_per_match(database_url: str, three: list[int]) -> None:
    """Several processes' transactions link new articles to one story-less article at once:
    the membership key lets one make the story, the others join it."""
    first = three[0]
    news = [
        _article(database_url, 2, f"Fox{i} on ports " * 20, T0 + timedelta(hours=10 + i))
        for i in range(6)
    ]
    barrier = threading.Barrier(len(news))
    errors: list[BaseException] = []

    def link(article_id: int) -> None:
        writer = BatchWriter(database_url, retries=8, backoff=0.05, backoff_max=0.5)
        barrier.wait()

        def work(session):  # type: ignore[no-untyped-def]
            a, b = session.get(Article, article_id), session.get(Article, first)
            return join(session, a, b, _link())

        try:
            writer.run(work)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=link, args=(i,)) for i in news]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with session_scope(database_url) as session:
        stories = session.scalar(text("SELECT count(*) FROM stories"))
        in_story = session.scalar(select(func.count()).select_from(StoryMember))
        story_ids = set(session.scalars(select(StoryMember.story_id)))
    assert stories == 1 and len(story_ids) == 1
    assert in_story == len(news) + 1


def _nso_pair() -> tuple[str, str, str]:
    """The English report (tests/fixtures/stories) and the seed's French translation of it,
    without the sentence that names the Guardian: a link is then its only credit."""
    page = (FIXTURES / "stories" / "guardian" / "world" / "nso-doj.html").read_text("utf-8")
    english = extract_article(
        page.replace("{{BASE}}", "https://wire.example"), "https://wire.example/world/nso-doj.html"
    ).body
    seed = (REPO.parent / "shared" / "seed" / "nso-report.txt").read_text(encoding="utf-8")
    paragraphs = [p.strip() for p in seed.split("\n\n") if p.strip()][3:]
    french = "\n\n".join(
        ". ".join(s for s in p.split(". ") if "Guardian" not in s) for p in paragraphs
    )
    assert "Guardian" not in french
    return english, french, "https://wire.example/world/nso-doj.html"


@pytest.mark.parametrize("original_first", [True, False])
def test_a_body_link_to_a_stored_article_credits_it(
    database_url: str, outlets: dict[str, int], original_first: bool
) -> None:
    english, french, original_url = _nso_pair()
    link = {"url": original_url, "anchor": "révélé par le quotidien britannique"}
    translation = record(
        outlets["daily"],
        "https://daily.example/fr/2021/nso-enquete.html",
        french,
        published_at=T0 + timedelta(hours=3),
        language="fr",
        extraction={"body_links": [link]},
    )
    original = record(outlets["wire"], original_url, english, published_at=T0, language="en")
    ids = {}
    for name, rec in [("en", original), ("fr", translation)][:: 1 if original_first else -1]:
        with session_scope(database_url) as session:
            ids[name] = save_article(session, rec).article_id
    with session_scope(database_url) as session:
        cites = citations_of(session, ids["fr"])
        assert [(c.kind, c.url, c.cited_article_id) for c in cites] == [
            ("link", original_url, ids["en"])
        ]
        french_row = session.get(Article, ids["fr"])
        assert french_row is not None and french_row.story_id is not None
        story_members = {a.id: m for m, a in members(session, french_row.story_id)}
        assert story_members[ids["en"]].relation == "original"
        assert story_members[ids["fr"]].relation == "translation"
        assert story_members[ids["fr"]].cited_article_id == ids["en"]
