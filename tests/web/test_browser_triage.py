"""Triage in a real browser (Playwright driving Debian's Chromium): the whole flow by
keyboard, roles as an editor, a viewer and an admin meet them, and the layout at 360 and
390 px. Skips when /usr/bin/chromium is absent, unless AGGREGATOR_REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from storage.db import session_scope
from storage.users import add_user

from .review_seed import PASSWORD
from .test_browser import ARGS, CHROMIUM, _require_chromium, site  # noqa: F401 (fixture)

pytestmark = pytest.mark.browser
KEYS_JS = Path(__file__).parents[2] / "aggregator" / "web" / "static" / "keys.js"


@pytest.fixture
def browser() -> Iterator[Any]:
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield launched
        launched.close()


def _page(browser: Any, **context: Any) -> Any:
    page = browser.new_context(**context).new_page()
    page.set_default_timeout(60_000)
    page.dialogs = []
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))
    return page


def _log_in(page: Any, base: str, username: str = "amira") -> None:
    page.goto(base + "/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("form.login button[type=submit]")
    page.wait_for_url(base + "/")


def _ids(page: Any) -> list[str]:
    return [str(e.get_attribute("data-id")) for e in page.query_selector_all("article.item")]


def _current(page: Any) -> str | None:
    row = page.query_selector("article.item.current")
    return str(row.get_attribute("data-id")) if row else None


def _shortcut_keys() -> list[str]:
    """The keys of keys.js's map (``"j": function ...``)."""
    block = KEYS_JS.read_text().split("var keys = {", 1)[1].split("};", 1)[0]
    return re.findall(r'^\s*"([^"]+)":', block, flags=re.M)


def test_triage_by_keyboard(browser: Any, site: tuple[str, dict[str, int]]) -> None:  # noqa: F811
    base, _ = site
    page = _page(browser, viewport={"width": 1280, "height": 900}, timezone_id="Asia/Dubai")
    _log_in(page, base)
    # The hint line names every key, s and u included; ? lists every shortcut of keys.js.
    hint = page.text_content("#keys-hint") or ""
    for key in ("j/k", "Enter", " a ", " r ", " s ", " o ", " u ", " v ", "/", "?"):
        assert key in hint, key
    assert page.is_hidden("#help")
    page.keyboard.press("?")
    assert page.is_visible("#help")
    listed = page.eval_on_selector_all("#help tr[data-key]", "rows => rows.map(r => r.dataset.key)")
    keys = _shortcut_keys()
    assert len(keys) >= 12 and set(keys) <= set(listed), set(keys) - set(listed)
    page.keyboard.press("j")  # the overlay holds the keys while open
    assert _current(page) is None
    page.keyboard.press("Escape")
    assert page.is_hidden("#help")
    # Times in the editor's zone (this browser's: Dubai), the outlet's own on hover.
    moment = page.locator("time[data-moment]").first
    utc = datetime.fromisoformat(str(moment.get_attribute("datetime")))
    dubai = (utc + timedelta(hours=4)).strftime("%Y-%m-%d %H:%M")
    assert moment.text_content() == f"{dubai} GST"
    assert (moment.get_attribute("title") or "").startswith("outlet's time: ")
    # Approve with a: the selection moves to the next row, which stays selected after reload.
    rows = _ids(page)
    assert len(rows) >= 4
    page.keyboard.press("j")
    page.wait_for_selector(f'article.item.current[data-id="{rows[0]}"]')
    assert _current(page) == rows[0]
    page.keyboard.press("a")
    page.wait_for_selector(f'article.item.status-approved[data-id="{rows[0]}"]')
    # The selection moves once the page has the server's answer: wait for it, not a fixed time.
    page.wait_for_selector(f'article.item.current[data-id="{rows[1]}"]')
    assert _current(page) == rows[1]
    # Reject with r: the row leaves "all" (rejected are hidden) and the next one is selected.
    page.keyboard.press("r")
    # A selector wait, not wait_for_function: the page's CSP forbids the eval it may use.
    page.wait_for_selector(f'article.item[data-id="{rows[1]}"]', state="detached")
    page.wait_for_selector(f'article.item.current[data-id="{rows[2]}"]')
    assert _current(page) == rows[2]
    assert "rejected ones hidden" in (page.text_content("p.total") or "")
    page.click("nav.facets a.status-rejected")
    page.wait_for_url("**status=rejected**")
    assert _ids(page) == [rows[1]]
    page.goto(base + "/")
    # v: one line per story, remembered by this browser across pages.
    card = page.eval_on_selector("article.item", "e => e.getBoundingClientRect().height")
    page.keyboard.press("v")
    assert "compact" in (page.get_attribute("body", "class") or "")
    line = page.eval_on_selector("article.item", "e => e.getBoundingClientRect().height")
    assert line < 40 < card
    page.reload()
    assert "compact" in (page.get_attribute("body", "class") or "")
    assert page.text_content("#view-toggle") == "Cards"
    # Enter opens, u goes back up, j on the article steps to the next.
    page.keyboard.press("j")
    selected = _current(page)
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/articles/{selected}**")
    page.keyboard.press("u")
    page.wait_for_url(base + "/")
    # A saved zone wins over the browser's.
    page.goto(base + "/settings")
    page.select_option("#timezone", "Europe/Paris")
    page.click("#settings button[type=submit]")
    page.wait_for_url("**saved=1**")
    page.goto(base + "/")
    assert re.search(r" CET$", page.locator("time[data-moment]").first.text_content() or "")
    assert page.dialogs == []


