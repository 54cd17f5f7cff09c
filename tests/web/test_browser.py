"""The editor's path in a real browser: Playwright driving Debian's Chromium.

Log in, filter to Arabic, open an article and see it right to left, approve it with an
edited title, find it with its attribution in the Atom export; search "Pegasus" with the
keyboard; a hostile article runs nothing. Skips when /usr/bin/chromium is absent, unless
AGGREGATOR_REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import feedparser
import pytest
import uvicorn

from aggregator.web.app import create_app
from storage.db import session_scope, upgrade
from storage.users import add_user

from .review_seed import PASSWORD, seed

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = pytest.mark.browser


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("AGGREGATOR_REQUIRE_SERVICES") == "1":
        pytest.fail("/usr/bin/chromium is absent and AGGREGATOR_REQUIRE_SERVICES=1")
    pytest.skip("/usr/bin/chromium is absent (apt-get install -y chromium)")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serving(database_url: str) -> Iterator[str]:
    """The app on a loopback port, served by uvicorn in a background thread."""
    port = _free_port()
    config = uvicorn.Config(
        create_app(database_url),
        host="127.0.0.1",
        port=port,
        log_level="warning",
        lifespan="off",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture
def site(sqlite_url: str) -> Iterator[tuple[str, dict[str, int]]]:
    """The seeded newsroom, served."""
    upgrade(sqlite_url)
    ids = seed(sqlite_url)
    with serving(sqlite_url) as base:
        yield base, ids


@pytest.fixture
def demo_site(tmp_path: Path) -> Iterator[str]:
    """A database filled by `aggregator demo` (the bundled outlets crawled), served."""
    folder = tmp_path / "demo"
    done = subprocess.run(
        [sys.executable, "-m", "aggregator", "demo", "--dir", str(folder)],
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    url = f"sqlite:///{folder / 'demo.db'}"
    with session_scope(url) as session:
        add_user(session, "amira", PASSWORD)
    with serving(url) as base:
        yield base


@pytest.fixture
def browser_page() -> Iterator[Any]:
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        context = browser.new_context()
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.dialogs = []  # type: ignore[attr-defined]
        page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
        yield page
        context.close()
        browser.close()


def _log_in(page: Any, base: str) -> None:
    page.goto(base + "/")
    assert "/login" in page.url
    page.fill("#username", "amira")
    page.fill("#password", PASSWORD)
    page.click("form.login button[type=submit]")
    page.wait_for_url(base + "/")


def _direction(page: Any, selector: str) -> str:
    return str(page.eval_on_selector(selector, "e => getComputedStyle(e).direction"))


def test_filter_arabic_approve_with_edited_title_and_find_it_in_atom(
    browser_page: Any, site: tuple[str, dict[str, int]]
) -> None:
    page, (base, ids) = browser_page, site
    _log_in(page, base)
    page.select_option("#language", "ar")
    page.click("#apply")
    page.wait_for_url("**language=ar**")
    titles = page.locator("article.item h2.title")
    assert titles.count() == 2
    for index in range(titles.count()):
        assert titles.nth(index).evaluate("e => getComputedStyle(e).direction") == "rtl"
    page.click(f'article.item[data-id="{ids["aj_gaza"]}"] a.show')
    page.wait_for_url(f"**/articles/{ids['aj_gaza']}**")
    assert _direction(page, "#article") == "rtl"
    # Right to left for real: the heading's text hugs the right edge of the article.
    box = page.eval_on_selector(
        "#article h1",
        "e => { const r = document.createRange(); r.selectNodeContents(e);"
        " const t = r.getBoundingClientRect(), b = e.getBoundingClientRect();"
        " return [b.right - t.right, t.left - b.left]; }",
    )
    assert box[0] < 2 < box[1]
    # j / k step through the articles of the feed page the editor came from.
    page.keyboard.press("j")
    page.wait_for_url(f"**/articles/{ids['aj_tunisia']}**")
    page.keyboard.press("k")
    page.wait_for_url(f"**/articles/{ids['aj_gaza']}**")
    page.fill("#edit-title", "Aid convoy reaches Gaza")
    page.click("#save-approve")
    page.wait_for_selector("#status:text('approved')")
    assert "Aid convoy reaches Gaza" in page.text_content(".republish-title")
    # The Atom export, fetched with its token only (a fresh context has no session).
    entries = _atom_entries(page, base)
    entry = next(e for e in entries if e.title == "Aid convoy reaches Gaza")
    assert entry.link == "https://www.aljazeera.net/news/2026/11/20/gaza"
    assert entry.rights == (
        "Originally published by الجزيرة نت on 2026-11-20: "
        "https://www.aljazeera.net/news/2026/11/20/gaza"
    )
    assert page.dialogs == []


def test_search_pegasus_with_the_keyboard(
    browser_page: Any, site: tuple[str, dict[str, int]]
) -> None:
    page, (base, ids) = browser_page, site
    _log_in(page, base)
    page.keyboard.press("/")
    page.keyboard.type("Pegasus")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=Pegasus**")
    rows = page.locator("article.item")
    assert rows.count() == 1
    page.keyboard.press("j")
    assert page.get_attribute("article.item.current", "data-id") == str(ids["nso"])
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/articles/{ids['nso']}**")
    # A French article on an Arabic site: French paragraphs left to right, the Arabic
    # tagline right to left.
    assert _direction(page, "#article") == "ltr"
    assert _direction(page, "#article .body p:first-child") == "rtl"
    assert _direction(page, "#article .body p:nth-child(2)") == "ltr"
    page.keyboard.press("a")
    page.wait_for_selector("#status:text('approved')")


def test_hostile_article_runs_nothing(browser_page: Any, site: tuple[str, dict[str, int]]) -> None:
    page, (base, ids) = browser_page, site
    _log_in(page, base)
    page.goto(base + f"/articles/{ids['hostile']}")
    page.goto(base + "/")
    assert page.dialogs == []
    title = page.text_content(f'article.item[data-id="{ids["hostile"]}"] h2')
    assert title is not None and "<script>" in title
    assert page.locator("img").count() == 0
    assert page.locator('a[href^="javascript"]').count() == 0


def _atom_entries(page: Any, base: str) -> list[Any]:
    """The Atom export's entries, fetched with its token from a context without session."""
    page.goto(base + "/exports")
    atom_url = page.input_value("#url-atom")
    context = page.context.browser.new_context()
    try:
        response = context.request.get(atom_url)
        assert response.status == 200
        feed = feedparser.parse(response.body())
    finally:
        context.close()
    assert not feed.bozo
    return list(feed.entries)


