"""The reads the web serves (storyline.reading): each opens the store at ``db`` for the call."""

from __future__ import annotations

from pathlib import Path

import pytest

from storyline import reading
from storyline.config import StoreConfig
from storyline.errors import ConfigError
from storyline.store import Store
from tests.store.conftest import put


def test_reads_open_the_store_they_are_given(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    with Store.open(StoreConfig.for_path(db)) as store:
        article_id = put(store, "a.txt", "Bridge reopens", "The bridge reopened after repairs.")
    stamp = reading.store_stamp(db)
    assert reading.find_stories(db).total == 0 and reading.threads(db) == []
    assert reading.story_of(db, article_id) is None  # in no story yet
    (hit,) = reading.search(db, "bridge repairs")
    assert hit.article_id == article_id and hit.story_id is None
    assert reading.store_stamp(StoreConfig.for_path(db)) == stamp


def test_bad_pages_and_empty_queries_are_answered_without_a_store(tmp_path: Path) -> None:
    db = tmp_path / "never.db"
    with pytest.raises(ConfigError, match="limit must be at least 1"):
        reading.find_stories(db, limit=0)
    assert reading.search(db, "  ?! ") == []
    assert not db.exists()


def test_a_store_held_open_answers_many_searches_at_once(tmp_path: Path) -> None:
    # A server holds one store (storyline.keep_open) for all its worker threads. A search holds a
    # connection while it takes a second one to refresh the index: with a capped pool, 50 searches
    # at once each held one and waited 30 s for a second (the pool's timeout).
    import time
    from concurrent.futures import ThreadPoolExecutor

    import storyline

    db = tmp_path / "t.db"
    with Store.open(StoreConfig.for_path(db)) as store:
        put(store, "a.txt", "Bridge reopens", "The bridge reopened after repairs.")
    with storyline.keep_open(db):
        started = time.monotonic()
        with ThreadPoolExecutor(48) as pool:
            found = list(pool.map(lambda _: len(reading.search(db, "bridge")), range(96)))
        assert found == [1] * 96
        assert time.monotonic() - started < 20
    # Once the block ends the store is closed: a call opens its own again.
    assert reading.search(db, "bridge")[0].title == "Bridge reopens"
