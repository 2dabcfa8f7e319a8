"""Watching feeds (`storyline watch FEEDS`): poll each feed when it is due, with a conditional request
(a 304 costs one small response), take only its items not seen before or changed since (their pages
fetched when the feed carries a teaser), and run them through the whole pipeline, so stories and
briefs grow as news arrives.

A watcher runs for months, so it outlives what goes wrong around it:

- a feed that fails backs off exponentially (capped); a feed refused by configuration (a private
  address without ``--allow-private``, robots.txt) is said once and skipped, never backed off;
- a store or Dask cluster that cannot be reached (a restart) is waited for with its own backoff, and
  the feeds are not blamed for it: the engine is opened again once its cluster answers;
- an item whose page failed is retried on its own schedule; an item whose guid stays while the feed
  changes what it says of it is fetched again (a new revision when its page changed);
- with nothing due for a while, the engine's workers are stopped, giving their memory back.

One hostile feed cannot take the watcher: a poll takes at most a budget of items, bytes of pages
and time (the rest waits for the next poll), its pages go to the store as they arrive (memory
bounded by a few pages, not by the feed), teaser pages of several hosts are fetched at once
(storyline.pipeline.feedpages), and a skipped item is remembered with its reason. A stop signal is
honoured within seconds at any point: fetches see it within a second, the poll stops after the
document under way, and past ``stop_grace_s`` that document is abandoned (:class:`_StopGuard`).

Requests to one host keep a minimum gap; the state of each feed and item lives in the store, so a
restarted watcher carries on. Each poll is one log line (status, duration, new items with their
story ids); ``storyline feeds`` shows the state, ``storyline feeds --reset URL`` clears a feed's.
"""

from __future__ import annotations

import itertools
import logging
import signal
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from storyline.config import EngineConfig, FetchConfig, PipelineConfig, WatchConfig
from storyline.engines import Engine, open_engine
from storyline.errors import ConfigError, Forbidden, InputError, MalformedFeed, Stopped, Unavailable
from storyline.model import ContentKind, RawDocument, Skip
from storyline.pipeline.feeditems import ItemTracker
from storyline.pipeline.feedlist import FeedSpec, modified, read_feed_list, reread
from storyline.pipeline.feedpages import HostClock, PageLanes, PollBudget, new_items
from storyline.pipeline.run import ingest_documents
from storyline.safe_text import one_line
from storyline.sources.sniff import sniff
from storyline.sources.web import Fetcher
from storyline.store import Store, unavailable
from storyline.store.feeds import FeedState

__all__ = ["Poll", "watch_feeds"]

log = logging.getLogger(__name__)

_STORE_REMEDY = "check that the database server is running and reachable (--db)"


@dataclass(frozen=True, slots=True)
class Poll:
    """What one poll of one feed did (also the line logged for it)."""

    url: str
    status: str  # "200", "304", "error" (backed off) or "refused" (configuration: skipped)
    new_items: int
    next_due: datetime
    message: str = ""
    duration_s: float = 0.0
    # The stories the new and revised items went to, and how many articles a stage lost.
    stories: tuple[int, ...] = ()
    lost: int = 0
    # Items left for the next poll because this one reached its budget (WatchConfig.poll_max_*).
    deferred: int = 0

    @property
    def failed(self) -> bool:
        return self.status in ("error", "refused")

    def line(self) -> str:
        due = self.next_due.astimezone(UTC).isoformat(timespec="seconds")
        line = (
            f"poll {self.url}: {self.status}, {self.new_items} new, next due {due}, {self.duration_s:.1f} s"
        )
        if self.stories:
            line += f", stories {' '.join(str(s) for s in self.stories)}"
        if self.lost:
            line += f", {self.lost} lost"
        if self.deferred:
            line += f", {self.deferred} deferred"
        return line + (f" ({self.message})" if self.message else "")

    def to_dict(self) -> dict[str, Any]:
        return {
            "event": "poll",
            "feed": self.url,
            "status": self.status,
            "new": self.new_items,
            "stories": list(self.stories),
            "lost": self.lost,
            "deferred": self.deferred,
            "duration_s": round(self.duration_s, 3),
            "next_due": self.next_due.astimezone(UTC).isoformat(timespec="seconds"),
            "message": self.message,
        }


