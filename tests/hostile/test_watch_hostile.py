"""`storyline watch` against one hostile feed (issue 26, case 3), served by tests/hostile/hostile_server.py
on 127.0.0.1: teaser pages of several hosts fetched at once with each host's gap kept, a poll held to
its budget with the rest left for the next, and SIGTERM honoured within seconds during a page that
never finishes and during the extraction of large pages."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from storyline.config import FetchConfig, PipelineConfig, StoreConfig, WatchConfig
from storyline.pipeline.watch import watch_feeds
from storyline.store import Store
from tests.hostile.conftest import STORYLINE, child_env, fake_dns, hits

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
        # Each host one request at a time, at least the gap apart (a page takes 0.5 s to answer).
        assert min(gaps) >= 0.95, (host, gaps)
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
        from dataclasses import replace
        from datetime import UTC, datetime

        store.save_feed_state(replace(state, next_due=datetime.now(UTC)))
        [second] = watch_feeds(feeds, store, CONFIG, replace(watch, poll_max_bytes=10**9), once=True)
    assert (second.new_items, second.deferred) == (30 - first, 0)
    pages = [path for _, _, path in _log(server) if path.startswith("/big-page/")]
    assert sorted(pages) == sorted({p for p in pages}), "a page was fetched twice"
    assert len(pages) == 30


def _watch(server: str, tmp_path: Path, feed: str) -> tuple[subprocess.Popen[bytes], Path]:
    """`storyline watch` of ``feed`` on the hostile server, in a child process, and its log."""
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
    )
    return process, log


def _stop_and_time(process: subprocess.Popen[bytes]) -> float:
    sent = time.monotonic()
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)
    return time.monotonic() - sent


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
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
    assert process.returncode == 0, log.read_text(errors="replace")[-2000:]
    assert latency < 5.0, latency
    assert "watch stopped" in log.read_text(errors="replace")


def test_sigterm_during_extraction_of_large_pages_is_honoured_within_seconds(
    server: str, tmp_path: Path
) -> None:
    process, log = _watch(server, tmp_path, "/big-feed/60/4000000")
    try:
        deadline = time.monotonic() + 120
        while "engine local started" not in log.read_text(errors="replace"):
            assert time.monotonic() < deadline and process.poll() is None, log.read_text(errors="replace")
            time.sleep(0.2)
        time.sleep(2.0)  # the workers are extracting the first pages
        latency = _stop_and_time(process)
    finally:
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
    text = log.read_text(errors="replace")
    assert process.returncode == 0, text[-2000:]
    assert latency < 8.0, (latency, text[-2000:])
    assert "watch stopped" in text
    # What was stored stays readable, and the next run takes the rest (polled whole).
    with Store.open(StoreConfig.for_path(tmp_path / "w.db")) as store:
        state = store.feed_state(f"http://{server}/big-feed/60/4000000")
        assert state is None or state.etag is None
