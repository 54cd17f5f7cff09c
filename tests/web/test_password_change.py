"""An editor changes their password: the current one is checked (and counted like a login),
every other session ends, this browser stays logged in."""

from __future__ import annotations

from starlette.testclient import TestClient

from aggregator.web.app import create_app

from .client_helpers import log_in
from .review_seed import PASSWORD

NEW = "a brand new password"


def _change(client: TestClient, token: str, current: str, new: str, again: str = "") -> int:
    data = {"csrf": token, "current": current, "new": new, "again": again or new}
    return client.post("/password", data=data, follow_redirects=False).status_code


def test_changing_the_password_ends_the_other_sessions(
    editor: tuple[TestClient, str], seeded: tuple[str, dict[str, int]]
) -> None:
    client, token = editor
    assert 'action="/password"' in client.get("/password").text
    with TestClient(create_app(seeded[0], secret_key="k" * 32)) as other:
        log_in(other)
        assert _change(client, token, PASSWORD, NEW) == 303
        assert other.get("/", follow_redirects=False).status_code == 303  # logged out
        assert client.get("/", follow_redirects=False).status_code == 200  # still in
        log_in(other, password=NEW)
        assert other.get("/").status_code == 200


def test_mistakes_come_back_with_a_message(editor: tuple[TestClient, str]) -> None:
    client, token = editor
    assert _change(client, token, PASSWORD, NEW, "another one!") == 400
    response = client.post(
        "/password", data={"csrf": token, "current": "wrong one", "new": NEW, "again": NEW}
    )
    assert response.status_code == 400
    assert "The current password is wrong." in response.text
    response = client.post(
        "/password", data={"csrf": token, "current": PASSWORD, "new": "short", "again": "short"}
    )
    assert response.status_code == 400
    assert "must be 8 to 1024 characters" in response.text
    assert client.post("/password", data={"current": PASSWORD, "new": NEW}).status_code == 403
    assert client.get("/", follow_redirects=False).status_code == 200


def test_the_form_is_no_way_around_the_login_limits(editor: tuple[TestClient, str]) -> None:
    client, token = editor
    statuses = [_change(client, token, f"guess number {n}", NEW) for n in range(5)]
    assert statuses == [400] * 5
    assert _change(client, token, PASSWORD, NEW) == 429
    # The editor logged in once already: that attempt was given back, so 5 guesses lock.


def test_the_form_needs_a_login(client: TestClient) -> None:
    response = client.get("/password", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login?next=%2Fpassword"
