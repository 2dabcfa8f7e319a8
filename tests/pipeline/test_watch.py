"""`storyline watch` against a real HTTP server on 127.0.0.1 (tests/pipeline/feed_server.py), started
by the test and stopped by its PID: feeds that change, answer 304, redirect and fail, an OPML list, and
a restart in a second process."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import storyline
from storyline.config import FetchConfig, PipelineConfig, StoreConfig, WatchConfig
from storyline.errors import ConfigError
from storyline.pipeline.feedlist import FeedSpec, read_feed_list
from storyline.pipeline.watch import Poll, watch_feeds
from storyline.store import Store
from tests.conftest import DEMO, ROOT

PAGES = {
    "gdansk-cranes.html": DEMO / "pages/harbor-courier/gdansk-dockworkers-strike-crane-automation.html",
    "gdansk-ships.html": DEMO / "pages/capital-dispatch/ships-queue-gdansk-strike-second-day.html",
    "cup-final.html": DEMO / "pages/harbor-courier/kirkby-town-win-northern-cup.html",
}
CONFIG = PipelineConfig(fetch=FetchConfig(allow_private=True))
# No politeness gap between requests: the test server is ours, and the tests stay quick.
FAST = WatchConfig(host_gap_s=0.0)


@dataclass
class Server:
    base: str
    root: Path
    log: Path

    def requests(self) -> list[str]:
        return self.log.read_text(encoding="utf-8").splitlines() if self.log.exists() else []

    def write_feed(self, name: str, pages: list[str]) -> None:
        """An RSS feed of teasers (one sentence each) linking to pages on this server."""
        items = "".join(
            f"<item><title>{page}</title><link>{self.base}/news/{page}</link>"
            f"<guid>{self.base}/news/{page}</guid><description>Short teaser.</description></item>"
            for page in pages
        )
        (self.root / name).write_text(
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>Test Wire</title>'
            f"<link>{self.base}/</link>{items}</channel></rss>",
            encoding="utf-8",
        )


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    root = tmp_path / "site"
    (root / "news").mkdir(parents=True)
    for name, source in PAGES.items():
        (root / "news" / name).write_bytes(source.read_bytes())
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = tmp_path / "requests.log"
    process = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("feed_server.py")), str(root), str(port), str(log)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield Server(f"http://127.0.0.1:{port}", root, log)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


def _feeds_file(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "feeds.txt"
    path.write_text("# feeds to watch\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def _make_due(store: Store, url: str) -> None:
    """Move a feed's next poll to now (as if its interval had passed)."""
    state = store.feed_state(url)
    assert state is not None
    store.save_feed_state(replace(state, next_due=datetime.now(UTC)))


def _page_fetches(server: Server) -> list[str]:
    return [line for line in server.requests() if line.startswith("GET /news/")]


def test_a_new_item_is_ingested_and_grouped(server: Server, tmp_path: Path) -> None:
    server.write_feed("feed.xml", ["gdansk-cranes.html"])
    feeds = _feeds_file(tmp_path, f"{server.base}/feed.xml")
    url = f"{server.base}/feed.xml"
    with Store.open(StoreConfig.for_path(tmp_path / "w.db")) as store:
        [first] = watch_feeds(feeds, store, CONFIG, FAST, once=True)
        assert (first.status, first.new_items) == ("200", 1)
        assert first.next_due > datetime.now(UTC) + timedelta(minutes=14)  # the default 15 min interval
        # Not yet due: a second pass polls nothing.
        assert watch_feeds(feeds, store, CONFIG, FAST, once=True) == []
        server.write_feed("feed.xml", ["gdansk-cranes.html", "gdansk-ships.html"])
        _make_due(store, url)
        [second] = watch_feeds(feeds, store, CONFIG, FAST, once=True)
    assert (second.status, second.new_items) == ("200", 1)
    # Only the new item's page was fetched the second time.
    assert _page_fetches(server) == ["GET /news/gdansk-cranes.html 200", "GET /news/gdansk-ships.html 200"]
    stored = storyline.articles(db=tmp_path / "w.db")
    assert sorted(a.article.locator for a in stored) == [
        f"{url}#{server.base}/news/gdansk-cranes.html",
        f"{url}#{server.base}/news/gdansk-ships.html",
    ]
    # The two reports of the strike are one story: the watcher ran the whole pipeline.
    stories = [s for s in storyline.stories(db=tmp_path / "w.db") if len(s.articles) == 2]
    assert len(stories) == 1


