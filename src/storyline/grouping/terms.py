"""Term vectors: the words and the names of an article as sparse, hashed, L2-normalised vectors.

Each term is weighted by its background rarity (wordfreq's Zipf frequency), not by the store: a
word's weight never changes as articles arrive, so a vector computed once is stored and reused.
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

import numpy as np

from storyline.config import TermsConfig

# Term ids are hashed into this many columns (stable across runs: crc32, not Python's hash).
_COLUMNS = 1 << 22
_WORD = re.compile(r"[^\W\d_][\w'’-]*|\d[\d,.]*\d|\d", re.UNICODE)
_YEAR = re.compile(r"(?:19|20)\d\d")
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+|\n+")
_WEB_WORDS = frozenset(
    "www http https html htm shtml php asp aspx jsp cfm index story stories article articles news "
    "item items post posts blog blogs page pages default amp id".split()
)


@dataclass(frozen=True, slots=True)
class Terms:
    """A sparse L2-normalised term vector: hashed term ids and their weights."""

    ids: np.ndarray
    weights: np.ndarray

    @classmethod
    def empty(cls) -> Terms:
        return cls(np.zeros(0, np.int32), np.zeros(0, np.float32))

    def to_bytes(self) -> bytes:
        return (
            np.int32(len(self.ids)).tobytes()
            + self.ids.astype(np.int32).tobytes()
            + self.weights.astype(np.float32).tobytes()
        )

    @classmethod
    def from_bytes(cls, blob: bytes) -> Terms:
        n = int(np.frombuffer(blob[:4], np.int32)[0])
        ids = np.frombuffer(blob[4 : 4 + 4 * n], np.int32)
        return cls(ids, np.frombuffer(blob[4 + 4 * n :], np.float32))


def terms_to_bytes(terms: tuple[Terms, Terms]) -> tuple[bytes, bytes]:
    """An article's (words, names) vectors in the form the store keeps."""
    return terms[0].to_bytes(), terms[1].to_bytes()


def terms_from_bytes(blobs: tuple[bytes, bytes]) -> tuple[Terms, Terms]:
    return Terms.from_bytes(blobs[0]), Terms.from_bytes(blobs[1])


@lru_cache(maxsize=200_000)
def _zipf(term: str) -> float:
    from wordfreq import zipf_frequency

    return float(zipf_frequency(term, "en"))


def _rarity(term: str, config: TermsConfig) -> float:
    # Zipf 8 is "the"; an unseen name is about 0 (the floor: see TermsConfig.rarity_floor).
    return max(config.rarity_floor, 8.0 - _zipf(term))


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def _vector(counts: Counter[str], config: TermsConfig) -> Terms:
    if not counts:
        return Terms.empty()
    weighted = sorted(((1.0 + math.log(n)) * _rarity(term, config), term) for term, n in counts.items())
    weighted = weighted[-config.limit :]
    merged: dict[int, float] = defaultdict(float)
    for weight, term in weighted:
        merged[zlib.crc32(term.encode("utf-8")) % _COLUMNS] += weight
    ids = np.fromiter(merged.keys(), np.int32, len(merged))
    weights = np.fromiter(merged.values(), np.float32, len(merged))
    order = np.argsort(ids)
    norm = float(np.linalg.norm(weights)) or 1.0
    return Terms(ids[order], (weights[order] / norm).astype(np.float32))


def term_vectors(
    title: str | None, text: str, config: TermsConfig, url: str | None = None
) -> tuple[Terms, Terms]:
    """The words and the names (capitalised words not opening a sentence, and years) of a text,
    and the words of its address's path: a slug is a second headline, often a sharper one."""
    stop = _stop_words()
    words: Counter[str] = Counter()
    names: Counter[str] = Counter()
    for token in _slug_words(url, config.min_slug_chars):
        if token not in stop:
            words[token] += 1
    for sentence in _SENTENCE_SPLIT.split(f"{title}\n{text}" if title else text):
        for position, token in enumerate(_WORD.findall(sentence)):
            lower = token.lower()
            if lower not in stop and len(lower) >= config.min_word_chars:
                words[lower] += 1
            if (position > 0 and token[0].isupper()) or _YEAR.fullmatch(token):
                names[lower] += 1
    return _vector(words, config), _vector(names, config)


def _slug_words(url: str | None, min_chars: int) -> list[str]:
    if not url:
        return []
    path = urlsplit(re.sub(r"\s+", "", url)).path.lower()
    return [t for t in re.split(r"[^a-z]+", path) if len(t) >= min_chars and t not in _WEB_WORDS]
