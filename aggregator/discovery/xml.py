"""Hostile XML read safely, in one streaming pass: the parser feeds and sitemaps share.

Entities are never resolved, the network never used, huge trees refused; ``recover`` reads
what a broken or cut document gives up to where it breaks. Each element is freed once read,
so memory stays flat however long the listing.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator

from lxml import etree


def local(tag: object) -> str:
    """The local name of a tag (``{namespace}url`` → ``url``); "" for comments and the like."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def iterparse(body: bytes, tags: Iterable[str]) -> etree.iterparse:
    """Closing events of the elements named ``tags``, in any namespace or none."""
    names = [name for tag in tags for name in (f"{{*}}{tag}", tag)]
    return etree.iterparse(
        io.BytesIO(body),
        events=("end",),
        tag=names,
        recover=True,
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def free(node: etree._Element) -> None:
    """Drop an element once read, and the siblings before it."""
    node.clear(keep_tail=True)
    parent = node.getparent()
    if parent is not None:
        while node.getprevious() is not None:
            del parent[0]


def elements(events: etree.iterparse) -> Iterator[etree._Element]:
    """The elements of ``events`` until the document ends or breaks off (cut at a limit)."""
    try:
        for _, node in events:
            yield node
    except etree.XMLSyntaxError:
        return
