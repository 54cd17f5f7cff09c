"""Editorial actions: applied, recorded with editor and time, refused without CSRF token."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from starlette.testclient import TestClient

from storage.articles import Article
from storage.db import session_scope
from storage.editorial import EditorialAction

Editor = tuple[TestClient, str]


def _article(url: str, article_id: int) -> Article:
    with session_scope(url) as session:
        article = session.get(Article, article_id)
        assert article is not None
        return article


def _actions(url: str, article_id: int) -> list[tuple[str, str, dict[str, object]]]:
    with session_scope(url) as session:
        rows = session.scalars(
            select(EditorialAction)
            .where(EditorialAction.article_id == article_id)
            .order_by(EditorialAction.id)
        )
        return [(r.action, r.username, r.detail) for r in rows]


def test_approve_from_the_feed_goes_back_to_it(
    editor: Editor, seeded: tuple[str, dict[str, int]]
) -> None:
    client, token = editor
    url, ids = seeded
    response = client.post(
        f"/articles/{ids['aj_gaza']}/approve",
        data={"csrf": token, "next": "/?language=ar", "back": "/?language=ar"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/?language=ar"
    assert _article(url, ids["aj_gaza"]).status == "approved"
    assert _actions(url, ids["aj_gaza"]) == [
        ("approve", "amira", {"from": "new", "to": "approved"})
    ]


def test_edit_and_approve_keeps_the_original(
    editor: Editor, seeded: tuple[str, dict[str, int]]
) -> None:
    client, token = editor
    url, ids = seeded
    response = client.post(
        f"/articles/{ids['nso']}/edit",
        data={
            "csrf": token,
            "title": "NSO Group under a new US inquiry",
            "summary": "",
            "then": "approve",
            "back": "/",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/articles/{ids['nso']}?back=/"
    article = _article(url, ids["nso"])
    assert article.edited_title == "NSO Group under a new US inquiry"
    assert article.title is not None and article.title.startswith("La société israélienne")
    assert article.status == "approved"
    assert [a[0] for a in _actions(url, ids["nso"])] == ["edit", "approve"]
    page = client.get(f"/articles/{ids['nso']}").text
    assert "NSO Group under a new US inquiry" in page
    assert "amira</strong> approve" in page


def test_reject_star_note_publish_reset(editor: Editor, seeded: tuple[str, dict[str, int]]) -> None:
    client, token = editor
    url, ids = seeded
    target = ids["gu_tunisia"]
    for action, data in [
        ("reject", {}),
        ("star", {}),
        ("note", {"note": "check the figures"}),
        ("publish", {}),
        ("reset", {}),
        ("unstar", {}),
    ]:
        response = client.post(f"/articles/{target}/{action}", data={"csrf": token, **data})
        assert response.status_code == 200, (action, response.text)
    article = _article(url, target)
    assert (article.status, article.starred, article.note) == ("new", False, "check the figures")
    assert [a[0] for a in _actions(url, target)] == [
        "reject",
        "star",
        "note",
        "publish",
        "reset",
        "unstar",
    ]


def test_too_long_title_comes_back_with_a_message(
    editor: Editor, seeded: tuple[str, dict[str, int]]
) -> None:
    client, token = editor
    url, ids = seeded
    response = client.post(
        f"/articles/{ids['nso']}/edit", data={"csrf": token, "title": "x" * 501, "summary": "s"}
    )
    assert response.status_code == 400
    assert "the title is 501 characters long; the limit is 500" in response.text
    assert _article(url, ids["nso"]).edited_title is None
    assert _actions(url, ids["nso"]) == []


@pytest.mark.parametrize(
    "path",
    [
        "/articles/{id}/approve",
        "/articles/{id}/edit",
        "/articles/{id}/note",
        "/exports/atom/rotate",
        "/logout",
    ],
)
def test_post_without_the_right_csrf_token_is_403(
    editor: Editor, seeded: tuple[str, dict[str, int]], path: str
) -> None:
    client, _ = editor
    url, ids = seeded
    for csrf in (None, "", "forged-token-forged-token-forged-token"):
        data = {"title": "hijacked"} if csrf is None else {"csrf": csrf, "title": "hijacked"}
        response = client.post(path.format(id=ids["nso"]), data=data)
        assert response.status_code == 403, csrf
    article = _article(url, ids["nso"])
    assert (article.status, article.edited_title) == ("new", None)
    assert client.get("/", follow_redirects=False).status_code == 200  # still logged in


def test_unknown_action_is_404(editor: Editor, ids: dict[str, int]) -> None:
    client, token = editor
    assert client.post(f"/articles/{ids['nso']}/delete", data={"csrf": token}).status_code == 404
