"""Word-level diffs of an article's title and body, as plain data the page and alerts show.

A diff is a list of segments ``[op, text]``: ``"="`` kept, ``"-"`` removed, ``"+"`` added.
Joining the ``=`` and ``-`` texts gives the old text back, the ``=`` and ``+`` ones the new
text, whitespace included. :mod:`difflib` (the standard library's SequenceMatcher, without its
"junk" heuristic, which would hide changes to common words) compares words and the spaces and
punctuation between them, so a changed figure or name shows as itself, in any script.

Scraped text is hostile and may be huge: each side is compared up to ``MAX_TOKENS`` tokens and
the rest is one removed and one added segment, so a diff costs bounded time.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

Segment = list[str]  # [op, text]: JSON-ready
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)
MAX_TOKENS = 20_000


def tokens(text: str) -> list[str]:
    """Words, runs of whitespace and single punctuation marks, in order (joined: the text)."""
    return _TOKEN.findall(text)


def word_diff(old: str | None, new: str | None) -> list[Segment]:
    """The segments that turn ``old`` into ``new`` (empty when they are equal)."""
    old, new = old or "", new or ""
    if old == new:
        return []
    a, b = tokens(old), tokens(new)
    tail_a, tail_b = "".join(a[MAX_TOKENS:]), "".join(b[MAX_TOKENS:])
    a, b = a[:MAX_TOKENS], b[:MAX_TOKENS]
    segments: list[Segment] = []
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            _add(segments, "=", "".join(a[i1:i2]))
            continue
        _add(segments, "-", "".join(a[i1:i2]))
        _add(segments, "+", "".join(b[j1:j2]))
    if tail_a != tail_b:
        _add(segments, "-", tail_a)
        _add(segments, "+", tail_b)
    else:
        _add(segments, "=", tail_a)
    return segments


def _add(segments: list[Segment], op: str, text: str) -> None:
    """Append, merging with the previous segment of the same op."""
    if not text:
        return
    if segments and segments[-1][0] == op:
        segments[-1][1] += text
    else:
        segments.append([op, text])


def side(segments: list[Segment], which: str) -> str:
    """The old (``which="-"``) or new (``"+"``) text a diff was made from."""
    return "".join(text for op, text in segments if op in ("=", which))


def counts(segments: list[Segment]) -> dict[str, int]:
    """Words added and removed (for a one-line summary)."""
    added = sum(len(re.findall(r"\w+", t)) for op, t in segments if op == "+")
    removed = sum(len(re.findall(r"\w+", t)) for op, t in segments if op == "-")
    return {"added": added, "removed": removed}


def bounded(segments: list[Segment], max_chars: int) -> list[Segment]:
    """The diff cut to about ``max_chars`` characters of text (for alerts and webhooks): long
    unchanged runs keep their ends, and what is cut is marked with an ellipsis."""
    out: list[Segment] = []
    left = max_chars
    for op, text in segments:
        if left <= 0:
            out.append(["=", "…"])
            break
        if op == "=" and len(text) > 200:
            text = text[:80] + " … " + text[-80:]
        if len(text) > left:
            text = text[:left] + "…"
        out.append([op, text])
        left -= len(text)
    return out
