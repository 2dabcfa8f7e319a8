"""A watcher that survives what goes on around it, against real components started and stopped by
the tests: a feed refused by configuration is said once and never backed off; `storyline feeds`
shows and resets feed state; an item changed under the same guid is taken again as a revision; a
failed page is retried on its own schedule; a PostgreSQL restart and a Dask scheduler restart under
a running watcher are waited out, and the watcher goes on ingesting."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import storyline
from storyline.config import FetchConfig, PipelineConfig, StoreConfig
from storyline.pipeline.watch import Poll, watch_feeds
from storyline.store import Store
from tests.conftest import ROOT
from tests.engines.cluster import Cluster, free_port
from tests.pipeline.test_watch import (
    CONFIG,
    FAST,
    PAGES,
    Server,
    _feeds_file,
    _make_due,
    _page_fetches,
    server,
)

__all__ = ["server"]  # the fixture, used by name

ENV = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
# Extraction and storing only: the watcher's resilience does not depend on the understanding stage,
# and the tests stay quick on a 2-core machine.
NO_ANALYSIS = replace(CONFIG, analyze_on_ingest=False)


def _storyline(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "storyline.cli", *args], capture_output=True, text=True, env=ENV, timeout=300
    )


def test_a_feed_refused_by_configuration_is_said_once_and_never_backed_off(
    server: Server, tmp_path: Path
) -> None:
    server.write_feed("feed.xml", ["cup-final.html"])
    url = f"{server.base}/feed.xml"
    feeds = _feeds_file(tmp_path, f"{url} 1")
    polls: list[Poll] = []
    stop = threading.Event()
    strict = PipelineConfig(fetch=FetchConfig(allow_private=False))
    with Store.open(StoreConfig.for_path(tmp_path / "w.db")) as store:
        watcher = threading.Thread(
            target=watch_feeds,
            args=(feeds, store, strict, FAST),
            kwargs={"stop": stop, "on_poll": polls.append},
        )
        watcher.start()
        time.sleep(4)  # several passes at a 1 s interval
        stop.set()
        watcher.join(timeout=60)
        assert [p.status for p in polls] == ["refused"]
        assert "--allow-private" in polls[0].message or "private" in polls[0].message
        # Not a failure of the feed: no backoff stored, no request made.
        state = store.feed_state(url)
        assert state is None or state.failures == 0
    assert server.requests() == []
    # `watch --once` on nothing but refused feeds did not do its job.
    run = _storyline("watch", "--once", str(feeds), "--db", str(tmp_path / "w.db"))
    assert run.returncode == 3, run.stderr
    assert run.stderr.count("refusing") == 1


def test_feeds_shows_the_state_and_resets_it(server: Server, tmp_path: Path) -> None:
    broken = f"{server.base}/broken/feed.xml"
    db = str(tmp_path / "w.db")
    with Store.open(StoreConfig.for_path(tmp_path / "w.db")) as store:
        for _ in range(2):
            watch_feeds(_feeds_file(tmp_path, f"{broken} 60"), store, CONFIG, FAST, once=True)
            _make_due(store, broken)
        watch_feeds(_feeds_file(tmp_path, f"{broken} 60"), store, CONFIG, FAST, once=True)
    shown = _storyline("feeds", "--db", db, "--json")
    assert shown.returncode == 0, shown.stderr
    [feed] = json.loads(shown.stdout)
    assert feed["url"] == broken and feed["failures"] == 3 and feed["last_status"] == "error"
    assert feed["backoff_s"] == pytest.approx(60 * 2**3, abs=5)
    assert "3" in _storyline("feeds", "--db", db).stdout
    reset = _storyline("feeds", "--db", db, "--reset", broken)
    assert reset.returncode == 0, reset.stderr
    [feed] = json.loads(_storyline("feeds", "--db", db, "--json").stdout)
    assert feed["failures"] == 0 and feed["backoff_s"] is None
    assert datetime.fromisoformat(feed["next_due"]) <= datetime.now(UTC)
    unknown = _storyline("feeds", "--db", db, "--reset", "https://example.org/none.xml")
    assert unknown.returncode == 2 and "storyline feeds" in unknown.stderr


def test_an_item_changed_under_the_same_guid_is_taken_again_as_a_revision(
    server: Server, tmp_path: Path
) -> None:
    url = f"{server.base}/feed.xml"
    feeds = _feeds_file(tmp_path, url)
    server.write_feed("feed.xml", ["gdansk-cranes.html"])
    with Store.open(StoreConfig.for_path(tmp_path / "w.db")) as store:
        [first] = watch_feeds(feeds, store, NO_ANALYSIS, FAST, once=True)
        assert first.new_items == 1
        # A correction: same guid and link, a new title in the feed, and the page itself changed.
        page = server.root / "news" / "gdansk-cranes.html"
        page.write_bytes(
            page.read_bytes().replace(b"</p>", b" (Corrected: the strike began on Monday.)</p>", 1)
        )
        feed = server.root / "feed.xml"
        feed.write_text(
            feed.read_text(encoding="utf-8").replace("<title>gdansk-cranes.html", "<title>Corrected: cranes"),
            encoding="utf-8",
        )
        _make_due(store, url)
        [second] = watch_feeds(feeds, store, NO_ANALYSIS, FAST, once=True)
        assert (second.status, second.new_items) == ("200", 1)
        # An unchanged feed after that takes nothing again.
        _make_due(store, url)
        [third] = watch_feeds(feeds, store, NO_ANALYSIS, FAST, once=True)
        assert third.new_items == 0
    revisions = storyline.articles(db=tmp_path / "w.db", all_revisions=True)
    assert sorted(a.revision for a in revisions) == [1, 2]
    assert _page_fetches(server) == ["GET /news/gdansk-cranes.html 200"] * 2


def test_a_failed_page_is_retried_on_its_own_schedule(server: Server, tmp_path: Path) -> None:
    url = f"{server.base}/feed.xml"
    # The page is not there yet (404): the item fails, the feed itself is fine.
    missing = server.root / "news" / "gdansk-ships.html"
    missing.unlink()
    server.write_feed("feed.xml", ["gdansk-ships.html"])
    feeds = _feeds_file(tmp_path, f"{url} 1")
    with Store.open(StoreConfig.for_path(tmp_path / "w.db")) as store:
        [first] = watch_feeds(feeds, store, NO_ANALYSIS, FAST, once=True)
        assert (first.status, first.new_items) == ("200", 0)
        assert store.feed_state(url).failures == 0  # type: ignore[union-attr]
        missing.write_bytes(PAGES["gdansk-ships.html"].read_bytes())
        time.sleep(1.5)  # the item's retry is due after one interval (1 s); the feed did not change
        [second] = watch_feeds(feeds, store, NO_ANALYSIS, FAST, once=True)
        assert (second.status, second.new_items) == ("200", 1)
    assert _page_fetches(server) == ["GET /news/gdansk-ships.html 404", "GET /news/gdansk-ships.html 200"]


# --- real servers restarted under a running watcher ---------------------------------------------


def _watcher(feeds: Path, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "storyline.cli", "watch", str(feeds), "--allow-private", *args],
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )


def _read_until(process: subprocess.Popen[str], text: str, seen: list[str], timeout: float = 300) -> str:
    """Lines of the watcher's log until one holds ``text`` (kept in ``seen``)."""
    assert process.stderr is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stderr.readline()
        if not line:
            raise AssertionError(f"the watcher ended ({process.poll()}) before {text!r}:\n" + "".join(seen))
        seen.append(line)
        if text in line:
            return line
    raise AssertionError(f"no {text!r} in {timeout} s:\n" + "".join(seen))


