"""Where a new article goes: its earlier revision's story, its original's story when it is a copy,
else the grouper's choice, with what the store must save."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NoReturn

import numpy as np
import pytest

from storyline.config import StoryConfig
from storyline.grouping.assign import ArticleFeatures, assign
from storyline.grouping.dedup import bands, signature
from storyline.grouping.grouper import Grouper
from storyline.grouping.terms import terms_from_bytes
from tests.grouping.builders import DIM, article, counter, story

TEXT = (
    "A magnitude 8.8 earthquake struck off the coast of central Chile early on Saturday, shaking "
    "buildings in Santiago and setting off a tsunami warning across the Pacific."
)
OTHER = (
    "Lindsay Lohan was ordered back to rehab by a Los Angeles judge on Tuesday after missing a court date."
)


def _features(article_id: int, text: str) -> ArticleFeatures:
    sig = signature(text)
    return ArticleFeatures(article(article_id, text.lower().split(), title=text[:20]), sig, tuple(bands(sig)))


def _unused(*_: object) -> NoReturn:
    raise AssertionError("this lookup must not be needed")


def test_a_new_revision_stays_in_its_earlier_revisions_story() -> None:
    grouper = Grouper(StoryConfig(), DIM)
    result = assign(
        _features(2, TEXT), grouper, earlier_story=7, copies=_unused, story_of=_unused, new_story=_unused
    )
    assert (result.story, result.score, result.duplicate, result.records) == (7, 1.0, None, ())
    assert result.touched == {7}
    # A revision adds nothing to the story's profile.
    assert grouper.stories == {}


def test_a_copy_joins_its_originals_story_without_changing_it() -> None:
    grouper = Grouper(StoryConfig(), DIM, [story(5, [article(42, ["quake"])])])
    asked: list[Sequence[tuple[int, int]]] = []

    def copies(buckets: Sequence[tuple[int, int]]) -> list[tuple[int, np.ndarray]]:
        asked.append(buckets)
        return [(41, signature(OTHER)), (42, signature(TEXT + " Updated."))]

    item = _features(43, TEXT)
    result = assign(item, grouper, earlier_story=None, copies=copies, story_of={42: 5}.get, new_story=_unused)
    assert asked == [item.buckets]
    assert result.story == 5 and result.duplicate is not None and result.duplicate[0] == 42
    assert result.score == result.duplicate[1] >= StoryConfig().dedup.threshold
    assert result.records == () and grouper.stories[5].size == 1


def test_a_copy_of_an_article_in_no_story_is_grouped_as_any_other() -> None:
    grouper = Grouper(StoryConfig(), DIM)
    result = assign(
        _features(2, TEXT),
        grouper,
        earlier_story=None,
        copies=lambda _: [(1, signature(TEXT))],
        story_of=dict[int, int]().get,
        new_story=counter(9),
    )
    assert result.story == 9 and result.duplicate is None


def test_an_original_article_is_placed_by_the_grouper_and_its_story_saved() -> None:
    grouper = Grouper(StoryConfig(), DIM)
    new_story = counter(3)
    first = assign(
        _features(1, TEXT),
        grouper,
        earlier_story=None,
        copies=lambda _: [],
        story_of=_unused,
        new_story=new_story,
    )
    assert (first.story, first.score, first.duplicate) == (3, 1.0, None)
    (record,) = first.records
    assert record == grouper.stories[3].record()
    assert (record.id, record.size, record.title) == (3, 1, TEXT[:20])
    second = assign(
        _features(2, TEXT.replace("Saturday", "Sunday")),
        grouper,
        earlier_story=None,
        # Not similar enough to count as a copy: the grouper decides.
        copies=lambda _: [(1, signature(OTHER))],
        story_of=_unused,
        new_story=new_story,
    )
    assert second.story == 3 and second.score < 1.0
    assert [r.size for r in second.records] == [2]


def test_features_keep_the_term_vectors_in_their_stored_form() -> None:
    item = _features(1, TEXT)
    words, proper = terms_from_bytes(item.terms)
    np.testing.assert_array_equal(words.ids, item.profile.words.ids)
    np.testing.assert_array_equal(proper.weights, item.profile.proper.weights)
    assert words.weights == pytest.approx(item.profile.words.weights)
