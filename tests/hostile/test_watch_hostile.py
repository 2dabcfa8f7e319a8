"""`storyline watch` against one hostile feed (issue 26, cases 2 and 3), served by
tests/hostile/hostile_server.py on 127.0.0.1: teaser pages of several hosts fetched at once with each
host's gap kept, a poll held to its budget of bytes and of time with the rest left for the next, bad
links remembered as skips of their items without backing the feed off, and SIGTERM and SIGINT
honoured within seconds during a page that never finishes and during the extraction of large pages.
(The memory of a poll of large pages: test_watch_memory.py.)"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import signal
import subprocess
import time
import urllib.request
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import storyline
from storyline.config import FetchConfig, PipelineConfig, StoreConfig, WatchConfig
from storyline.pipeline.watch import watch_feeds
from storyline.store import Store
from tests.hostile.conftest import STORYLINE, child_env, fake_dns, hits
from tests.hostile.peak import stored_rows

CONFIG = PipelineConfig(fetch=FetchConfig(allow_private=True))


def _log(server: str) -> list[tuple[float, str, str]]:
    with urllib.request.urlopen(f"http://{server}/log", timeout=5) as response:
        lines = response.read().decode().splitlines()
    return [(float(t), host, path) for t, host, path in (line.split(" ", 2) for line in lines)]


def test_teaser_pages_of_different_hosts_are_fetched_at_once_each_host_kept_apart(
    server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_dns(monkeypatch, lambda n: ["127.0.0.1"])
    port = server.split(":")[1]
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(f"http://{server}/hosts-feed?hosts=a.test,b.test,c.test&n=3\n", encoding="utf-8")
    watch = WatchConfig(host_gap_s=1.0, hosts_at_once=4)
    with Store.open(StoreConfig.for_path(tmp_path / "w.db")) as store:
        [poll] = watch_feeds(feeds, store, CONFIG, watch, once=True)
    assert (poll.status, poll.new_items, poll.deferred) == ("200", 9, 0)
    pages = [(t, host) for t, host, path in _log(server) if path.startswith("/slow-article/")]
    assert len(pages) == 9
    by_host: dict[str, list[float]] = {}
    for t, host in pages:
        by_host.setdefault(host, []).append(t)
    assert set(by_host) == {f"{name}.test:{port}" for name in "abc"}
    for host, times in by_host.items():
        gaps = [b - a for a, b in itertools.pairwise(times)]
        # Each host one request at a time, the gap apart (a page takes 0.5 s to answer). The server
        # logs when a request arrives, not when the watcher started it: on a loaded machine one
        # connection's set-up can delay an arrival (a CI run saw 0.943 s), so the bound leaves room.
        assert min(gaps) >= 0.8, (host, gaps)
    # One by one, nine half-second pages with a 1 s gap per host took over 4.5 s of answers alone;
    # three hosts at once take about three turns of one host.
    first, last = min(t for t, _ in pages), max(t for t, _ in pages)
    assert last - first < 3.5, pages


def test_a_flood_of_large_pages_is_held_to_the_poll_budget(server: str, tmp_path: Path) -> None:
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(f"http://{server}/big-feed/30/1000000\n", encoding="utf-8")
    # Bytes: five 1 MB pages; the items past them wait for the next poll.
    watch = WatchConfig(host_gap_s=0.0, poll_max_bytes=5 * 1000**2)
    with Store.open(StoreConfig.for_path(tmp_path / "w.db")) as store:
        [poll] = watch_feeds(feeds, store, CONFIG, watch, once=True)
        assert poll.status == "200"
        assert poll.new_items + poll.deferred == 30
        # Past it, at most the pages already asked for (two per host at once, and one more).
        assert 5 <= poll.new_items <= 5 + 2 * watch.hosts_at_once + 1, poll
        assert "budget reached (5000000 bytes of pages)" in poll.message
        assert poll.to_dict()["deferred"] == poll.deferred
        first = poll.new_items
        # The next poll takes the next ones: fetched whole, though the feed did not change.
        state = store.feed_state(poll.url)
        assert state is not None and state.etag is None and state.last_modified is None
        store.save_feed_state(replace(state, next_due=datetime.now(UTC)))
        [second] = watch_feeds(feeds, store, CONFIG, replace(watch, poll_max_bytes=10**9), once=True)
    assert (second.new_items, second.deferred) == (30 - first, 0)
    pages = [path for _, _, path in _log(server) if path.startswith("/big-page/")]
    assert sorted(pages) == sorted({p for p in pages}), "a page was fetched twice"
    assert len(pages) == 30


def _watch(server: str, tmp_path: Path, feed: str) -> tuple[subprocess.Popen[bytes], Path]:
    """`storyline watch` of ``feed`` on the hostile server, in a child process (in a session of its
    own, as a service or a terminal's job is: a signal to its group reaches its workers too), and
    its log."""
    if not STORYLINE.exists():
        pytest.skip(f"{STORYLINE} is not installed")
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(f"http://{server}{feed}\n", encoding="utf-8")
    settings = tmp_path / "storyline.toml"
    settings.write_text("[watch]\nhost_gap_s = 0.0\n", encoding="utf-8")
    log = tmp_path / "watch.log"
    command = [str(STORYLINE), "watch", str(feeds), "--allow-private", "--db", str(tmp_path / "w.db")]
    process = subprocess.Popen(
        [*command, "--config", str(settings)],
        env=child_env(),
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
        start_new_session=True,
    )
    return process, log


def _stop_and_time(
    process: subprocess.Popen[bytes], number: signal.Signals = signal.SIGTERM, *, group: bool = False
) -> float:
    """Send ``number`` to the watcher (with ``group``, to its whole process group, workers included,
    as a terminal's Ctrl-C does) and time how long it takes to exit."""
    sent = time.monotonic()
    if group:
        os.killpg(process.pid, number)
    else:
        process.send_signal(number)
    process.wait(timeout=60)
    return time.monotonic() - sent


def _kill(process: subprocess.Popen[bytes]) -> None:
    """What is left of the watcher and its workers after a failed test."""
    if process.poll() is None:
        os.kill(process.pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def test_sigterm_during_a_page_that_never_finishes_is_honoured_within_seconds(
    server: str, tmp_path: Path
) -> None:
    before = hits(server)
    process, log = _watch(server, tmp_path, "/drip-feed")
    try:
        deadline = time.monotonic() + 60
        while not any(path == "/drip" for _, _, path in _log(server)) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert hits(server) > before
        time.sleep(1.5)  # well into the page (one byte every 0.3 s, the whole 100 KB never comes)
        latency = _stop_and_time(process)
    finally:
        _kill(process)
    assert process.returncode == 0, log.read_text(errors="replace")[-2000:]
    assert latency < 5.0, latency
    assert "watch stopped" in log.read_text(errors="replace")


def _stop_during_extraction(
    server: str, tmp_path: Path, number: signal.Signals, *, group: bool = False
) -> None:
    """A watcher extracting large pages is sent ``number``: it exits 0 (docs/operations.md, "Exit
    codes") within seconds, and what it stored stays readable."""
    feed = "/big-feed/60/4000000"
    process, log = _watch(server, tmp_path, feed)
    try:
        deadline = time.monotonic() + 120
        # The first page committed: the workers are extracting the next ones.
        while (committed := stored_rows(tmp_path / "w.db", "articles")) < 1:
            assert time.monotonic() < deadline and process.poll() is None, log.read_text(errors="replace")
            time.sleep(0.2)
        latency = _stop_and_time(process, number, group=group)
    finally:
        _kill(process)
    text = log.read_text(errors="replace")
    assert process.returncode == 0, text[-2000:]
    # stop_grace_s (3 s) for the document under way, then the workers are killed: 8 s leaves the
    # rest for a machine shared with other work (it was 30 s and more before issue 26).
    assert latency < 8.0, (latency, text[-2000:])
    assert "watch stopped" in text
    assert "Traceback" not in text, text[-2000:]
    # What was stored stays readable, and the next run takes the rest (polled whole).
    with Store.open(StoreConfig.for_path(tmp_path / "w.db")) as store:
        state = store.feed_state(f"http://{server}{feed}")
        assert state is None or state.etag is None
        assert state is None or state.failures == 0
    # Every document committed before the signal is kept, and reads back whole.
    stored = storyline.articles(db=tmp_path / "w.db")
    assert len(stored) >= committed
    assert all(a.article.locator.startswith(f"http://{server}{feed}#") for a in stored)
    assert all("harbour bridge number" in a.article.text for a in stored), [a.article.text for a in stored]


def test_sigterm_during_extraction_of_large_pages_is_honoured_within_seconds(
    server: str, tmp_path: Path
) -> None:
    _stop_during_extraction(server, tmp_path, signal.SIGTERM)


@pytest.mark.slow  # a watcher extracting 4 MB pages, stopped: ~11 s each (SIGTERM's runs in the quick suite)
@pytest.mark.parametrize("group", [False, True], ids=["kill-INT", "ctrl-c-to-the-group"])
def test_sigint_during_extraction_of_large_pages_is_honoured_within_seconds(
    server: str, tmp_path: Path, group: bool
) -> None:
    """Ctrl-C: SIGINT to the watcher alone (``kill -INT``), and to its whole process group, its
    workers included, as a terminal sends it."""
    _stop_during_extraction(server, tmp_path, signal.SIGINT, group=group)


def test_bad_links_in_a_watched_feed_are_remembered_skips_and_the_feed_is_not_backed_off(
    server: str, tmp_path: Path
) -> None:
    """Issue 26, case 2 under `watch`: a malformed host failed the whole feed every poll and backed it
    off to 6 h. Now each bad link is a skip of its item, remembered, and the feed stays healthy."""
    url = f"http://{server}/bad-links-feed"
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(f"{url}\n", encoding="utf-8")
    watch = WatchConfig(host_gap_s=0.0)
    db = tmp_path / "w.db"
    before = len([path for _, _, path in _log(server) if path.startswith("/article/")])
    with Store.open(StoreConfig.for_path(db)) as store:
        started = datetime.now(UTC)
        [poll] = watch_feeds(feeds, store, CONFIG, watch, once=True)
        # The loopback spellings are read as 127.0.0.1, which --allow-private lets through; the
        # malformed hosts and the metadata address (refused even with --allow-private) are skips.
        assert (poll.status, poll.new_items, poll.deferred) == ("200", 4, 0), poll
        assert "3 item(s) skipped" in poll.message
        state = store.feed_state(url)
        assert state is not None and (state.failures, state.last_status) == (0, "200")
        assert state.skipped_items == 3
        # Due again after its interval, not backed off.
        assert state.next_due <= started + timedelta(seconds=watch.interval_s + 60)
        remembered = store.feed_items(url)
        reasons = {locator.rsplit("#", 1)[1]: item.reason for locator, item in remembered.items()}
        codes = {key: (reason or "").split(":", 1)[0] for key, reason in reasons.items()}
        assert codes == {
            "item-0": "",
            "item-1": "bad-url",  # xn--
            "item-2": "bad-url",  # [::1
            "item-3": "",  # ①②⑦.0.0.1
            "item-4": "",  # 0177.0.0.1
            "item-5": "forbidden",  # 169.254.169.254
            "item-6": "",
        }, reasons
        # Remembered for good: no next try, as for any skip that is the input's own fault.
        assert all(item.next_try is None and item.failures == 0 for item in remembered.values())
        skips_after_first = len(storyline.skips(db=db))
        # The next poll: the feed is fetched whole (the server sends no validators) and nothing of
        # it is taken again, neither the good pages nor the bad links.
        store.save_feed_state(replace(state, next_due=datetime.now(UTC)))
        [second] = watch_feeds(feeds, store, CONFIG, watch, once=True)
        assert (second.status, second.new_items, second.message) == ("200", 0, "")
        again = store.feed_state(url)
        assert again is not None and again.failures == 0 and again.skipped_items == 3
    pages = [path for _, _, path in _log(server) if path.startswith("/article/")]
    assert sorted(pages[before:]) == [f"/article/{n}" for n in ("circled", "first", "last", "octal")]
    assert len(storyline.skips(db=db)) == skips_after_first
    assert sorted(a.article.locator.rsplit("#", 1)[1] for a in storyline.articles(db=db)) == [
        "item-0",
        "item-3",
        "item-4",
        "item-6",
    ]


@pytest.mark.slow  # two polls of slow pages, the engine started for each: 16 s
def test_a_poll_starts_no_item_past_its_time_budget_and_the_next_poll_takes_the_rest(
    server: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 26, case 3 (time): a feed of slow teaser pages no longer holds a poll for hours. Past
    ``poll_max_s`` the poll starts no new item; the items left wait for the next poll."""
    count, delay = 24, 0.5
    url = f"http://{server}/slow-feed/{count}/{delay}"
    feeds = tmp_path / "feeds.txt"
    feeds.write_text(f"{url}\n", encoding="utf-8")
    # One page at a time (one host, at most two fetched ahead), each answered after 0.5 s: the
    # whole feed is 12 s of answers alone, four times the budget.
    watch = WatchConfig(host_gap_s=0.0, hosts_at_once=1, poll_max_s=3.0)
    ahead = 2 * watch.hosts_at_once
    with Store.open(StoreConfig.for_path(tmp_path / "w.db")) as store:
        with caplog.at_level(logging.INFO, logger="storyline"):
            [first] = watch_feeds(feeds, store, CONFIG, watch, once=True)
        assert first.status == "200"
        assert first.new_items + first.deferred == count, first
        # An item is started only before the budget's end, and only once the page ``ahead`` places
        # before it has arrived: by then at most poll_max_s / delay pages can have arrived, however
        # slow the machine (slower only starts fewer).
        assert 1 <= first.new_items <= watch.poll_max_s / delay + ahead + 1, first
        assert "budget reached (its time)" in first.message
        assert first.to_dict()["deferred"] == first.deferred
        assert any(f"{first.deferred} deferred" in r.getMessage() for r in caplog.records)
        # The deferred items were never asked for; the ones taken were, in feed order.
        asked = [path for _, _, path in _log(server) if path.startswith("/slow-page/")]
        assert sorted(asked) == sorted(f"/slow-page/{n}/{delay}" for n in range(first.new_items))
        state = store.feed_state(url)
        assert state is not None and state.failures == 0
        store.save_feed_state(replace(state, next_due=datetime.now(UTC)))
        [second] = watch_feeds(feeds, store, CONFIG, replace(watch, poll_max_s=600.0), once=True)
    assert (second.status, second.new_items, second.deferred) == ("200", first.deferred, 0), second
    asked = [path for _, _, path in _log(server) if path.startswith("/slow-page/")]
    assert sorted(asked) == sorted(f"/slow-page/{n}/{delay}" for n in range(count)), "each page once"
