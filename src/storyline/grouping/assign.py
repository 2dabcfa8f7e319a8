"""Where one new article goes: the story its earlier revision is in, its original's story when it
is a copy, else the grouper's choice.

The reads this needs come in as arguments (values or callables the pipeline binds to the store),
and what it returns is everything the store saves for the article: the grouping stage never
touches the database.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from storyline.config import StoryConfig
from storyline.grouping.dedup import bands, best_original, signature
from storyline.grouping.grouper import Grouper, touched_stories
from storyline.grouping.profile import ArticleProfile, profile
from storyline.grouping.terms import terms_to_bytes
from storyline.model import Analysis, Article, StoryRecord

# Reads the pipeline binds to the store: the stored articles sharing an LSH bucket, with their
# MinHash signatures; the story an article is in.
CopyLookup = Callable[[Sequence[tuple[int, int]]], Sequence[tuple[int, np.ndarray]]]
StoryLookup = Callable[[int], int | None]


@dataclass(frozen=True, slots=True)
class ArticleFeatures:
    """What grouping computes of a new article before placing it: its profile, and its MinHash
    signature with the LSH buckets copies of it fall in."""

    profile: ArticleProfile
    signature: np.ndarray
    buckets: tuple[tuple[int, int], ...]

    @property
    def terms(self) -> tuple[bytes, bytes]:
        """Its word and name vectors in the stored form (reused when its story is rebuilt)."""
        return terms_to_bytes((self.profile.words, self.profile.proper))


def features(
    article_id: int, article: Article, analysis: Analysis | None, vector: np.ndarray, config: StoryConfig
) -> ArticleFeatures:
    sig = signature(article.text, config.dedup)
    return ArticleFeatures(
        profile(article_id, article, analysis, vector, config.terms), sig, tuple(bands(sig, config.dedup))
    )


@dataclass(frozen=True, slots=True)
class Assignment:
    """An article's story and what placing it changed: the states of the stories the grouper
    touched (none for a revision or a copy, which add nothing to a story's profile), articles
    moved ``(article, from, to)``, stories merged ``(kept, gone)``; ``duplicate`` is the
    ``(original, similarity)`` of a copy."""

    story: int
    score: float
    duplicate: tuple[int, float] | None = None
    records: tuple[StoryRecord, ...] = ()
    moves: tuple[tuple[int, int, int], ...] = ()
    merges: tuple[tuple[int, int], ...] = ()

    @property
    def touched(self) -> set[int]:
        return touched_stories(self.story, self.moves, self.merges)


def assign(
    item: ArticleFeatures,
    grouper: Grouper,
    *,
    earlier_story: int | None,
    copies: CopyLookup,
    story_of: StoryLookup,
    new_story: Callable[[], int],
) -> Assignment:
    """The story of ``item``. ``earlier_story`` is the story an earlier revision of the same
    document is in; ``copies`` and ``story_of`` are read only when needed; ``new_story()`` gives
    the id of a new story when the grouper starts one."""
    # A new revision of a document stays in the story its earlier revision is in.
    if earlier_story is not None:
        return Assignment(earlier_story, 1.0)
    # A copy of a stored article joins its original's story and adds nothing to its profile.
    original = best_original(item.signature, copies(item.buckets), grouper.config.dedup)
    if original is not None:
        story = story_of(original[0])
        if story is not None:
            return Assignment(story, original[1], duplicate=original)
    placement = grouper.place(item.profile, new_story)
    live = [grouper.stories[sid] for sid in sorted(placement.touched) if sid in grouper.stories]
    return Assignment(
        placement.story,
        placement.score,
        records=tuple(state.record() for state in live),
        moves=placement.moves,
        merges=placement.merges,
    )
