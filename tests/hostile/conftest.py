"""Shared by the hostile tests: the demo ingested once by the command line (the clean run every
crash and concurrency test is compared with), a comparable snapshot of a store, and the hostile HTTP
server (hostile_server.py on 127.0.0.1) with faked DNS answers for made-up names."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import storyline
from tests.conftest import DEMO, DEMO_OUTLETS

# The console script of the environment running the tests (the checkout's .venv in CI).
STORYLINE = Path(sys.executable).with_name("storyline")


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What a user reads back from a store, keyed by locator so ids (which depend on the order
    documents were stored in) do not matter."""

    # locator -> (text, removals as (reason, text), repairs as (kind, before, after, offset))
    articles: dict[str, tuple[str, tuple[tuple[str, str], ...], tuple[tuple[str, str, str, int], ...]]]
    # Each story as the set of its members' locators.
    stories: frozenset[frozenset[str]]
    skips: tuple[tuple[str, str], ...]


def snapshot(db: Path) -> Snapshot:
    stored = storyline.articles(db=db)
    by_id = {s.id: s.article.locator for s in stored}
    articles = {
        s.article.locator: (
            s.article.text,
            tuple(sorted((r.reason, r.text) for r in s.article.removed)),
            tuple(sorted((r.kind, r.before, r.after, r.offset) for r in s.article.repairs)),
        )
        for s in stored
    }
    stories = frozenset(
        frozenset(by_id.get(member.id, f"not-latest:{member.id}") for member in story.articles)
        for story in storyline.stories(db=db)
    )
    skips = tuple(sorted((skip.locator, skip.code) for skip in storyline.skips(db=db)))
    return Snapshot(articles, stories, skips)


def ingest_command(db: Path, *inputs: Path) -> list[str]:
    """The demo's own ingest command (scripts/demo), into ``db``."""
    return [
        str(STORYLINE),
        "ingest",
        *(str(path) for path in (inputs or (DEMO,))),
        "--outlets",
        str(DEMO_OUTLETS),
        "--db",
        str(db),
    ]


def child_env() -> dict[str, str]:
    # The child imports the same storyline as the test (a worktree's src in development).
    env = dict(os.environ)
    env["PYTHONPATH"] = str(Path(storyline.__file__).resolve().parents[1])
    env.pop("STORYLINE_DB", None)
    return env


def run_ingest(db: Path, *inputs: Path) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        ingest_command(db, *inputs), env=child_env(), capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done


def integrity(db: Path) -> str:
    with sqlite3.connect(db) as connection:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])


@dataclass(frozen=True, slots=True)
class CleanRun:
    db: Path
    seconds: float
    snapshot: Snapshot


@pytest.fixture(scope="session")
def clean_demo(tmp_path_factory: pytest.TempPathFactory) -> CleanRun:
    """The demo ingested once, start to finish, by the command line: the reference store."""
    if not STORYLINE.exists():
        pytest.skip(f"{STORYLINE} is not installed (run scripts/test, which installs the package)")
    db = tmp_path_factory.mktemp("clean") / "clean.db"
    started = time.monotonic()
    run_ingest(db)
    return CleanRun(db, time.monotonic() - started, snapshot(db))


HERE = Path(__file__).resolve().parent
REAL_GETADDRINFO = socket.getaddrinfo


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, str(HERE / "hostile_server.py"), "0.3"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        yield f"127.0.0.1:{int(process.stdout.readline())}"
    finally:
        with contextlib.suppress(ProcessLookupError):  # already gone is fine
            os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


def hits(server: str) -> int:
    with urllib.request.urlopen(f"http://{server}/hits", timeout=5) as response:
        return int(response.read())


def fake_dns(monkeypatch: pytest.MonkeyPatch, answers: Callable[[int], list[str]]) -> list[str]:
    """Names ending in .test resolve to ``answers(n)`` on the n-th lookup (0-based); the rest are real."""
    lookups: list[str] = []

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, str) and host.endswith(".test"):
            addresses = answers(len(lookups))
            lookups.append(host)
            return [info for a in addresses for info in REAL_GETADDRINFO(a, port, *args, **kwargs)]
        return REAL_GETADDRINFO(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return lookups
