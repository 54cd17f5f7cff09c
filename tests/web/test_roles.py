"""Roles on every route: each route of ``app.ROUTES`` declares who may use it, and that is
what happens: anonymous visitors are sent to log in, a weaker role gets 403, the role named
(or a stronger one) gets through.

The walk covers routes added later too: a route without a declared role fails here, named.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from starlette.routing import Mount, Route
from starlette.testclient import TestClient

from aggregator.web.app import ROUTES, create_app
from aggregator.web.auth import PUBLIC, declared_role
from storage.db import session_scope
from storage.users import ROLES, add_user

from .client_helpers import csrf_of, log_in
from .review_seed import PASSWORD

# Values for the path parameters of the routes we know (a new parameter fails loudly).
PATH_VALUES = {
    "article_id": "ARTICLE",
    "action": "star",
    "export": "rss",
    "name": "rss.xml",
    "watch_id": "1",
    "story_id": "1",
    "move": "merge",
    "alert_id": "1",
}
USERS = {"viewer": "vera", "editor": "eddie", "admin": "amira"}


def _declared(route: object) -> str | None:
    if isinstance(route, Mount):
        return declared_role(route.app)
    assert isinstance(route, Route), f"unexpected route type {route!r}"
    return declared_role(route.endpoint)


def test_every_route_declares_a_role() -> None:
    missing = [
        f"{getattr(r, 'path', r)} {sorted(getattr(r, 'methods', None) or [])}"
        for r in ROUTES
        if _declared(r) is None
    ]
    assert not missing, f"routes without a declared role (use auth.requires/public): {missing}"


def test_declared_roles_are_known() -> None:
    known = {PUBLIC, *ROLES, *(f"token or {r}" for r in ROLES)}
    for route in ROUTES:
        assert _declared(route) in known, getattr(route, "path", route)


def _cases() -> Iterator[tuple[str, str, str]]:
    for route in ROUTES:
        if isinstance(route, Route):
            role = _declared(route)
            for method in sorted(route.methods or {"GET"}):
                if method != "HEAD" and role is not None:
                    yield route.path, method, role


@pytest.fixture
def clients(seeded: tuple[str, dict[str, int]]) -> Iterator[dict[str, tuple[TestClient, str]]]:
    """One logged-in client per role (amira, the seed's first account, is the admin), and
    an anonymous one."""
    url, _ = seeded
    with session_scope(url) as session:
        add_user(session, "vera", PASSWORD, role="viewer")
        add_user(session, "eddie", PASSWORD, role="editor")
    app = create_app(url, secret_key="k" * 32)
    opened = {role: TestClient(app) for role in (*ROLES, "anonymous")}
    for client in opened.values():
        client.__enter__()
    try:
        yield {
            role: (client, log_in(client, USERS[role]) if role in USERS else _anonymous(client))
            for role, client in opened.items()
        }
    finally:
        for client in opened.values():
            client.__exit__(None, None, None)


def _anonymous(client: TestClient) -> str:
    """The CSRF token of a visitor who has not logged in (the login form's)."""
    return csrf_of(client.get("/login").text)


def _path(template: str, article_id: int) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        assert name in PATH_VALUES, f"{template}: no test value for path parameter {name!r}"
        return PATH_VALUES[name].replace("ARTICLE", str(article_id))

    return re.sub(r"\{(\w+)(?::\w+)?\}", value, template)


def _call(client: TestClient, csrf: str, method: str, path: str) -> int:
    if method == "GET":
        return client.get(path, follow_redirects=False).status_code
    # Anything but the role is right: a valid CSRF token, an empty form.
    data = {"csrf": csrf, "back": "/", "next": "/"} if csrf else {}
    return client.request(method, path, data=data, follow_redirects=False).status_code


@pytest.mark.parametrize(("template", "method", "role"), list(_cases()))
def test_each_route_lets_in_its_role_and_stronger_and_refuses_weaker(
    clients: dict[str, tuple[TestClient, str]],
    ids: dict[str, int],
    template: str,
    method: str,
    role: str,
) -> None:
    path = _path(template, ids["nso"])
    if role == PUBLIC:
        for client, csrf in clients.values():
            assert _call(client, csrf, method, path) != 403, (method, path)
        return
    needed = role.removeprefix("token or ")
    anonymous = _call(*clients["anonymous"], method, path)
    assert anonymous in (303, 403), (method, path, anonymous)
    for have in ROLES:
        client, csrf = clients[have]
        status = _call(client, csrf, method, path)
        if ROLES.index(have) >= ROLES.index(needed):
            assert status not in (401, 403), (method, path, have, status)
        else:
            assert status == 403, (method, path, have, status)


def test_a_viewer_sees_no_action_buttons_and_an_editor_no_exports(
    clients: dict[str, tuple[TestClient, str]], ids: dict[str, int]
) -> None:
    viewer, _ = clients["viewer"]
    feed = viewer.get("/").text
    assert 'data-action="approve"' not in feed and 'class="original"' in feed
    page = viewer.get(f"/articles/{ids['nso']}").text
    assert 'id="edit-form"' not in page and 'id="read-only"' in page
    assert 'href="/exports"' not in page
    editor, csrf = clients["editor"]
    assert 'data-action="approve"' in editor.get("/").text
    assert 'href="/exports"' not in editor.get("/").text
    refused = editor.post("/exports/rss/rotate", data={"csrf": csrf}, follow_redirects=False)
    assert refused.status_code == 403
    assert "this needs the admin role; eddie is editor" in refused.text
    admin, _ = clients["admin"]
    assert 'href="/exports"' in admin.get("/").text


def test_a_role_change_takes_effect_on_the_next_request(
    clients: dict[str, tuple[TestClient, str]],
    seeded: tuple[str, dict[str, int]],
    ids: dict[str, int],
) -> None:
    from storage.users import set_role

    editor, csrf = clients["editor"]
    path = f"/articles/{ids['nso']}/approve"
    with session_scope(seeded[0]) as session:
        set_role(session, "eddie", "viewer")
    response = editor.post(path, data={"csrf": csrf}, follow_redirects=False)
    assert response.status_code == 403 and "eddie is viewer" in response.text
