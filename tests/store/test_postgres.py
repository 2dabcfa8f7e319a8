"""The same pipeline on a real PostgreSQL server (the ``pg_server`` of tests/store/conftest.py): no
mocks. The store's own queries run there too, through the ``store`` fixture of every store test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import storyline
from storyline import readers, reading
from tests.conftest import DEMO, DEMO_OUTLETS, ROOT, demo_config
from tests.store.conftest import database

pytestmark = pytest.mark.slow


def _partition(db: object) -> set[frozenset[str]]:
    return {frozenset(Path(a.source).name for a in s.articles) for s in storyline.stories(db=db)}  # type: ignore[arg-type]


def test_demo_on_postgresql_equals_sqlite(pg_server: str, demo_db: Path) -> None:
    url = database(pg_server, "demo")
    first = storyline.ingest([DEMO], db=url, config=demo_config())
    assert len(first.ingested) == 36
    assert _partition(url) == _partition(demo_db)
    assert len(storyline.stories(db=url)) == 9
    again = storyline.ingest([DEMO], db=url, config=demo_config())
    assert not again.ingested and not again.revised
    brief = storyline.brief_story(storyline.stories(db=url)[0].id, db=url)
    assert brief.lead and brief.lead[0].citations
    names = {o["name"] for o in storyline.outlets(url)}
    assert {"Meridian Wire", "Bayline Daily"} <= names
    # Full text through tsvector (SQLite's FTS5 in the web tests): every hit holds the words.
    hits = reading.search(url, "pension rights", limit=50)
    assert hits and all(
        "[pension]" in h.snippet.lower() or "pension" in (h.title or "").lower() for h in hits
    )
    found = reading.find_stories(url, where=reading.StoryFilter(query="pension rights"))
    assert {h.story_id for h in hits} == {s.id for s in found.stories}
    # Ranked and paged there too; the reader's tables (follows, visits, kept briefs) work on it.
    page = reading.search_page(url, "pension rights", limit=2, offset=1)
    assert page.total == len(hits) and [h.article_id for h in page.hits] == [h.article_id for h in hits[1:3]]
    ranked = reading.find_stories(url, where=reading.StoryFilter(query="pension rights"), order="relevance")
    assert ranked.stories[0].id == hits[0].story_id
    for order in ("top", "covered", "latest"):
        assert reading.find_stories(url, order=order).total == 9
    item = readers.follow(url, "pg-reader", "query", "pension rights")
    assert readers.follows(url, "pg-reader") == [item]
    story = storyline.story(ranked.stories[0].id, db=url).story
    assert not readers.visit_story(url, "pg-reader", story, brief).any  # a first visit
    assert readers.news(url, "pg-reader", [story]) == {}
    assert readers.saved_briefs(url, [story], "medium")  # kept at ingest


def test_two_concurrent_ingests_on_postgresql(pg_server: str, demo_db: Path) -> None:
    url = database(pg_server, "concurrent")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    command = [sys.executable, "-m", "storyline.cli", "ingest", str(DEMO), "--db", url, "--json"]
    command += ["--outlets", str(DEMO_OUTLETS)]
    runs = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)
    ]
    for run in runs:
        _, err = run.communicate(timeout=900)
        assert run.returncode == 0, err.decode()[-2000:]
    assert len(storyline.articles(db=url)) == 36
    assert not [s for s in storyline.skips(db=url) if s.code == "internal-error"]
    assert _partition(url) == _partition(demo_db)
