"""GET /articles/{id}: one article in full, its story, its revisions, its editorial history."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from aggregator.web.auth import requires
from aggregator.web.db import in_session
from aggregator.web.security import local_path
from storage.article_query import ArticleDetail, article_detail
from storage.base import MAX_ID


def article_id_of(request: Request) -> int:
    """The article id of the path; 404 unless it is a number an article can have."""
    text: str = request.path_params["article_id"]
    if not (text.isascii() and text.isdigit() and len(text) <= 10 and 0 < int(text) <= MAX_ID):
        raise HTTPException(404, f"no article with id {text[:40]!r}")
    return int(text)


@requires("viewer")
async def article_show(request: Request) -> Response:
    """The article page."""
    article_id = article_id_of(request)
    detail = await in_session(request, lambda s: article_detail(s, article_id))
    if detail is None:
        raise HTTPException(404, f"no article with id {article_id}")
    back = local_path(request.query_params.get("back"), "/")
    return render_article(request, detail, back)


def render_article(
    request: Request,
    detail: ArticleDetail,
    back: str,
    *,
    error: str | None = None,
    form: dict[str, str] | None = None,
    status: int = 200,
) -> Response:
    """The article page, optionally with an error and the editor's unsaved input."""
    article = detail.article
    values = form or {
        "title": article.edited_title or article.title or "",
        "summary": article.edited_summary or article.description or "",
        "note": article.note or "",
    }
    return request.app.state.templates.TemplateResponse(
        request,
        "article_show.html",
        {
            "account": request.state.account,
            "d": detail,
            "a": article,
            "back": back,
            "error": error,
            "form": values,
        },
        status_code=status,
    )
