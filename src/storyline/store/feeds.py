"""The store's watched-feed state (`storyline watch`): what the watcher remembers of each feed
between polls and between runs, and whether a feed's item was stored already."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, Row, delete, insert, select

from storyline.store.records import aware
from storyline.store.schema import documents, feeds

__all__ = ["FeedQueries", "FeedState"]


@dataclass(frozen=True, slots=True)
class FeedState:
    """What the watcher remembers of one feed between polls and between runs."""

    url: str
    next_due: datetime
    etag: str | None = None
    last_modified: str | None = None
    failures: int = 0
    last_status: str | None = None
    last_polled: datetime | None = None


class FeedQueries:
    engine: Engine
    reader: Engine

    def feed_state(self, url: str) -> FeedState | None:
        """The stored state of the feed at ``url``; None for a feed never polled."""
        with self.reader.connect() as connection:
            row = connection.execute(select(feeds).where(feeds.c.url == url)).first()
        return None if row is None else _state(row)

    def feed_states(self) -> dict[str, FeedState]:
        """Every watched feed's stored state by URL, in one query (a watcher reads it at each pass)."""
        with self.reader.connect() as connection:
            return {row.url: _state(row) for row in connection.execute(select(feeds))}

    def save_feed_state(self, state: FeedState) -> None:
        """Record ``state`` (replacing the feed's earlier row) in one transaction."""
        with self.engine.begin() as connection:
            connection.execute(delete(feeds).where(feeds.c.url == state.url))
            connection.execute(
                insert(feeds).values(
                    url=state.url,
                    etag=state.etag,
                    last_modified=state.last_modified,
                    next_due=state.next_due,
                    failures=state.failures,
                    last_status=state.last_status,
                    last_polled=state.last_polled,
                )
            )

    def feed_item_seen(self, locator: str) -> bool:
        """Whether a document was stored under ``locator`` (a feed item's ``feed-url#item-id``): such
        an item is not fetched again when its feed is polled again."""
        with self.reader.connect() as connection:
            query = select(documents.c.id).where(documents.c.locator == locator).limit(1)
            return connection.execute(query).first() is not None


def _state(row: Row[Any]) -> FeedState:
    return FeedState(
        url=row.url,
        next_due=aware(row.next_due),
        etag=row.etag,
        last_modified=row.last_modified,
        failures=row.failures,
        last_status=row.last_status,
        last_polled=aware(row.last_polled) if row.last_polled is not None else None,
    )
