"""A membership's evidence in words, so an editor sees why an article is in a story.

The evidence is JSON written by the linker (docs/stories.md) from scraped text; it is read
defensively (any key may be missing or of another type) and every string is bounded here and
escaped by the template.
"""

from __future__ import annotations

from typing import Any

from storage.citations import Citation

MAX_ITEMS = 8
MAX_TEXT = 300
TIME_WORDS = {
    "after": "published after the article it matched",
    "before": "published before the article it matched",
    "same": "published at the same time as the article it matched",
}
# The linker's "shared" kinds (storage/story_links.py) in words, the most telling first.
SHARED_WORDS = (
    ("names", "shared names"),
    ("numbers", "shared numbers"),
    ("years", "shared years"),
    ("skeletons", "names spelled alike across scripts (consonants)"),
    ("urls", "shared links"),
)
CITATION_WORDS = {
    "sentence": "credits",
    "dateline": "carries the dateline of",
    "link": "links to",
    "canonical": "names as canonical",
    "og:url": "names as og:url",
}


def percent(confidence: float | None) -> str:
    """Confidence 0-1 as a whole percentage ("87%"); "—" when unknown."""
    if confidence is None:
        return "—"
    return f"{round(max(0.0, min(1.0, float(confidence))) * 100)}%"


def bounded(text: Any, limit: int = MAX_TEXT) -> str:
    """Any value as one line of at most ``limit`` characters."""
    value = " ".join(str(text).split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _listed(values: Any) -> str | None:
    if not isinstance(values, list) or not values:
        return None
    shown = ", ".join(bounded(v, 80) for v in values[:MAX_ITEMS])
    more = len(values) - MAX_ITEMS
    return shown + (f" and {more} more" if more > 0 else "")


def _shared(shared: Any) -> list[str]:
    if not isinstance(shared, dict):
        return []
    lines = []
    for key, word in SHARED_WORDS:
        listed = _listed(shared.get(key))
        if listed:
            lines.append(f"{word}: {listed}")
    quotes = shared.get("quotes")
    if isinstance(quotes, list):
        listed = _listed(quotes)
        if listed:
            lines.append(f"shared quotes: {listed}")
    elif isinstance(quotes, int) and quotes > 0:
        lines.append(f"{quotes} shared quote(s)")
    return lines


def _attribution(found: Any) -> list[str]:
    if not isinstance(found, dict):
        return []
    outlet = found.get("outlet")
    sentence = found.get("sentence")
    url = found.get("url")
    line = f"attribution ({bounded(found.get('kind', 'sentence'), 20)})"
    if outlet:
        line += f" to {bounded(outlet, 100)}"
    if sentence:
        line += f": “{bounded(sentence)}”"
    if url:
        line += f" — {bounded(url, 200)}"
    return [line]


def evidence_lines(evidence: Any) -> list[str]:
    """The membership's evidence as short sentences, most telling first."""
    if not isinstance(evidence, dict):
        return []
    lines = _attribution(evidence.get("attribution")) + _shared(evidence.get("shared"))
    near = evidence.get("near_duplicate")
    if isinstance(near, dict) and isinstance(near.get("jaccard"), int | float):
        lines.append(f"near duplicate of the text (Jaccard {near['jaccard']:.2f})")
    for key in ("link", "canonical"):
        if evidence.get(key):
            lines.append(f"{key} points at the original: {bounded(evidence[key], 200)}")
    when = evidence.get("time")
    if isinstance(when, str) and when in TIME_WORDS:
        lines.append(TIME_WORDS[when])
    if isinstance(evidence.get("via"), int):
        lines.append(f"linked through article {evidence['via']}")
    if isinstance(evidence.get("score"), int | float):
        bar = evidence.get("threshold")
        passed = f" (bar {bar:.2f})" if isinstance(bar, int | float) else ""
        lines.append(f"match score {evidence['score']:.2f}{passed}")
    if evidence.get("editor"):
        lines.append(f"placed by an editor: {bounded(evidence['editor'], 100)}")
    return lines


def citation_line(citation: Citation) -> str:
    """One stored citation in words: "credits The Guardian: “… rapporte The Guardian.”"."""
    verb = CITATION_WORDS.get(citation.kind, bounded(citation.kind, 20))
    line = f"{verb} {bounded(citation.outlet, 100) if citation.outlet else 'another outlet'}"
    if citation.sentence:
        line += f": “{bounded(citation.sentence)}”"
    if citation.url:
        line += f" — {bounded(citation.url, 200)}"
    return line
