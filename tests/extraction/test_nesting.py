"""Pages nested past libxml2's depth wall are flattened, and their text survives."""

from __future__ import annotations

from lxml import html as lxml_html

from aggregator.extraction.nesting import flatten, too_deep


def _deep(depth: int, inner: str = "<p>kept text</p>") -> str:
    return f"<html><body>{'<div>' * depth}{inner}{'</div>' * depth}<p>after</p></body></html>"


def test_a_page_past_the_wall_is_detected_and_flattened() -> None:
    page = _deep(10_000)
    assert too_deep(lxml_html.document_fromstring(page))
    flat = flatten(page, limit=50)
    tree = lxml_html.document_fromstring(flat)
    assert not too_deep(tree)
    assert "kept text" in tree.text_content() and "after" in tree.text_content()
    assert flat.count("<div>") == 48  # html and body count as the first two levels


def test_ordinary_pages_are_not_deep() -> None:
    assert not too_deep(lxml_html.document_fromstring(_deep(30)))


def test_the_wall_is_found_at_libxml2s_depth_exactly() -> None:
    """html and body are levels 1 and 2: 253 divs put the deepest element on level 255."""
    assert not too_deep(lxml_html.document_fromstring(_deep(252, inner="")))
    assert too_deep(lxml_html.document_fromstring(_deep(253, inner="")))


def test_flatten_keeps_shallow_pages_intact() -> None:
    page = "<html><body><!-- <div> --><script>if (a<b) {}</script><p>a<p>b<br/></body></html>"
    assert flatten(page, limit=3) == page


def test_unclosed_tags_and_stray_end_tags_do_not_break_it() -> None:
    page = "<html><body>" + "<div><span>x" * 500 + "</i></table>end</body></html>"
    tree = lxml_html.document_fromstring(flatten(page, limit=20))
    assert tree.text_content().count("x") == 500 and "end" in tree.text_content()
