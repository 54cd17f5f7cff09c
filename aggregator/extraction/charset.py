"""Reading a fetched page's bytes as text, and saying so when its declared charset lies.

Outlets mislabel their pages: an Arabic site serving windows-1256 under ``charset=utf-8``
(read as utf-8 its letters become U+FFFD and the article looks too short), or utf-8 bytes under
``windows-1256`` (read as declared, every letter becomes two of mojibake). :func:`decode_page`
takes the declared charset as browsers do (byte-order mark, then the HTTP header, then the
``<meta>`` tag, via w3lib) and checks it against the bytes: bytes that are valid utf-8 with
non-ASCII in them are utf-8 whatever the label says (a legacy text almost never is); bytes the
declared charset cannot decode are read as the other declared label, else as what
``charset-normalizer`` detects. A page read otherwise than declared carries a warning naming
both ("charset: declared utf-8, read as windows-1256").

The crawl decodes here, once, before extraction; extraction itself receives text.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from charset_normalizer import from_bytes
from w3lib.encoding import (
    html_body_declared_encoding,
    http_content_type_encoding,
    read_bom,
    resolve_encoding,
)


@dataclass(frozen=True)
class DecodedPage:
    """A page as text: the charset it was read as, the one it declared, a warning if they differ."""

    text: str
    encoding: str  # e.g. "utf-8", "windows-1256"
    declared: str | None
    warning: str | None = None


def decode_page(body: bytes, content_type: str | bytes | None = None) -> DecodedPage:
    """The text of ``body`` (a page as fetched), given its Content-Type header."""
    if isinstance(content_type, bytes):
        content_type = content_type.decode("latin-1")
    bom, bom_bytes = read_bom(body)
    header = _codec(http_content_type_encoding(content_type or ""))
    meta = _codec(html_body_declared_encoding(body))
    declared = header or meta
    if bom and bom_bytes:  # a byte-order mark outranks any label (WHATWG)
        codec = _codec(bom) or "utf-8"
        return _page(body[len(bom_bytes) :].decode(codec, errors="replace"), codec, declared)
    if body.isascii():
        return DecodedPage(body.decode("ascii"), label(declared or "utf-8"), _label(declared))
    if (text := _decoded(body, "utf-8")) is not None:
        return _page(text, "utf-8", declared)
    for candidate in (declared, meta):
        if candidate and candidate != "utf-8" and (text := _decoded(body, candidate)) is not None:
            return _page(text, candidate, declared)
    guess = from_bytes(body).best()
    detected = _codec(guess.encoding) if guess is not None else None
    if detected is not None and (text := _decoded(body, detected)) is not None:
        return _page(text, detected, declared)
    fallback = declared or "utf-8"
    text = body.decode(fallback, errors="replace")
    warning = f"charset: the bytes are not {label(fallback)}; undecodable bytes were replaced"
    return DecodedPage(text, label(fallback), _label(declared), warning)


def label(codec: str) -> str:
    """The usual name of a Python codec: ``cp1256`` is ``windows-1256``."""
    name = codecs.lookup(codec).name
    if name.startswith("cp125"):
        return "windows-" + name[2:]
    return {"iso8859-1": "iso-8859-1", "iso8859-6": "iso-8859-6"}.get(name, name)


def _page(text: str, codec: str, declared: str | None) -> DecodedPage:
    """The page read as ``codec``, with a warning when that is not what it declared."""
    warning = None
    if declared is not None and codecs.lookup(declared).name != codecs.lookup(codec).name:
        warning = f"charset: declared {label(declared)}, read as {label(codec)}"
    return DecodedPage(text, label(codec), _label(declared), warning)


def _codec(name: str | None) -> str | None:
    """A Python codec for a charset label (w3lib's WHATWG mapping), None when unknown."""
    if not name:
        return None
    resolved = resolve_encoding(name)
    return codecs.lookup(resolved).name if resolved else None


def _label(codec: str | None) -> str | None:
    return label(codec) if codec else None


def _decoded(body: bytes, codec: str) -> str | None:
    """``body`` decoded strictly as ``codec``; None when it is not (decoded once, kept)."""
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None
