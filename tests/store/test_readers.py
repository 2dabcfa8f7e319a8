"""The store's readers: follows (validated, idempotent, per reader), visits, briefs kept while a
story's members stay the same, what an ingest did, and what was placed since a moment."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete as sql_delete
from sqlalchemy import false

import storyline
from storyline.config import AnalyzeConfig, PipelineConfig, StoreConfig
from storyline.errors import ConfigError, NotFound
from storyline.model import IngestReport
from storyline.pipeline.brief import brief_settings, brief_version
from storyline.reading import ingest_outcome
from storyline.store import Store, readers
from storyline.store.readers import Visit
from tests.web.conftest import copy_store


@pytest.fixture
def store(demo_db: Path, tmp_path: Path) -> Store:
    return Store.open(StoreConfig.for_path(copy_store(demo_db, tmp_path / "r.db")))


def test_follows_are_per_reader_idempotent_and_validated(store: Store) -> None:
    first = store.follow("alice", "entity", "  Tomas   Novak ")
    assert first.value == "Tomas Novak"
    assert store.follow("alice", "entity", "Tomas Novak") == first
    other = store.follow("bob", "entity", "Tomas Novak")
    assert other.id != first.id and other.key != first.key
    assert [f.value for f in store.follows("alice")] == ["Tomas Novak"]
    assert store.follow_by_key(first.key) == first
    for kind, value in (("planet", "Mars"), ("thread", "twelve"), ("query", "   ")):
        with pytest.raises(ConfigError):
            store.follow("alice", kind, value)
    with pytest.raises(NotFound):
        store.unfollow("bob", first.id)  # not Bob's
    store.unfollow("alice", first.id)
    assert store.follows("alice") == []
    with pytest.raises(NotFound):
        store.follow_by_key(first.key)


def test_visits_are_remembered_per_reader_and_story(store: Store) -> None:
    story = store.stories(limit=1)[0]
    assert store.visits("alice", [story.id]) == {}
    seen = Visit(
        story.id, frozenset(a.id for a in story.articles), {"person": "12 people"}, datetime.now(UTC)
    )
    store.save_visit("alice", seen)
    store.save_visit("alice", seen)  # replaces, never duplicates
    again = store.visits("alice", [story.id])[story.id]
    assert again.articles == seen.articles and again.figures == {"person": "12 people"}
    assert store.visits("bob", [story.id]) == {}


def test_a_kept_brief_is_served_only_while_the_members_are_the_same(store: Store, demo_db: Path) -> None:
    story = store.stories(limit=1)[0]
    version = brief_version(story)
    fewer = brief_version(replace(story, articles=story.articles[:-1]))
    brief = storyline.brief_story(story.id, store.engine.url.database, length="short")
    key = brief_settings(PipelineConfig())
    assert store.saved_brief(story.id, "short", version, key) == brief  # stored by the first reader
    assert store.saved_brief(story.id, "short", fewer, key) is None
    other = brief_settings(PipelineConfig(analyze=AnalyzeConfig(embedder="minilm-static")))
    assert store.saved_brief(story.id, "short", version, other) is None  # other settings: made again
    assert store.saved_brief(story.id, "medium", version, key) in (
        None,
        storyline.brief_story(story.id, demo_db, length="medium"),
    )


def test_a_brief_or_visit_saved_meanwhile_by_another_process_is_no_error(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL's race, played on SQLite: two runners delete the brief's row (neither finds one)
    and both insert. The second insert breaks the key: the first brief is kept, nothing is raised."""
    story = store.stories(limit=1)[0]
    version = brief_version(story)
    key = brief_settings(PipelineConfig())
    brief = storyline.brief_story(story.id, store.engine.url.database, length="short")
    assert store.saved_brief(story.id, "short", version, key) == brief
    seen = Visit(story.id, frozenset(a.id for a in story.articles), {}, datetime.now(UTC))
    store.save_visit("alice", seen)
    # The other process's delete ran before this one's insert: here, a delete that finds nothing.
    monkeypatch.setattr(readers, "delete", lambda table: sql_delete(table).where(false()))
    store.save_brief(story.id, "older", brief, key)  # the unique key breaks: no error
    store.save_visit("alice", replace(seen, figures={"person": "3 people"}))
    assert store.saved_brief(story.id, "short", version, key) == brief  # the first one is kept
    assert store.visits("alice", [story.id])[story.id].figures == {}
    monkeypatch.undo()
    assert store.forget_briefs() >= 1 and store.saved_brief(story.id, "short", version, key) is None


def test_ingest_outcome_and_placed_since(store: Store) -> None:
    ids = [a.id for s in store.stories() for a in s.articles]
    long_ago = datetime.now(UTC) - timedelta(days=3650)
    outcome = ingest_outcome(store.engine.url.database, IngestReport(tuple(ids)), long_ago)
    assert outcome.articles == len(ids)
    assert outcome.stories_made == len(store.stories()) and outcome.stories_changed == 0
    assert outcome.outlet_unknown == 0 and not outcome.mostly_unknown  # the demo names its outlets
    later = ingest_outcome(store.engine.url.database, IngestReport(tuple(ids)), datetime.now(UTC))
    assert later.stories_made == 0 and later.stories_changed == len(store.stories())
    placed = store.placed_since(long_ago)
    assert sum(len(v) for v in placed.values()) == len(ids)
    assert store.placed_since(datetime.now(UTC)) == {}
