"""The sources file: one typed model of every outlet, shared by every part of the system.

Operators edit one YAML file (see ``docs/sources.md``). It is validated on load into
:class:`Source` objects; a mistake stops loading with a :class:`ConfigError` that names the
file, the line, the source and the field, so nobody has to guess which of fifty outlets is
wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import timedelta
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError

from aggregator.discovery.limits import MAX_ARTICLES_PER_RUN
from aggregator.errors import ConfigError
from aggregator.network_policy import parse_allowance

NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def parse_duration(value: Any) -> timedelta:
    """Read ``"30m"``, ``"6h"``, ``"7d"`` or a number of seconds into a timedelta."""
    if isinstance(value, timedelta):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return timedelta(seconds=value)
    if isinstance(value, str) and (match := _DURATION.match(value)):
        return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})
    raise ValueError(f"expected a duration such as 30m, 6h or 7d, got {value!r}")


def format_duration(value: timedelta) -> str:
    """Write a timedelta back in the short form the sources file uses."""
    seconds = int(value.total_seconds())
    for unit, size in (("w", 604800), ("d", 86400), ("h", 3600), ("m", 60)):
        if seconds and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]


def _check_url(value: str) -> str:
    if not isinstance(value, str) or not re.match(r"^https?://[^/\s]+", value):
        raise ValueError(f"expected an http(s) URL, got {value!r}")
    return value.strip()


HttpUrl = Annotated[str, BeforeValidator(_check_url)]


def _check_allowance(value: Any) -> str:
    parse_allowance(str(value))
    return str(value).strip()


Allowance = Annotated[str, BeforeValidator(_check_allowance)]


class Strict(BaseModel):
    """Unknown keys are errors: a typo must not silently switch a feature off."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Schedule(Strict):
    """When the scheduler crawls a source: a fixed interval or a cron expression."""

    interval: Duration | None = None
    cron: str | None = None
    jitter: Duration = timedelta(seconds=30)

    @model_validator(mode="after")
    def _one_kind(self) -> Schedule:
        if (self.interval is None) == (self.cron is None):
            raise ValueError("give exactly one of 'interval' (e.g. 30m) or 'cron'")
        if self.interval is not None and self.interval < timedelta(seconds=1):
            raise ValueError("interval must be at least 1s")
        if self.cron is not None and len(self.cron.split()) != 5:
            raise ValueError(f"cron needs five fields (min hour day month weekday): {self.cron!r}")
        return self

    def describe(self) -> str:
        """Short human form: ``every 30m`` or ``cron 0 * * * *``."""
        if self.interval is not None:
            return f"every {format_duration(self.interval)}"
        return f"cron {self.cron}"


