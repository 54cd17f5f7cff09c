"""Where the spider stops reading a listing, and the warning when a limit cut one.

A listing is read up to :data:`aggregator.discovery.limits.MAX_LISTING_BYTES`: the handlers
of Scrapy's ``headers_received`` / ``bytes_received`` signals count its bytes and stop the
download there (``StopDownload(fail=False)``: the callback gets what arrived, flagged
``download_stopped``). What the byte or entry limits left out becomes a ``listing_cut``
warning on the source's run.
"""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import StopDownload
from scrapy.http import Response

from aggregator.discovery.limits import MAX_LISTING_BYTES, cut_message
from aggregator.spiders.requests import LISTING_KINDS


def headers_received(request: Any, **_: Any) -> None:
    """A listing's answer starts: count its bytes from zero (a retry or redirect starts again)."""
    if request.meta.get("kind") in LISTING_KINDS:
        request.meta["listing_bytes"] = 0


def bytes_received(data: bytes, request: Any, **_: Any) -> None:
    """Stop reading a listing at the listing limit: the callback parses what arrived."""
    if request.meta.get("kind") not in LISTING_KINDS:
        return
    received = request.meta.get("listing_bytes", 0) + len(data)
    request.meta["listing_bytes"] = received
    if received >= MAX_LISTING_BYTES:
        raise StopDownload(fail=False)


def cut_warning(
    response: Response, kept: int, total: int, truncated: bool
) -> dict[str, Any] | None:
    """The run warning for a listing a limit cut, or None when nothing was left out."""
    truncated = truncated or "download_stopped" in response.flags
    size = min(len(response.body), MAX_LISTING_BYTES)
    message = cut_message(response.url, kept, total, size, truncated)
    if message is None:
        return None
    declared = response.headers.get("Content-Length")
    if truncated and declared and declared.isdigit():
        message += f" of {int(declared):,} announced"
    return {
        "kind": "listing_cut",
        "listing": response.url,
        "kept": kept,
        "total": total,
        "bytes": size,
        "truncated": truncated,
        "message": message,
    }
