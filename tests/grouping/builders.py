"""Small builders for grouping's unit tests: article profiles and story states made by hand, with
no model loaded and no store (term vectors from given words, embeddings from given axes)."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta

import numpy as np

from storyline.grouping.profile import ArticleProfile
from storyline.grouping.state import StoryState
from storyline.grouping.terms import Terms
from storyline.model import EntityType

DIM = 4
DAY0 = datetime(2024, 3, 1, 12, tzinfo=UTC)


def day(n: float) -> datetime:
    """``n`` days after :data:`DAY0`."""
    return DAY0 + timedelta(days=n)


def terms(words: Iterable[str]) -> Terms:
    """A term vector giving each word the same weight (L2-normalised, ids sorted as grouping's are)."""
    ids = np.array(sorted({zlib.crc32(w.encode("utf-8")) % (1 << 22) for w in words}), np.int32)
    weights = np.full(len(ids), 1.0 / np.sqrt(len(ids)) if len(ids) else 0.0, np.float32)
    return Terms(ids, weights)


def unit(*components: float) -> np.ndarray:
    """A unit vector of width :data:`DIM` (the components given, the rest 0)."""
    vector = np.zeros(DIM, np.float32)
    vector[: len(components)] = components
    return vector / np.linalg.norm(vector)


def article(
    article_id: int,
    words: Sequence[str] = (),
    *,
    names: Sequence[str] = (),
    vector: np.ndarray | None = None,
    people: Sequence[str] = (),
    places: Sequence[str] = (),
    principals: Sequence[str] = (),
    date: datetime | None = None,
    title: str | None = None,
    pinned: bool = False,
) -> ArticleProfile:
    """An article's profile: ``people`` and ``places`` are entity keys it names (salience 1, shown
    capitalised); ``principals`` the people it leads with; ``names`` its name terms (the words by
    default)."""
    entities = {key: 1.0 for key in (*people, *places)}
    shown = {key: (key.title(), EntityType.PERSON) for key in people}
    shown.update({key: (key.title(), EntityType.PLACE) for key in places})
    return ArticleProfile(
        article_id,
        vector if vector is not None else unit(1.0),
        terms(words),
        terms(names or words),
        entities,
        shown,
        date,
        title,
        pinned,
        tuple(principals),
    )


def story(story_id: int, members: Iterable[ArticleProfile], keep: int = 30, dim: int = DIM) -> StoryState:
    """A story state holding ``members``, as the grouper builds it."""
    return StoryState.of_articles(story_id, dim, members, keep)


def counter(start: int = 1) -> Callable[[], int]:
    """New story ids, as the store hands them out."""
    ids = iter(range(start, 1_000_000))
    return lambda: next(ids)
