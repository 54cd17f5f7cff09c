"""GET /api/stories: the stories of `aggregator stories --json`, behind the api token."""

from __future__ import annotations

from starlette.testclient import TestClient

from storage.articles import Article
from storage.db import session_scope
from storage.secrets import export_token
from storage.stories import Link, join


def test_stories_api_lists_members_with_provenance(
    client: TestClient, seeded: tuple[str, dict[str, int]]
) -> None:
    url, ids = seeded
    with session_scope(url) as session:
        nso, gaza = session.get(Article, ids["nso"]), session.get(Article, ids["aj_gaza"])
        assert nso is not None and gaza is not None
        evidence = {"shared": {"names": ["<script>alert(1)</script>"]}}
        story = join(session, nso, gaza, Link("retelling", 0.7, evidence))
        assert story is not None
        story_id = story.id
        token = export_token(session, "api")
    assert client.get("/api/stories").status_code == 403
    assert client.get(f"/api/stories?token={token}&since=soon").status_code == 400
    response = client.get(f"/api/stories?token={token}&since=30d")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    stories = {s["id"]: s for s in response.json()["stories"]}
    assert story_id in stories
    found = stories[story_id]
    members = {m["article_id"]: m for m in found["members"]}
    assert set(members) == {ids["nso"], ids["aj_gaza"]}
    # the earlier of the two is the origin; the other is what the link said
    origin = found["origin"]["article_id"]
    other = next(a for a in members if a != origin)
    assert members[origin]["relation"] == "original"
    assert members[other]["relation"] == "retelling"
    assert members[ids["nso"]]["evidence"] == evidence  # scraped text stays JSON, never HTML
    assert {"url", "source", "language", "published"} <= set(members[other])
    assert found["languages"] == sorted({m["language"] for m in members.values()})
