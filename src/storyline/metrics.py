"""What a running storyline shows a monitoring system: a health answer and Prometheus-style metrics
(the text exposition format, version 0.0.4: what Prometheus, VictoriaMetrics and most agents
scrape). Written by hand over the standard library: a handful of counters and gauges do not need
a client library, and the watcher's small HTTP endpoint needs no web framework.

- :class:`WatchMetrics` counts what a watcher did (fed by its ``on_poll`` hook) and knows whether
  it is waiting for its store or cluster; :func:`serve_http` serves ``/health`` and ``/metrics`` for
  it on a port of its own (`storyline watch --metrics-port`).
- :func:`store_metrics` renders a store's counts (`storyline serve` answers ``/metrics`` with it).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from storyline._version import __version__

if TYPE_CHECKING:
    from storyline.pipeline.watch import Poll

__all__ = ["CONTENT_TYPE", "WatchMetrics", "serve_http", "store_metrics"]

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

log = logging.getLogger(__name__)


def _line(name: str, value: float, labels: Mapping[str, str] | None = None) -> str:
    if labels:
        inner = ",".join(f'{k}="{_escape(v)}"' for k, v in sorted(labels.items()))
        return f"{name}{{{inner}}} {value:g}"
    return f"{name} {value:g}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _family(name: str, kind: str, help_text: str, lines: list[str]) -> list[str]:
    return [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}", *lines]


def _info() -> list[str]:
    return _family(
        "storyline_info",
        "gauge",
        "storyline's version.",
        [_line("storyline_info", 1, {"version": __version__})],
    )


class WatchMetrics:
    """A running watcher's counts since it started, safe to read from the HTTP thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._started = time.time()
        self._polls: dict[str, int] = {}
        self._new = 0
        self._lost = 0
        self._deferred = 0
        self._duration = 0.0
        self._last_poll: float | None = None
        self._failing: dict[str, bool] = {}
        self._unavailable: str | None = None

    def observe(self, poll: Poll) -> None:
        """Count one poll (the watcher's ``on_poll`` hook); a poll also means the store answered."""
        with self._lock:
            self._polls[poll.status] = self._polls.get(poll.status, 0) + 1
            self._new += poll.new_items
            self._lost += poll.lost
            self._deferred += poll.deferred
            self._duration += poll.duration_s
            self._last_poll = time.time()
            self._failing[poll.url] = poll.failed
            self._unavailable = None

    def unavailable(self, reason: str | None) -> None:
        """The watcher waits for its store or cluster (``reason``), or no longer does (None)."""
        with self._lock:
            self._unavailable = reason

    def health(self) -> tuple[int, dict[str, Any]]:
        """200 while the watcher works; 503 while it waits for its store or cluster."""
        with self._lock:
            body = {
                "status": "waiting" if self._unavailable else "ok",
                "version": __version__,
                "started": round(self._started),
                "last_poll": round(self._last_poll) if self._last_poll else None,
                "feeds_failing": sum(self._failing.values()),
                "waiting_for": self._unavailable,
            }
        return (503 if self._unavailable else 200), body

    def render(self) -> str:
        with self._lock:
            polls = [
                _line("storyline_watch_polls_total", n, {"status": s}) for s, n in sorted(self._polls.items())
            ]
            lines = [
                *_info(),
                *_family(
                    "storyline_watch_polls_total",
                    "counter",
                    "Feed polls by outcome (200, 304, error, refused).",
                    polls,
                ),
                *_family(
                    "storyline_watch_new_items_total",
                    "counter",
                    "Feed items ingested (new and revised).",
                    [_line("storyline_watch_new_items_total", self._new)],
                ),
                *_family(
                    "storyline_watch_lost_articles_total",
                    "counter",
                    "Articles a stage lost while ingesting feed items.",
                    [_line("storyline_watch_lost_articles_total", self._lost)],
                ),
                *_family(
                    "storyline_watch_deferred_items_total",
                    "counter",
                    "Feed items left for a later poll: the poll had reached its budget.",
                    [_line("storyline_watch_deferred_items_total", self._deferred)],
                ),
                *_family(
                    "storyline_watch_poll_seconds_total",
                    "counter",
                    "Time spent polling and ingesting.",
                    [_line("storyline_watch_poll_seconds_total", round(self._duration, 3))],
                ),
                *_family(
                    "storyline_watch_last_poll_timestamp_seconds",
                    "gauge",
                    "When the last poll ended (Unix time; 0 before the first).",
                    [_line("storyline_watch_last_poll_timestamp_seconds", round(self._last_poll or 0))],
                ),
                *_family(
                    "storyline_watch_feeds_failing",
                    "gauge",
                    "Feeds whose last poll failed or was refused.",
                    [_line("storyline_watch_feeds_failing", sum(self._failing.values()))],
                ),
                *_family(
                    "storyline_watch_waiting",
                    "gauge",
                    "1 while the watcher waits for its store or cluster to come back.",
                    [_line("storyline_watch_waiting", 1 if self._unavailable else 0)],
                ),
            ]
        return "\n".join(lines) + "\n"


def store_metrics(counts: Mapping[str, int]) -> str:
    """A store's counts (articles, stories, skips, failed articles...) as gauges."""
    lines = list(_info())
    for name, value in sorted(counts.items()):
        metric = f"storyline_store_{name}"
        lines += _family(metric, "gauge", f"Stored {name.replace('_', ' ')}.", [_line(metric, value)])
    return "\n".join(lines) + "\n"


def serve_http(
    host: str, port: int, metrics: Callable[[], str], health: Callable[[], tuple[int, dict[str, Any]]]
) -> ThreadingHTTPServer:
    """Serve ``/metrics`` and ``/health`` on ``host:port`` in a daemon thread; ``shutdown()`` stops it."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = self.path.split("?", 1)[0]
            if path == "/metrics":
                self._send(200, metrics().encode(), CONTENT_TYPE)
            elif path == "/health":
                status, body = health()
                self._send(status, json.dumps(body).encode(), "application/json")
            else:
                self._send(404, b"not found: try /health or /metrics\n", "text/plain; charset=utf-8")

        def _send(self, status: int, body: bytes, kind: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass  # a scrape every 15 s is not news

    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="storyline-metrics", daemon=True).start()
    log.info("metrics and health at http://%s:%d/metrics and /health", host, server.server_address[1])
    return server
