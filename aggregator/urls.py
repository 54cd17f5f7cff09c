"""URL identity: one canonical form per article address.

The crawler canonicalizes before it asks "have we stored this?", and storage keys articles by
the same form, so tracking parameters, a fragment, an AMP or mobile variant never make an old
article look new. Rules, in order (see docs/storage.md, "URL identity"):

1. w3lib's canonical form: lower-case scheme and host, IDN host as punycode, percent-encoding
   normalized, query parameters sorted, no fragment.
2. No default port (``:80`` for http, ``:443`` for https).
3. Tracking parameters removed (:data:`TRACKING`). The list is explicit on purpose: courlan's
   tracker pattern also matches content parameters such as ``gallery`` or ``global``, and a
   removed content parameter would merge two different pages into one article.
4. AMP and mobile variants mapped to the article page: ``amp.``/``m.``/``mobile.`` hosts become
   ``www.`` (only when a registrable domain remains, so ``amp.dev`` stays), a leading or
   trailing ``amp`` path segment and a ``.amp`` suffix are dropped, ``?amp=1`` and
   ``?outputType=amp`` are removed.
5. No trailing slash, except for the site root: news sites serve ``/a/b`` and ``/a/b/`` as the
   same page (one redirects to the other).

The page itself has the last word: :func:`choose_canonical` prefers its ``rel=canonical`` (or
``og:url``) when that points to the same site.

Scheme and ``www.``: ``http://outlet.example/a`` and ``https://www.outlet.example/a`` are the
same article, but the stored URL stays the one the outlet serves (a link must keep working),
so they are not folded into one string. Instead every lookup also asks for the address's
:func:`url_twins` (the other scheme, with and without ``www.``): the crawler does not fetch a
twin of a stored URL, and storing a twin updates the stored article. Rows stored before this
rule are found the same way, so no migration rewrites them.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_plus, urljoin, urlsplit, urlunsplit

from courlan.urlutils import get_tldinfo
from w3lib.url import canonicalize_url as _w3lib_canonicalize

TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|gclsrc|dclid|gbraid|wbraid|msclkid|twclid|ttclid|li_fat_id|"
    r"mc_\w+|_ga|_gl|_hsenc|_hsmi|hsa_\w+|mkt_tok|igshid|igsh|yclid|ysclid|ocid|cmpid|"
    r"ito|ns_\w+|at_\w+|xtor|wt_\w+|pk_\w+|mtm_\w+|piwik_\w+|matomo_\w+|oly_\w+|vero_\w+|"
    r"ref_src|ref_url|smid|smtyp|s_cid|__twitter_impression|sr_share|"
    r"share|via|taid|dicbo|ftag|ncid|guccounter|guce_\w+|rss|from_rss|"
    r"outputtype|amp)$",
    re.IGNORECASE,
)
# ``amp`` and ``outputType`` are listed because ``?amp=1`` / ``?outputType=amp`` select the
# AMP rendering of the same article, not another page.

VARIANT_HOST = re.compile(r"^(?:amp|m|mobile)\.", re.IGNORECASE)
AMP_SUFFIX = re.compile(r"\.amp(?=$|\.html?$)", re.IGNORECASE)
DEFAULT_PORTS = {"http": 80, "https": 443}


def canonicalize_url(url: str) -> str:
    """The canonical form of an article URL (rules in the module docstring).

    Non-HTTP(S) input is returned stripped but otherwise unchanged: it is never an article.
    """
    url = url.strip()
    if not url.lower().startswith(("http://", "https://")):
        return url
    url = _w3lib_canonicalize(url, keep_fragments=False)
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = _article_host(parts.hostname or "")
    try:
        port = parts.port
    except ValueError:  # a non-numeric port: keep the address as given
        port = None
    netloc = host if port in (None, DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    path = _article_path(parts.path)
    query = _strip_tracking(parts.query)
    return urlunsplit((scheme, netloc, path, query, ""))


def url_twins(url: str) -> list[str]:
    """The other spellings of a canonical URL's address that name the same page: the other
    scheme, and the host with or without ``www.`` (not for IP addresses, ``localhost`` or
    a bare top-level name). The URL itself is not included."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return []
    host = parts.hostname
    bare = host.removeprefix("www.")
    named = "." in bare and not bare.replace(".", "").isdigit()  # not an IP, not localhost
    hosts = [bare, "www." + bare] if named else [host]
    port = f":{parts.port}" if parts.port else ""
    twins = [
        urlunsplit((scheme, h + port, parts.path, parts.query, ""))
        for scheme in ("https", "http")
        for h in hosts
    ]
    return [t for t in twins if t != url]


