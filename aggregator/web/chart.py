"""A small server-rendered SVG bar chart of articles per day (no JavaScript, no library)."""

from __future__ import annotations

from datetime import date, timedelta

from markupsafe import Markup, escape

BAR = 6
GAP = 1
HEIGHT = 32


def articles_chart(counts: list[int], last_day: date, label: str) -> Markup:
    """Bars for ``counts`` (oldest first, ``last_day`` last), each with a hover title."""
    width = len(counts) * (BAR + GAP)
    peak = max(counts, default=0) or 1
    first = last_day - timedelta(days=len(counts) - 1)
    total = sum(counts)
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{HEIGHT}" viewBox="0 0 {width} {HEIGHT}" role="img" '
        f'aria-label="{escape(label)}: {total} articles in {len(counts)} days">'
    ]
    for index, n in enumerate(counts):
        height = 1 if n == 0 else max(2, round(n / peak * (HEIGHT - 2)))
        day = first + timedelta(days=index)
        css = "bar" if n else "bar empty"
        parts.append(
            f'<rect class="{css}" x="{index * (BAR + GAP)}" y="{HEIGHT - height}" '
            f'width="{BAR}" height="{height}"><title>{day.isoformat()}: {n}</title></rect>'
        )
    parts.append("</svg>")
    # Safe: every value is a number or a date except the label, escaped above.
    return Markup("".join(parts))  # noqa: S704
