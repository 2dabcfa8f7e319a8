"""The command line's log: one line per event on stderr, as text (time, level, what happened) or, for
a log collector, as JSON lines (``--log-format json``): each line an object with ``time``, ``level``,
``logger`` and ``message``, and the event's own fields where it has them (a poll: feed, status, new,
stories, lost, duration_s, next_due). Tracebacks only with ``--debug``."""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime

from storyline.safe_text import TerminalFormatter

__all__ = ["configure_logging"]


class _JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            **getattr(record, "fields", {}),
        }
        if record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure_logging(*, debug: bool = False, json_lines: bool = False) -> logging.Handler:
    """storyline's loggers to stderr (INFO, or DEBUG with tracebacks when ``debug``); returns the
    handler, for the caller to remove when it is done."""
    handler = logging.StreamHandler(sys.stderr)
    if json_lines:
        handler.setFormatter(_JsonLines())
    else:
        # Log lines quote URLs, file names and server headers: escaped for the terminal.
        handler.setFormatter(TerminalFormatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%dT%H:%M:%S"))
    root = logging.getLogger("storyline")
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    return handler
