"""The MinHash signature is datasketch's, value for value: every stored signature (in
``articles.minhash``) was computed by datasketch, and new ones must keep matching them."""

from __future__ import annotations

import numpy as np
from datasketch import MinHash

from aggregator.fingerprints.fingerprint import NUM_PERM, SCHEME, SEED, minhash, shingle_hashes
from aggregator.fingerprints.text import words
from tests.storage.conftest import pair


def _datasketch(grams: np.ndarray) -> np.ndarray:
    sketch = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=int, scheme=SCHEME)
    sketch.update_batch(grams.tolist())
    return sketch.hashvalues.astype(np.uint32)


def test_signatures_equal_datasketchs_on_random_and_real_shingle_sets() -> None:
    rng = np.random.default_rng(5)
    sizes = (1, 7, 300, 20_000)
    sets = [np.unique(rng.integers(0, 2**32, n, dtype=np.uint32)) for n in sizes]
    sets.append(np.arange(50, dtype=np.uint32))  # structured input: what the pre-mix is for
    for kind in ("syndicated", "translation", "teaser"):
        labelled = pair(kind)
        sets += [shingle_hashes(words(labelled[side])) for side in ("a", "b")]
    for grams in sets:
        mine = minhash(grams)
        assert mine.dtype == np.uint32 and len(mine) == NUM_PERM
        assert np.array_equal(mine, _datasketch(grams))


def test_an_empty_set_has_datasketchs_empty_signature() -> None:
    empty = np.empty(0, dtype=np.uint32)
    assert np.array_equal(minhash(empty), _datasketch(empty))
