"""Author names as editors want them: "Jane Doe", never "By Jane Doe | Feb 3, 2021 10:05".

Names come from the source's selector, JSON-LD, meta tags, then byline elements. Bylines mix
prefixes in many languages, dates, roles, e-mail addresses and several people; we split and
clean them, and drop what is not a person's or an agency's name.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from lxml import etree

from aggregator.extraction import selectors
from aggregator.extraction.jsonld import names_of
from aggregator.extraction.page import Page

MAX_AUTHORS = 10
_PREFIX = re.compile(
    r"^\s*(?:(?:(?:written|reported|posted|story|text|words|photos?|publié|publiée|écrit|écrite|"
    r"rédigé|rédigée|eingestellt|geschrieben|verfasst|publicado|publicada|escrito|escrita|"
    r"pubblicato|pubblicata|scritto|scritta|postado|geplaatst|geschreven|yazan)\s+"
    r"(?:by|par|von|por|da|di|door|tarafından))|(?:view\s+)?(?:more\s+)?(?:all\s+)?"
    r"(?:articles|posts|stories)\s+(?:from|by)|more\s+from|by|reporting|par|por|von|di|da|door|"
    r"af|av|przez|"
    r"yazan|автор|بقلم|بواسطة|كتب|كتبت|كتبه|إعداد|اعداد|تقرير|author|auteur|autor|autore|"
    r"autorin|auteure|記者|记者|기자)(?:\b|(?=\s))\s*[:：-]?\s*",
    re.IGNORECASE,
)
_SPLIT = re.compile(
    r"\s+(?:and|et|y|und|e|en|i|و|with|avec|con|mit|مع)\s+|\s*[,;&،|/]\s*|\s+-\s+", re.IGNORECASE
)
# "By Tom Rogan and" (the second name in its own element): a dangling conjunction either side.
_LEADING_AND = re.compile(
    r"^\s*(?:and|et|y|und|e|en|i|و)\s+|\s+(?:and|et|y|und|e|en|i|و)\s*$", re.IGNORECASE
)
_NOISE = re.compile(r"\S+@\S+|https?://\S+|@\w+|\(.*?\)", re.IGNORECASE)
_CUT = re.compile(  # what follows these is a date or an update note, not a name
    r"\b(?:updated?|published|posted|mis à jour|publié|il y a)\b"
    r"|\s(?:on|le|am|el)\s+(?=(?:\w+\s+){0,2}\d)|\d"
    r"|\s(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(?=\d)",
    re.IGNORECASE,
)
# A "name" made only of these words is a label, a role or a link, not a person or agency:
# "More Posts", "By and", "Editorial Team", "Staff Writer", "La rédaction", "فريق التحرير".
_LABEL_WORDS = """admin administrator editor editors editorial edition team desk news newsroom
    staff writer writers reporter reporters correspondent correspondents contributor contributors
    unknown anonymous guest user webmaster null none author authors more posts post articles article
    stories story view all profile follow contact email mail twitter read bio see and by the a
    of de du des la le les el los das die der redaktion rédaction redaction redacción redaccion
    redazione redação redacao redactie online web digital desk office bureau press service
    agency agencies wire wires admin2 columnist columnists opinion guest-author
    فريق التحرير تحرير هيئة المحرر محرر المحررين قسم الأخبار الاخبار أسرة اسرة موقع التحريرية
    january february march april may june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday today yesterday
    """
_NOT_NAME_WORDS = frozenset(_LABEL_WORDS.split())
# Boxes of other stories (related, recommended, teasers) carry their own authors' bylines.
_ELSEWHERE_TAGS = frozenset({"aside", "footer", "nav"})
# Class words (whole words of a class name, "related-posts", "c-teaser__byline") of such boxes.
_ELSEWHERE_CLASS = re.compile(
    r"(?:^|[\s_-])(?:comments?|related|recommended|recommendations|teasers?|sidebar|promo|more)"
    r"(?:$|[\s_-])",
    re.IGNORECASE,
)
# Elements without a class are skipped first: the class tests are the costly part.
_BYLINE_XPATH = (
    '//*[@class][contains(@class, "byline") or contains(@class, "author")'
    ' or contains(@class, "signature") or contains(@class, "writer")'
    ' or contains(@class, "reporter") or contains(@class, "autor") or contains(@class, "auteur")]'
    '[not(contains(@class, "comment"))]'
    ' | //*[@itemprop="author" or @rel="author"] | //a[contains(@href, "/author/")]'
)
_BYLINES = etree.XPath(_BYLINE_XPATH)  # compiled once: it runs on every page
MAX_EXAMINED = 40
MAX_BYLINE = 120  # longer "author" elements are biography boxes, not bylines


def find_authors(page: Page, selector: str | None, site_name: str | None) -> list[str]:
    """Clean, de-duplicated author names in page order; never the outlet itself."""
    raw: list[str] = []
    if selector:
        raw = [_text(m) for m in selectors.select(page.tree, selector)]
    if not raw and page.article:
        raw = names_of(page.article.get("author"))
    if not raw:
        meta = page.meta_first("author", "article:author", "parsely-author", "sailthru.author",
                               "dc.creator", "byl")  # fmt: skip
        raw = [meta] if meta and not meta.startswith("http") else []
    if not raw:
        found = (e for e in _BYLINES(page.tree)[:MAX_EXAMINED] if not _elsewhere(e))
        texts = (_text(e) for e in list(found)[:12])
        raw = [t for t in texts if len(t.strip()) <= MAX_BYLINE][:4]
    publisher = names_of((page.article or {}).get("publisher"))
    return clean_authors(raw, site_name, outlets=[*publisher, _host_label(page.url)])


def _elsewhere(element: object) -> bool:
    """Inside a box of other stories (related, teasers, sidebar, comments, footer)."""
    node = getattr(element, "getparent", lambda: None)()
    while node is not None and node.tag not in ("body", "html"):  # page-wide classes say nothing
        if node.tag in _ELSEWHERE_TAGS or _ELSEWHERE_CLASS.search(node.get("class") or ""):
            return True
        node = node.getparent()
    return False


def clean_authors(
    raw: list[str], site_name: str | None = None, outlets: list[str] | None = None
) -> list[str]:
    """Split bylines into names and drop prefixes, dates, roles, addresses and duplicates.

    A name that is the outlet (``site_name``, the publisher, the host: "Al Jazeera" on
    aljazeera.com) is dropped: it says who published, not who wrote.
    """
    names: list[str] = []
    seen: set[str] = set()
    outlet_keys = {_key(o) for o in [site_name or "", *(outlets or [])]} - {""}
    for text in raw:
        for name in _split(text):
            key = name.casefold()
            if key in seen or _key(name) in outlet_keys or not _looks_like_name(name):
                continue
            seen.add(key)
            names.append(name)
    return names[:MAX_AUTHORS]


_NON_WORD = re.compile(r"[\W_]+")


def _key(text: str) -> str:
    """Fold a name to letters and digits so that spacing and case do not split duplicates."""
    return _NON_WORD.sub("", text.casefold())


def _host_label(url: str) -> str:
    """``aljazeera`` for https://www.aljazeera.com/news/...: outlets sign with their name."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return host.split(".")[0] if host.count(".") >= 1 else ""


def _split(text: str) -> list[str]:
    text = " ".join(_NOISE.sub(" ", text).split())
    text = _PREFIX.sub("", text)
    cut = _CUT.search(text)
    if cut and cut.start() > 0:
        text = text[: cut.start()]
    parts = (_PREFIX.sub("", _LEADING_AND.sub("", p)).strip(" .:-–—·•") for p in _SPLIT.split(text))
    return [p for p in parts if p]


def _looks_like_name(name: str) -> bool:
    words = name.split()
    return (
        1 <= len(words) <= 6
        and len(name) <= 60
        and not any(ch.isdigit() for ch in name)
        and not all(w.strip(".,'’").casefold() in _NOT_NAME_WORDS for w in words)
    )


def _text(match: object) -> str:
    if isinstance(match, str):
        return match
    content = getattr(match, "get", lambda _: None)("content")
    return str(content or match.text_content())  # type: ignore[attr-defined]
