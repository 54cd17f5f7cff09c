"""Pages that are not the article: bot challenges (Cloudflare, captchas) and paywalls.

A challenge page must not be stored as an article (its "body" is "Checking your browser"); a
paywalled article may be stored but editors must know the body is only a teaser. Markers are
only believed on pages with little text, so an article that merely embeds a captcha for its
comment form, or mentions subscriptions, is not flagged. Markers are plain substrings of the
lower-cased page head: a regular expression with fifty alternatives costs ~50 ms on a 300 KB
page, substring tests well under one.
"""

from __future__ import annotations

from aggregator.extraction.page import Page

HEAD_CHARS = 300_000  # where challenge and paywall markers live

SHORT_PAGE_WORDS = 150  # a challenge or teaser page has little text of its own
TEASER_WORDS = 400

CHALLENGE_TITLES = (
    "just a moment", "attention required", "access denied", "checking your browser",
    "please wait", "ddos-guard", "security check", "verify you are human", "are you a robot",
    "un instant", "one moment, please", "pardon our interruption", "robot check",
)  # fmt: skip
# Bot-protection services' own challenge markup: only found on challenge pages.
CHALLENGE_MARKUP = (
    "cf-browser-verification",
    "cf_chl_opt",
    "challenge-platform",
    "cf-challenge",
    "/cdn-cgi/challenge",
    "captcha-delivery.com",
    "px-captcha",
    "_incapsula_",
    "ddos-guard",
    "perimeterx",
)
# Captcha widgets also sit in contact and comment forms of real articles: believed only on a
# page with almost no text.
CAPTCHA_MARKUP = (
    "g-recaptcha",
    "h-captcha",
    "hcaptcha.com",
    "verify you are human",
    "verify you are a human",
)
CAPTCHA_PAGE_WORDS = 30  # fmt: skip
PAYWALL_PHRASES = (
    "subscribe to continue", "subscribe to read", "to continue reading", "already a subscriber",
    "for subscribers only", "subscribers only", "subscriber-only", "reserved for subscribers",
    "réservé aux abonnés", "abonnez-vous pour lire", "abonnez-vous pour continuer",
    "la suite est réservée", "de cet article vous reste", "suscríbete para seguir",
    "suscríbete para continuar", "exclusivo para suscriptores", "nur für abonnenten",
    "jetzt abonnieren", "weiterlesen mit", "للمشتركين فقط", "اشترك لمتابعة القراءة",
    "اشترك الآن لمتابعة القراءة",
)  # fmt: skip


def is_challenge(page: Page, html_head: str, body_words: int) -> bool:
    """A bot check (Cloudflare "Just a moment...", captcha walls) rather than a page."""
    if body_words > SHORT_PAGE_WORDS:
        return False
    title = page.tree.find(".//title")
    title_text = (title.text_content() if title is not None else "").strip().casefold()
    if title_text.startswith(CHALLENGE_TITLES):
        return True
    head = html_head.casefold()
    if any(marker in head for marker in CHALLENGE_MARKUP):
        return True
    return body_words < CAPTCHA_PAGE_WORDS and any(marker in head for marker in CAPTCHA_MARKUP)


def is_paywalled(page: Page, html_head: str, body_words: int) -> bool:
    """The article is behind a paywall: JSON-LD says so, or a short body ends on a wall."""
    for obj in [page.article, *page.jsonld]:
        if obj and str(obj.get("isAccessibleForFree", "")).strip().lower() in ("false", "0"):
            return True
    if body_words > TEASER_WORDS:
        return False
    head = html_head.casefold()
    return any(phrase in head for phrase in PAYWALL_PHRASES)


def detect_walls(page: Page, html: str | bytes, body_words: int) -> tuple[bool, bool]:
    """(paywalled, challenge) for a page; the raw HTML is only scanned when the body is short."""
    if body_words > TEASER_WORDS:
        return is_paywalled(page, "", body_words), False
    head = html[:HEAD_CHARS]
    text = head.decode("utf-8", "replace") if isinstance(head, bytes) else head
    return is_paywalled(page, text, body_words), is_challenge(page, text, body_words)
