"""A new sources-file entry from what autodiscovery found, appended without losing a comment.

The sources file is edited by people: its comments, order and layout are theirs. The file is
read and written with ruamel.yaml's round-trip mode, the new entry goes at the end of the
``sources`` list, and the whole result is validated with the same parser the crawler uses
before the file is replaced (atomically), so a failed ``sources add`` never leaves it broken.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from aggregator.config.sources import NAME_PATTERN, SourcesFile, parse_sources
from aggregator.discovery.links import site_host
from aggregator.errors import ConfigError
from aggregator.onboarding.autodiscover import Discovery

NEW_FILE = """\
# Outlets to watch. One entry per outlet; see docs/sources.md for every field.
# Add one with:  aggregator sources add https://example.com/

sources:
"""
# Second-level labels that are not the outlet's name (english.alarabiya.net, bbc.co.uk).
_GENERIC = {"co", "com", "org", "net", "gov", "ac", "news", "m", "amp", "edition"}


def suggest_name(url: str) -> str:
    """A source name from a URL: ``https://www.lemonde.fr/`` → ``lemonde``,
    ``https://english.aljazeera.net/`` → ``aljazeera-english``."""
    host = site_host(url)
    labels = host.split(".")
    if not re.fullmatch(r"[\d.]+", host) and len(labels) > 1:
        labels = labels[:-1]  # the top-level domain
        while len(labels) > 1 and labels[-1] in _GENERIC:
            labels = labels[:-1]
        labels = [labels[-1], *labels[:-1]]  # main label first, then subdomains
    name = re.sub(r"[^a-z0-9_-]+", "-", "-".join(labels).lower()).strip("-_")[:64]
    return name if NAME_PATTERN.match(name or "") else "source"


def same_homepage(a: str, b: str) -> bool:
    """True when two homepages are the same site address (scheme and ``www.`` aside).

    An explicit port is part of the address (two loopback outlets on 127.0.0.1:8001 and
    :8002 are two sites); the scheme's default port is the same as none.
    """
    return _address(a) == _address(b)


def _address(url: str) -> tuple[str, int | None, str]:
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    if port in (80, 443):
        port = None
    return site_host(url), port, parts.path.rstrip("/")


def build_entry(
    found: Discovery,
    *,
    name: str,
    languages: list[str],
    timezone: str,
    label: str | None = None,
    allow_networks: list[str] | None = None,
) -> CommentedMap:
    """The YAML mapping of a new source, fields in the order docs/sources.md lists them."""
    entry = CommentedMap()
    entry["name"] = name
    if label or found.title:
        entry["label"] = label or found.title
    entry["homepage"] = found.homepage
    if found.feeds:
        entry["feeds"] = CommentedSeq(found.feeds)
    if found.sitemaps:
        entry["sitemaps"] = CommentedSeq(found.sitemaps)
    if not found.feeds and not found.sitemaps:
        # Nothing to read: follow the homepage's links (tune links.allow afterwards).
        entry["start_pages"] = CommentedSeq([found.homepage])
    flow = CommentedSeq(languages)
    flow.fa.set_flow_style()
    entry["languages"] = flow
    entry["timezone"] = timezone
    if allow_networks:
        entry["allow_networks"] = CommentedSeq(allow_networks)
    return entry


def _yaml(text: str) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap long URLs
    # Follow the file's own list style: "  - name:" (indented) or "- name:".
    if re.search(r"^- ", text, re.MULTILINE) and not re.search(r"^  - ", text, re.MULTILINE):
        yaml.indent(mapping=2, sequence=2, offset=0)
    else:
        yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def check_duplicate(existing: SourcesFile, name: str, homepage: str) -> None:
    """Refuse a name or homepage the file already has, saying which entry has it."""
    for source in existing.sources:
        if source.name == name:
            raise ConfigError(
                f"a source named {name!r} already exists (choose another with --name)",
                path=existing.path,
                source=name,
                field="name",
            )
        if same_homepage(source.homepage, homepage):
            raise ConfigError(
                f"{homepage} is already declared as source {source.name!r}",
                path=existing.path,
                source=source.name,
                field="homepage",
            )


def append_entry(path: str | Path, entry: CommentedMap) -> SourcesFile:
    """Append ``entry`` to the sources file at ``path`` (created if missing); return it parsed."""
    path = Path(path)
    text = path.read_text(encoding="utf-8") if path.exists() else NEW_FILE
    existing = parse_sources(text, str(path))
    check_duplicate(existing, str(entry["name"]), str(entry["homepage"]))
    yaml = _yaml(text)
    tree = yaml.load(text) or CommentedMap()
    sources = tree.get("sources")
    if not isinstance(sources, CommentedSeq):
        sources = CommentedSeq()
        tree["sources"] = sources
    if sources.fa.flow_style():
        sources.fa.set_block_style()
    sources.append(entry)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    sources.yaml_set_comment_before_after_key(
        len(sources) - 1,
        before=f"added by `aggregator sources add` on {stamp}",
        indent=2 if yaml.sequence_dash_offset else 0,
    )
    buffer = io.StringIO()
    yaml.dump(tree, buffer)
    # A blank line before the new entry, like the ones between hand-written entries.
    marker = "# added by `aggregator sources add`"
    head, sep, tail = buffer.getvalue().rpartition(marker)
    indent = head[head.rfind("\n") + 1 :]
    head = head[: len(head) - len(indent)]
    if head and not head.endswith("\n\n") and head.rstrip("\n").rstrip() != "sources:":
        head += "\n"
    text = head + indent + sep + tail
    result = parse_sources(text, str(path))  # never write an invalid file
    _write_atomically(path, text)
    return result


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        if path.exists():
            Path(temporary).chmod(path.stat().st_mode & 0o777)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
