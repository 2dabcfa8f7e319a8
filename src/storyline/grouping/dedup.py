"""Near-duplicates: syndicated and lightly edited copies, found with MinHash (datasketch).

The signatures are computed by datasketch; the LSH banding is done here, by hand, because its
buckets live in the store (``minhash_bands``) where one SQL lookup finds the candidates of a new
article among millions, and datasketch's LSH keeps its buckets in memory or in Redis/Cassandra only.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

from storyline.config import DedupConfig

_WORD = re.compile(r"\w+", re.UNICODE)


def signature(text: str, config: DedupConfig | None = None) -> np.ndarray:
    """The MinHash signature of ``text``'s word shingles (lower-cased, punctuation ignored)."""
    from datasketch import MinHash

    config = config or DedupConfig()
    words = _WORD.findall(text.lower())
    size = config.shingle_words
    shingles = {" ".join(words[i : i + size]).encode("utf-8") for i in range(max(1, len(words) - size + 1))}
    minhash = MinHash(num_perm=config.num_perm, seed=1)
    minhash.update_batch(list(shingles))
    result: np.ndarray = np.asarray(minhash.hashvalues, dtype=np.uint64)
    return result


def bands(sig: np.ndarray, config: DedupConfig | None = None) -> list[tuple[int, int]]:
    """LSH buckets ``(band, bucket)``: two texts share one when a whole band of their signatures is
    equal, which happens almost surely above the duplicate threshold and rarely far below it."""
    config = config or DedupConfig()
    rows = len(sig) // config.bands
    out = []
    for band in range(config.bands):
        chunk = sig[band * rows : (band + 1) * rows].tobytes()
        # A signed 64-bit bucket fits an SQL BIGINT on every backend.
        bucket = int.from_bytes(hashlib.blake2b(chunk, digest_size=8).digest(), "big", signed=True)
        out.append((band, bucket))
    return out


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures' shingle sets."""
    return float(np.mean(a == b)) if len(a) == len(b) and len(a) else 0.0


def best_original(
    sig: np.ndarray, candidates: Sequence[tuple[int, np.ndarray]], config: DedupConfig | None = None
) -> tuple[int, float] | None:
    """The candidate ``(article_id, signature)`` this text copies, with its similarity, if any
    reaches the threshold; the earliest stored one wins ties, so a copy points at the first seen."""
    config = config or DedupConfig()
    best: tuple[int, float] | None = None
    for article_id, other in sorted(candidates, key=lambda c: c[0]):
        score = similarity(sig, other)
        if score >= config.threshold and (best is None or score > best[1] + 1e-9):
            best = (article_id, score)
    return best