class LinkRules(Strict):
    """How to follow links from start pages on sites without a feed."""

    allow: list[str] = Field(default_factory=list)
    deny: list[str] = Field(default_factory=list)
    depth: int = Field(default=1, ge=0, le=5)

    @field_validator("allow", "deny")
    @classmethod
    def _regexes(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from exc
        return patterns

    def matches(self, url: str) -> bool:
        """True when ``url`` is allowed (by any allow pattern, or none given) and not denied."""
        if any(re.search(p, url) for p in self.deny):
            return False
        return not self.allow or any(re.search(p, url) for p in self.allow)


class Selectors(Strict):
    """Per-source CSS selectors (XPath when starting with ``/`` or ``(``); they beat heuristics."""

    body: str | None = None
    title: str | None = None
    date: str | None = None
    author: str | None = None


LANGUAGES_FORM = "a language code or a list of them, like 'languages: en' or 'languages: [ar, fr]'"


class Revisit(Strict):
    """When stored articles are fetched again (see docs/revisits.md): ``after`` first seen,
    each a step (``after: []`` turns revisits off); approved and published articles go on
    daily until ``approved_for``; at most ``max_per_run`` revisits per run, apart from the
    new articles' budget."""

    after: list[Duration] = Field(
        default_factory=lambda: [timedelta(hours=h) for h in (1, 6, 24, 72)]
    )
    approved_for: Duration = timedelta(days=14)
    max_per_run: int = Field(default=50, ge=0, le=100_000)

    @field_validator("after")
    @classmethod
    def _increasing(cls, steps: list[timedelta]) -> list[timedelta]:
        if any(step <= timedelta(0) for step in steps):
            raise ValueError("every step must be positive (e.g. [1h, 6h, 24h])")
        if any(b <= a for a, b in pairwise(steps)):
            raise ValueError(f"steps must increase: {[format_duration(s) for s in steps]}")
        return steps

    @property
    def enabled(self) -> bool:
        """False when ``after`` is empty or no revisit may run."""
        return bool(self.after) and self.max_per_run > 0


def _language(value: Any) -> Any:
    """One code or a list of codes; anything else says what form is expected (a bare
    ``languages: 42`` would otherwise get pydantic's "Input should be a valid list")."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"got {value!r}: expected {LANGUAGES_FORM}")
    return value


class Source(Strict):
    """One outlet, as declared in the sources file."""

    name: str
    homepage: HttpUrl
    feeds: list[HttpUrl] = Field(default_factory=list)
    sitemaps: list[HttpUrl] = Field(default_factory=list)
    start_pages: list[HttpUrl] = Field(default_factory=list)
    links: LinkRules = Field(default_factory=LinkRules)
    languages: Annotated[list[str], BeforeValidator(_language)] = Field(min_length=1)
    timezone: str = "UTC"
    schedule: Schedule | None = None
    max_age: Duration | None = None
    # Article requests per run: the newest first, each listing in turn (see docs/discovery.md).
    max_articles: int = Field(default=MAX_ARTICLES_PER_RUN, ge=1, le=100_000)
    selectors: Selectors = Field(default_factory=Selectors)
    revisit: Revisit = Field(default_factory=Revisit)
    headers: dict[str, str] = Field(default_factory=dict)
    allow_networks: list[Allowance] = Field(default_factory=list)
    enabled: bool = True
    label: str | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not NAME_PATTERN.match(value):
            raise ValueError(
                "use lower-case letters, digits, '-' or '_' (e.g. 'le-monde'), "
                f"at most 64 characters; got {value!r}"
            )
        return value

    @field_validator("languages")
    @classmethod
    def _languages(cls, values: list[str]) -> list[str]:
        for value in values:
            if not re.match(r"^[a-z]{2,3}$", value):
                raise ValueError(f"expected ISO 639-1 codes such as 'ar' or 'fr', got {value!r}")
        return values

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r} (expected e.g. 'Asia/Dubai')") from exc
        return value

    @model_validator(mode="after")
    def _has_entry_point(self) -> Source:
        if not (self.feeds or self.sitemaps or self.start_pages):
            raise ValueError("give at least one of 'feeds', 'sitemaps' or 'start_pages'")
        return self

    @property
    def zone(self) -> ZoneInfo:
        """The source's time zone, used to read dates written without an offset."""
        return ZoneInfo(self.timezone)

    @property
    def display_name(self) -> str:
        """What editors see: the label, or the name."""
        return self.label or self.name


class SourcesFile(BaseModel):
    """Every source from one file, in file order, plus where it came from."""

    model_config = ConfigDict(frozen=True)

    path: str
    defaults: dict[str, Any] = Field(default_factory=dict)
    sources: list[Source]

    def enabled(self) -> list[Source]:
        """The sources the crawler and scheduler should visit."""
        return [s for s in self.sources if s.enabled]

    def get(self, name: str) -> Source:
        """The source called ``name``; raises SourceNotFound naming the file otherwise."""
        from aggregator.errors import SourceNotFound

        for source in self.sources:
            if source.name == name:
                return source
        known = ", ".join(s.name for s in self.sources) or "none"
        raise SourceNotFound(f"{self.path}: no source named {name!r} (known: {known})")

    def select(self, names: Iterable[str]) -> list[Source]:
        """The named sources (all enabled ones when ``names`` is empty)."""
        names = list(names)
        return [self.get(n) for n in names] if names else self.enabled()


# --- loading -------------------------------------------------------------------------------

_ALLOWED_DEFAULTS = {
    "schedule",
    "max_age",
    "max_articles",
    "timezone",
    "headers",
    "languages",
    "enabled",
    "revisit",
}


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    return yaml


def _line_of(node: Any, loc: tuple[Any, ...]) -> int | None:
    """Follow a pydantic error location into the ruamel tree to find its 1-based line."""
    line = None
    for key in loc:
        if isinstance(node, CommentedMap) and key in node:
            line = node.lc.key(key)[0] + 1
            node = node[key]
        elif isinstance(node, CommentedSeq) and isinstance(key, int) and key < len(node):
            line = node.lc.item(key)[0] + 1
            node = node[key]
        else:
            break
    return line


def _plain(node: Any) -> Any:
    """ruamel's commented containers as plain dicts and lists, for pydantic."""
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


def parse_sources(text: str, path: str = "<sources>") -> SourcesFile:
    """Validate the text of a sources file; raise ConfigError naming file, line, source, field."""
    try:
        tree = _yaml().load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        raise ConfigError(f"not valid YAML: {exc.problem}", path=path, line=line) from None
    if tree is None:
        tree = CommentedMap()
    if not isinstance(tree, CommentedMap):
        raise ConfigError("expected a mapping with a 'sources' list at the top", path=path)
    unknown = set(tree) - {"defaults", "sources"}
    if unknown:
        key = sorted(unknown)[0]
        raise ConfigError(
            f"unknown top-level key {key!r} (expected 'defaults' and 'sources')",
            path=path,
            line=_line_of(tree, (key,)),
        )
    defaults = _plain(tree.get("defaults") or {})
    bad_defaults = set(defaults) - _ALLOWED_DEFAULTS
    if bad_defaults:
        key = sorted(bad_defaults)[0]
        raise ConfigError(
            f"{key!r} cannot have a default (allowed: {', '.join(sorted(_ALLOWED_DEFAULTS))})",
            path=path,
            line=_line_of(tree, ("defaults", key)),
        )
    raw_sources = tree.get("sources")
    if raw_sources is None:
        raw_sources = CommentedSeq()
    if not isinstance(raw_sources, list):
        raise ConfigError(
            "'sources' must be a list of outlets", path=path, line=_line_of(tree, ("sources",))
        )
    sources: list[Source] = []
    seen: dict[str, int] = {}
    for index, raw in enumerate(raw_sources):
        sources.append(_validate_source(raw, index, defaults, tree, path))
        name = sources[-1].name
        line = _line_of(tree, ("sources", index))
        if name in seen:
            raise ConfigError(
                f"duplicate name (first declared at line {seen[name]})",
                path=path,
                line=line,
                source=name,
                field="name",
            )
        seen[name] = line or 0
    return SourcesFile(path=path, defaults=defaults, sources=sources)


def _validate_source(
    raw: Any, index: int, defaults: dict[str, Any], tree: CommentedMap, path: str
) -> Source:
    line = _line_of(tree, ("sources", index))
    if not isinstance(raw, dict):
        raise ConfigError(f"source #{index + 1} must be a mapping of fields", path=path, line=line)
    data = {**defaults, **_plain(raw)}
    name = str(data.get("name") or f"#{index + 1}")
    try:
        return Source.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = tuple(error["loc"])
        field = ".".join(str(p) for p in loc) or None
        where = _line_of(tree, ("sources", index, *loc)) or line
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "missing":
            message = "is required"
        elif error["type"] == "extra_forbidden":
            message = "unknown field (see docs/sources.md for the fields a source takes)"
        raise ConfigError(message, path=path, line=where, source=name, field=field) from None


def load_sources(path: str | Path) -> SourcesFile:
    """Read and validate the sources file at ``path``."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            "sources file not found (set --sources or AGGREGATOR_SOURCES)", path=str(path)
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the sources file: {exc}", path=str(path)) from None
    return parse_sources(text, str(path))
