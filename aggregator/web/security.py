"""Response security headers and the CSRF token every POST form must carry.

The CSRF token is bound to the session and compared in constant time; a POST without it, or
with another, gets 403. Before login it is a random value kept in the signed cookie; once
logged in it is derived from the session id (an HMAC under the app's key), so the cookie
carries nothing but the session id.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from aggregator.web.auth import session_id

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    # Outlets must not learn our internal URLs (article ids, filters) when an editor clicks.
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
MAX_FORM_FIELDS = 50
MAX_FORM_FILES = 0


class SecurityHeadersMiddleware:
    """Adds the security headers to every HTTP response (and no-store unless cached on purpose)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [h for h in HEADERS if h[0] not in present]
                if b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = _expected_token(request)
    if token is None:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def _expected_token(request: Request) -> str | None:
    sid = session_id(request)
    if sid is not None:
        key: bytes = request.app.state.csrf_key
        return hmac.new(key, sid.encode(), hashlib.sha256).hexdigest()
    token = request.session.get("csrf")
    return token if isinstance(token, str) and len(token) >= 32 else None


async def checked_form(request: Request) -> FormData:
    """The POSTed form, once its CSRF token matches the session's; else 403."""
    form = await request.form(max_files=MAX_FORM_FILES, max_fields=MAX_FORM_FIELDS)
    sent = form.get("csrf")
    expected = _expected_token(request)
    if (
        not isinstance(sent, str)
        or not isinstance(expected, str)
        or not hmac.compare_digest(sent.encode(), expected.encode())
    ):
        raise HTTPException(403, "missing or wrong CSRF token: reload the page and try again")
    return form


def local_path(target: str | None, default: str = "/") -> str:
    """``target`` when it is a path on this site, else ``default`` (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    # Browsers drop tabs and newlines from URLs: "/\t/evil.example" would become "//evil...".
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target
