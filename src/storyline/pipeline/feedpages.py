"""A watched feed's new items as they arrive: teaser pages of several hosts fetched at once (each
host one request at a time, a polite gap apart), handed on in feed order one by one so the
runner stores them as they come, within the poll's budget, and a stop signal noticed at once.

Memory stays bounded by a few pages, whatever the feed: at most ``2 * hosts_at_once`` pages are
fetched ahead of the one the runner takes next. A poll takes at most ``poll_max_items`` items,
``poll_max_bytes`` of pages and ``poll_max_s`` seconds; the items past that are named in
:attr:`PollBudget.deferred` and taken by the next poll (they are still new then).
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from storyline.config import FetchConfig, SourceConfig, WatchConfig
from storyline.errors import InputError, Stopped
from storyline.model import RawDocument, Skip
from storyline.sources.containers import Teaser, feed_items, unfetched_skip
from storyline.sources.web import Fetcher

__all__ = ["HostClock", "PageLanes", "PollBudget"]

# How often a wait for a page looks at the stop event.
_TICK_S = 0.2


class HostClock:
    """The least gap between two requests to one host, shared by every thread of the watcher."""

    def __init__(self, gap_s: float, stop: threading.Event) -> None:
        self._gap_s = gap_s
        self._stop = stop
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}  # host -> the earliest its next request may start

    def wait_turn(self, url: str) -> None:
        """Wait until a request to ``url``'s host may start (:class:`Stopped` when told to stop)."""
        host = urlsplit(url).netloc.lower()
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next.get(host, now))
            self._next[host] = start + self._gap_s
        if start > now and self._stop.wait(start - now):
            raise Stopped("stopped while waiting for a host's turn")
        if self._stop.is_set():
            raise Stopped("stopped before a request")


@dataclass
class PollBudget:
    """What one poll of one feed may still take; once spent, the items left are deferred."""

    items: int
    bytes: int
    until: float  # time.monotonic() past which no item is started
    taken: int = 0
    fetched_bytes: int = 0
    spent: str = ""  # which bound was reached ("" while none)
    deferred: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def count(self, page: Future[RawDocument]) -> None:
        """Count a fetched page's bytes (called in the thread that fetched it)."""
        if not page.cancelled() and page.exception() is None:
            with self._lock:
                self.fetched_bytes += len(page.result().content)

    @classmethod
    def of(cls, watch: WatchConfig) -> PollBudget:
        return cls(watch.poll_max_items, watch.poll_max_bytes, time.monotonic() + watch.poll_max_s)

    def allows(self) -> bool:
        """Whether one more item may be started; notes the bound reached when not."""
        if not self.spent:
            if self.taken >= self.items:
                self.spent = f"{self.items} items"
            elif self.fetched_bytes >= self.bytes:
                self.spent = f"{self.bytes} bytes of pages"
            elif time.monotonic() >= self.until:
                self.spent = "its time"
        return not self.spent

    def message(self, limits: WatchConfig) -> str:
        """The poll's line's note on what waits (empty when nothing does)."""
        if not self.deferred:
            return ""
        return (
            f"budget reached ({self.spent}): {len(self.deferred)} item(s) wait for the next poll "
            f"(WatchConfig.poll_max_items {limits.poll_max_items}, poll_max_bytes "
            f"{limits.poll_max_bytes}, poll_max_s {limits.poll_max_s:g})"
        )


