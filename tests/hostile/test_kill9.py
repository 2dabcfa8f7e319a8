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
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import DEMO
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
    # One delay in each of KILL_RUNS equal slices of the clean run's duration, so the kills spread
    # over start-up and extraction early and analysis and grouping late whatever the seed.
    width = 0.95 / max(1, KILL_RUNS)
    delays = [(0.05 + (run + rng.random()) * width) * clean_demo.seconds for run in range(KILL_RUNS)]
    killed = 0
    for run, delay in enumerate(delays):
        db = tmp_path / f"kill{run}.db"
        started = time.monotonic()
        was_killed = _kill_after(db, delay)
        killed += was_killed
        assert not db.exists() or integrity(db) == "ok", f"run {run}: corrupt after kill at {delay:.1f}s"
        run_ingest(db)
        got = snapshot(db)
        when = f"killed at {delay:.1f}s" if was_killed else f"done before the kill at {delay:.1f}s"
        context = f"run {run} (seed {KILL_SEED}, {when} of ~{clean_demo.seconds:.0f}s)"
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


# The child: the storyline command, with one store method or pipeline function patched to kill -9
# its own process just before its (N+1)th call: a kill at an exact point, not a lucky delay.
_DIE_AT = """
import os, signal, sys
import storyline.pipeline.run as pipeline
from storyline.store import Store
from storyline.cli import main
target, after = sys.argv[1], int(sys.argv[2])
owner_name, name = target.split(".")
owner = {"Store": Store, "pipeline": pipeline}[owner_name]
original = getattr(owner, name)
calls = 0
def dying(*args, **kwargs):
    global calls
    calls += 1
    if calls > after:
        os.kill(os.getpid(), signal.SIGKILL)
    return original(*args, **kwargs)
setattr(owner, name, dying)
sys.argv = ["storyline", *sys.argv[3:]]
main()
"""


@pytest.mark.slow
@pytest.mark.parametrize(
    ("point", "after"),
    [
        ("Store.save", 20),  # in the middle of extraction
        ("pipeline._apply_new_evidence", 0),  # every document stored, no furniture re-pass yet
        ("pipeline._apply_new_evidence", 2),  # the re-pass done for some outlets, not all
        ("Store.save_analysis", 10),  # in the middle of analysis
        ("Store.create_story", 3),  # a story founded by grouping, no article saved in it yet
        ("Store.save_placement", 12),  # in the middle of grouping
    ],
)
def test_kill9_at_each_stage_then_rerun_equals_a_clean_run(
    clean_demo: CleanRun, tmp_path: Path, point: str, after: int
) -> None:
    db = tmp_path / "killed.db"
    command = ingest_command(db)
    child = subprocess.run(
        [sys.executable, "-c", _DIE_AT, point, str(after), *command[1:]],
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert child.returncode == -signal.SIGKILL, f"{point} was not reached: {child.stderr[-2000:]}"
    assert integrity(db) == "ok"
    run_ingest(db)
    got = snapshot(db)
    assert got.articles.keys() == clean_demo.snapshot.articles.keys()
    for locator, expected in clean_demo.snapshot.articles.items():
        assert got.articles[locator] == expected, f"killed before {point} #{after + 1}: {locator} differs"
    assert got.stories == clean_demo.snapshot.stories
    assert got.skips == clean_demo.snapshot.skips


_TEMPLATE = "Readers can send their tips to the newsroom desk at any hour of the day"


@pytest.mark.slow
def test_kill9_before_the_furniture_repass_then_rerun_removes_the_template(tmp_path: Path) -> None:
    """An outlet's template line is only known as template once it is on three pages: the first two
    pages lose it in the re-pass after the last document. Killed just before that re-pass, the rerun
    (every document unchanged) must still run it."""
    folder = tmp_path / "in" / "bayline-daily"
    folder.mkdir(parents=True)
    for path in sorted((DEMO / "text" / "bayline-daily").glob("*.txt")):
        # Bytes as they are (one file is windows-1252), the template line after the headline (at the
        # end it would follow the page's previous/next link and go as an unrelated headline).
        head, rest = re.split(rb"\r?\n\r?\n", path.read_bytes(), maxsplit=1)
        (folder / path.name).write_bytes(head + b"\n\n" + _TEMPLATE.encode("ascii") + b"\n\n" + rest)
    clean = tmp_path / "clean.db"
    run_ingest(clean, folder.parent)
    expected = snapshot(clean)
    # The case is real: the clean run removed the line from every page, the first ones by the re-pass.
    assert expected.articles and all(_TEMPLATE not in text for text, _, _ in expected.articles.values())
    db = tmp_path / "killed.db"
    command = ingest_command(db, folder.parent)
    child = subprocess.run(
        [sys.executable, "-c", _DIE_AT, "pipeline._apply_new_evidence", "0", *command[1:]],
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert child.returncode == -signal.SIGKILL, child.stderr[-2000:]
    run_ingest(db, folder.parent)
    got = snapshot(db)
    kept = [locator for locator, (text, _, _) in got.articles.items() if _TEMPLATE in text]
    assert not kept, f"the re-pass never ran after the kill: {kept}"
    assert got == expected