def choose_canonical(fetched_url: str, declared_canonical: str | None) -> str:
    """The canonical URL of a fetched page: its declared canonical when trustworthy.

    ``declared_canonical`` is the page's ``rel=canonical`` or ``og:url`` (possibly relative).
    It is used only when it is HTTP(S), on the same site (same registrable domain, or same
    host for IP addresses and ``localhost``) and not the site root while the page is not:
    a page that declares its outlet's homepage or another outlet (syndication) as canonical
    would otherwise merge unrelated articles.
    """
    fetched = canonicalize_url(fetched_url)
    if not declared_canonical or not declared_canonical.strip():
        return fetched
    declared = canonicalize_url(urljoin(fetched_url, declared_canonical.strip()))
    if not declared.startswith(("http://", "https://")) or len(declared) > 2048:
        return fetched
    if site_of(declared) != site_of(fetched):
        return fetched
    if urlsplit(declared).path == "/" and urlsplit(fetched).path != "/":
        return fetched
    return declared


def site_of(url: str) -> str:
    """The registrable domain of ``url`` (``bbc.co.uk``), or its host and port when none."""
    _, domain = get_tldinfo(url)
    if domain:
        return domain.lower()
    parts = urlsplit(url)
    return parts.netloc.lower()


def url_variants(*urls: str | None) -> list[str]:
    """The distinct canonical forms of the given URLs, in order, skipping empty ones."""
    seen: dict[str, None] = {}
    for url in urls:
        if url and url.strip():
            seen.setdefault(canonicalize_url(url), None)
    return list(seen)


def _article_host(host: str) -> str:
    """Map ``amp.``/``m.``/``mobile.`` hosts to ``www.`` when a registrable domain remains."""
    host = host.lower().rstrip(".")
    match = VARIANT_HOST.match(host)
    if not match:
        return host
    rest = host[match.end() :]
    if "." not in rest or rest.replace(".", "").isdigit():
        return host  # amp.dev, m.localhost: no site left to map to
    # Hosts outside the public suffix list (e.g. a newsroom's .example test sites): the rest
    # is taken as the site.
    _, domain = get_tldinfo(f"http://{rest}/")
    return "www." + rest if rest == (domain or rest) else rest


def _article_path(path: str) -> str:
    """Drop AMP path markers and the trailing slash (except at the root)."""
    segments = path.split("/")
    if len(segments) > 2 and segments[1].lower() == "amp":
        segments.pop(1)
    while len(segments) > 2 and segments[-1] == "":
        segments.pop()
    if len(segments) > 2 and segments[-1].lower() == "amp":
        segments.pop()
    if segments:
        segments[-1] = AMP_SUFFIX.sub("", segments[-1])
    path = "/".join(segments)
    while len(path) > 1 and path.endswith("/"):
        path = path[:-1]
    return path or "/"


def _strip_tracking(query: str) -> str:
    """Remove tracking parameters, keeping the others exactly as w3lib encoded them."""
    if not query:
        return ""
    kept = [
        part
        for part in query.split("&")
        if part and not TRACKING.match(unquote_plus(part.split("=", 1)[0]))
    ]
    return "&".join(kept)
