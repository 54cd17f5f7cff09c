"""Pages that are not the article: bot challenges (Cloudflare, captchas) and paywalls.

A challenge page must not be stored as an article (its "body" is "Checking your browser"); a
paywalled article may be stored but editors must know the body is only a teaser. Markers are
only believed on pages with little text, so an article that merely embeds a captcha for its
comment form, or mentions subscriptions, is not flagged. Markers are plain substrings of the
lower-cased page head: a regular expression with fifty alternatives costs ~50 ms on a 300 KB
page, substring tests well under one.

The one list of markers serves two checks: :func:`detect_walls` on an extracted page, and
:func:`page_problem` on a download's bytes before extraction (the spider, ``sources check``),
which believes only the markers conclusive on any page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the crawl's main process checks downloads here: it must not load lxml's
    from aggregator.extraction.page import Page  # and trafilatura's page parsing

HEAD_CHARS = 300_000  # where challenge and paywall markers live
ANSWER_SCAN_BYTES = 64 * 1024  # of a download, before any parsing
HTML_TYPES = ("text/html", "application/xhtml+xml")

SHORT_PAGE_WORDS = 150  # a challenge or teaser page has little text of its own
TEASER_WORDS = 400

# Titles only a challenge page carries: a wall whatever the page's length, even in the raw
# bytes of a download (:func:`answer_is_challenge`).
CHALLENGE_TITLES = (
    "just a moment", "attention required", "access denied", "checking your browser",
    "please wait", "security check", "are you a robot",
)  # fmt: skip
# Titles a real headline may start with too ("Un instant de grâce"): believed on short pages.
SHORT_PAGE_TITLES = (
    "ddos-guard", "verify you are human", "un instant", "one moment, please",
    "pardon our interruption", "robot check",
)  # fmt: skip
# Bot-protection services' own challenge markup, found only on the wall itself.
CHALLENGE_MARKUP = (
    "cf-browser-verification",
    "cf_chl_opt",
    "incapsula incident id",
    "captcha-delivery.com",
    "px-captcha",
)
# Markup that normal articles also carry (Cloudflare's "challenge-platform" script sits on
# every page of a protected site): believed on short pages only.
SHORT_PAGE_MARKUP = (
    "challenge-platform",
    "cf-challenge",
    "/cdn-cgi/challenge",
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


def is_challenge(page: Page, lowered_head: bytes, body_words: int) -> bool:
    """A bot check (Cloudflare "Just a moment...", captcha walls) rather than a page.

    ``lowered_head`` is the page's first bytes lower-cased (:func:`detect_walls`).
    """
    if body_words > SHORT_PAGE_WORDS:
        return False
    title = page.tree.find(".//title")
    title_text = (title.text_content() if title is not None else "").strip().casefold()
    if title_text.startswith(CHALLENGE_TITLES + SHORT_PAGE_TITLES):
        return True
    if any(marker in lowered_head for marker in _SHORT_PAGE_MARKUP_LOWER):
        return True
    return body_words < CAPTCHA_PAGE_WORDS and any(m in lowered_head for m in _CAPTCHA_LOWER)


def is_paywalled(page: Page, lowered_head: bytes, body_words: int) -> bool:
    """The article is behind a paywall: JSON-LD says so, or a short body ends on a wall."""
    for obj in [page.article, *page.jsonld]:
        if obj and str(obj.get("isAccessibleForFree", "")).strip().lower() in ("false", "0"):
            return True
    if body_words > TEASER_WORDS:
        return False
    return any(phrase in lowered_head for phrase in _PAYWALL_LOWER)


def detect_walls(page: Page, html: str | bytes, body_words: int) -> tuple[bool, bool]:
    """(paywalled, challenge) for a page; the raw HTML is only scanned when the body is short.

    Scanned as the download check scans (below): bytes, lower-cased in ASCII, searched for
    each marker in C. Decoding 300 KB and case-folding it as text cost twice as much, and
    searching a page in a non-Latin script four times as much (its text is wider in memory).
    A marker typed in capitals with accented capitals in it ("RÉSERVÉ AUX ABONNÉS") is missed;
    CSS capitals are not, since they are not in the HTML.
    """
    if body_words > TEASER_WORDS:
        return is_paywalled(page, b"", body_words), False
    head = html[:HEAD_CHARS]
    lowered = (head if isinstance(head, bytes) else head.encode("utf-8", "replace")).lower()
    return is_paywalled(page, lowered, body_words), is_challenge(page, lowered, body_words)


# --- a download, before extraction: the crawl and ``sources check`` alike -------------------

# Every page of a crawl passes here on the reactor thread, so the test is a few C-level byte
# searches: one lower-casing of the head, ``bytes.find`` for each marker and for ``<title>``.
# (A case-insensitive alternation over the same 64 KB cost ~0.5-5 ms a page.)
_TITLES_LOWER = tuple(t.encode() for t in CHALLENGE_TITLES)
_MARKUP_LOWER = tuple(m.encode() for m in CHALLENGE_MARKUP)
_SHORT_PAGE_MARKUP_LOWER = tuple(m.encode() for m in CHALLENGE_MARKUP + SHORT_PAGE_MARKUP)
_CAPTCHA_LOWER = tuple(m.encode() for m in CAPTCHA_MARKUP)
_PAYWALL_LOWER = tuple(p.encode() for p in PAYWALL_PHRASES)
_TITLE_TAG = b"<title>"


def _header(headers: Any, name: str) -> str:
    # Scrapy's Headers are case-insensitive; a plain dict (``sources check``) is lower-cased.
    value = headers.get(name) or headers.get(name.lower()) if headers is not None else None
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return value or ""


def _challenge_title(lowered: bytes) -> bool:
    """A ``<title>`` (whitespace allowed after it) that opens with a challenge title."""
    at = lowered.find(_TITLE_TAG)
    while at != -1:
        start = at + len(_TITLE_TAG)
        if lowered[start : start + 200].lstrip().startswith(_TITLES_LOWER):
            return True
        at = lowered.find(_TITLE_TAG, start)
    return False


def answer_is_challenge(headers: Any, body: bytes) -> bool:
    """True when an HTTP answer is a bot wall or captcha, not the page asked for.

    Only the markers conclusive on any page are looked for: no text has been extracted yet.
    """
    if _header(headers, "cf-mitigated").lower() == "challenge":
        return True
    lowered = body[:ANSWER_SCAN_BYTES].lower()
    return _challenge_title(lowered) or any(marker in lowered for marker in _MARKUP_LOWER)


def is_html(headers: Any, body: bytes) -> bool:
    """True when an answer is an HTML page (by Content-Type, or by its first bytes)."""
    kind = _header(headers, "Content-Type").split(";", 1)[0].strip().lower()
    if kind in HTML_TYPES:
        return True
    if kind and not kind.startswith(("text/plain", "application/octet-stream")):
        return False
    start = body[:1024].lstrip().lower()
    return start.startswith((b"<!doctype html", b"<html"))


def page_problem(headers: Any, body: bytes) -> tuple[str, str] | None:
    """(reason, detail) when a 200 answer to an article request is no article page."""
    if not is_html(headers, body):
        kind = _header(headers, "Content-Type") or "no Content-Type"
        return "not_html", kind[:100]
    if answer_is_challenge(headers, body):
        return "challenge", "bot wall or captcha instead of the article"
    return None
