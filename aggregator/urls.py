"""URL identity: one canonical form per article address.

The crawler canonicalizes before it asks "have we stored this?", and storage keys articles by
the same form, so tracking parameters or a fragment never make an old article look new.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

from w3lib.url import canonicalize_url as _w3lib_canonicalize
from w3lib.url import url_query_cleaner

TRACKING = re.compile(
    r"^(utm_\w+|fbclid|gclid|dclid|msclkid|mc_cid|mc_eid|_ga|_gl|igshid|yclid|ocid|cmpid|"
    r"ito|ns_\w+|at_\w+|xtor|wt_\w+|ref_src|ref_url|smid|s_cid|__twitter_impression)$",
    re.IGNORECASE,
)


def _strip_tracking(url: str) -> str:
    query = urlsplit(url).query
    names = {part.split("=", 1)[0] for part in query.split("&") if part}
    tracking = [n for n in names if TRACKING.match(n)]
    return url_query_cleaner(url, tracking, remove=True, keep_fragments=False) if tracking else url


def canonicalize_url(url: str) -> str:
    """The canonical form of an article URL.

    Lower-case scheme and host, no default port, no fragment, no tracking parameters, the other
    query parameters sorted.
    """
    url = _strip_tracking(url.strip())
    url = _w3lib_canonicalize(url, keep_fragments=False)
    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if parts.port and not (
        (parts.scheme == "http" and parts.port == 80)
        or (parts.scheme == "https" and parts.port == 443)
    ):
        netloc = f"{netloc}:{parts.port}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))
