"""The chain of a story (original -> translation -> republication) laid out as a small graph.

Only numbers and plain strings come out of here; the template draws them as inline SVG with
autoescape on, so an outlet name or title can never become markup. No script: the graph is
built on the server.
"""

from __future__ import annotations

from dataclasses import dataclass

from aggregator.web.text import direction
from storage.story_view import MemberView, StoryView

NODE_W = 180
NODE_H = 46
GAP_X = 70
GAP_Y = 18
PAD = 10
MAX_LABEL = 28
MAX_DEPTH = 8


@dataclass(frozen=True)
class Node:
    article_id: int
    x: int
    y: int
    outlet: str
    language: str
    relation: str
    direction: str
    origin: bool


@dataclass(frozen=True)
class Edge:
    x1: int
    y1: int
    x2: int
    y2: int
    relation: str


@dataclass(frozen=True)
class Graph:
    width: int
    height: int
    nodes: list[Node]
    edges: list[Edge]


def parents(view: StoryView) -> dict[int, int]:
    """Each member's parent in the chain: the story article it cites or was linked through,
    else the origin. The origin (and a story without one) has no parent."""
    ids = {m.article.id for m in view.members}
    origin = view.origin_id if view.origin_id in ids else None
    found: dict[int, int] = {}
    for m in view.members:
        aid = m.article.id
        if aid == origin:
            continue
        cited = m.member.cited_article_id if m.member is not None else None
        if cited is not None and cited in ids and cited != aid:
            found[aid] = cited
        elif origin is not None:
            found[aid] = origin
    return found


def _depth(aid: int, parent: dict[int, int]) -> int:
    depth, seen = 0, {aid}
    while aid in parent and depth < MAX_DEPTH:
        aid = parent[aid]
        if aid in seen:  # a cycle of citations: stop where it closes
            break
        seen.add(aid)
        depth += 1
    return depth


def layout(view: StoryView) -> Graph:
    """Columns by depth in the chain, members stacked in time order within a column."""
    parent = parents(view)
    columns: dict[int, list[MemberView]] = {}
    for m in view.members:  # already earliest first
        columns.setdefault(_depth(m.article.id, parent), []).append(m)
    nodes: dict[int, Node] = {}
    for depth, column in sorted(columns.items()):
        for row, m in enumerate(column):
            nodes[m.article.id] = _node(m, depth, row, m.article.id == view.origin_id)
    edges = [_edge(nodes[parent_id], nodes[child]) for child, parent_id in parent.items()]
    width = PAD * 2 + len(columns) * NODE_W + max(0, len(columns) - 1) * GAP_X
    tallest = max((len(c) for c in columns.values()), default=0)
    height = PAD * 2 + tallest * NODE_H + max(0, tallest - 1) * GAP_Y
    return Graph(width, height, list(nodes.values()), edges)


def _node(m: MemberView, depth: int, row: int, origin: bool) -> Node:
    source = m.article.source
    outlet = (source.label or source.name) if source is not None else "?"
    language = m.article.language or "?"
    return Node(
        article_id=m.article.id,
        x=PAD + depth * (NODE_W + GAP_X),
        y=PAD + row * (NODE_H + GAP_Y),
        outlet=_cut(outlet),
        language=language[:12],
        relation="original" if origin else m.relation,
        direction=direction(m.article.language),
        origin=origin,
    )


def _edge(start: Node, end: Node) -> Edge:
    return Edge(
        x1=start.x + NODE_W,
        y1=start.y + NODE_H // 2,
        x2=end.x,
        y2=end.y + NODE_H // 2,
        relation=end.relation,
    )


def _cut(text: str) -> str:
    """Bound a label to what fits in a node."""
    text = " ".join(text.split())
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"
