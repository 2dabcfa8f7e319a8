"""The store's watched-feed state (`storyline watch`): functions taking the :class:`Store`, kept apart
from the article queries so the watcher's few reads and writes sit in one place."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row, delete, insert, select

from storyline.store import Store
from storyline.store.schema import documents, feeds


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


def feed_state(store: Store, url: str) -> FeedState | None:
    """The stored state of the feed at ``url``; None for a feed never polled."""
    with store.reader.connect() as connection:
        row = connection.execute(select(feeds).where(feeds.c.url == url)).first()
    return None if row is None else _state(row)


def _state(row: Row[Any]) -> FeedState:
    return FeedState(
        url=row.url,
        next_due=_aware(row.next_due),
        etag=row.etag,
        last_modified=row.last_modified,
        failures=row.failures,
        last_status=row.last_status,
        last_polled=_aware(row.last_polled) if row.last_polled is not None else None,
    )


def feed_states(store: Store) -> dict[str, FeedState]:
    """Every watched feed's stored state by URL, in one query (a watcher reads it at each pass)."""
    with store.reader.connect() as connection:
        return {row.url: _state(row) for row in connection.execute(select(feeds))}


def save_feed_state(store: Store, state: FeedState) -> None:
    """Record ``state`` (replacing the feed's earlier row) in one transaction."""
    with store.engine.begin() as connection:
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


def feed_item_seen(store: Store, locator: str) -> bool:
    """Whether a document was stored under ``locator`` (a feed item's ``feed-url#item-id``): such an
    item is not fetched again when its feed is polled again."""
    with store.reader.connect() as connection:
        query = select(documents.c.id).where(documents.c.locator == locator).limit(1)
        return connection.execute(query).first() is not None


def _aware(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes for what was stored in UTC.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
