"""The monitoring surface of a watcher: Prometheus text and a health answer, served over real HTTP on
127.0.0.1 (the watcher's own endpoint), and `storyline watch --metrics-port --log-format json` end
to end against a local feed server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from storyline.metrics import WatchMetrics, serve_http
from storyline.pipeline.watch import Poll
from tests.conftest import ROOT
from tests.engines.cluster import free_port
from tests.pipeline.test_watch import Server, _feeds_file, server

__all__ = ["server"]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_watch_metrics_count_polls_and_say_when_waiting() -> None:
    metrics = WatchMetrics()
    due = datetime(2026, 1, 1, tzinfo=UTC)
    metrics.observe(
        Poll("https://a.example/feed", "200", 3, due, duration_s=1.5, stories=(4,), lost=1, deferred=7)
    )
    metrics.observe(Poll("https://b.example/feed", "error", 0, due, "HTTP 500"))
    server = serve_http("127.0.0.1", 0, metrics.render, metrics.health)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        status, text = _get(base + "/metrics")
        assert status == 200
        lines = text.splitlines()
        assert 'storyline_watch_polls_total{status="200"} 1' in lines
        assert 'storyline_watch_polls_total{status="error"} 1' in lines
        assert "storyline_watch_new_items_total 3" in lines
        assert "storyline_watch_lost_articles_total 1" in lines
        assert "storyline_watch_deferred_items_total 7" in lines
        assert "storyline_watch_feeds_failing 1" in lines
        assert "# TYPE storyline_watch_polls_total counter" in lines
        status, body = _get(base + "/health")
        assert status == 200 and json.loads(body)["feeds_failing"] == 1
        metrics.unavailable("the store cannot be reached (connection refused)")
        status, body = _get(base + "/health")
        assert status == 503 and "cannot be reached" in json.loads(body)["waiting_for"]
        assert "storyline_watch_waiting 1" in _get(base + "/metrics")[1].splitlines()
        assert _get(base + "/nothing")[0] == 404
    finally:
        server.shutdown()


def test_watch_serves_metrics_and_logs_json_lines(server: Server, tmp_path: Path) -> None:
    server.write_feed("feed.xml", ["cup-final.html"])
    feeds = _feeds_file(tmp_path, f"{server.base}/feed.xml")
    port = free_port()
    command = [sys.executable, "-m", "storyline.cli", "watch", str(feeds), "--db", str(tmp_path / "w.db")]
    command += ["--allow-private", "--metrics-port", str(port), "--log-format", "json"]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    watcher = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env)
    events: list[dict[str, object]] = []
    try:
        assert watcher.stderr is not None
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            line = watcher.stderr.readline()
            assert line, f"the watcher ended ({watcher.poll()}): {events}"
            if line.startswith("{"):
                events.append(json.loads(line))
                if events[-1].get("event") == "poll":
                    break
        poll = events[-1]
        assert poll["status"] == "200" and poll["new"] == 1 and poll["stories"]
        assert isinstance(poll["duration_s"], float) and poll["level"] == "info"
        assert any("watch started" in str(e["message"]) for e in events)
        status, text = _get(f"http://127.0.0.1:{port}/metrics")
        assert status == 200 and 'storyline_watch_polls_total{status="200"} 1' in text.splitlines()
        assert _get(f"http://127.0.0.1:{port}/health")[0] == 200
        watcher.send_signal(signal.SIGTERM)
        assert watcher.wait(timeout=120) == 0
        rest = [json.loads(line) for line in watcher.stderr.read().splitlines() if line.startswith("{")]
        assert any(e["message"] == "watch stopped" for e in rest)
    finally:
        if watcher.poll() is None:
            watcher.kill()
            watcher.wait()