def _stop(process: subprocess.Popen[str]) -> int:
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.fixture
def pg_dir() -> Iterator[tuple[Path, int]]:
    """A PostgreSQL server's folder and port, for a test that starts and stops it (scripts/postgres)."""
    pytest.importorskip("psycopg")
    base = Path(tempfile.mkdtemp(prefix="storyline-pg-"))
    base.chmod(0o755)
    try:
        yield base / "data", free_port()
    finally:
        subprocess.run([str(ROOT / "scripts" / "postgres"), "stop", str(base / "data")], capture_output=True)
        import shutil

        shutil.rmtree(base, ignore_errors=True)


def _postgres(command: str, folder: Path, port: int) -> str:
    done = subprocess.run(
        [str(ROOT / "scripts" / "postgres"), command, str(folder), str(port)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.mark.slow
def test_a_postgresql_restart_under_a_running_watcher_is_waited_out(
    server: Server, tmp_path: Path, pg_dir: tuple[Path, int]
) -> None:
    folder, port = pg_dir
    url = _postgres("start", folder, port)
    server.write_feed("feed.xml", ["gdansk-cranes.html"])
    feeds = _feeds_file(tmp_path, f"{server.base}/feed.xml 2")
    watcher = _watcher(feeds, "--db", url)
    seen: list[str] = []
    try:
        _read_until(watcher, "200, 1 new", seen)
        _postgres("stop", folder, port)
        _read_until(watcher, "the store cannot be reached", seen)
        time.sleep(3)  # a few failed reconnects while it is down
        server.write_feed("feed.xml", ["gdansk-cranes.html", "gdansk-ships.html"])
        _postgres("start", folder, port)
        _read_until(watcher, "200, 1 new", seen)
        assert watcher.poll() is None
    finally:
        code = _stop(watcher)
    assert code == 0, "".join(seen)
    log = "".join(seen)
    assert "Traceback" not in log
    # The feed was not blamed for the store's absence.
    [feed] = storyline.feeds(url)
    assert feed.failures == 0
    assert len(storyline.articles(db=url)) == 2


@pytest.mark.slow
def test_a_dask_scheduler_restart_under_a_running_watcher_is_waited_out(
    server: Server, tmp_path: Path
) -> None:
    pytest.importorskip("distributed")
    cluster = Cluster(tmp_path)
    cluster.start_scheduler()
    cluster.start_worker()
    cluster.wait_for_workers(1)
    server.write_feed("feed.xml", ["gdansk-cranes.html"])
    feeds = _feeds_file(tmp_path, f"{server.base}/feed.xml 2")
    db = str(tmp_path / "w.db")
    watcher = _watcher(feeds, "--db", db, "--engine", f"dask={cluster.address}")
    seen: list[str] = []
    try:
        _read_until(watcher, "200, 1 new", seen)
        cluster.stop()
        server.write_feed("feed.xml", ["gdansk-cranes.html", "gdansk-ships.html"])
        _read_until(watcher, "trying again in", seen)
        cluster.start_scheduler()
        cluster.start_worker()
        _read_until(watcher, "200, 1 new", seen, timeout=400)
        assert watcher.poll() is None
    finally:
        code = _stop(watcher)
        cluster.stop()
    assert code == 0, "".join(seen)
    log = "".join(seen)
    assert "ClosedClientError" not in log and "Traceback" not in log
    [feed] = storyline.feeds(db)
    assert feed.failures == 0
    assert len(storyline.articles(db=db)) == 2
    assert _page_fetches(server).count("GET /news/gdansk-ships.html 200") >= 1
    assert datetime.now(UTC) - feed.last_polled < timedelta(minutes=10)  # type: ignore[operator]


def test_an_idle_watcher_stops_its_workers(
    server: Server, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    from storyline.config import EngineConfig

    server.write_feed("feed.xml", ["cup-final.html"])
    feeds = _feeds_file(tmp_path, f"{server.base}/feed.xml 3600")
    config = replace(NO_ANALYSIS, engine=EngineConfig(workers=2))
    settings = replace(FAST, idle_release_s=1.0)
    stop = threading.Event()
    with (
        Store.open(StoreConfig.for_path(tmp_path / "w.db")) as store,
        caplog.at_level(logging.INFO, "storyline"),
    ):
        watcher = threading.Thread(
            target=watch_feeds, args=(feeds, store, config, settings), kwargs={"stop": stop}
        )
        watcher.start()
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not any(
            "stopped (idle" in r.getMessage() for r in caplog.records
        ):
            time.sleep(0.2)
        stop.set()
        watcher.join(timeout=60)
    messages = [r.getMessage() for r in caplog.records]
    assert any("engine local started with 2 worker(s)" in m for m in messages)
    assert any("engine local stopped (idle for 1 s)" in m for m in messages), messages
