"""Watching feeds (`storyline watch FEEDS`): poll each feed when it is due, with a conditional request
(a 304 costs one small response), take only its items not seen before (their pages fetched when the
feed carries a teaser), and run them through the whole pipeline, so stories and briefs grow as news
arrives.

Failures back off exponentially (capped); requests to one host keep a minimum gap; the state of each
feed (validators, next due time, failures) lives in the store, so a restarted watcher carries on.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from storyline.config import FetchConfig, PipelineConfig, WatchConfig
from storyline.engines import Engine, open_engine
from storyline.errors import ConfigError, InputError, MalformedFeed
from storyline.model import ContentKind, RawDocument, Skip
from storyline.pipeline.run import ingest_documents
from storyline.sources.containers import expand_feed
from storyline.sources.sniff import sniff
from storyline.sources.web import Fetcher, is_url
from storyline.store import Store
from storyline.store.feeds import FeedState

__all__ = ["FeedSpec", "Poll", "read_feed_list", "watch_feeds"]

log = logging.getLogger(__name__)

# A feeds file is a short list of addresses: anything larger is not one.
_MAX_LIST_BYTES = 4 * 1024 * 1024
_COMMENT = re.compile(r"(?:^|\s)#.*")


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """One feed to watch; ``interval_s`` is its own poll interval when the feeds file gives one."""

    url: str
    interval_s: float | None = None


@dataclass(frozen=True, slots=True)
class Poll:
    """What one poll of one feed did (also the line logged for it)."""

    url: str
    status: str  # "200", "304" or "error"
    new_items: int
    next_due: datetime
    message: str = ""

    def line(self) -> str:
        due = self.next_due.astimezone(UTC).isoformat(timespec="seconds")
        detail = f" ({self.message})" if self.message else ""
        return f"poll {self.url}: {self.status}, {self.new_items} new, next due {due}{detail}"


def read_feed_list(path: Path) -> list[FeedSpec]:
    """The feeds a file names: an OPML export of a feed reader, or a text file of feed URLs, one a
    line, each optionally followed by its own poll interval in seconds; ``#`` starts a comment."""
    try:
        with path.open("rb") as handle:
            content = handle.read(_MAX_LIST_BYTES + 1)
    except OSError as exc:
        raise ConfigError(
            f"cannot read the feeds file {path}: {exc.strerror or exc}", remedy="check the path"
        ) from exc
    if len(content) > _MAX_LIST_BYTES:
        raise ConfigError(
            f"{path} is over {_MAX_LIST_BYTES} bytes; not a feeds file", remedy="check the path"
        )
    head = content[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    specs = (
        _opml_feeds(content, path)
        if head.startswith(b"<") and b"<opml" in head
        else _text_feeds(content, path)
    )
    if not specs:
        raise ConfigError(f"{path} names no feed", remedy="put one http(s) feed URL on each line")
    return list({spec.url: spec for spec in specs}.values())  # a feed listed twice is polled once


def _text_feeds(content: bytes, path: Path) -> list[FeedSpec]:
    specs = []
    for number, raw_line in enumerate(content.decode("utf-8", "replace").splitlines(), start=1):
        # `#` begins a comment at the start of a line or after a space (a URL may hold a fragment).
        line = _COMMENT.sub("", raw_line).strip()
        if not line:
            continue
        fields = line.split()
        if not is_url(fields[0]) or len(fields) > 2:
            raise ConfigError(
                f"{path} line {number}: {line[:200]!r} is not a feed URL",
                remedy="write one http(s) URL a line, optionally followed by its interval in seconds",
            )
        interval = None
        if len(fields) == 2:
            try:
                interval = float(fields[1])
            except ValueError:
                interval = -1.0
            if not interval >= 1:
                raise ConfigError(
                    f"{path} line {number}: interval {fields[1]!r} is not a number of seconds ≥ 1",
                    remedy="write e.g. `https://example.org/feed.xml 600`",
                )
        specs.append(FeedSpec(fields[0], interval))
    return specs


def _opml_feeds(content: bytes, path: Path) -> list[FeedSpec]:
    from lxml import etree

    # No entities, no network, no huge trees: an OPML file is from elsewhere and must not be able to
    # read local files or inflate itself.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False)
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as exc:
        raise ConfigError(
            f"{path} is not readable OPML: {exc}", remedy="re-export it from the feed reader"
        ) from exc
    specs = []
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if not url:
            continue  # a folder of feeds, not a feed
        if not is_url(url):
            log.warning("%s: skipped feed %r (only http and https feeds are polled)", path, url[:200])
            continue
        specs.append(FeedSpec(url))
    return specs


class _PoliteFetcher(Fetcher):
    """A :class:`Fetcher` that keeps a minimum gap between two requests to one host."""

    def __init__(self, config: FetchConfig, gap_s: float) -> None:
        super().__init__(config)
        self._gap_s = gap_s
        self._last: dict[str, float] = {}

    def _wait_turn(self, url: str) -> None:
        host = urlsplit(url).netloc.lower()
        last = self._last.get(host)
        if last is not None:
            left = last + self._gap_s - time.monotonic()
            if left > 0:
                time.sleep(left)
        self._last[host] = time.monotonic()

    def fetch(self, url: str) -> RawDocument:
        self._wait_turn(url)
        return super().fetch(url)

    def fetch_if_changed(
        self, url: str, etag: str | None = None, last_modified: str | None = None
    ) -> tuple[RawDocument | None, dict[str, str]]:
        self._wait_turn(url)
        return super().fetch_if_changed(url, etag, last_modified)


def watch_feeds(
    feeds: Path,
    store: Store,
    config: PipelineConfig | None = None,
    watch: WatchConfig | None = None,
    *,
    once: bool = False,
    stop: threading.Event | None = None,
    on_poll: Callable[[Poll], None] | None = None,
) -> list[Poll]:
    """Poll every due feed the file ``feeds`` names and ingest its new items; with ``once``, one pass
    and return, else on until ``stop`` is set (the file is read again when it changes). Returns the
    polls of the last pass (each poll is also logged, and given to ``on_poll``)."""
    config = config or PipelineConfig()
    watch = watch or WatchConfig()
    stop = stop or threading.Event()
    specs, read_at = read_feed_list(feeds), _modified(feeds)
    polls: list[Poll] = []
    # One engine for the watcher's life: its workers load their models once, not at every poll.
    with (
        _PoliteFetcher(config.fetch, watch.host_gap_s) as fetcher,
        closing(open_engine(config.engine)) as engine,
    ):
        while not stop.is_set():
            if not once and _modified(feeds) != read_at:
                specs, read_at = _reread(feeds, specs), _modified(feeds)
            polls = []  # only the last pass: a watcher runs for months
            states = store.feed_states()
            next_due: datetime | None = None
            for spec in specs:
                if stop.is_set():
                    break
                state = states.get(spec.url)
                if state is None or state.next_due <= datetime.now(UTC):
                    poll, state = _poll(spec, state, store, fetcher, config, watch, engine)
                    polls.append(poll)
                    log.info("%s", poll.line())
                    if on_poll is not None:
                        on_poll(poll)
                next_due = state.next_due if next_due is None else min(next_due, state.next_due)
            if once:
                break
            left = (
                (next_due - datetime.now(UTC)).total_seconds() if next_due is not None else watch.max_sleep_s
            )
            stop.wait(min(max(left, 0.0), watch.max_sleep_s))
    return polls


def _modified(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None


def _reread(feeds: Path, specs: list[FeedSpec]) -> list[FeedSpec]:
    """The feeds file read again after an edit; the list in force when the edit leaves it unreadable."""
    try:
        fresh = read_feed_list(feeds)
    except ConfigError as exc:
        log.warning(
            "%s changed but cannot be read (%s); still watching the %d feed(s) it named",
            feeds,
            exc,
            len(specs),
        )
        return specs
    log.info("%s changed: now watching %d feed(s)", feeds, len(fresh))
    return fresh


def _poll(
    spec: FeedSpec,
    state: FeedState | None,
    store: Store,
    fetcher: Fetcher,
    config: PipelineConfig,
    watch: WatchConfig,
    engine: Engine,
) -> tuple[Poll, FeedState]:
    interval = spec.interval_s or watch.interval_s
    started = datetime.now(UTC)
    state = state or FeedState(url=spec.url, next_due=started)
    try:
        document, headers = fetcher.fetch_if_changed(spec.url, state.etag, state.last_modified)
        if document is None:
            status, new, message = "304", 0, ""
        else:
            if sniff(document.content, document.url or spec.url) is not ContentKind.FEED:
                raise MalformedFeed(
                    f"{document.url or spec.url} is not a feed", remedy="check the address in the feeds file"
                )
            items = _expanded(document, fetcher, store, config)
            report = ingest_documents(items, store, config, engine=engine)
            status, new = "200", len(report.ingested)
            failed = sum(1 for skip in report.skipped if skip.locator.startswith(spec.url + "#"))
            message = f"{failed} item(s) skipped" if failed else ""
    except Exception as exc:
        if not isinstance(exc, InputError):
            log.exception("unexpected failure polling %s", spec.url)
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
        return Poll(spec.url, "error", 0, after.next_due, f"{exc}; failure {failures}"), after
    after = replace(
        state,
        # A 304 may carry fresh validators; when it carries none the old ones still hold.
        etag=headers.get("etag") or (state.etag if document is None else None),
        last_modified=headers.get("last-modified") or (state.last_modified if document is None else None),
        next_due=datetime.now(UTC) + timedelta(seconds=interval),
        failures=0,
        last_status=status,
        last_polled=started,
    )
    store.save_feed_state(after)
    return Poll(spec.url, status, new, after.next_due, message), after


def _expanded(
    document: RawDocument, fetcher: Fetcher, store: Store, config: PipelineConfig
) -> list[RawDocument | Skip]:
    """The feed's items not seen before (pages fetched for teasers). Read whole before ingesting so a
    malformed feed fails the poll (and backs off) instead of half-ingesting."""
    # The feed keeps its own address as locator (the one in the feeds file, whatever it redirects
    # to), so its items keep the same locators poll after poll and run after run.
    try:
        return list(expand_feed(document, fetcher, config.sources, seen=store.feed_item_seen))
    except MalformedFeed:
        import feedparser

        # A well-formed feed with no items yet (a new section, a quiet night) is not a failure.
        parsed = feedparser.parse(document.content)
        if not parsed.entries and not parsed.bozo and parsed.get("version"):
            return []
        raise
