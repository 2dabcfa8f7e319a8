"""Stories as grouping stores them: records brought in, placements, merges, splits, the stamp a saved
centroid index is checked against."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from storyline.errors import NotFound
from storyline.model import StoryRecord
from storyline.store import Store
from tests.store.conftest import put

DAY = datetime(2026, 1, 2, tzinfo=UTC)


def _record(title: str) -> StoryRecord:
    entities = StoryRecord.entities_from_dict({"ada": [1, 1.0, "Ada", "person"]})
    return StoryRecord(0, np.ones(4, np.float32).tobytes(), 1, entities, DAY, DAY, title)


def test_stories_brought_in_whole_are_read_back_as_records(store: Store) -> None:
    stamp = store.story_stamp("m")
    store.add_stories("m", (_record(f"story {n}") for n in range(5)), batch=2)
    rows = store.story_rows("m")
    assert [r.title for r in rows] == [f"story {n}" for n in range(5)]
    assert rows[0].entities == _record("x").entities and rows[0].first == DAY
    assert store.story_rows("other") == [] and store.story_stamp("m") != stamp
    store.forget_stories()
    assert store.story_rows("m") == []


def test_a_merged_story_leads_to_the_one_it_went_into(store: Store) -> None:
    a, b = (
        put(store, "a.txt", "Bridge reopens", "The bridge reopened."),
        put(store, "b.txt", "Bridge", "Open."),
    )
    first, second = store.create_story("m", 4), store.create_story("m", 4)
    store.save_placement(
        a, first, 1.0, records=[StoryRecord(first, _record("").total, 1, {}, DAY, DAY, "One")]
    )
    store.save_placement(
        b, second, 1.0, records=[StoryRecord(second, _record("").total, 1, {}, DAY, DAY, "Two")]
    )
    assert store.story_ids_of([a, b]) == {a: first, b: second}
    store.merge_stories(first, second, "by hand", pin=True)
    assert store.live_story(second) == first and store.story_of(b) == first
    assert [s.id for s in store.story(second).articles] == [a, b]
    with pytest.raises(NotFound):
        store.live_story(second + 1)
    new = store.create_story("m", 4)
    store.split_story_rows(first, new, [b])
    assert store.story_article_ids(new) == [b] and store.story_article_ids(first) == [a]
    assert [r.apart for r in store.story_rows("m") if r.id == first] == [frozenset({new})]
