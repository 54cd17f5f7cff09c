"""Build and score the labelled near-duplicate pairs in tests/fixtures/dedup/pairs.jsonl.

Pairs are generated from real article bodies (the extraction ground truth, read-only) and
from hand-written Arabic and French seeds (tests/fixtures/dedup/seeds.json), with variants
newsrooms actually see:

positives  syndicated (wire copy with another outlet's chrome lines and dateline),
           light_edit (typo fixes, a dropped sentence, an update paragraph),
           heavy_edit (one word in eight changed, paragraphs reordered),
           headline (same text under a different headline and standfirst),
           truncated (the first half, "continue reading"), teaser (the first fifth),
           expanded (a developing story: the first version plus as much new text again).
negatives  same_topic (two outlets' own articles on one event; the closest pairs of the
           corpus by word overlap), same_template (two different articles inside identical
           site chrome), follow_up (a new article quoting two paragraphs of the first),
           translation (the same story in French and English: not a duplicate yet,
           cross-language stories are future work).

Usage:
    python bench/dedup_pairs.py --build   # regenerate the fixture (review its diff)
    python bench/dedup_pairs.py           # precision / recall of the detector
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aggregator.fingerprints.fingerprint import fingerprint, is_near_duplicate, jaccard  # noqa: E402
from aggregator.fingerprints.text import words  # noqa: E402

GROUND_TRUTH = (
    Path(__file__).resolve().parents[2] / "shared/data/extraction-dev/body/ground-truth.json"
)
FIXTURES = ROOT / "tests" / "fixtures" / "dedup"
PAIRS = FIXTURES / "pairs.jsonl"
MAX_WORDS = 600
POSITIVE = {"syndicated", "light_edit", "heavy_edit", "headline", "truncated", "expanded", "teaser"}

CHROME = {
    "en": [
        "Advertisement",
        "Share this article",
        "Follow us on Twitter and Facebook",
        "Sign up for our morning newsletter",
        "Photo: AFP via Getty Images",
        "Read more: the week's top stories",
        "Most read",
        "Copyright 2026. All rights reserved.",
        "Related coverage",
        "Story continues below advertisement",
    ],
    "fr": [
        "Publicité",
        "Partager cet article",
        "Suivez-nous sur Facebook et X",
        "Inscrivez-vous à notre newsletter",
        "Photo : AFP",
        "Lire aussi : les plus lus",
        "Tous droits réservés",
        "Article réservé aux abonnés",
    ],
    "ar": [
        "إعلان",
        "شارك هذا المقال",
        "تابعونا على منصات التواصل الاجتماعي",
        "اشترك في نشرتنا الإخبارية",
        "الصورة: وكالات",
        "اقرأ أيضا: الأكثر قراءة",
        "جميع الحقوق محفوظة",
    ],
}
TEMPLATE = {
    "en": (
        "Skip to main content. Home News World Business Sport Culture Opinion. "
        "Subscribe for full access to our journalism.",
        "Most read today: markets close higher as investors weigh rate cuts; "
        "the best new restaurants in town; what to watch this weekend. "
        "Contact us. Terms of use. Privacy policy. Cookie settings.",
    ),
    "fr": (
        "Aller au contenu principal. Accueil Actualités Monde Économie Sport Culture. "
        "Abonnez-vous pour lire la suite de nos articles.",
        "Les plus lus aujourd'hui : la bourse termine en hausse ; les meilleures adresses "
        "du moment ; que faire ce week-end. Contact. Mentions légales. Cookies.",
    ),
    "ar": (
        "انتقل إلى المحتوى الرئيسي. الرئيسية أخبار العالم اقتصاد رياضة ثقافة. "
        "اشترك للحصول على وصول كامل إلى محتوانا.",
        "الأكثر قراءة اليوم: الأسواق تغلق على ارتفاع؛ أفضل المطاعم الجديدة؛ "
        "ماذا تشاهد في عطلة نهاية الأسبوع. اتصل بنا. شروط الاستخدام. سياسة الخصوصية.",
    ),
}


@dataclass(frozen=True)
class Seed:
    key: str
    language: str
    body: str


def load_seeds() -> list[Seed]:
    """Ground-truth bodies of 150+ words (cut at MAX_WORDS) plus the hand-written seeds."""
    seeds = []
    if GROUND_TRUTH.exists():
        data = json.loads(GROUND_TRUTH.read_text())
        for key, value in sorted(data.items()):
            body = value.get("articleBody") or ""
            if len(body.split()) >= 150 and not body.rstrip().endswith("..."):
                seeds.append(Seed(key[:12], "en", _cut(body)))
    own = json.loads((FIXTURES / "seeds.json").read_text())
    seeds += [Seed(k, v["language"], v["body"]) for k, v in own.items()]
    return seeds


def _cut(body: str) -> str:
    paragraphs, count = [], 0
    for paragraph in body.split("\n"):
        if count >= MAX_WORDS:
            break
        paragraphs.append(paragraph)
        count += len(paragraph.split())
    return "\n".join(paragraphs).strip()


def _paragraphs(body: str) -> list[str]:
    return [p for p in body.split("\n") if p.strip()]


def syndicated(seed: Seed, rng: random.Random) -> str:
    parts = _paragraphs(seed.body)
    chrome = CHROME[seed.language]
    parts[0] = rng.choice(["LONDON (Reuters) - ", "PARIS (AFP) - ", "DUBAI (AP) - "]) + parts[0]
    for line in rng.sample(chrome, k=min(4, len(chrome))):
        parts.insert(rng.randrange(1, len(parts) + 1), line)
    return "\n\n".join(parts)


def light_edit(seed: Seed, rng: random.Random) -> str:
    parts = _paragraphs(seed.body)
    tokens = " \n\n ".join(parts).split(" ")
    for _ in range(max(2, len(tokens) // 40)):  # ~2.5% of words changed or dropped
        i = rng.randrange(len(tokens))
        if tokens[i] != "\n\n":
            tokens[i] = rng.choice(["", tokens[i].upper(), tokens[i] + "s", "the"])
    text = " ".join(t for t in tokens if t)
    update = {
        "en": "This story has been updated with comments from officials.",
        "fr": "Cet article a été mis à jour avec les réactions des autorités.",
        "ar": "تم تحديث هذا الخبر بتصريحات المسؤولين.",
    }[seed.language]
    return text + "\n\n" + update


def heavy_edit(seed: Seed, rng: random.Random) -> str:
    parts = _paragraphs(seed.body)
    rng.shuffle(parts)
    tokens = " \n\n ".join(parts).split(" ")
    for _ in range(len(tokens) // 8):
        i = rng.randrange(len(tokens))
        if tokens[i] != "\n\n":
            tokens[i] = rng.choice(["", "said", "also", "the", tokens[i] + "ly"])
    return " ".join(t for t in tokens if t)


def expanded(seed: Seed, rng: random.Random, other: Seed) -> str:
    extra = _paragraphs(other.body)
    return seed.body + "\n\n" + "\n\n".join(extra[: max(2, len(extra) // 2)])


def follow_up(seed: Seed, rng: random.Random, other: Seed) -> str:
    quoted = _paragraphs(seed.body)[:2]
    return other.body + "\n\n" + "\n\n".join(quoted)


def teaser(seed: Seed, rng: random.Random) -> str:
    words_, count, kept = len(seed.body.split()), 0, []
    for paragraph in _paragraphs(seed.body):
        kept.append(paragraph)
        count += len(paragraph.split())
        if count >= words_ * 0.2:
            break
    return "\n\n".join(kept)


def headline(seed: Seed, rng: random.Random) -> str:
    head = {
        "en": "BREAKING: What we know so far, and what happens next",
        "fr": "DIRECT : ce que l'on sait et ce qui va se passer",
        "ar": "عاجل: ما نعرفه حتى الآن وما الذي سيحدث لاحقا",
    }[seed.language]
    return head + "\n\n" + seed.body


def truncated(seed: Seed, rng: random.Random) -> str:
    parts = _paragraphs(seed.body)
    kept, count, total = [], 0, len(seed.body.split())
    for paragraph in parts:
        kept.append(paragraph)
        count += len(paragraph.split())
        if count >= total * rng.uniform(0.45, 0.6):
            break
    more = {
        "en": "Continue reading on our website.",
        "fr": "Lire la suite sur notre site.",
        "ar": "تابع القراءة على موقعنا.",
    }[seed.language]
    return "\n\n".join([*kept, more])


def in_template(seed: Seed) -> str:
    head, foot = TEMPLATE[seed.language]
    return f"{head}\n\n{seed.body}\n\n{foot}"


def _overlap(a: Seed, b: Seed) -> float:
    wa, wb = set(words(a.body)), set(words(b.body))
    return len(wa & wb) / max(1, min(len(wa), len(wb)))


def build(seed_value: int = 7) -> list[dict[str, Any]]:
    """Generate the labelled pairs (deterministic for a seed)."""
    rng = random.Random(seed_value)
    seeds = load_seeds()
    english = [s for s in seeds if s.language == "en" and not s.key.startswith("en-fr")]
    by_key = {s.key: s for s in seeds}
    pairs: list[dict[str, Any]] = []

    def add(kind: str, a: Seed, text_a: str, text_b: str) -> None:
        pairs.append(
            {
                "id": f"{kind}-{len(pairs):03d}",
                "kind": kind,
                "label": kind in POSITIVE,
                "language": a.language,
                "a": text_a,
                "b": text_b,
            }
        )

    own = [s for s in seeds if s.language != "en"]
    for kind, make, count in (
        ("syndicated", syndicated, 30),
        ("light_edit", light_edit, 25),
        ("heavy_edit", heavy_edit, 10),
        ("headline", headline, 10),
        ("truncated", truncated, 20),
        ("teaser", teaser, 10),
    ):
        for seed in rng.sample(english, k=min(count, len(english))) + own[:2]:
            add(kind, seed, seed.body, make(seed, rng))
    for kind, combine, count in (("expanded", expanded, 10), ("follow_up", follow_up, 15)):
        for _ in range(count):
            a, b = rng.sample(english, k=2)
            add(kind, a, a.body, combine(a, rng, b))
    ranked = sorted(
        (
            (_overlap(a, b), i, j)
            for i, a in enumerate(english)
            for j, b in enumerate(english)
            if i < j
        ),
        reverse=True,
    )
    for _, i, j in ranked[:20]:
        add("same_topic", english[i], english[i].body, english[j].body)
    for a_key, b_key in (
        ("ar-uae-trade", "ar-uae-tourism"),
        ("fr-enquete-hopital", "fr-enquete-greve"),
    ):
        add("same_topic", by_key[a_key], by_key[a_key].body, by_key[b_key].body)
    for _ in range(25):
        a, b = rng.sample(english, k=2)
        add("same_template", a, in_template(a), in_template(b))
    add(
        "same_template",
        by_key["ar-uae-trade"],
        in_template(by_key["ar-uae-trade"]),
        in_template(by_key["ar-weather"]),
    )
    add(
        "translation",
        by_key["fr-enquete-hopital"],
        by_key["fr-enquete-hopital"].body,
        by_key["en-fr-translation-en"].body,
    )
    return pairs


def detect(a: str, b: str) -> tuple[bool, float]:
    """The detector as storage runs it: exact hash, or an LSH candidate that verifies."""
    fa, fb = fingerprint(a), fingerprint(b)
    if fa.body_hash == fb.body_hash:
        return True, 1.0
    if fa.signature is None or fb.signature is None:
        return False, 0.0
    j = jaccard(fa.signature, fb.signature)
    candidate = any(x == y for x, y in zip(fa.bands, fb.bands, strict=True))
    return candidate and is_near_duplicate(j, fa.shingles, fb.shingles), j


def score(pairs: list[dict[str, Any]]) -> dict[str, Any]:
    """Precision, recall and per-kind results of the detector on the pairs."""
    counts: Counter[str] = Counter()
    kinds: dict[str, Counter[str]] = {}
    misses = []
    similarity: dict[str, list[float]] = {}
    for pair in pairs:
        found, j = detect(pair["a"], pair["b"])
        truth = pair["label"]
        outcome = ("tp" if truth else "fp") if found else ("fn" if truth else "tn")
        counts[outcome] += 1
        kinds.setdefault(pair["kind"], Counter())[outcome] += 1
        if outcome in {"fp", "fn"}:
            misses.append((pair["id"], round(j, 3)))
        similarity.setdefault(pair["kind"], []).append(round(j, 2))
    precision = counts["tp"] / max(1, counts["tp"] + counts["fp"])
    recall = counts["tp"] / max(1, counts["tp"] + counts["fn"])
    return {
        "pairs": len(pairs),
        "positives": counts["tp"] + counts["fn"],
        "precision": precision,
        "recall": recall,
        "counts": dict(counts),
        "kinds": {k: dict(v) for k, v in sorted(kinds.items())},
        "misses": misses,
        "jaccard_range": {k: (min(v), max(v)) for k, v in sorted(similarity.items())},
    }


def load_pairs() -> list[dict[str, Any]]:
    return [json.loads(line) for line in PAIRS.read_text().splitlines() if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", action="store_true", help="regenerate the fixture first")
    args = parser.parse_args()
    if args.build:
        pairs = build()
        PAIRS.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in pairs))
        print(f"wrote {len(pairs)} pairs to {PAIRS.relative_to(ROOT)}")
    print(json.dumps(score(load_pairs()), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
