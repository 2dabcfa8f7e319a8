"""The store's watched-feed state (`storyline watch`): what the watcher remembers of each feed
between polls and between runs, and whether a feed's item was stored already."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, Row, delete, func, insert, select, update

from storyline.model import Skip
from storyline.store.records import aware
from storyline.store.schema import documents, feed_items, feeds, skips

# Locators per IN (...) query: well under SQLite's and PostgreSQL's bound parameter limits.
_IN_BATCH = 500

__all__ = ["FeedItem", "FeedQueries", "FeedState"]


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
    # Items remembered as skipped (not an article, too large...), with their reason: not fetched
    # again until the feed changes what it says of them. Read only; saving a state ignores it.
    skipped_items: int = 0


@dataclass(frozen=True, slots=True)
class FeedItem:
    """What the watcher remembers of one item of a feed: the fingerprint of what the feed said of it
    when it was last taken, and for an item whose page failed, how often and when to try again."""

    locator: str
    fingerprint: str
    failures: int = 0
    next_try: datetime | None = None
    # Why the item was not stored (its skip's code and message), when it was skipped or failed.
    reason: str | None = None


class FeedQueries:
    engine: Engine
    reader: Engine

    def feed_state(self, url: str) -> FeedState | None:
        """The stored state of the feed at ``url``; None for a feed never polled."""
        with self.reader.connect() as connection:
            row = connection.execute(select(feeds).where(feeds.c.url == url)).first()
            skipped = _skipped_items(connection, url)
        return None if row is None else _state(row, skipped.get(url, 0))

    def feed_states(self) -> dict[str, FeedState]:
        """Every watched feed's stored state by URL, in one query (a watcher reads it at each pass)."""
        with self.reader.connect() as connection:
            skipped = _skipped_items(connection)
            return {
                row.url: _state(row, skipped.get(row.url, 0)) for row in connection.execute(select(feeds))
            }

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

    def reset_feed(self, url: str) -> bool:
        """Forget a feed's failures, backoff and validators, and what its skipped and failed items
        cost: it is due now and fetched whole, and those items are taken again (after raising a cap
        that skipped them, say). Returns whether the store knew the feed."""
        with self.engine.begin() as connection:
            known = connection.execute(
                update(feeds)
                .where(feeds.c.url == url)
                .values(etag=None, last_modified=None, failures=0, next_due=datetime.now(UTC))
            ).rowcount
            connection.execute(
                delete(feed_items).where(feed_items.c.feed_url == url, feed_items.c.reason.is_not(None))
            )
            # Failed items remembered before reasons were (v12): due now, not taken for done.
            connection.execute(
                update(feed_items)
                .where(feed_items.c.feed_url == url, feed_items.c.next_try.is_not(None))
                .values(failures=0, next_try=datetime.now(UTC))
            )
        return bool(known)

    def feed_items(self, feed_url: str) -> dict[str, FeedItem]:
        """The remembered items of the feed at ``feed_url``, by locator."""
        with self.reader.connect() as connection:
            rows = connection.execute(select(feed_items).where(feed_items.c.feed_url == feed_url))
            return {
                r.locator: FeedItem(r.locator, r.fingerprint, int(r.failures), r.next_try, r.reason)
                for r in rows
            }

    def save_feed_items(self, feed_url: str, items: list[FeedItem]) -> None:
        """Record these items of one feed (replacing what was remembered of them)."""
        if not items:
            return
        with self.engine.begin() as connection:
            connection.execute(delete(feed_items).where(feed_items.c.locator.in_([i.locator for i in items])))
            connection.execute(
                insert(feed_items),
                [
                    {
                        "locator": i.locator,
                        "feed_url": feed_url,
                        "fingerprint": i.fingerprint,
                        "failures": i.failures,
                        "next_try": i.next_try,
                        "reason": i.reason,
                    }
                    for i in items
                ],
            )

    def latest_skips(self, locators: list[str]) -> dict[str, Skip]:
        """The latest skip recorded of each of these locators (a watched feed's items), if any."""
        found: dict[str, Skip] = {}
        with self.reader.connect() as connection:
            for start in range(0, len(locators), _IN_BATCH):
                rows = connection.execute(
                    select(skips.c.locator, skips.c.code, skips.c.message)
                    .where(skips.c.locator.in_(locators[start : start + _IN_BATCH]))
                    .order_by(skips.c.at, skips.c.id)
                )
                found.update({row.locator: Skip(row.locator, row.code, row.message) for row in rows})
        return found

    def item_retries(self) -> dict[str, datetime]:
        """For each feed with items whose page failed, when the first of them is due again."""
        with self.reader.connect() as connection:
            rows = connection.execute(
                select(feed_items.c.feed_url, func.min(feed_items.c.next_try))
                .where(feed_items.c.next_try.is_not(None))
                .group_by(feed_items.c.feed_url)
            ).all()
        return {str(url): aware(due) for url, due in rows}


def _skipped_items(connection: Connection, url: str | None = None) -> dict[str, int]:
    """How many items of each feed (or of the one at ``url``) are remembered as skipped."""
    query = (
        select(feed_items.c.feed_url, func.count())
        .where(feed_items.c.reason.is_not(None), feed_items.c.next_try.is_(None))
        .group_by(feed_items.c.feed_url)
    )
    if url is not None:
        query = query.where(feed_items.c.feed_url == url)
    return {str(feed): int(count) for feed, count in connection.execute(query).all()}


def _state(row: Row[Any], skipped: int = 0) -> FeedState:
    return FeedState(
        url=row.url,
        next_due=aware(row.next_due),
        etag=row.etag,
        last_modified=row.last_modified,
        failures=row.failures,
        last_status=row.last_status,
        last_polled=aware(row.last_polled) if row.last_polled is not None else None,
        skipped_items=skipped,
    )