@pytest.mark.slow
def test_on_the_demo_crawl_pegasus_finds_the_nso_report_for_the_atom_feed(
    browser_page: Any, demo_site: str
) -> None:
    page, base = browser_page, demo_site
    _log_in(page, base)
    # Arabic articles of the crawl render right to left.
    page.select_option("#language", "ar")
    page.click("#apply")
    page.wait_for_url("**language=ar**")
    assert page.locator("article.item").count() >= 2
    page.click("article.item:first-child a.show")
    page.wait_for_url("**/articles/**")
    assert _direction(page, "#article") == "rtl"
    # Search "Pegasus" from the keyboard: the NSO report, a French article on an Arabic site.
    page.goto(base + "/")
    page.keyboard.press("/")
    page.keyboard.type("Pegasus")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=Pegasus**")
    assert page.locator("article.item").count() == 1
    assert "NSO Group" in page.text_content("article.item h2")
    page.click("article.item a.show")
    page.wait_for_url("**/articles/**")
    assert _direction(page, "#article") == "ltr"
    # Its byline is the site's "editorial team", a role, not a person: no author is claimed.
    authors = page.text_content("dl.facts dt:text('Authors') + dd") or ""
    assert "فريق التحرير" not in authors and authors.strip() == "unknown"
    original_url = page.get_attribute("a.original", "href")
    page.fill("#edit-title", "NSO Group faces a new US inquiry")
    page.click("#save-approve")
    page.wait_for_selector("#status:text('approved')")
    entry = next(
        e for e in _atom_entries(page, base) if e.title == "NSO Group faces a new US inquiry"
    )
    assert entry.link == original_url
    assert entry.rights.startswith("Originally published by Emirates Leaks on 2021-02-03")
    assert entry.rights.endswith(f": {original_url}")
    assert entry.source.title == "Emirates Leaks"


def _with_cookie(page: Any, base: str, cookie: dict[str, Any]) -> str:
    """The URL a fresh browser context holding only ``cookie`` lands on when opening the feed."""
    context = page.context.browser.new_context()
    try:
        context.add_cookies([cookie])
        other = context.new_page()
        other.goto(base + "/")
        return str(other.url)
    finally:
        context.close()


def test_logout_revokes_a_copied_cookie_and_so_does_a_password_change(
    browser_page: Any, site: tuple[str, dict[str, int]], sqlite_url: str
) -> None:
    """Log in, copy the session cookie, log out: the copy opens the login page, not the feed.
    Log in again: changing the password on the page logs the copy out and keeps this browser
    in; `aggregator users revoke-sessions` then logs this browser out too."""
    page, (base, _) = browser_page, site
    _log_in(page, base)
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "aggregator_session"]
    assert _with_cookie(page, base, cookie) == base + "/"  # the copy works while logged in
    page.click("form.logout button[type=submit]")
    page.wait_for_url(base + "/login")
    assert "/login" in _with_cookie(page, base, cookie)
    _log_in(page, base)
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "aggregator_session"]
    page.goto(base + "/password")
    page.fill("#current", PASSWORD)
    page.fill("#new", "a brand new password")
    page.fill("#again", "a brand new password")
    page.click("form.login button[type=submit]")
    page.wait_for_url(base + "/")
    assert "/login" in _with_cookie(page, base, cookie)
    page.goto(base + "/sources")
    assert page.url == base + "/sources"  # the browser that changed it stays in
    done = subprocess.run(
        [sys.executable, "-m", "aggregator", "users", "revoke-sessions", "amira"],
        env={**os.environ, "AGGREGATOR_DATABASE_URL": sqlite_url},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.stdout == "ended 1 session(s) of 'amira'\n", done.stderr
    page.goto(base + "/sources")
    assert "/login" in page.url
