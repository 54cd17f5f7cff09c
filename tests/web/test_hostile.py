"""Scraped text is hostile: scripts, event handlers and javascript: links must render inert."""

from __future__ import annotations

import lxml.html
import pytest
from starlette.testclient import TestClient

Editor = tuple[TestClient, str]


def _assert_inert(html: str) -> None:
    """Parse the page as a browser would and look for anything that could run."""
    tree = lxml.html.fromstring(html)
    scripts = [(e.get("src"), (e.text or "").strip()) for e in tree.iter("script")]
    assert scripts == [("/static/keys.js", "")]  # ours only, and no inline code
    assert not list(tree.iter("img", "svg", "iframe", "object", "embed"))
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        handlers = [name for name in element.attrib if name.lower().startswith("on")]
        assert not handlers, f"<{element.tag}> has {handlers}"
    for link in tree.iter("a"):
        href = link.get("href", "")
        assert href.startswith(("/", "?", "https://", "http://")), href
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize("path", ["/", "/?q=click", "/articles/{hostile}"])
def test_hostile_article_renders_inert(editor: Editor, ids: dict[str, int], path: str) -> None:
    client, _ = editor
    html = client.get(path.format(hostile=ids["hostile"])).text
    if path == "/?q=click":
        assert f'data-id="{ids["hostile"]}"' in html
    _assert_inert(html)
    # The javascript: URL is shown as text, never as a link.
    assert (
        '<span class="inert-url" title="not an http(s) link">javascript:alert(document.cookie)'
        in html
    )


def test_hostile_body_is_escaped_paragraphs(editor: Editor, ids: dict[str, int]) -> None:
    client, _ = editor
    html = client.get(f"/articles/{ids['hostile']}").text
    assert '<p dir="auto">&lt;script&gt;alert(&#39;body&#39;)&lt;/script&gt;</p>' in html
    assert "&lt;a href=&#34;javascript:alert(2)&#34;&gt;click me&lt;/a&gt;" in html
    assert "&lt;b onmouseover=alert(6)&gt;Eve&lt;/b&gt;" in html
    # The hostile outlet's homepage (javascript:) is not a link either.
    assert 'href="javascript:alert(5)"' not in html


def test_security_headers(editor: Editor) -> None:
    client, _ = editor
    headers = client.get("/").headers
    csp = headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "no-referrer"
