"""What trafilatura keeps around an article that is not the article, found in its output.

- the headline again, and paragraphs that are only a URL;
- a first paragraph that is the standfirst (the sub-headline printed apart, in an element
  classed dek/standfirst/subhead/subtitle/summary...): a summary of the story, not its text;
- lines that are only the text of one link ("Milan Design Week 2018 | FLOS pays tribute to
  ..."): titles of other stories, buttons, menus; prose has words outside its links;
- the tail after a closing section heading ("You may also like...", "Related", "Tags",
  "Lire aussi", "اقرأ أيضا", "Comments"): those lists belong to other stories or readers. Only
  a heading in the last 40% of the text, followed by short lines only, counts: a "Leggi
  anche" box in the middle of the story cannot cut it.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

MAX_LINK_LINE_WORDS = 25  # longer lines that are one link are rare, and costly to look up
MIN_LINK_LINE_CHARS = 15  # "Home", "Share": too short to be sure it is not a word of prose
TAIL_SHARE = 0.6  # a closing heading must come after this share of the text
MAX_HEADING_WORDS = 8
MAX_LISTED_WORDS = 20  # what follows a closing heading is a list: no paragraph longer than this
MAX_TAG_WORDS = 6  # ... unless it is a list of tags, "stock car 2018, stock car brasil, ..."
_CLOSING_HEADING = re.compile(
    r"^(?:you may also like|you might also like|related|more from|more stories|most popular|"
    r"most read|recommended|trending|read next|what to read next|further reading|more on this|"
    r"lire aussi|à lire aussi|a lire aussi|sur le même sujet|dans la même rubrique|"
    r"lesen sie auch|mehr zum thema|das könnte sie auch interessieren|leia também|leia mais|"
    r"lee también|te puede interesar|noticias relacionadas|articoli correlati|leggi anche|"
    r"ilgili haberler|lees ook|اقرأ أيضا|اقرأ أيضاً|مواضيع ذات صلة|أخبار ذات صلة|tags|etiquetas|"
    r"schlagworte|mots-clés|mots clés|comments?|leave a (?:comment|reply)|tell us what you think|"
    r"join the (?:conversation|discussion)|commentaires|kommentare|comentarios|commenti|"
    r"التعليقات|تعليقات)(?!\w)",
    re.IGNORECASE,
)
MAX_STANDFIRST_WORDS = 60
# Class words of a standfirst element ("Article-subHeadline", "dek", "standfirst"...).
_STANDFIRST_CLASS = re.compile(
    r"dek|standfirst|sub-?head|sub-?title|summary|excerpt|deck|strapline|intro|lede", re.IGNORECASE
)
_URL_ONLY = re.compile(r"^\s*(?:https?://|www\.)\S+\s*$", re.IGNORECASE)
_WORD = re.compile(r"\w+")
_LABEL = re.compile(r"\s*[\[(][^\[\]()]{1,20}[\])]$")


def clean_paragraphs(
    text: str, tree: HtmlElement, title: str | None, description: str | None = None
) -> str:
    """The body without repeated headline, URL-only and link-only lines, and closing lists.

    A standfirst is looked for only when the first paragraph is the page's ``description``
    (publishers reuse it there): the page scan it needs then runs on few pages.
    """
    paragraphs = text.split("\n\n")
    title_key = _key(title) if title else None
    links = _link_lines(tree, paragraphs)
    kept = [
        p
        for p in paragraphs
        if _key(p) != title_key and not _URL_ONLY.match(p) and _plain(p) not in links
    ]
    kept = _cut_tail(kept)
    if (
        len(kept) > 1
        and description
        and _key(description).startswith(_key(kept[0]))
        and _is_standfirst(tree, kept[0])
    ):
        kept = kept[1:]
    return "\n\n".join(kept) if kept else text


def _is_standfirst(tree: HtmlElement, paragraph: str) -> bool:
    """The paragraph is the text of an element classed as a standfirst (found by XPath in C)."""
    if len(paragraph.split()) > MAX_STANDFIRST_WORDS:
        return False
    text = " ".join(paragraph.split())
    for element in tree.xpath("//*[@class][normalize-space(text()) = $text]", text=text)[:5]:
        if _STANDFIRST_CLASS.search(element.get("class") or ""):
            return True
    return False


def _link_lines(tree: HtmlElement, paragraphs: list[str]) -> set[str]:
    """Those short paragraphs (normalised) that are exactly the text of one link."""
    short = {
        _plain(p)
        for p in paragraphs
        if len(p) >= MIN_LINK_LINE_CHARS and len(p.split()) <= MAX_LINK_LINE_WORDS
    }
    if not short:
        return set()
    shortest = min(len(s) for s in short)
    found = set()
    # Only links long enough to be one of those lines: filtered in C, text read for those.
    for link in tree.xpath(f"//a[string-length(normalize-space()) >= {shortest}]"):
        text = _plain(link.text_content())
        if text in short:
            found.add(text)
    return found


def _cut_tail(paragraphs: list[str]) -> list[str]:
    total = sum(len(p) for p in paragraphs)
    seen = 0
    for index, paragraph in enumerate(paragraphs):
        if (
            seen > TAIL_SHARE * total
            and len(paragraph.split()) <= MAX_HEADING_WORDS
            and _CLOSING_HEADING.match(paragraph.strip())
            and all(_listed(p) for p in paragraphs[index + 1 :])
        ):
            return paragraphs[:index]
        seen += len(paragraph)
    return paragraphs


def _listed(paragraph: str) -> bool:
    """A list item, or a comma-separated list of a few words each (tags), not prose."""
    if len(paragraph.split()) <= MAX_LISTED_WORDS:
        return True
    items = paragraph.split(",")
    return len(items) >= 4 and all(len(item.split()) <= MAX_TAG_WORDS for item in items)


def _plain(paragraph: str) -> str:
    """Normalised for comparing with link texts; "- " and labels such as "[VIDEO] |" dropped."""
    text = " ".join(paragraph.removeprefix("- ").split()).rstrip(" |")
    if text.endswith(("]", ")")):
        text = text[:-32] + _LABEL.sub("", text[-32:])
    return text.casefold()


def _key(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))
