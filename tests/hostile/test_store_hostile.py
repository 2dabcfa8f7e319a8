"""Ways a store was poisoned before (issue 12), each tried again: two ingests at once, a reader while
a writer holds the database, one article saved in three folders, a file edited then reverted, and a
store an earlier version wrote an impossible date into."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import threading
import time
from pathlib import Path

import pytest

import storyline
from storyline.config import StoreConfig
from tests.conftest import DEMO, SEEDS, demo_config, need
from tests.hostile.conftest import (
    STORYLINE,
    CleanRun,
    child_env,
    ingest_command,
    integrity,
    run_ingest,
    snapshot,
)

# The demo's folders, in the order a folder walk gives them and reversed.
DEMO_PARTS = sorted(path for path in DEMO.iterdir())


def _together(db: Path, first: list[Path], second: list[Path]) -> None:
    """Start two ingests into ``db`` at the same moment and wait for both."""
    children = [
        subprocess.Popen(
            ingest_command(db, *inputs),
            env=child_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for inputs in (first, second)
    ]
    for child in children:
        _, err = child.communicate(timeout=900)
        assert child.returncode == 0, err[-3000:]


@pytest.mark.slow
@pytest.mark.parametrize("order", ["same", "reversed"])
def test_two_concurrent_ingests_give_one_ingests_store(
    clean_demo: CleanRun, tmp_path: Path, order: str
) -> None:
    db = tmp_path / "both.db"
    second = DEMO_PARTS if order == "same" else DEMO_PARTS[::-1]
    _together(db, DEMO_PARTS, second)
    assert integrity(db) == "ok"
    got = snapshot(db)
    # Every article once, with the clean run's text, removals and repairs.
    assert got.articles == clean_demo.snapshot.articles
    # One story per event (the demo has 9), the same partition as one ingest's.
    assert len(clean_demo.snapshot.stories) == 9
    assert got.stories == clean_demo.snapshot.stories
    # No false failures: the other process storing a document first is not an error.
    assert not [skip for skip in got.skips if skip[1] == "internal-error"], got.skips
    assert got.skips == clean_demo.snapshot.skips
    # Each document stored once, under one revision.
    everything = storyline.articles(db=db, all_revisions=True)
    assert len(everything) == len(got.articles)
    assert {s.revision for s in everything} == {1}


def _hold_write_lock(db: Path, seconds: float, holding: threading.Event) -> None:
    """Another process's write transaction, as an ingest holds one while it stores a document."""
    connection = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("UPDATE articles SET title = title WHERE id = (SELECT min(id) FROM articles)")
        holding.set()
        time.sleep(seconds)
        connection.execute("ROLLBACK")
    finally:
        connection.close()


@pytest.mark.slow  # needs the clean demo run (the whole demo ingested in a child process)
def test_a_reader_never_waits_on_a_writer(clean_demo: CleanRun, tmp_path: Path) -> None:
    db = tmp_path / "held.db"
    shutil.copy(clean_demo.db, db)
    hold = 25.0  # long enough for a CLI start on a busy machine
    holding = threading.Event()
    writer = threading.Thread(target=_hold_write_lock, args=(db, hold, holding))
    writer.start()
    try:
        assert holding.wait(10)
        # A lock wait shorter than the hold: a reader that waited for the writer would fail here.
        config = StoreConfig(url=f"sqlite:///{db}", lock_timeout=2.0)
        started = time.monotonic()
        stored = storyline.articles(db=config)
        stories = storyline.stories(db=config)
        api_seconds = time.monotonic() - started
        assert len(stored) == len(clean_demo.snapshot.articles)
        assert len(stories) == len(clean_demo.snapshot.stories)
        # The command line, as a user runs it while an ingest is writing.
        started = time.monotonic()
        done = subprocess.run(
            [str(STORYLINE), "stories", "--json", "--db", str(db)],
            env=child_env(),
            capture_output=True,
            text=True,
            timeout=hold * 4,
        )
        cli_seconds = time.monotonic() - started
        assert writer.is_alive(), "the writer let go before the reader finished: the test proved nothing"
        assert done.returncode == 0, done.stderr[-2000:]
        assert len(json.loads(done.stdout)) == len(clean_demo.snapshot.stories)
        print(f"reads under a held write lock: API {api_seconds:.2f}s, CLI {cli_seconds:.2f}s")
    finally:
        writer.join()


