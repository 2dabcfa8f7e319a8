"""How alike two articles are, and when two reports are of different events whatever their words.

Two articles are compared by the words they use and the names they give (cosines of their term
vectors, see :mod:`storyline.grouping.terms`) and by their sentence embeddings, with a small bonus
for being published close together and penalties where the core facts of their events conflict:
each leads with someone the other never names, or their leads disagree on what happened, where,
in which year or by how much (see :mod:`storyline.grouping.evidence`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from storyline.config import StoryConfig
from storyline.grouping.evidence import conflict_weights, conflicts
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
    result -= core_conflicts(a, b, config)
    return result


def core_conflicts(a: list[ArticleProfile], b: list[ArticleProfile], config: StoryConfig) -> np.ndarray:
    """The penalty for every pair whose event cores conflict: the sum of the weights
    (``config.evidence``) of the facts they disagree on."""
    out = np.zeros((len(a), len(b)), np.float32)
    weights = conflict_weights(config.evidence)
    if not any(weights):
        return out
    left = [(i, x) for i, x in enumerate(a) if not x.core.empty]
    right = [(j, y) for j, y in enumerate(b) if not y.core.empty]
    for i, x in left:
        for j, y in right:
            found = conflicts(x.core, y.core, x.entities, y.entities)
            out[i, j] = sum(w for w, hit in zip(weights, found, strict=True) if hit)
    return out


def lead_conflicts(a: list[ArticleProfile], b: list[ArticleProfile]) -> np.ndarray:
    """1 where each of two articles leads with someone the other does not feature (Klitschko
    against Thompson, Klitschko against Rahman: two fights), else 0."""
    out = np.zeros((len(a), len(b)), np.float32)
    for i, x in enumerate(a):
        if not x.principals:
            continue
        for j, y in enumerate(b):
            if (
                y.principals
                and any(not features(y, p) for p in x.principals)
                and any(not features(x, p) for p in y.principals)
            ):
                out[i, j] = 1.0
    return out


def features(item: ArticleProfile, person: str) -> bool:
    """Whether an article is about ``person`` in part: leads with them, or names them as often as
    anyone it leads with (more than once when it leads with no one). A name dropped in passing is
    background ("the team's second such arrest in a month", after Jackson's), and does not make an
    article about one player's arrest a report of another's."""
    if person in item.principals:
        return True
    weight = float(item.entities.get(person, 0.0))
    lead = max((float(item.entities.get(p, 0.0)) for p in item.principals), default=1.0)
    return weight > 1.0 and weight >= lead


def story_features(story: StoryState, person: str, config: StoryConfig) -> bool:
    """Whether a story is about ``person`` in part: it leads with them, or at least
    ``config.leading_share`` of its articles name them."""
    slot = story.entities.get(person)
    return person in story.principals(config) or (
        slot is not None and slot[0] >= config.leading_share * max(1, story.size)
    )


def different_people(item: ArticleProfile, story: StoryState, config: StoryConfig) -> bool:
    """True when the article's main people are not what the story is about and the story's main
    people are not what the article is about: reports of two different events."""
    mine = [p for p in item.principals if not story_features(story, p, config)]
    theirs = [p for p in story.principals(config) if not features(item, p)]
    return bool(mine) and bool(theirs)


def stories_led_apart(a: StoryState, b: StoryState, config: StoryConfig) -> bool:
    """True when each of two stories leads with people the other is not about."""
    mine = [p for p in a.principals(config) if not story_features(b, p, config)]
    theirs = [p for p in b.principals(config) if not story_features(a, p, config)]
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