class PageLanes:
    """Fetches teaser pages, several hosts at once: one :class:`Fetcher` per host (its robots.txt
    cached for the watcher's life), one request at a time per host, at most ``hosts_at_once``
    hosts in flight. Each fetch runs in a daemon thread, so a stop never waits for a slow server:
    the fetches left running see the stop within a second and end."""

    def __init__(
        self,
        config: FetchConfig,
        watch: WatchConfig,
        clock: HostClock,
        stop: threading.Event,
        robots: dict[str, object] | None = None,
    ) -> None:
        self._config = config
        self._robots = robots
        self._clock = clock
        self._stop = stop
        self._hosts = threading.Semaphore(watch.hosts_at_once)
        self._lock = threading.Lock()
        self._fetchers: dict[str, Fetcher] = {}
        self._turns: dict[str, threading.Lock] = {}
        self.ahead = 2 * watch.hosts_at_once
        self.fetch_links = config.fetch_feed_links

    def submit(self, url: str) -> Future[RawDocument]:
        future: Future[RawDocument] = Future()
        threading.Thread(target=self._fetch, args=(url, future), name="storyline-page", daemon=True).start()
        return future

    def _fetch(self, url: str, future: Future[RawDocument]) -> None:
        host = urlsplit(url).netloc.lower()
        with self._lock:
            turn = self._turns.setdefault(host, threading.Lock())
            fetcher = self._fetchers.get(host)
            if fetcher is None:
                fetcher = self._fetchers[host] = Fetcher(self._config, cancel=self._stop, robots=self._robots)
        try:
            with turn, self._hosts:
                self._clock.wait_turn(url)
                future.set_result(fetcher.fetch(url))
        except BaseException as exc:  # handed to the reader, who decides (a skip, or the stop)
            future.set_exception(exc)

    def close(self) -> None:
        with self._lock:
            fetchers, self._fetchers = list(self._fetchers.values()), {}
        for fetcher in fetchers:
            fetcher.close()


def new_items(
    document: RawDocument,
    lanes: PageLanes,
    sources: SourceConfig,
    seen: Callable[[str], bool],
    budget: PollBudget,
    stop: threading.Event,
) -> Iterator[RawDocument | Skip]:
    """The feed's items not ``seen`` before, in feed order, as their pages arrive, within
    ``budget``. Raises :class:`Stopped` once ``stop`` is set. A host whose pages fail
    ``max_feed_fetch_failures`` times in a row is not asked again this poll: its teasers left
    are one summarised skip (and tried again on their own schedule)."""
    fetch_links = lanes.fetch_links
    ahead: deque[tuple[RawDocument | Skip | Teaser, Future[RawDocument] | None]] = deque()
    failures: dict[str, int] = {}  # host -> its pages failed in a row
    unfetched: list[str] = []
    items = feed_items(document, sources, seen, fetch_links=fetch_links)

    def take(head: tuple[RawDocument | Skip | Teaser, Future[RawDocument] | None]) -> RawDocument | Skip:
        item, future = head
        if future is None:
            assert not isinstance(item, Teaser)
            return item
        assert isinstance(item, Teaser)
        while not future.done():
            if stop.wait(_TICK_S):
                raise Stopped("stopped while a page was fetched")
        host = urlsplit(item.link).netloc.lower()
        try:
            page = future.result()
        except InputError as exc:
            failures[host] = failures.get(host, 0) + 1
            return item.failed(exc)
        failures[host] = 0
        return item.document(page)

    for item in items:
        if stop.is_set():
            raise Stopped("stopped between items")
        if isinstance(item, Skip) and item.locator == document.locator:
            ahead.append((item, None))  # a summary of the feed's own, not an item: never deferred
        elif not budget.allows():
            budget.deferred.add(item.locator)
            continue
        elif isinstance(item, Teaser):
            if failures.get(urlsplit(item.link).netloc.lower(), 0) >= sources.max_feed_fetch_failures:
                unfetched.append(item.key)
                continue
            budget.taken += 1
            future = lanes.submit(item.link)
            future.add_done_callback(budget.count)  # as each page arrives, in whatever order
            ahead.append((item, future))
        else:
            budget.taken += 1
            ahead.append((item, None))
        while len(ahead) > lanes.ahead or (ahead and ahead[0][1] is None):
            yield take(ahead.popleft())
    while ahead:
        yield take(ahead.popleft())
    if unfetched:
        yield unfetched_skip(document.locator, unfetched, sources.max_feed_fetch_failures)
