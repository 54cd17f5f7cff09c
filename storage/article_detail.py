"""One article in full, as the review page's article view shows it: its story siblings,
known URLs, revisions and editorial history."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage.articles import Article, ArticleRevision, ArticleUrl
from storage.review import MAX_PAGE, Sibling, sibling_row, sibling_select
from storage.users import EditorialAction


@dataclass
class ArticleDetail:
    article: Article
    siblings: list[Sibling]
    urls: list[ArticleUrl]
    revisions: list[ArticleRevision]
    actions: list[EditorialAction]


def article_detail(session: Session, article_id: int) -> ArticleDetail | None:
    """An article with its story siblings, known URLs, revisions and editorial history."""
    article = session.get(Article, article_id)
    if article is None:
        return None
    siblings: list[Sibling] = []
    if article.story_id is not None:
        stmt = (
            sibling_select()
            .where(Article.story_id == article.story_id, Article.id != article.id)
            .order_by(Article.sort_at.asc(), Article.id.asc())
            .limit(MAX_PAGE)
        )
        siblings = [sibling_row(row) for row in session.execute(stmt)]
    urls = list(
        session.scalars(
            select(ArticleUrl).where(ArticleUrl.article_id == article.id).order_by(ArticleUrl.id)
        )
    )
    revisions = list(
        session.scalars(
            select(ArticleRevision)
            .where(ArticleRevision.article_id == article.id)
            .order_by(ArticleRevision.number.desc())
        )
    )
    actions = list(
        session.scalars(
            select(EditorialAction)
            .where(EditorialAction.article_id == article.id)
            .order_by(EditorialAction.created_at.desc(), EditorialAction.id.desc())
            .limit(MAX_PAGE)
        )
    )
    return ArticleDetail(article, siblings, urls, revisions, actions)
