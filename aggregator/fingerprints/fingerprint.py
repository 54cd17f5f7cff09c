"""Fingerprints of an article body: an exact hash and a MinHash signature with LSH bands.

Pure functions, no database: the fingerprint pipeline computes a :class:`Fingerprint` per item and
storage compares it with stored ones. Parameters, chosen on the labelled pairs in
``tests/fixtures/dedup`` (figures in docs/benchmarks.md, reasoning in docs/dedup.md):

- words are folded (:func:`aggregator.fingerprints.text.words`), shingles are runs of
  :data:`SHINGLE` words, hashed to 32 bits;
- the signature has :data:`NUM_PERM` values (datasketch's ``MinHash`` arithmetic, affine32
  scheme, so each value is a uint32 and a stored signature is 512 bytes; see :func:`minhash`);
- LSH uses :data:`BANDS` bands of :data:`ROWS` values (the first 126 values): a pair with
  Jaccard 0.2 becomes a candidate with probability 0.29, 0.3 → 0.68, 0.4 → 0.94, 0.5 → 0.996;
- a candidate is a near duplicate when its estimated Jaccard is at least
  :data:`JACCARD_THRESHOLD`, or when the shorter text is at least :data:`CONTAINMENT_THRESHOLD`
  contained in the longer one (a truncated or teaser copy), has at least
  :data:`MIN_CONTAINED_SHINGLES` shingles and the Jaccard estimate is at least
  :data:`MIN_CONTAINMENT_JACCARD`.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from aggregator.fingerprints.text import words

if TYPE_CHECKING:
    import numpy as np

# numpy is imported by the functions that compute, not here: every storage import reads this
# module's constants (``LshBucket``), and a crawl's or a web request's process that never
# fingerprints must not load numpy (~0.2 s).

SHINGLE = 3
NUM_PERM = 128
BANDS = 42
ROWS = 3
SEED = 20260101
SCHEME = "affine32"
JACCARD_THRESHOLD = 0.4
CONTAINMENT_THRESHOLD = 0.8
MIN_CONTAINED_SHINGLES = 40
# Below this Jaccard the estimate is too noisy (±0.03 at 128 values) to infer containment: at
# 100k generated articles, short texts with J≈0.1 against long ones were "contained".
MIN_CONTAINMENT_JACCARD = 0.25
# Bodies with fewer shingles are too short to compare (briefs, teasers, "subscribe to read").
MIN_SHINGLES = 20
# Odd 64-bit multipliers that make a shingle's hash depend on word order.
_MULTIPLIERS = (
    0x9E3779B97F4A7C15,
    0xC2B2AE3D27D4EB4F,
    0x165667B19E3779F9,
    0xD6E8FEB86659FD93,
    0xFF51AFD7ED558CCD,
)
# Exact-duplicate matching needs this many words: two paywall stubs must not merge.
MIN_EXACT_WORDS = 25


@dataclass(frozen=True)
class Fingerprint:
    """What dedup knows about one body."""

    body_hash: str  # sha256 of the folded words: equal for copies differing only in form
    words: int
    shingles: int  # distinct shingles (set size, used to estimate containment)
    signature: np.ndarray | None  # uint32[NUM_PERM], None when the body is too short
    bands: tuple[bytes, ...] = ()  # BANDS keys of 16 bytes, empty when signature is None

    @property
    def comparable(self) -> bool:
        """Long enough for near-duplicate detection."""
        return self.signature is not None

    def signature_bytes(self) -> bytes | None:
        """The signature as stored (little-endian uint32)."""
        return None if self.signature is None else self.signature.astype("<u4").tobytes()


def fingerprint(body: str) -> Fingerprint:
    """Fingerprint an article body."""
    tokens = words(body)
    body_hash = hashlib.sha256(" ".join(tokens).encode()).hexdigest()
    grams = shingle_hashes(tokens)
    if len(grams) < MIN_SHINGLES:
        return Fingerprint(body_hash, len(tokens), len(grams), None)
    signature = minhash(grams)
    return Fingerprint(body_hash, len(tokens), len(grams), signature, band_keys(signature))


def shingle_hashes(tokens: list[str]) -> np.ndarray:
    """The distinct 32-bit hashes of every run of SHINGLE consecutive words.

    Each word is hashed once (CRC-32, in C) and the runs are combined with numpy: joining
    strings per shingle cost more than the whole MinHash. A text shorter than SHINGLE words
    is one run.
    """
    import numpy as np

    if not tokens:
        return np.empty(0, dtype=np.uint32)
    hashed = np.fromiter(
        (zlib.crc32(t.encode()) for t in tokens), dtype=np.uint64, count=len(tokens)
    )
    width = min(SHINGLE, len(hashed))
    runs = len(hashed) - width + 1
    combined = np.zeros(runs, dtype=np.uint64)
    for offset in range(width):
        multiplier = np.uint64(_MULTIPLIERS[offset])
        combined += hashed[offset : offset + runs] * multiplier  # wraps mod 2**64
    unique: np.ndarray = np.unique((combined >> np.uint64(32)).astype(np.uint32))
    return unique


def minhash(grams: np.ndarray) -> np.ndarray:
    """The MinHash signature (uint32[NUM_PERM]) of a set of shingle hashes.

    The arithmetic of datasketch's ``MinHash`` with the affine32 scheme, value for value (held
    to it by tests/fingerprints/test_minhash.py, so stored signatures keep matching): each
    shingle hash is pre-mixed by the MurmurHash3 finalizer, then ``a * h + b`` modulo 2**32
    per permutation, and the minimum kept. Written here because importing datasketch loads
    its LSH classes and scipy (0.4 s), on the critical path of every crawl's start.
    """
    import numpy as np

    if len(grams) == 0:
        return np.full(NUM_PERM, 0xFFFFFFFF, dtype=np.uint32)
    a, b = _permutations()
    mixed = _fmix32(grams.astype(np.uint32)).reshape(-1, 1)
    values: np.ndarray = (mixed * a + b).min(axis=0)  # uint32: wraps modulo 2**32
    return values


def _fmix32(hv: np.ndarray) -> np.ndarray:
    """The MurmurHash3 32-bit finalizer, element-wise (a bijection that spreads structure)."""
    import numpy as np

    hv = hv ^ (hv >> np.uint32(16))
    hv = hv * np.uint32(0x85EBCA6B)
    hv = hv ^ (hv >> np.uint32(13))
    hv = hv * np.uint32(0xC2B2AE35)
    return hv ^ (hv >> np.uint32(16))


def band_keys(signature: np.ndarray) -> tuple[bytes, ...]:
    """One 16-byte key per band: two signatures sharing a key are LSH candidates."""
    data = signature.astype("<u4")
    return tuple(
        hashlib.blake2b(data[b * ROWS : (b + 1) * ROWS].tobytes(), digest_size=16).digest()
        for b in range(BANDS)
    )


def signature_from_bytes(blob: bytes) -> np.ndarray:
    """A stored signature back as uint32[NUM_PERM]."""
    import numpy as np

    return np.frombuffer(blob, dtype="<u4").astype(np.uint32)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of the two shingle sets."""
    import numpy as np

    return float(np.count_nonzero(a == b)) / len(a)


def containment(j: float, size_a: int, size_b: int) -> float:
    """Estimated share of the smaller set found in the larger, from Jaccard and set sizes.

    |A∩B| = J·(|A|+|B|)/(1+J); containment = |A∩B| / min(|A|, |B|).
    """
    smaller = min(size_a, size_b)
    if smaller <= 0:
        return 0.0
    return min(1.0, j * (size_a + size_b) / (1 + j) / smaller)


def is_near_duplicate(j: float, size_a: int, size_b: int) -> bool:
    """The verification rule applied to an LSH candidate (thresholds in the docstring)."""
    if j >= JACCARD_THRESHOLD:
        return True
    return (
        j >= MIN_CONTAINMENT_JACCARD
        and min(size_a, size_b) >= MIN_CONTAINED_SHINGLES
        and containment(j, size_a, size_b) >= CONTAINMENT_THRESHOLD
    )


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The permutation parameters (odd ``a``, any ``b``), drawn once from SEED as datasketch's
    affine32 scheme draws them."""
    import numpy as np

    gen = np.random.RandomState(SEED)
    a = gen.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b
