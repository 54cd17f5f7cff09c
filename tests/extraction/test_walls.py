"""Challenge and paywall flags: believed on short pages only, never on a real article."""

from __future__ import annotations

from aggregator.extraction.page import parse_page
from aggregator.extraction.walls import detect_walls

STORY = "<p>" + " ".join(["word"] * 80) + "</p>"


def walls(html: str, words: int) -> tuple[bool, bool]:
    return detect_walls(parse_page(html, "https://x.example/a"), html, words)


def test_cloudflare_challenge() -> None:
    html = "<html><head><title>Just a moment...</title></head><body>Checking</body></html>"
    assert walls(html, 1) == (False, True)
    html = "<html><head><script>window._cf_chl_opt={}</script></head><body>x</body></html>"
    assert walls(html, 1) == (False, True)


def test_a_captcha_in_a_comment_form_does_not_make_a_challenge() -> None:
    html = f"<html><body><article>{STORY}</article><div class='g-recaptcha'></div></body></html>"
    assert walls(html, 80) == (False, False)
    assert walls("<html><body><div class='g-recaptcha'></div></body></html>", 0) == (False, True)


def test_paywall_phrases_only_on_short_bodies() -> None:
    html = f"<html><body>{STORY}<p>Subscribe to continue reading</p></body></html>"
    assert walls(html, 80) == (True, False)
    assert walls(html, 900) == (False, False)


def test_jsonld_says_not_free() -> None:
    html = (
        '<html><head><script type="application/ld+json">{"@type": "NewsArticle", '
        '"isAccessibleForFree": false}</script></head><body><p>x</p></body></html>'
    )
    assert walls(html, 900) == (True, False)