class _PoliteFetcher(Fetcher):
    """The feeds' :class:`Fetcher`: a minimum gap between two requests to one host (the clock its
    teaser pages share), and a fetch under way stopped by the stop event."""

    def __init__(self, config: FetchConfig, clock: HostClock, stop: threading.Event) -> None:
        super().__init__(config, cancel=stop)
        self._clock = clock

    def fetch(self, url: str) -> RawDocument:
        self._clock.wait_turn(url)
        return super().fetch(url)

    def fetch_if_changed(
        self, url: str, etag: str | None = None, last_modified: str | None = None
    ) -> tuple[RawDocument | None, dict[str, str]]:
        self._clock.wait_turn(url)
        return super().fetch_if_changed(url, etag, last_modified)


class _EngineSlot:
    """The watcher's engine: opened when first needed, opened again after its cluster was lost, and
    closed when the watcher is idle (its workers' models are ~1 GB each)."""

    def __init__(self, config: EngineConfig) -> None:
        self._config = config
        self._engine: Engine | None = None

    def get(self) -> Engine:
        if self._engine is None:
            try:
                self._engine = open_engine(self._config)
            except ConfigError as exc:
                if self._config.name.startswith("dask="):
                    # A scheduler restarting: waited for like the store, not a reason to stop.
                    raise Unavailable(one_line(exc.message), remedy=exc.remedy) from exc
                raise
            log.info("engine %s started with %d worker(s)", self._config.name, self._engine.workers)
        return self._engine

    def lost(self) -> bool:
        """Whether the open engine can no longer take work (then it is dropped)."""
        if self._engine is None or self._engine.alive():
            return False
        self.release("its cluster cannot be reached")
        return True

    def release(self, why: str, *, abandon: bool = False) -> None:
        """Stop the engine; with ``abandon``, at once, dropping the work in flight (a stop signal
        came during a poll: that work is done again next run)."""
        if self._engine is not None:
            engine, self._engine = self._engine, None
            if abandon:
                engine.abandon()
            else:
                engine.close()
            log.info("engine %s stopped (%s)", self._config.name, why)

    @property
    def open(self) -> bool:
        return self._engine is not None


class _StopGuard:
    """Holds a stop signal to its promise during a poll: ``grace_s`` after ``stop`` is set, a pass
    still under way (waiting on a worker's result, inside a library call) is interrupted with
    SIGINT, whose handler raises KeyboardInterrupt in the main thread (the CLI's does once stop is
    set, Python's own always). Armed only in the main thread with a Python SIGINT handler; the
    store is safe at any instruction (it survives kill -9, see tests/hostile/test_kill9.py)."""

    def __init__(self, stop: threading.Event, grace_s: float) -> None:
        self._stop = stop
        self._grace_s = grace_s
        self._lock = threading.Lock()
        self._busy = False
        self._main = threading.main_thread().ident
        armed = threading.current_thread() is threading.main_thread() and callable(
            signal.getsignal(signal.SIGINT)
        )
        if armed:
            threading.Thread(target=self._run, name="storyline-stop-guard", daemon=True).start()

    def _run(self) -> None:
        self._stop.wait()
        time.sleep(self._grace_s)
        with self._lock:
            if self._busy and self._main is not None:
                log.warning(
                    "a poll was still under way %.0f s after the stop signal: interrupted", self._grace_s
                )
                signal.pthread_kill(self._main, signal.SIGINT)

    def __enter__(self) -> None:
        with self._lock:
            self._busy = True

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            self._busy = False


