"""Fingerprints: exact hashes, MinHash signatures, and the near-duplicate rule."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from aggregator.fingerprints.fingerprint import (
    BANDS,
    MIN_SHINGLES,
    NUM_PERM,
    containment,
    fingerprint,
    is_near_duplicate,
    jaccard,
    signature_from_bytes,
)

FIXTURES = Path(__file__).parents[1] / "fixtures" / "dedup"
SEEDS = json.loads((FIXTURES / "seeds.json").read_text())


def test_body_hash_ignores_form_not_content() -> None:
    body = SEEDS["fr-enquete-hopital"]["body"]
    same = body.upper().replace("é", "e").replace("\n\n", "\n   ")
    assert fingerprint(body).body_hash == fingerprint(same).body_hash
    assert fingerprint(body).body_hash != fingerprint(body + " Fin.").body_hash


def test_signature_shape_and_round_trip() -> None:
    fp = fingerprint(SEEDS["ar-uae-trade"]["body"])
    assert fp.signature is not None and fp.signature.shape == (NUM_PERM,)
    assert len(fp.bands) == BANDS and all(len(b) == 16 for b in fp.bands)
    blob = fp.signature_bytes()
    assert blob is not None and len(blob) == NUM_PERM * 4
    assert np.array_equal(signature_from_bytes(blob), fp.signature)


def test_signature_is_stable_across_processes() -> None:
    # Stored signatures must stay comparable: no per-process hash seeds.
    body = SEEDS["ar-weather"]["body"]
    here = fingerprint(body).signature_bytes()
    code = (
        "import sys, json; from aggregator.fingerprints.fingerprint import fingerprint;"
        "sys.stdout.write(fingerprint(json.load(sys.stdin)).signature_bytes().hex())"
    )
    import subprocess

    out = subprocess.run(
        [sys.executable, "-c", code],
        input=json.dumps(body),
        text=True,
        capture_output=True,
        check=True,
    ).stdout
    assert here is not None and out == here.hex()


def test_short_bodies_are_not_comparable() -> None:
    fp = fingerprint("Subscribe to read the full article.")
    assert not fp.comparable and fp.bands == () and fp.shingles < MIN_SHINGLES


def test_near_duplicate_rule() -> None:
    assert is_near_duplicate(0.45, 300, 320)
    assert not is_near_duplicate(0.2, 300, 320)
    # A teaser of half the text: low Jaccard but contained.
    assert containment(0.45, 600, 290) > 0.9
    assert is_near_duplicate(0.45, 600, 290)
    assert not is_near_duplicate(0.3, 600, 30)  # too short to judge by containment
    # J=0.1 against a 6x longer text "estimates" full containment, but 0.1 is within noise.
    assert containment(0.1, 600, 60) > 0.9
    assert not is_near_duplicate(0.1, 600, 60)


def test_arabic_same_topic_is_not_similar() -> None:
    a = fingerprint(SEEDS["ar-uae-trade"]["body"])
    b = fingerprint(SEEDS["ar-uae-tourism"]["body"])
    assert a.signature is not None and b.signature is not None
    assert jaccard(a.signature, b.signature) < 0.2


def test_labelled_pairs_precision_and_recall() -> None:
    """The detector on the labelled pairs (see bench/dedup_pairs.py, docs/benchmarks.md)."""
    sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))
    from dedup_pairs import load_pairs, score

    result = score(load_pairs())
    assert result["pairs"] >= 100
    assert result["precision"] >= 0.98, result["misses"]
    assert result["recall"] >= 0.9, result["misses"]
    for kind in ("same_topic", "same_template", "follow_up", "translation"):
        assert "fp" not in result["kinds"][kind], kind
