"""kill -9 at random points of an ingest, then a rerun: the store must end exactly as a clean run's.

Each run starts the demo's ingest as a subprocess, kills it after a random delay drawn from a seeded
generator over the clean run's duration (so the kills land in extraction, analysis, grouping and the
furniture re-pass between them), reruns the same command to completion and compares what a user reads
back: the latest articles' texts, their removals and repairs, and the stories as sets of locators.
``STORYLINE_KILL_RUNS`` sets how many kills (a few in CI: each is a demo ingest on a busy machine);
``STORYLINE_KILL_SEED`` replays a failing run.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.hostile.conftest import (
    CleanRun,
    child_env,
    ingest_command,
    integrity,
    run_ingest,
    snapshot,
)

KILL_RUNS = int(os.environ.get("STORYLINE_KILL_RUNS", "4"))
KILL_SEED = int(os.environ.get("STORYLINE_KILL_SEED", "1211"))


def _kill_after(db: Path, delay: float) -> bool:
    """Start an ingest and kill -9 it after ``delay`` seconds; False if it finished first."""
    child = subprocess.Popen(
        ingest_command(db), env=child_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        child.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        child.send_signal(signal.SIGKILL)
        child.wait()
        return True


@pytest.mark.slow
def test_kill9_at_random_points_then_rerun_equals_a_clean_run(clean_demo: CleanRun, tmp_path: Path) -> None:
    rng = random.Random(KILL_SEED)
    # Spread over the whole run: start-up and extraction early, analysis and grouping late.
    delays = sorted(rng.uniform(0.05, 1.0) * clean_demo.seconds for _ in range(KILL_RUNS))
    killed = 0
    for run, delay in enumerate(delays):
        db = tmp_path / f"kill{run}.db"
        started = time.monotonic()
        killed += _kill_after(db, delay)
        assert not db.exists() or integrity(db) == "ok", f"run {run}: corrupt after kill at {delay:.1f}s"
        run_ingest(db)
        got = snapshot(db)
        context = f"run {run} (seed {KILL_SEED}, killed at {delay:.1f}s of ~{clean_demo.seconds:.0f}s)"
        assert got.articles.keys() == clean_demo.snapshot.articles.keys(), context
        for locator, expected in clean_demo.snapshot.articles.items():
            assert got.articles[locator] == expected, f"{context}: {locator} differs"
        assert got.stories == clean_demo.snapshot.stories, context
        assert got.skips == clean_demo.snapshot.skips, context
        # A second rerun changes nothing (it must not report the killed run's leftovers forever).
        run_ingest(db)
        assert snapshot(db) == got, f"{context}: a second rerun changed the store"
        print(f"{context}: equal to the clean run ({time.monotonic() - started:.0f}s)")
    assert killed >= min(1, KILL_RUNS), "no run was killed: every delay outlasted the ingest"
