"""Logging in and out: argon2-checked passwords, session cookie flags, CSRF on the form."""

from __future__ import annotations

import base64
import json

from starlette.testclient import TestClient

from aggregator.web.app import create_app

from .client_helpers import csrf_of
from .review_seed import PASSWORD


def test_pages_need_a_login(client: TestClient) -> None:
    response = client.get("/?language=ar", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2F%3Flanguage%3Dar"
    assert client.post("/articles/1/approve", data={}).status_code == 403


def test_login_sets_a_httponly_samesite_cookie(client: TestClient) -> None:
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={"username": "amira", "password": PASSWORD, "csrf": token, "next": "/sources"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/sources"
    cookie = response.headers["set-cookie"].lower()
    assert cookie.startswith("aggregator_session=")
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    page = client.get("/")
    assert page.status_code == 200
    assert "amira" in page.text


def test_wrong_password_is_refused(client: TestClient) -> None:
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login", data={"username": "amira", "password": "wrong password", "csrf": token}
    )
    assert response.status_code == 401
    assert "Wrong username or password" in response.text
    assert client.get("/", follow_redirects=False).status_code == 303


def test_unknown_user_gets_the_same_answer(client: TestClient) -> None:
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login", data={"username": "nobody", "password": "x" * 9, "csrf": token}
    )
    assert response.status_code == 401
    assert "Wrong username or password" in response.text


def test_login_without_csrf_token_is_forbidden(client: TestClient) -> None:
    client.get("/login")
    response = client.post("/login", data={"username": "amira", "password": "x"})
    assert response.status_code == 403


def test_login_goes_to_a_local_next_only(client: TestClient) -> None:
    token = csrf_of(client.get("/login").text)
    response = client.post(
        "/login",
        data={
            "username": "amira",
            "password": PASSWORD,
            "csrf": token,
            "next": "//evil.example/steal",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/"


def test_logout_ends_the_session(editor: tuple[TestClient, str]) -> None:
    client, token = editor
    assert client.post("/logout", data={"csrf": token}, follow_redirects=False).status_code == 303
    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_copy_of_the_cookie_stops_working_at_logout(
    editor: tuple[TestClient, str], seeded: tuple[str, dict[str, int]]
) -> None:
    client, token = editor
    copied = client.cookies["aggregator_session"]
    client.post("/logout", data={"csrf": token})
    with TestClient(create_app(seeded[0], secret_key="k" * 32)) as other:
        other.cookies.set("aggregator_session", copied)
        assert other.get("/", follow_redirects=False).status_code == 303


def test_the_cookie_carries_only_the_session_id(editor: tuple[TestClient, str]) -> None:
    client, token = editor
    payload = client.cookies["aggregator_session"].split(".")[0]
    data = json.loads(base64.b64decode(payload + "=" * (-len(payload) % 4)))
    assert list(data) == ["sid"]
    assert token != data["sid"]  # the CSRF token is derived from it, not equal to it
    response = client.post("/logout", data={"csrf": "x" + token[1:]})
    assert response.status_code == 403  # CSRF still checked once logged in


def test_removed_account_loses_its_session(
    editor: tuple[TestClient, str], seeded: tuple[str, dict[str, int]]
) -> None:
    from storage.db import session_scope
    from storage.users import remove_user

    client, _ = editor
    with session_scope(seeded[0]) as session:
        remove_user(session, "amira")
    assert client.get("/", follow_redirects=False).status_code == 303


def test_repeated_failures_lock_the_name_for_a_while(client: TestClient) -> None:
    token = csrf_of(client.get("/login").text)
    for _ in range(5):
        data = {"username": "amira", "password": "guess guess", "csrf": token}
        assert client.post("/login", data=data).status_code == 401
    data = {"username": "Amira", "password": PASSWORD, "csrf": token}
    response = client.post("/login", data=data)
    assert response.status_code == 429
    assert "Too many failed logins" in response.text
    assert client.get("/", follow_redirects=False).status_code == 303


def test_a_lock_from_another_address_leaves_the_editor_in(
    seeded: tuple[str, dict[str, int]],
) -> None:
    app = create_app(seeded[0], secret_key="k" * 32)
    with (
        TestClient(app, client=("198.51.100.7", 40000)) as guesser,
        TestClient(app, client=("192.0.2.10", 40001)) as editor,
    ):
        token = csrf_of(guesser.get("/login").text)
        for _ in range(6):
            data = {"username": "amira", "password": "guess guess", "csrf": token}
            guesser.post("/login", data=data)
        data = {"username": "amira", "password": PASSWORD, "csrf": token}
        assert guesser.post("/login", data=data).status_code == 429
        token = csrf_of(editor.get("/login").text)
        data = {"username": "amira", "password": PASSWORD, "csrf": token}
        response = editor.post("/login", data=data, follow_redirects=False)
        assert response.status_code == 303
        assert editor.get("/").status_code == 200
