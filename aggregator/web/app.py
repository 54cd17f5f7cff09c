"""The review web app: routes, middleware (sessions, security headers) and error pages."""

from __future__ import annotations

import hashlib
import hmac

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from aggregator.web.alert_list import alert_feed, alert_list, alert_seen
from aggregator.web.api_articles import api_articles
from aggregator.web.api_stories import api_stories
from aggregator.web.article_act import article_act
from aggregator.web.article_list import article_list
from aggregator.web.article_show import article_show
from aggregator.web.auth import PUBLIC, ROLE_ATTRIBUTE, public
from aggregator.web.export_feed import export_feed
from aggregator.web.export_tokens import export_list, export_rotate
from aggregator.web.password_change import password_change, password_form
from aggregator.web.session_login import login, login_form
from aggregator.web.session_logout import logout
from aggregator.web.settings import settings_form, settings_save
from aggregator.web.source_list import source_list
from aggregator.web.story_act import story_act
from aggregator.web.story_show import story_show
from aggregator.web.templating import HERE, make_templates
from aggregator.web.watch_act import watch_act
from aggregator.web.watch_feed import watch_feed
from aggregator.web.watch_list import watch_add, watch_list
from storage.db import ensure_schema, session_scope
from storage.login_attempts import LoginLimits
from storage.secrets import session_key
from storage.sessions import SessionPolicy

SESSION_COOKIE = "aggregator_session"


@public
async def healthz(request: Request) -> Response:
    """A load balancer's probe: the app answers."""
    return PlainTextResponse("ok")


def static_files() -> StaticFiles:
    """The stylesheet and script, open to anyone (the login page needs them)."""
    files = StaticFiles(directory=HERE / "static")
    setattr(files, ROLE_ATTRIBUTE, PUBLIC)
    return files


ROUTES = [
    Route("/", article_list),
    Route("/login", login_form, methods=["GET"]),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/password", password_form, methods=["GET"]),
    Route("/password", password_change, methods=["POST"]),
    Route("/settings", settings_form, methods=["GET"]),
    Route("/settings", settings_save, methods=["POST"]),
    # Ids are read by the handlers (article_show.article_id_of): out of range is a 404.
    Route("/articles/{article_id:str}", article_show),
    Route("/articles/{article_id:str}/{action:str}", article_act, methods=["POST"]),
    Route("/stories/{story_id:str}", story_show),
    Route("/stories/{story_id:str}/{move:str}", story_act, methods=["POST"]),
    Route("/sources", source_list),
    Route("/exports", export_list),
    Route("/exports/{export:str}/rotate", export_rotate, methods=["POST"]),
    Route("/alerts", alert_list),
    Route("/alerts/{alert_id:str}/seen", alert_seen, methods=["POST"]),
    Route("/export/alerts.atom", alert_feed),
    Route("/export/{name:str}", export_feed),
    Route("/watches", watch_list, methods=["GET"]),
    Route("/watches", watch_add, methods=["POST"]),
    Route("/watches/{watch_id:str}/{action:str}", watch_act, methods=["POST"]),
    Route("/watch/{watch_id:str}/atom.xml", watch_feed),
    Route("/api/articles", api_articles),
    Route("/api/stories", api_stories),
    Route("/healthz", healthz),
    Mount("/static", static_files(), name="static"),
]


async def http_error(request: Request, exc: Exception) -> Response:
    """Errors as a small page (or JSON under /api), never a traceback."""
    assert isinstance(exc, HTTPException)
    if request.url.path.startswith(("/api/", "/export/", "/watch/")):
        return JSONResponse({"error": exc.detail}, status_code=exc.status_code)
    return request.app.state.templates.TemplateResponse(
        request,
        "error.html",
        {"status": exc.status_code, "message": exc.detail, "account": None},
        status_code=exc.status_code,
    )


def create_app(
    database_url: str,
    *,
    secret_key: str = "",
    https_only: bool = False,
    session_policy: SessionPolicy | None = None,
    login_limits: LoginLimits | None = None,
) -> Starlette:
    """The app serving the database at ``database_url`` (its schema brought up to date).

    Without ``secret_key`` the session key is generated once and kept in the database, so
    every worker and restart signs cookies alike. Sessions last as ``session_policy`` says
    and logins are limited by ``login_limits`` (the defaults of storage).
    """
    from aggregator.web.security import SecurityHeadersMiddleware

    ensure_schema(database_url)
    policy = session_policy or SessionPolicy()
    if not secret_key:
        with session_scope(database_url) as session:
            secret_key = session_key(session)
    middleware = [
        Middleware(SecurityHeadersMiddleware),
        Middleware(
            SessionMiddleware,
            secret_key=secret_key,
            session_cookie=SESSION_COOKIE,
            max_age=int(policy.max_age.total_seconds()),
            same_site="lax",
            https_only=https_only,
        ),
    ]
    app = Starlette(
        routes=ROUTES, middleware=middleware, exception_handlers={HTTPException: http_error}
    )
    app.state.database_url = database_url
    app.state.templates = make_templates()
    app.state.session_policy = policy
    app.state.login_limits = login_limits or LoginLimits()
    app.state.csrf_key = hmac.new(secret_key.encode(), b"csrf", hashlib.sha256).digest()
    return app
