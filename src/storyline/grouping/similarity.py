"""How alike two articles are, and when two reports are of different events whatever their words.

Two articles are compared by the words they use and the names they give (cosines of their term
vectors, see :mod:`storyline.grouping.terms`) and by their sentence embeddings, with a small bonus
for being published close together and a penalty when each leads with someone the other never
names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import numpy as np

from storyline.config import StoryConfig
from storyline.grouping.profile import ArticleProfile
from storyline.grouping.state import StoryState
from storyline.grouping.terms import Terms


def similarity_matrix(a: list[ArticleProfile], b: list[ArticleProfile], config: StoryConfig) -> np.ndarray:
    """Pairwise similarity: (word cosine + name cosine + w * embedding cosine) / (2 + w), plus a
    bonus for two dated articles published close together (falling to nothing at ``time_scale_days``):
    of two reports alike in words, those of the same days are likelier to be of one event; less
    ``conflict_penalty`` where each leads with someone the other never names (weights: ``config``)."""
    embedding_weight, time_weight = config.embedding_weight, config.time_weight
    time_scale_days, conflict_penalty = config.time_scale_days, config.conflict_penalty
    total = np.zeros((len(a), len(b)), np.float32)
    if not a or not b:
        return total
    bonus = np.zeros((len(a), len(b)), np.float32)
    if time_weight:
        da = np.array([x.date.timestamp() if x.date else np.nan for x in a]) / 86400.0
        db = np.array([x.date.timestamp() if x.date else np.nan for x in b]) / 86400.0
        closeness = np.clip(1.0 - np.abs(da[:, None] - db[None, :]) / time_scale_days, 0.0, 1.0)
        bonus = (time_weight * np.nan_to_num(closeness, nan=0.0)).astype(np.float32)
    for attr in ("words", "proper"):
        total += sparse_dot([getattr(x, attr) for x in a], [getattr(x, attr) for x in b])
    dim = max((len(x.vector) for x in a + b), default=0)
    if dim:
        ea = np.stack([x.vector if len(x.vector) == dim else np.zeros(dim, np.float32) for x in a])
        eb = np.stack([x.vector if len(x.vector) == dim else np.zeros(dim, np.float32) for x in b])
        total += embedding_weight * (ea @ eb.T)
    result: np.ndarray = total / (2.0 + embedding_weight) + bonus
    if conflict_penalty:
        result -= conflict_penalty * lead_conflicts(a, b)
    return result


def lead_conflicts(a: list[ArticleProfile], b: list[ArticleProfile]) -> np.ndarray:
    """1 where each of two articles leads with someone the other never names (Klitschko against
    Thompson, Klitschko against Rahman: two fights), else 0."""
    out = np.zeros((len(a), len(b)), np.float32)
    for i, x in enumerate(a):
        if not x.principals:
            continue
        for j, y in enumerate(b):
            if (
                y.principals
                and any(p not in y.entities for p in x.principals)
                and any(p not in x.entities for p in y.principals)
            ):
                out[i, j] = 1.0
    return out


def different_people(
    principals: Iterable[str], named: Mapping[str, object], story: StoryState, config: StoryConfig
) -> bool:
    """True when the article's main people are never named in the story and the story's main
    people are never named in the article: reports of two different events."""
    mine = [p for p in principals if p not in story.entities]
    theirs = [p for p in story.principals(config) if p not in named]
    return bool(mine) and bool(theirs)


def sparse_dot(a: list[Terms], b: list[Terms]) -> np.ndarray:
    """Every dot product of a term vector of ``a`` with one of ``b`` (cosines: they are normalised)."""
    from scipy.sparse import csr_matrix

    # Hashed ids are renumbered to the few columns these vectors use: a product over the full
    # hashed width would cost time and memory in proportion to it.
    ids = np.concatenate([t.ids for t in a] + [t.ids for t in b])
    if not len(ids):
        return np.zeros((len(a), len(b)), np.float32)
    columns, local = np.unique(ids, return_inverse=True)

    def matrix(items: list[Terms], offset: int) -> Any:
        lengths = np.fromiter((len(t.ids) for t in items), np.int64, len(items))
        indptr = np.concatenate([[0], np.cumsum(lengths)])
        data = np.concatenate([t.weights for t in items]) if items else np.zeros(0, np.float32)
        return csr_matrix(
            (data, local[offset : offset + indptr[-1]], indptr), shape=(len(items), len(columns))
        )

    left = matrix(a, 0)
    right = matrix(b, int(sum(len(t.ids) for t in a)))
    result: np.ndarray = (left @ right.T).toarray().astype(np.float32)
    return result
