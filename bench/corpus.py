"""Realistic synthetic articles for the dedup and storage benchmarks, and the report writer.

Documents are built from real sentences: every sentence of the extraction ground-truth bodies
(sentences of 6-60 words: no run-on lists or unsegmented CJK passages), drawn at random into
paragraphs; the
hand-written Arabic and French seeds are used only for a language with enough sentences.
Two documents share a sentence now and then, as articles on one topic do, but are otherwise
different; planted variants (a syndicated copy with chrome lines, a light edit, a truncated
copy) give the near-duplicates to find.
"""

from __future__ import annotations

import json
import os
import platform
import random
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GROUND_TRUTH = (
    Path(__file__).resolve().parents[2] / "shared/data/extraction-dev/body/ground-truth.json"
)
SEEDS = ROOT / "tests" / "fixtures" / "dedup" / "seeds.json"
BENCHMARKS = ROOT / "docs" / "benchmarks.md"
_SENTENCE = re.compile(r"(?<=[.!?؟])\s+")
CHROME = [
    "Advertisement",
    "Share this article",
    "Sign up for our newsletter",
    "Photo: AFP via Getty Images",
    "Read more: today's top stories",
]


@dataclass(frozen=True)
class Doc:
    """One generated article; ``origin`` is the index of the document it copies, if any."""

    title: str
    body: str
    language: str
    origin: int | None = None


def sentence_pool() -> dict[str, list[str]]:
    """Sentences by language (en from the ground truth when present, ar and fr from seeds)."""
    pool: dict[str, list[str]] = {"en": [], "ar": [], "fr": []}
    if GROUND_TRUTH.exists():
        for value in json.loads(GROUND_TRUTH.read_text()).values():
            body = (value.get("articleBody") or "").replace("...", "")
            pool["en"] += [s.strip() for s in _SENTENCE.split(body) if 6 <= len(s.split()) <= 60]
    for seed in json.loads(SEEDS.read_text()).values():
        sentences = [s.strip() for s in _SENTENCE.split(seed["body"]) if len(s.split()) >= 5]
        pool[seed["language"]] += sentences
    if not pool["en"]:
        pool["en"] = pool["fr"]
    return {k: sorted(set(v)) for k, v in pool.items() if v}


def documents(n: int, *, seed: int = 1, copies: float = 0.1, sentences: int = 24) -> Iterator[Doc]:
    """``n`` documents; a share ``copies`` are variants of an earlier one (near duplicates)."""
    rng = random.Random(seed)
    pool = sentence_pool()
    # A language needs many sentences, or its documents would all resemble each other: the
    # hand-written Arabic and French seeds are too few, so volume runs are mostly English.
    languages = [
        lang
        for lang, weight in (("en", 6), ("ar", 2), ("fr", 2))
        if len(pool.get(lang, ())) >= 10 * sentences
        for _ in range(weight)
    ]
    made: list[tuple[str, str, str]] = []
    keep = 20_000  # recent documents that may be copied: memory stays flat
    for i in range(n):
        if made and rng.random() < copies:
            j = rng.randrange(max(0, i - len(made)), i)
            title, body, lang = made[j - (i - len(made))]
            yield Doc("Copy: " + title, _variant(body, rng), lang, origin=j)
            made.append((title, body, lang))
        else:
            lang = rng.choice(languages)
            picked = rng.sample(pool[lang], k=min(sentences, len(pool[lang])))
            # A unique figure per article, as real articles have names, numbers, places.
            picked[0] = f"{picked[0]} ({i:07d})"
            paragraphs = [" ".join(picked[k : k + 3]) for k in range(0, len(picked), 3)]
            body = "\n\n".join(paragraphs)
            title = " ".join(picked[1].split()[:10])
            made.append((title, body, lang))
            yield Doc(title, body, lang)
        if len(made) > keep:
            del made[: keep // 2]


def _variant(body: str, rng: random.Random) -> str:
    parts = body.split("\n\n")
    kind = rng.choice(("syndicated", "edited", "truncated"))
    if kind == "syndicated":
        for line in rng.sample(CHROME, k=3):
            parts.insert(rng.randrange(0, len(parts) + 1), line)
    elif kind == "edited":
        words = " \n\n ".join(parts).split(" ")
        for _ in range(len(words) // 40):
            words[rng.randrange(len(words))] = "the"
        return " ".join(words) + "\n\nThis story has been updated."
    else:
        parts = parts[: max(2, len(parts) * 6 // 10)]
    return "\n\n".join(parts)


def machine() -> str:
    """One line describing where the figures were measured."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{cpu}, {os.cpu_count()} cores (shared; load {load:.1f} at the end), "
        f"Python {platform.python_version()}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, "
        f"commit {_commit()}"
    )


def _commit() -> str:
    try:
        return subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def write_section(title: str, text: str, path: Path = BENCHMARKS) -> None:
    """Replace the ``## {title}`` section of docs/benchmarks.md (others are left alone)."""
    current = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^## {re.escape(title)}\n.*?(?=^## |\Z)", re.DOTALL | re.MULTILINE)
    if pattern.search(current):
        updated = pattern.sub(lambda _: text.rstrip("\n") + "\n\n", current)
    else:
        updated = current.rstrip("\n") + "\n\n" + text
    path.write_text(updated.rstrip("\n") + "\n", encoding="utf-8")