def test_one_article_saved_in_three_folders_loses_nothing(tmp_path: Path) -> None:
    """Identical copies of a page are one page of evidence: none of its paragraphs is furniture."""
    outlet_pages = DEMO / "pages" / "harbor-courier"
    alone = tmp_path / "alone.db"
    storyline.ingest([outlet_pages], db=alone, config=demo_config(analyze_on_ingest=False))
    copies = tmp_path / "copies"
    for name in ("saved", "backup", "archive"):
        shutil.copytree(outlet_pages, copies / name)
    db = tmp_path / "three.db"
    storyline.ingest([copies], db=db, config=demo_config(analyze_on_ingest=False))
    reference = {Path(s.article.locator).name: s.article for s in storyline.articles(db=alone)}
    assert reference, f"nothing ingested from {outlet_pages}"
    stored = storyline.articles(db=db)
    assert len(stored) == 3 * len(reference)
    for item in stored:
        expected = reference[Path(item.article.locator).name]
        assert item.article.text == expected.text, item.article.locator
        repeated = [r.text for r in item.article.removed if r.reason.startswith("repeated on")]
        expected_repeated = [r.text for r in expected.removed if r.reason.startswith("repeated on")]
        assert sorted(repeated) == sorted(expected_repeated), item.article.locator


_ORIGINAL = """Harbour bridge reopens after repairs

The harbour bridge reopened to traffic on Monday after six weeks of repairs to its deck, the city's
transport office said, ahead of the schedule it gave when the works began in the spring.

Engineers replaced forty expansion joints and resurfaced both lanes, and the speed limit returns to
fifty kilometres an hour once the last markings are painted later this week, the office said.
"""


def test_editing_then_reverting_a_file_restores_its_revision(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    page = folder / "bridge.txt"
    db = tmp_path / "s.db"
    config = demo_config(analyze_on_ingest=False)
    page.write_text(_ORIGINAL, encoding="utf-8")
    storyline.ingest([folder], db=db, config=config)
    (first,) = storyline.articles(db=db)
    page.write_text(_ORIGINAL.replace("forty expansion joints", "sixty expansion joints"), encoding="utf-8")
    storyline.ingest([folder], db=db, config=config)
    (edited,) = storyline.articles(db=db)
    assert edited.revision == 2 and "sixty" in edited.article.text
    page.write_text(_ORIGINAL, encoding="utf-8")
    report = storyline.ingest([folder], db=db, config=config)
    (latest,) = storyline.articles(db=db)
    assert latest.article.text == first.article.text
    assert latest.id == first.id and latest.revision == 1
    assert first.id in report.revised
    # Reverting again to the edit, then back: still one latest revision each time, no new rows.
    page.write_text(_ORIGINAL.replace("forty expansion joints", "sixty expansion joints"), encoding="utf-8")
    storyline.ingest([folder], db=db, config=config)
    (again,) = storyline.articles(db=db)
    assert again.id == edited.id
    assert len(storyline.articles(db=db, all_revisions=True)) == 2


@pytest.mark.slow
def test_a_demo_store_with_impossible_dates_ingests_the_seeds_by_the_command_line(
    clean_demo: CleanRun, tmp_path: Path
) -> None:
    """Unlike tests/realinput/test_resilience.py (one page, the Python API), a whole grouped demo store
    poisoned in raw SQL, as an earlier version left it, then the user's commands."""
    need(SEEDS)
    db = tmp_path / "poisoned.db"
    shutil.copy(clean_demo.db, db)
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE articles SET published = '0001-01-01 00:00:00.000000'")
    run_ingest(db, SEEDS)
    for command in (["stories", "--json"], ["articles", "--json"], ["skips", "--json"]):
        done = subprocess.run(
            [str(STORYLINE), *command, "--db", str(db)],
            env=child_env(),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        json.loads(done.stdout)
    stored = storyline.articles(db=db)
    assert len(stored) == len(clean_demo.snapshot.articles) + 3
    assert all(s.article.published is None or s.article.published.year > 1900 for s in stored)
    placed = {a.id for s in storyline.stories(db=db) for a in s.articles}
    assert {s.id for s in stored} <= placed