class _Backoff:
    """Waits for a store or cluster to come back: doubling from ``first`` up to ``cap``."""

    def __init__(self, first: float, cap: float) -> None:
        self._first, self._cap, self._next = first, cap, first

    def next(self) -> float:
        delay, self._next = self._next, min(self._next * 2, self._cap)
        return delay

    def reset(self) -> None:
        self._next = self._first


def watch_feeds(
    feeds: Path,
    store: Store,
    config: PipelineConfig | None = None,
    watch: WatchConfig | None = None,
    *,
    once: bool = False,
    stop: threading.Event | None = None,
    on_poll: Callable[[Poll], None] | None = None,
    on_unavailable: Callable[[str | None], None] | None = None,
) -> list[Poll]:
    """Poll every due feed the file ``feeds`` names and ingest its new items; with ``once``, one pass
    and return, else on until ``stop`` is set (the file is read again when it changes). Returns the
    polls of the last pass (each poll is also logged, and given to ``on_poll``). With ``once``, a
    store or cluster that cannot be reached raises; running on, it is waited for (and said to
    ``on_unavailable``, which hears None when a pass succeeds again)."""
    config = config or PipelineConfig()
    watch = watch or WatchConfig()
    stop = stop or threading.Event()
    specs, read_at = read_feed_list(feeds), modified(feeds)
    log.info("watch started: %d feed(s) from %s, engine %s", len(specs), feeds, config.engine.name)
    polls: list[Poll] = []
    refused: set[str] = set()  # feeds refused by configuration: said once, then skipped
    slot = _EngineSlot(config.engine)
    backoff = _Backoff(watch.reconnect_first_s, watch.reconnect_max_s)
    idle_since = time.monotonic()
    clock = HostClock(watch.host_gap_s, stop)
    fetcher = _PoliteFetcher(config.fetch, clock, stop)
    lanes = PageLanes(config.fetch, watch, clock, stop, robots=fetcher.robots)
    guard = _StopGuard(stop, watch.stop_grace_s)
    interrupted = False
    try:
        with fetcher:
            while not stop.is_set():
                if not once and modified(feeds) != read_at:
                    specs, read_at = reread(feeds, specs), modified(feeds)
                    refused.clear()  # an edited list (or settings) gets a fresh look
                polls = []  # only the last pass: a watcher runs for months
                try:
                    with guard:
                        next_due = _pass(
                            specs, store, fetcher, lanes, slot, config, watch, refused, polls, stop, on_poll
                        )
                except (Stopped, KeyboardInterrupt):
                    if not stop.is_set():
                        raise
                    # What was committed stays; the document under way and the feed's items not
                    # yet taken are taken next run (the feed is polled whole then).
                    interrupted = True
                    log.warning("stopped during a poll: the work under way was abandoned")
                    break
                except Unavailable as exc:
                    if once:
                        raise
                    delay = backoff.next()
                    log.warning("%s; trying again in %.0f s", exc.message, delay)
                    if on_unavailable is not None:
                        on_unavailable(exc.message)
                    stop.wait(delay)
                    continue
                backoff.reset()
                if on_unavailable is not None:
                    on_unavailable(None)
                if once:
                    break
                if polls:
                    idle_since = time.monotonic()
                left = (next_due - datetime.now(UTC)).total_seconds() if next_due else watch.max_sleep_s
                if slot.open and time.monotonic() - idle_since >= watch.idle_release_s:
                    slot.release(f"idle for {watch.idle_release_s:.0f} s")
                stop.wait(min(max(left, 0.0), watch.max_sleep_s))
    finally:
        lanes.close()
        slot.release("the watcher stopped", abandon=interrupted)
        log.info("watch stopped")
    return polls


