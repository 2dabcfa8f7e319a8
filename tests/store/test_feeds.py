"""Watched feeds: the state a watcher keeps between polls and runs."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from storyline.store import FeedState, Store
from tests.store.conftest import put


def test_feed_state_round_trip(store: Store) -> None:
    url = "https://news.example/feed.xml"
    assert store.feed_state(url) is None and store.feed_states() == {}
    state = FeedState(url, datetime(2026, 1, 2, 10, tzinfo=UTC), etag='"v1"', last_status="200")
    store.save_feed_state(state)
    store.save_feed_state(replace(state, failures=1, last_status="error"))  # replaces the row
    assert store.feed_state(url) == replace(state, failures=1, last_status="error")
    assert store.feed_states() == {url: replace(state, failures=1, last_status="error")}


def test_a_feed_item_stored_before_is_seen(store: Store) -> None:
    put(store, "feed.xml#item-1", "Bridge reopens", "The bridge reopened.")
    assert store.feed_item_seen("/news/feed.xml#item-1")
    assert not store.feed_item_seen("/news/feed.xml#item-2")
