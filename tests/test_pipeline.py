"""Ingest end to end: idempotent, revisions, bad input never ends a batch, resumable after kill -9."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import storyline
from tests.conftest import DEMO, ROOT, demo_config

TEXT = DEMO / "text/lakeside-observer/rescuers-search-vietnam-landslide.txt"


def test_demo_ingest_summary(demo_db: Path, truth: dict[str, Any]) -> None:
    stored = storyline.articles(db=demo_db)
    assert len(stored) == len(truth["articles"]) == 36
    skipped = {Path(s.locator).name: s.code for s in storyline.skips(db=demo_db)}
    assert skipped == {"empty.txt": "empty", "chart.png": "binary", "broken-upload.html": "binary"}
    assert len({s.article.outlet.split(" – ")[0] for s in stored if s.article.outlet}) >= 7


def test_reingesting_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    first = storyline.ingest([DEMO], db=db, config=demo_config())
    before = {(s.id, s.article.text, s.article.removed) for s in storyline.articles(db=db)}
    second = storyline.ingest([DEMO], db=db, config=demo_config())
    assert len(first.ingested) == 36 and not second.ingested and not second.revised
    assert second.unchanged == 36
    assert {(s.id, s.article.text, s.article.removed) for s in storyline.articles(db=db)} == before
    assert len(storyline.skips(db=db)) == 3  # the same skips, not twice as many


def test_changed_file_becomes_a_new_revision(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    copy = tmp_path / "in" / "story.txt"
    copy.parent.mkdir()
    shutil.copy(TEXT, copy)
    storyline.ingest([copy], db=db)
    copy.write_text(
        TEXT.read_text(encoding="utf-8") + "\n\nRescue teams said on Friday that the search would continue.\n"
    )
    report = storyline.ingest([copy], db=db)
    assert len(report.revised) == 1 and not report.ingested
    latest = storyline.articles(db=db)
    assert len(latest) == 1 and latest[0].revision == 2
    assert "search would continue" in latest[0].article.text
    assert len(storyline.articles(db=db, all_revisions=True)) == 2


def test_bad_input_is_skipped_by_name_and_the_batch_goes_on(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(TEXT, folder / "good.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 20)
    with (folder / "dump.html").open("wb") as handle:  # 200 MB, sparse: refused before it is read
        handle.truncate(200 * 1024 * 1024)
    (folder / "nav-only.html").write_text(
        "<html><body><nav><a href='/'>Home</a></nav><p>Sign in</p></body></html>"
    )
    (folder / "broken.html").write_text("<html><body><div><p>Unclosed <b>markup<div></html")
    (folder / "feed.xml").write_text("<rss><channel><title>x</rss></channel>")
    (folder / "other.xml").write_text('<?xml version="1.0"?><invoice><total>3</total></invoice>')
    db = tmp_path / "t.db"
    report = storyline.ingest([folder, tmp_path / "does-not-exist"], db=db)
    codes = {Path(s.locator).name: s.code for s in report.skipped}
    assert codes == {
        "empty.txt": "empty",
        "photo.jpg": "binary",
        "dump.html": "too-large",
        "nav-only.html": "no-article",
        "broken.html": "no-article",
        "feed.xml": "malformed-feed",
        "other.xml": "unsupported",
        "does-not-exist": "not-found",
    }
    assert len(report.ingested) == 1
    assert all(s.message for s in report.skipped)
    # A second batch with more bad input loses nothing that was stored.
    (folder / "empty2.txt").write_bytes(b"   \n")
    storyline.ingest([folder], db=db)
    assert len(storyline.articles(db=db)) == 1


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(db) as connection:
            return int(connection.execute("select count(*) from articles").fetchone()[0])
    except sqlite3.Error:
        return 0


@pytest.mark.slow  # ingests in a child process killed with kill -9, then again to the end
def test_kill_9_then_rerun_finishes_without_loss_or_duplicates(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    base = TEXT.read_text(encoding="utf-8")
    for n in range(150):
        (folder / f"story{n:03}.txt").write_text(
            f"{base}\n\nUpdate number {n} from the newsroom.\n", encoding="utf-8"
        )
    db = tmp_path / "t.db"
    process = subprocess.Popen(
        [sys.executable, "-m", "storyline.cli", "ingest", str(folder), "--db", str(db), "--json"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while _count(db) < 20 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    halfway = _count(db)
    assert 0 < halfway < 150, "the kill should land halfway through the batch"
    report = storyline.ingest([folder], db=db)
    assert report.unchanged == halfway
    assert len(report.ingested) == 150 - halfway
    with sqlite3.connect(db) as connection:
        assert connection.execute("select count(*), count(distinct locator) from articles").fetchone() == (
            150,
            150,
        )
        assert connection.execute("select count(*) from documents").fetchone()[0] == 150