def _pass(
    specs: list[FeedSpec],
    store: Store,
    fetcher: Fetcher,
    lanes: PageLanes,
    slot: _EngineSlot,
    config: PipelineConfig,
    watch: WatchConfig,
    refused: set[str],
    polls: list[Poll],
    stop: threading.Event,
    on_poll: Callable[[Poll], None] | None,
) -> datetime | None:
    """One pass over the feeds: each due one polled (a feed is also due when one of its items'
    pages is due for another try). Returns when the next is due."""
    try:
        states, retries = store.feed_states(), store.item_retries()
    except Exception as exc:
        if unavailable(exc):
            raise Unavailable(f"the store cannot be reached ({_reason(exc)})", remedy=_STORE_REMEDY) from exc
        raise
    next_due: datetime | None = None
    for spec in specs:
        if stop.is_set():
            break
        if spec.url in refused:
            continue
        state = states.get(spec.url)
        now = datetime.now(UTC)
        retry = retries.get(spec.url)
        retry_due = retry is not None and retry <= now
        if state is None or state.next_due <= now or retry_due:
            poll, state = _poll(
                spec, state, store, _Poller(fetcher, lanes, slot, stop), config, watch, whole=retry_due
            )
            polls.append(poll)
            if on_poll is not None:  # before the log line: whoever reads the log sees it counted
                on_poll(poll)
            fields = {"fields": poll.to_dict()}
            if poll.status == "refused":
                refused.add(spec.url)
                log.error("%s", poll.line(), extra=fields)
            elif poll.failed:
                log.warning("%s", poll.line(), extra=fields)
            else:
                log.info("%s", poll.line(), extra=fields)
            if poll.status == "refused":
                continue
        due = min(state.next_due, retry) if retry is not None and retry > now else state.next_due
        next_due = due if next_due is None else min(next_due, due)
    return next_due


def _reason(exc: BaseException) -> str:
    cause = getattr(exc, "orig", None) or exc
    return one_line(str(cause) or type(cause).__name__)[:300]


@dataclass(frozen=True, slots=True)
class _Poller:
    """What a poll works with: the feeds' fetcher, the teaser pages' lanes, the engine, the stop."""

    fetcher: Fetcher
    lanes: PageLanes
    slot: _EngineSlot
    stop: threading.Event