def test_an_unchanged_feed_answers_304_and_nothing_is_fetched(
    server: Server, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server.write_feed("feed.xml", ["cup-final.html"])
    url = f"{server.base}/feed.xml"
    feeds = _feeds_file(tmp_path, url)
    with Store.open(StoreConfig.for_path(tmp_path / "w.db")) as store:
        watch_feeds(feeds, store, CONFIG, FAST, once=True)
        _make_due(store, url)
        with caplog.at_level(logging.INFO, logger="storyline.pipeline.watch"):
            [poll] = watch_feeds(feeds, store, CONFIG, FAST, once=True)
        state = store.feed_state(url)
    assert (poll.status, poll.new_items) == ("304", 0)
    assert state is not None and state.last_status == "304" and state.etag
    feed_requests = [line for line in server.requests() if "/feed.xml" in line]
    assert feed_requests == ["GET /feed.xml 200", "GET /feed.xml 304"]
    assert _page_fetches(server) == ["GET /news/cup-final.html 200"]
    assert any(f"poll {url}: 304, 0 new, next due" in record.getMessage() for record in caplog.records)


def test_a_redirected_feed_is_followed_and_keeps_its_address(server: Server, tmp_path: Path) -> None:
    server.write_feed("feed.xml", ["cup-final.html"])
    url = f"{server.base}/moved/feed.xml"
    # Through the Python API, which opens the store itself (as `storyline watch` does).
    [poll] = storyline.watch(
        _feeds_file(tmp_path, url), db=tmp_path / "w.db", config=CONFIG, settings=FAST, once=True
    )
    assert (poll.status, poll.new_items) == ("200", 1)
    assert server.requests()[-3:-1] == ["GET /moved/feed.xml 301", "GET /feed.xml 200"]
    [article] = storyline.articles(db=tmp_path / "w.db")
    # Items keep the address in the feeds file, so the next poll recognises them.
    assert article.article.locator == f"{url}#{server.base}/news/cup-final.html"


def test_a_failing_feed_backs_off_and_the_others_are_still_polled(server: Server, tmp_path: Path) -> None:
    server.write_feed("feed.xml", ["cup-final.html"])
    broken, good = f"{server.base}/broken/feed.xml", f"{server.base}/feed.xml"
    feeds = _feeds_file(tmp_path, f"{broken}  60", good)
    settings = replace(FAST, backoff_max_s=200.0)
    with Store.open(StoreConfig.for_path(tmp_path / "w.db")) as store:
        started = datetime.now(UTC)
        polls = watch_feeds(feeds, store, CONFIG, settings, once=True)
        assert [(p.url, p.status) for p in polls] == [(broken, "error"), (good, "200")]
        assert "HTTP 500" in polls[0].message
        first = store.feed_state(broken)
        assert first is not None and first.failures == 1 and first.last_status == "error"
        # 60 s interval, one failure: twice the interval.
        assert started + timedelta(seconds=119) <= first.next_due <= started + timedelta(seconds=125)
        for failures in (2, 3):
            _make_due(store, broken)
            [again] = watch_feeds(feeds, store, CONFIG, settings, once=True)  # the good one is not due
            assert again.status == "error"
            state = store.feed_state(broken)
            assert state is not None and state.failures == failures
        # 60 * 2**3 = 480 s, capped at 200 s.
        assert (
            datetime.now(UTC) + timedelta(seconds=190)
            <= again.next_due
            <= datetime.now(UTC) + timedelta(seconds=201)
        )
    assert len(storyline.articles(db=tmp_path / "w.db")) == 1


def test_an_opml_export_is_read(server: Server, tmp_path: Path) -> None:
    server.write_feed("feed.xml", ["cup-final.html"])
    server.write_feed("other.xml", ["gdansk-cranes.html"])
    opml = tmp_path / "subscriptions.opml"
    opml.write_text(
        f"""<?xml version="1.0" encoding="UTF-8"?>
        <opml version="2.0"><head><title>My feeds</title></head><body>
          <outline text="News" title="News">
            <outline type="rss" text="Wire" xmlUrl="{server.base}/feed.xml" htmlUrl="{server.base}/"/>
            <outline type="rss" text="Other" xmlUrl="{server.base}/other.xml"/>
          </outline>
          <outline type="rss" text="Mail" xmlUrl="mailto:someone@example.org"/>
        </body></opml>""",
        encoding="utf-8",
    )
    assert read_feed_list(opml) == [FeedSpec(f"{server.base}/feed.xml"), FeedSpec(f"{server.base}/other.xml")]
    seen: list[Poll] = []
    polls = storyline.watch(
        opml, db=tmp_path / "w.db", config=CONFIG, settings=FAST, once=True, on_poll=seen.append
    )
    assert [(p.status, p.new_items) for p in polls] == [("200", 1), ("200", 1)]
    assert seen == polls


def test_a_feeds_file_with_a_bad_line_is_refused_with_its_line_number(tmp_path: Path) -> None:
    path = _feeds_file(tmp_path, "https://example.org/feed.xml 600", "https://example.org/a#b", "feed.xml")
    with pytest.raises(ConfigError, match="line 4"):
        read_feed_list(path)
    path = _feeds_file(tmp_path, "https://example.org/feed.xml  # the wire", "https://example.org/a#b 600")
    assert read_feed_list(path) == [
        FeedSpec("https://example.org/feed.xml"),
        FeedSpec("https://example.org/a#b", 600.0),
    ]


def _watch_process(feeds: Path, db: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    command = ["watch", str(feeds), "--once", "--db", str(db), "--allow-private"]
    return subprocess.run(
        [sys.executable, "-m", "storyline.cli", *command],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )


@pytest.mark.slow  # two watchers in turn over a live local feed: 12 s
def test_a_restarted_watcher_sees_the_stored_state(server: Server, tmp_path: Path) -> None:
    # No validators (/plain/): the second run gets the whole feed again and must know its items.
    server.write_feed("feed.xml", ["cup-final.html"])
    url = f"{server.base}/plain/feed.xml"
    feeds = _feeds_file(tmp_path, f"{url} 1")
    first = _watch_process(feeds, tmp_path / "w.db")
    assert first.returncode == 0, first.stderr
    assert f"poll {url}: 200, 1 new, next due" in first.stderr
    time.sleep(1.2)  # the feed's own 1 s interval passes
    second = _watch_process(feeds, tmp_path / "w.db")
    assert second.returncode == 0, second.stderr
    assert f"poll {url}: 200, 0 new, next due" in second.stderr
    assert _page_fetches(server) == ["GET /news/cup-final.html 200"]
    assert len(storyline.articles(db=tmp_path / "w.db")) == 1


def test_a_running_watcher_picks_up_items_as_they_arrive(server: Server, tmp_path: Path) -> None:
    server.write_feed("feed.xml", ["gdansk-cranes.html"])
    url = f"{server.base}/feed.xml"
    feeds = _feeds_file(tmp_path, f"{url} 1")
    seen: list[Poll] = []
    stop = threading.Event()
    settings = replace(FAST, max_sleep_s=0.2)
    with Store.open(StoreConfig.for_path(tmp_path / "w.db")) as store:
        worker = threading.Thread(
            target=watch_feeds,
            args=(feeds, store, CONFIG, settings),
            kwargs={"stop": stop, "on_poll": seen.append},
        )
        worker.start()
        try:
            _wait_for(lambda: any(p.new_items for p in seen))
            server.write_feed("feed.xml", ["gdansk-cranes.html", "gdansk-ships.html"])
            _wait_for(lambda: sum(p.new_items for p in seen) == 2)
        finally:
            stop.set()
            worker.join(timeout=60)
        assert not worker.is_alive()
    assert len(storyline.articles(db=tmp_path / "w.db")) == 2
    assert any(len(s.articles) == 2 for s in storyline.stories(db=tmp_path / "w.db"))


def _wait_for(condition: Callable[[], bool], seconds: float = 120.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the watcher did not get there in time"
        time.sleep(0.1)


@pytest.mark.slow  # a watcher in a child process, stopped by SIGTERM: 9.5 s
def test_sigterm_stops_a_running_watcher_cleanly(server: Server, tmp_path: Path) -> None:
    server.write_feed("feed.xml", ["cup-final.html"])
    feeds = _feeds_file(tmp_path, f"{server.base}/feed.xml")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    command = ["watch", str(feeds), "--db", str(tmp_path / "w.db"), "--allow-private"]
    process = subprocess.Popen(
        [sys.executable, "-m", "storyline.cli", *command], stderr=subprocess.PIPE, text=True, env=env
    )
    try:
        assert process.stderr is not None
        # Blocks until the first poll is logged (a library warning may come first).
        lines = iter(process.stderr.readline, "")
        assert any(f"poll {server.base}/feed.xml: 200, 1 new" in line for line in lines)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_an_empty_feed_is_polled_without_backing_off(server: Server, tmp_path: Path) -> None:
    server.write_feed("feed.xml", [])
    (server.root / "junk.xml").write_text(
        "<html><body><p>A page, not a feed.</p></body></html>", encoding="utf-8"
    )
    empty, junk = f"{server.base}/feed.xml", f"{server.base}/junk.xml"
    with Store.open(StoreConfig.for_path(tmp_path / "w.db")) as store:
        polls = watch_feeds(_feeds_file(tmp_path, empty, junk), store, CONFIG, FAST, once=True)
        assert [(p.status, p.new_items) for p in polls] == [("200", 0), ("error", 0)]
        state = store.feed_state(empty)
        assert state is not None and state.failures == 0


def test_watch_once_exits_3_when_every_due_feed_failed(server: Server, tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", "")}
    command = [sys.executable, "-m", "storyline.cli", "watch", "--once", "--db", str(tmp_path / "w.db")]
    broken = _feeds_file(tmp_path, f"{server.base}/broken/a.xml", f"{server.base}/broken/b.xml")
    run = subprocess.run([*command, str(broken), "--allow-private"], capture_output=True, text=True, env=env)
    assert run.returncode == 3, run.stderr
    # One feed that answers is enough for a pass that did its job.
    server.write_feed("feed.xml", [])
    mixed = _feeds_file(tmp_path, f"{server.base}/broken/c.xml", f"{server.base}/feed.xml")
    run = subprocess.run([*command, str(mixed), "--allow-private"], capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr


def test_a_poll_takes_its_item_budget_and_the_next_poll_takes_the_rest(
    server: Server, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    server.write_feed("feed.xml", list(PAGES))
    url = f"{server.base}/feed.xml"
    feeds = _feeds_file(tmp_path, url)
    budget = replace(FAST, poll_max_items=2)
    with Store.open(StoreConfig.for_path(tmp_path / "w.db")) as store:
        with caplog.at_level(logging.INFO, logger="storyline"):
            [first] = watch_feeds(feeds, store, CONFIG, budget, once=True)
        assert (first.status, first.new_items, first.deferred) == ("200", 2, 1)
        assert first.to_dict()["deferred"] == 1
        assert "budget reached (2 items): 1 item(s) wait for the next poll" in first.message
        assert any("1 deferred" in r.getMessage() for r in caplog.records)
        assert len(_page_fetches(server)) == 2
        # Nothing is remembered of the deferred item, and the feed is fetched whole next time
        # (it did not change: a conditional request would be answered 304).
        assert len(store.feed_items(url)) == 2
        _make_due(store, url)
        [second] = watch_feeds(feeds, store, CONFIG, budget, once=True)
        assert (second.status, second.new_items, second.deferred) == ("200", 1, 0)
        # Done: the feed's validators are kept again, so the next poll is a 304.
        _make_due(store, url)
        [third] = watch_feeds(feeds, store, CONFIG, budget, once=True)
        assert third.status == "304"
    fetched = _page_fetches(server)
    assert sorted(fetched) == sorted(f"GET /news/{page} 200" for page in PAGES), "each page once"


def _feed_of(server: Server, items: list[tuple[str, str]]) -> None:
    """An RSS feed of teasers: (title, page) each, the page's address its guid."""
    body = "".join(
        f"<item><title>{title}</title><link>{server.base}/news/{page}</link>"
        f"<guid>{server.base}/news/{page}</guid><description>Short teaser.</description></item>"
        for title, page in items
    )
    (server.root / "feed.xml").write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Test Wire</title>{body}</channel></rss>',
        encoding="utf-8",
    )


def test_a_skipped_item_is_remembered_with_its_reason_and_fetched_again_only_when_it_changes(
    server: Server, tmp_path: Path
) -> None:
    (server.root / "news" / "menu.html").write_text(
        "<html><body><nav><a href='/'>Home</a> <a href='/sport'>Sport</a></nav></body></html>",
        encoding="utf-8",
    )
    url = f"{server.base}/feed.xml"
    feeds = _feeds_file(tmp_path, url)
    _feed_of(server, [("Menu", "menu.html")])
    with Store.open(StoreConfig.for_path(tmp_path / "w.db")) as store:
        [first] = watch_feeds(feeds, store, CONFIG, FAST, once=True)
        assert (first.status, first.new_items) == ("200", 0)
        [remembered] = store.feed_items(url).values()
        assert remembered.failures == 0 and remembered.next_try is None
        assert remembered.reason is not None and remembered.reason.startswith("no-article: "), remembered
        assert [state.skipped_items for state in storyline.feeds(db=tmp_path / "w.db")] == [1]
        # The feed changes (a new item): the skipped item's page is not fetched again.
        _feed_of(server, [("Menu", "menu.html"), ("Cup final", "cup-final.html")])
        _make_due(store, url)
        [second] = watch_feeds(feeds, store, CONFIG, FAST, once=True)
        assert second.new_items == 1
        assert _page_fetches(server) == ["GET /news/menu.html 200", "GET /news/cup-final.html 200"]
        # The feed changes what it says of the skipped item: taken again (issue 25).
        _feed_of(server, [("Menu, now an article", "menu.html"), ("Cup final", "cup-final.html")])
        _make_due(store, url)
        watch_feeds(feeds, store, CONFIG, FAST, once=True)
        assert _page_fetches(server)[2:] == ["GET /news/menu.html 200"]
        # `storyline feeds --reset URL` forgets the skip: the page is fetched again.
        storyline.reset_feed(url, db=tmp_path / "w.db")
        watch_feeds(feeds, store, CONFIG, FAST, once=True)
    assert _page_fetches(server)[3:] == ["GET /news/menu.html 200"]


def test_a_stop_in_mid_poll_keeps_what_was_done_and_the_next_run_takes_the_rest(
    server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import storyline.pipeline.watch as watch_module

    server.write_feed("feed.xml", list(PAGES))
    url = f"{server.base}/feed.xml"
    feeds = _feeds_file(tmp_path, url)
    stop = threading.Event()
    ingest = watch_module.ingest_documents

    def stopped_after_the_first(
        *args: object, on_progress: Callable[[str, str], None], **kwargs: object
    ) -> object:
        def progress(locator: str, outcome: str) -> None:
            if outcome == "ingested":
                stop.set()  # as SIGTERM would, right after the first document was committed
            on_progress(locator, outcome)

        return ingest(*args, on_progress=progress, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(watch_module, "ingest_documents", stopped_after_the_first)
    with Store.open(StoreConfig.for_path(tmp_path / "w.db")) as store:
        assert watch_feeds(feeds, store, CONFIG, FAST, stop=stop) == []  # the poll never finished
        assert len(storyline.articles(db=tmp_path / "w.db")) == 1
        assert len(store.feed_items(url)) == 1  # the item done is remembered, the others are new
        state = store.feed_state(url)
        assert state is not None and state.etag is None  # fetched whole next run
        monkeypatch.setattr(watch_module, "ingest_documents", ingest)
        [poll] = watch_feeds(feeds, store, CONFIG, FAST, once=True)
    assert (poll.status, poll.new_items) == ("200", 2)
    assert len(storyline.articles(db=tmp_path / "w.db")) == 3
