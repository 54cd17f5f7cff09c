"""Schema.org JSON-LD: the most reliable metadata a news page carries, when it is valid.

Pages embed several blocks (site, breadcrumbs, the article, sometimes related articles), often
in an ``@graph``, with types as strings or lists, and sometimes with control characters or
trailing commas that strict JSON refuses. We flatten them, forgive what is easy to forgive,
and pick the object that describes *this* article.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any

from lxml.html import HtmlElement

ARTICLE_TYPES = frozenset(
    {
        "article", "newsarticle", "blogposting", "reportagenewsarticle", "analysisnewsarticle",
        "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle",
        "liveblogposting", "socialmediaposting", "scholarlyarticle", "techarticle", "report",
        "posting", "blog",
    }
)  # fmt: skip
MAX_SCRIPTS = 20
MAX_SCRIPT_CHARS = 500_000
_TRAILING_COMMA = re.compile(r",\s*([}\]])")
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[a-zA-Z][a-zA-Z0-9]{1,31});")
MAX_UNESCAPES = 3  # "&amp;quot;" (escaped twice) is common; more is a loop to stop


def unescape(text: str) -> str:
    """Text with HTML entities decoded, also when a CMS escaped them twice (``&amp;#8217;``).

    JSON-LD is JSON, not HTML, so its ``&quot;`` reach us as written; meta contents are decoded
    once by the parser, and some CMS escape before writing them.
    """
    for _ in range(MAX_UNESCAPES):
        if "&" not in text or not _ENTITY.search(text):
            break
        text = html.unescape(text)
    return text


def read_jsonld(tree: HtmlElement) -> list[dict[str, Any]]:
    """Every JSON-LD object on the page, ``@graph`` members and lists flattened, in page order."""
    objects: list[dict[str, Any]] = []
    scripts = tree.xpath('//script[contains(translate(@type, "LDJSON", "ldjson"), "ld+json")]')
    for script in scripts[:MAX_SCRIPTS]:
        text = (script.text or "")[:MAX_SCRIPT_CHARS]
        data = _loads(text)
        if data is not None:
            _flatten(data, objects, depth=0)
    return objects


def _loads(text: str) -> Any:
    text = text.strip().removeprefix("<!--").removesuffix("-->").strip()
    if text.endswith(";"):
        text = text[:-1]
    for candidate in (text, _TRAILING_COMMA.sub(r"\1", text)):
        try:
            return json.loads(candidate, strict=False)
        except (ValueError, RecursionError):
            continue
    return None


def _flatten(data: Any, out: list[dict[str, Any]], depth: int) -> None:
    if depth > 3:
        return
    if isinstance(data, list):
        for item in data:
            _flatten(item, out, depth + 1)
    elif isinstance(data, dict):
        if "@graph" in data:
            _flatten(data["@graph"], out, depth + 1)
        if "@type" in data:
            out.append(data)
            main = data.get("mainEntity")
            if isinstance(main, dict) and "@type" in main:
                out.append(main)


def types_of(obj: dict[str, Any]) -> set[str]:
    """The object's ``@type`` values, lower-cased, without any schema.org prefix."""
    raw = obj.get("@type")
    values = raw if isinstance(raw, list) else [raw]
    return {str(v).rsplit("/", 1)[-1].lower() for v in values if v}


def article_object(objects: list[dict[str, Any]], url: str) -> dict[str, Any] | None:
    """The object describing this page's article: an Article type, the one naming our URL first.

    A WebPage with a publication date stands in when the page has no Article object.
    """
    articles = [o for o in objects if types_of(o) & ARTICLE_TYPES]
    if not articles:
        articles = [o for o in objects if "webpage" in types_of(o) and o.get("datePublished")]
    if not articles:
        return None
    key = _url_key(url)
    for obj in articles:
        if key and key in {_url_key(u) for u in _urls_of(obj)}:
            return obj
    return articles[0]


def _urls_of(obj: dict[str, Any]) -> list[str]:
    urls = []
    for name in ("url", "mainEntityOfPage", "@id"):
        value = obj.get(name)
        if isinstance(value, dict):
            value = value.get("@id") or value.get("url")
        if isinstance(value, str):
            urls.append(value)
    return urls


_URL_DECOR = re.compile(r"^https?://(www\.)?|[?#].*$|/$")


def _url_key(url: str) -> str:
    """Strip scheme, www, query and trailing slash: one page's URL spellings compare equal."""
    return _URL_DECOR.sub("", url.strip())


def text_of(value: Any) -> str | None:
    """A plain string from a JSON-LD value that may be a string, an object or a list."""
    if isinstance(value, str):
        return unescape(value).strip() or None
    if isinstance(value, dict):
        return text_of(value.get("name") or value.get("@value") or value.get("url"))
    if isinstance(value, list) and value:
        return text_of(value[0])
    return None


def names_of(value: Any) -> list[str]:
    """Every name in a value that may list several people or organisations."""
    items = value if isinstance(value, list) else [value]
    names = []
    for item in items:
        if isinstance(item, dict):
            item = item.get("name")
        if isinstance(item, str) and item.strip():
            names.append(unescape(item).strip())
    return names