def _poll(
    spec: FeedSpec,
    state: FeedState | None,
    store: Store,
    poller: _Poller,
    config: PipelineConfig,
    watch: WatchConfig,
    *,
    whole: bool = False,
) -> tuple[Poll, FeedState]:
    """One poll. ``whole``: a plain request, not a conditional one (an item's page is due for another
    try, and the feed's items are needed though the feed did not change). Its new items go to the
    store as their pages arrive, within the poll's budget (:class:`PollBudget`); a stop raises
    :class:`Stopped` after the document under way."""
    interval = spec.interval_s or watch.interval_s
    started = datetime.now(UTC)
    clock = time.monotonic()
    state = state or FeedState(url=spec.url, next_due=started)
    stories: tuple[int, ...] = ()
    lost = 0
    budget = PollBudget.of(watch)
    slot, stop = poller.slot, poller.stop
    tracker: ItemTracker | None = None
    try:
        document, headers = poller.fetcher.fetch_if_changed(
            spec.url, None if whole else state.etag, None if whole else state.last_modified
        )
        if document is None:
            status, new, message = "304", 0, ""
        else:
            if sniff(document.content, document.url or spec.url) is not ContentKind.FEED:
                raise MalformedFeed(
                    f"{document.url or spec.url} is not a feed", remedy="check the address in the feeds file"
                )
            tracker = ItemTracker(spec.url, document, store, watch, interval, config.sources.max_feed_items)
            items = _expanded(document, poller.lanes, config, tracker.seen, budget, stop)

            def progress(locator: str, outcome: str) -> None:
                tracker.outcome(locator, outcome)
                if stop.is_set():  # after each document committed, and each analysed or grouped
                    raise Stopped("stopped after a document")

            report = ingest_documents(items, store, config, engine=slot.get(), on_progress=progress)
            tracker.save(report, deferred=budget.deferred)
            status, new = "200", len(report.ingested) + len(report.revised)
            stories = tuple(sorted(set(store.story_ids_of([*report.ingested, *report.revised]).values())))
            lost = report.lost
            failed = sum(1 for skip in report.skipped if skip.locator.startswith(spec.url + "#"))
            notes = [f"{failed} item(s) skipped" if failed else "", budget.message(watch)]
            message = "; ".join(note for note in notes if note)
    except Stopped:
        if tracker is not None:
            tracker.save_finished()
        if budget.taken:
            # Polled whole next run: a conditional request would be answered 304, and the items
            # this poll did not take would wait for the feed to change.
            store.save_feed_state(replace(state, etag=None, last_modified=None))
        raise
    except Exception as exc:
        if isinstance(exc, Unavailable):
            raise
        if unavailable(exc):
            raise Unavailable(f"the store cannot be reached ({_reason(exc)})", remedy=_STORE_REMEDY) from exc
        if slot.lost():
            raise Unavailable(
                f"the engine's cluster was lost ({_reason(exc)})",
                remedy="check that the Dask scheduler and its workers are running (docs/cluster.md)",
            ) from exc
        duration = time.monotonic() - clock
        if isinstance(exc, Forbidden):
            # Configuration, not a passing failure: waiting would not change it. Said once (the
            # caller skips the feed from now on); its stored state is left as it was.
            message = f"{one_line(str(exc))}; skipped until the feeds file changes or the watcher restarts"
            return Poll(spec.url, "refused", 0, state.next_due, message, duration), state
        if not isinstance(exc, InputError):
            log.debug("unexpected failure polling %s", spec.url, exc_info=True)
        failures = state.failures + 1
        delay = min(interval * 2**failures, max(watch.backoff_max_s, interval))
        after = replace(
            state,
            next_due=started + timedelta(seconds=delay),
            failures=failures,
            last_status="error",
            last_polled=started,
        )
        store.save_feed_state(after)
        message = f"{_reason(exc)}; failure {failures}, backed off {delay:.0f} s"
        return Poll(spec.url, "error", 0, after.next_due, message, duration), after
    # Items left for the next poll: it must fetch the feed whole (a conditional request would be
    # answered 304 and they would wait for the feed to change).
    keep = document is None or not budget.deferred
    after = replace(
        state,
        # A 304 may carry fresh validators; when it carries none the old ones still hold.
        etag=(headers.get("etag") or (state.etag if document is None else None)) if keep else None,
        last_modified=(headers.get("last-modified") or (state.last_modified if document is None else None))
        if keep
        else None,
        next_due=datetime.now(UTC) + timedelta(seconds=interval),
        failures=0,
        last_status=status,
        last_polled=started,
    )
    store.save_feed_state(after)
    duration = time.monotonic() - clock
    deferred = len(budget.deferred)
    return Poll(spec.url, status, new, after.next_due, message, duration, stories, lost, deferred), after


def _expanded(
    document: RawDocument,
    lanes: PageLanes,
    config: PipelineConfig,
    seen: Callable[[str], bool],
    budget: PollBudget,
    stop: threading.Event,
) -> Iterator[RawDocument | Skip]:
    """The feed's items not seen before, as their pages arrive (:func:`new_items`). The feed is
    read whole before the first item is handed on, so a malformed feed fails the poll (and backs
    off) instead of half-ingesting."""
    # The feed keeps its own address as locator (the one in the feeds file, whatever it redirects
    # to), so its items keep the same locators poll after poll and run after run.
    items = new_items(document, lanes, config.sources, seen, budget, stop)
    try:
        first = next(items)
    except StopIteration:
        return iter(())
    except MalformedFeed:
        import feedparser

        # A well-formed feed with no items yet (a new section, a quiet night) is not a failure.
        parsed = feedparser.parse(document.content)
        if not parsed.entries and not parsed.bozo and parsed.get("version"):
            return iter(())
        raise
    return itertools.chain([first], items)