def test_roles_viewer_reads_editor_acts_admin_manages(
    browser: Any,
    site: tuple[str, dict[str, int]],  # noqa: F811
    sqlite_url: str,
) -> None:
    base, ids = site
    with session_scope(sqlite_url) as session:
        add_user(session, "vera", PASSWORD, role="viewer")
        add_user(session, "eddie", PASSWORD, role="editor")
    viewer = _page(browser)
    _log_in(viewer, base, "vera")
    assert viewer.locator("button.btn-approve").count() == 0
    assert viewer.locator('header a[href="/exports"]').count() == 0
    viewer.keyboard.press("j")
    first = _current(viewer)
    viewer.keyboard.press("a")  # nothing to submit: a viewer cannot act
    viewer.wait_for_timeout(300)
    assert viewer.url == base + "/"
    assert viewer.get_attribute(f'article.item[data-id="{first}"]', "class").count("status-new")
    viewer.goto(base + f"/articles/{ids['nso']}")
    assert viewer.is_visible("#read-only") and viewer.locator("#edit-form").count() == 0
    response = viewer.goto(base + "/exports")
    assert response.status == 403 and "needs the admin role" in viewer.text_content("main")
    editor = _page(browser)
    _log_in(editor, base, "eddie")
    response = editor.goto(base + "/exports")
    assert response.status == 403 and "eddie is editor" in editor.text_content("main")
    editor.goto(base + f"/articles/{ids['nso']}")
    editor.keyboard.press("a")
    editor.wait_for_selector("#status:text('approved')")
    admin = _page(browser)
    _log_in(admin, base, "amira")
    admin.goto(base + "/exports")
    before = admin.input_value("#url-rss")
    admin.click('form[action="/exports/rss/rotate"] button')
    admin.wait_for_url(base + "/exports")
    assert admin.input_value("#url-rss") != before


@pytest.mark.parametrize("width", [360, 390])
def test_nothing_is_cut_off_on_a_phone(
    browser: Any,
    site: tuple[str, dict[str, int]],  # noqa: F811
    width: int,
) -> None:
    base, ids = site
    page = _page(browser, viewport={"width": width, "height": 800}, is_mobile=True)
    _log_in(page, base)
    for path in ("/", f"/articles/{ids['nso']}", "/sources", "/exports", "/settings", "/password"):
        page.goto(base + path)
        document = page.evaluate("document.documentElement.scrollWidth")
        assert document <= width, f"{path}: the page is {document} px wide at {width} px"
        right = page.eval_on_selector("form.logout button", "e => e.getBoundingClientRect().right")
        assert right <= width, f"{path}: Log out ends at {right} px"
    page.goto(base + "/")
    page.keyboard.press("v")  # the compact list too
    document = page.evaluate("document.documentElement.scrollWidth")
    assert document <= width, f"compact list: {document} px at {width} px"
