"""What the watcher remembers of a feed's items between polls: which ones it took, what the feed
said of each (so an item whose guid stays while its title, text or date changes is taken again: a
correction becomes a new revision), and which pages failed, each retried on its own schedule rather
than only when the feed's body happens to change."""

from __future__ import annotations

import hashlib
import logging
from datetime import UTC, datetime, timedelta
from typing import Any

from storyline.config import WatchConfig
from storyline.errors import DeadlineExceeded, FetchError
from storyline.model import IngestReport, RawDocument, Skip
from storyline.store import FeedItem, Store

__all__ = ["ItemTracker", "fingerprints"]

log = logging.getLogger("storyline.pipeline.watch")

# A page that failed this way may answer next time (a server error, a timeout, a connection
# refused); any other skip is the page's own (not an article, too large) and is not retried.
_RETRYABLE = frozenset({FetchError.code, DeadlineExceeded.code})
# A remembered skip's reason is for a person reading `storyline feeds`: its start says enough.
_REASON_CHARS = 500


def fingerprints(document: RawDocument, cap: int) -> dict[str, str]:
    """Each item's locator (as :func:`storyline.sources.containers.expand_feed` names it: the feed's
    locator, ``#``, the item's id, else its link, else its position) with a hash of what the feed says
    of it: title, link, summary, content and dates."""
    import feedparser

    found: dict[str, str] = {}
    for index, entry in enumerate(feedparser.parse(document.content).entries[:cap]):
        key = str(entry.get("id") or entry.get("link") or index)
        found[f"{document.locator}#{key}"] = _fingerprint(entry)
    return found


def _fingerprint(entry: Any) -> str:
    parts = [str(entry.get(k) or "") for k in ("title", "link", "summary", "published", "updated")]
    parts += [str(c.get("value") or "") for c in entry.get("content", []) or []]
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "replace")).hexdigest()


class ItemTracker:
    """One poll's view of a feed's items: ``seen`` tells the feed reader which to pass over,
    ``outcome`` (an ingest progress hook) notes what became of the others, ``save`` records it."""

    def __init__(
        self,
        feed_url: str,
        document: RawDocument,
        store: Store,
        watch: WatchConfig,
        interval_s: float,
        cap: int,
    ) -> None:
        self._feed_url = feed_url
        self._store = store
        self._watch = watch
        self._interval_s = interval_s
        self._now = datetime.now(UTC)
        self._fingerprints = fingerprints(document, cap)
        self._known = store.feed_items(feed_url)
        self._adopted: set[str] = set()  # stored before items were remembered: their print is taken now
        self._passed: set[str] = set()  # passed over, as remembered
        self._outcomes: dict[str, str] = {}

    def seen(self, locator: str) -> bool:
        """Whether to pass this item over: taken before and unchanged, or a failed page whose next
        try is not due yet."""
        known = self._known.get(locator)
        current = self._fingerprints.get(locator)
        if known is not None:
            if known.next_try is not None and known.next_try > self._now:
                self._passed.add(locator)
                return True
            if known.next_try is None and (current is None or current == known.fingerprint):
                self._passed.add(locator)
                return True
            if known.next_try is None:
                log.info("item %s changed in its feed: taken again", locator)
            return False
        if self._store.feed_item_seen(locator):
            self._adopted.add(locator)
            return True
        return False

    def outcome(self, locator: str, outcome: str) -> None:
        if locator in self._fingerprints:
            self._outcomes[locator] = outcome

    def save(self, report: IngestReport, deferred: set[str] | frozenset[str] = frozenset()) -> None:
        """Record the items this poll took (a skipped one with its reason: it is not fetched again
        until the feed changes what it says of it), and the failed ones with their next try.
        ``deferred`` items were left for the next poll (its budget was spent): nothing is recorded
        of them, so they are still new then."""
        self._record({skip.locator: skip for skip in report.skipped}, deferred, finished_only=False)

    def save_finished(self) -> None:
        """After a stop in mid-poll: record the items the poll finished with (a skipped one with
        its reason, read back from the store); those it had not reached are new again next run."""
        finished = [locator for locator in self._outcomes if locator not in self._passed]
        self._record(self._store.latest_skips(finished), frozenset(), finished_only=True)

    def _record(
        self, skips: dict[str, Skip], deferred: set[str] | frozenset[str], *, finished_only: bool
    ) -> None:
        items: list[FeedItem] = []
        for locator, print_ in self._fingerprints.items():
            if locator in self._passed or locator in deferred:
                continue
            outcome = self._outcomes.get(locator)
            if finished_only and outcome is None and locator not in self._adopted:
                continue
            skip = skips.get(locator)
            if locator in self._adopted or (
                outcome is not None and (skip is None or skip.code not in _RETRYABLE)
            ):
                reason = f"{skip.code}: {skip.message}"[:_REASON_CHARS] if skip is not None else None
                items.append(FeedItem(locator, print_, reason=reason))
                continue
            # Its page failed, or the feed reader gave up on it (after failed pages in a row): tried
            # again after an interval, doubling with each failure up to the feed backoff's cap.
            known = self._known.get(locator)
            failures = (known.failures if known else 0) + 1
            delay = min(
                self._interval_s * 2 ** (failures - 1), max(self._watch.backoff_max_s, self._interval_s)
            )
            reason = f"{skip.code}: {skip.message}"[:_REASON_CHARS] if skip is not None else "not fetched"
            items.append(FeedItem(locator, print_, failures, self._now + timedelta(seconds=delay), reason))
        self._store.save_feed_items(self._feed_url, items)
