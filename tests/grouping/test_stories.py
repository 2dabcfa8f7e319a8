"""Stories and threads on the demo corpus (whose truth.json says which event each article reports)
and on the seeds, through the real pipeline."""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

import storyline
from storyline.store import StoredArticle
from tests.conftest import DEMO


def _events_by_story(
    demo_db: Path, demo_articles: dict[str, StoredArticle], truth: dict[str, Any]
) -> dict[int, set[str]]:
    event_of = {
        demo_articles[item["path"]].id: item["event"]
        for item in truth["articles"]
        if item["path"] in demo_articles
    }
    out: dict[int, set[str]] = defaultdict(set)
    for story in storyline.stories(demo_db):
        for article in story.articles:
            out[story.id].add(event_of[article.id])
    return out


def test_each_demo_event_is_one_story(
    demo_db: Path, demo_articles: dict[str, StoredArticle], truth: dict[str, Any]
) -> None:
    by_story = _events_by_story(demo_db, demo_articles, truth)
    # Every story holds one event, and every event is one story: the partition is exact.
    assert all(len(events) == 1 for events in by_story.values()), by_story
    assert sorted(e for events in by_story.values() for e in events) == sorted(
        e["id"] for e in truth["events"]
    )


def test_every_article_is_in_a_story(demo_db: Path) -> None:
    placed = sum(len(s.articles) for s in storyline.stories(demo_db))
    assert placed == len(storyline.articles(demo_db))


def test_demo_thread_links_the_two_brazil_portugal_stories(
    demo_db: Path, demo_articles: dict[str, StoredArticle], truth: dict[str, Any]
) -> None:
    by_story = _events_by_story(demo_db, demo_articles, truth)
    thread_of = {s.id: s.thread for s in storyline.stories(demo_db)}
    expected = defaultdict(set)
    for event in truth["events"]:
        if event["thread"]:
            expected[event["thread"]].add(event["id"])
    threaded = defaultdict(set)
    for sid, events in by_story.items():
        if thread_of[sid] is not None:
            threaded[thread_of[sid]] |= events
    assert sorted(map(sorted, threaded.values())) == sorted(map(sorted, expected.values()))
    story_e1 = next(sid for sid, events in by_story.items() if "E1" in events)
    view = storyline.story(story_e1, demo_db)
    assert len(view.story.related) == 1
    assert "Helena Amaral" in view.story.related[0].reason


def test_syndicated_copy_points_at_its_original_and_is_not_an_independent_source(
    demo_db: Path, demo_articles: dict[str, StoredArticle], truth: dict[str, Any]
) -> None:
    copies = [
        (item["path"], item["syndicated_from"]) for item in truth["articles"] if item["syndicated_from"]
    ]
    assert copies
    for path, original in copies:
        found = next(
            s for s in storyline.stories(demo_db) if any(a.id == demo_articles[path].id for a in s.articles)
        )
        member = next(a for a in found.articles if a.id == demo_articles[path].id)
        assert member.duplicate_of == demo_articles[original].id
        # The copy's outlet counts only if another, independent article of it is in the story.
        independent = {a.outlet for a in found.articles if a.duplicate_of is None}
        assert set(found.outlets) == independent


def test_story_view_shape(
    demo_db: Path, demo_articles: dict[str, StoredArticle], truth: dict[str, Any]
) -> None:
    first = storyline.stories(demo_db)[0]
    data = storyline.story(first.id, demo_db).to_dict()
    # The story's own record, and one truth event's articles (demo/truth.json), grouped by outlet.
    assert {k: data[k] for k in ("id", "title", "thread", "articles", "related")} == {
        k: first.to_dict()[k] for k in ("id", "title", "thread", "articles", "related")
    }
    ids = {a["id"] for a in data["articles"]}
    (event,) = _events_by_story(demo_db, demo_articles, truth)[first.id]
    assert ids == {demo_articles[i["path"]].id for i in truth["articles"] if i["event"] == event}
    assert data["title"] in {a["title"] for a in data["articles"]}
    by_outlet = {o: sorted(a["id"] for a in items) for o, items in data["articles_by_outlet"].items()}
    assert by_outlet == {
        o: sorted(a["id"] for a in data["articles"] if (a["outlet"] or "(unknown outlet)") == o)
        for o in by_outlet
    }
    # Entities are resolved over the story's own articles, most reported first.
    assert data["entities"] and all(set(e["article_ids"]) <= ids for e in data["entities"])
    assert all(e["articles"] == len(e["article_ids"]) for e in data["entities"])
    counts = [e["articles"] for e in data["entities"]]
    assert counts == sorted(counts, reverse=True)
    # Events come from the story's articles, each with its sentence, in time order.
    texts = {a.id: a.article.text for a in demo_articles.values() if a.id in ids}
    assert data["events"] and all(e["text"] in texts[e["article_id"]] for e in data["events"])
    dates = [str(e["date"] or e["published"] or "~") for e in data["events"]]
    assert dates == sorted(dates)


def test_seeds_two_stories_one_thread(seeds_db: Path, seed_articles: dict[str, StoredArticle]) -> None:
    found = storyline.stories(seeds_db)
    story_of = {a.id: s.id for s in found for a in s.articles}
    assert story_of[seed_articles["000"].id] == story_of[seed_articles["003"].id]
    assert story_of[seed_articles["004"].id] != story_of[seed_articles["000"].id]
    threads = {s.id: s.thread for s in found}
    assert threads[story_of[seed_articles["000"].id]] is not None
    assert threads[story_of[seed_articles["000"].id]] == threads[story_of[seed_articles["004"].id]]
    view = storyline.story(story_of[seed_articles["004"].id], seeds_db)
    assert "Vladimir Putin" in view.story.related[0].reason


def test_reingest_changes_no_story(demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "copy.db"
    shutil.copy(demo_db, db)
    before = [(s.id, sorted(a.id for a in s.articles), s.thread) for s in storyline.stories(db)]
    storyline.ingest([DEMO], db=db)
    after = [(s.id, sorted(a.id for a in s.articles), s.thread) for s in storyline.stories(db)]
    assert before == after


def _new_article(folder: Path, name: str, title: str, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(f"{title}\n\nPublished: 2026-11-03\n\n{body}\n", encoding="utf-8")
    return path


LANDSLIDE_FOLLOW_UP = (
    "Rescue teams in Lào Cai province resumed digging through mud in Nậm Khe village on Tuesday after the "
    "landslide in Bát Xát district, Vietnam, as the death toll stood at 14. Officials in Lào Cai said more "
    "than 60 homes had been buried or destroyed by the landslide and that soldiers had joined the search. "
    "Families in Nậm Khe waited near the edge of the slide while excavators cleared the road into the village."
)


def test_split_by_hand_survives_a_later_ingest(demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "split.db"
    shutil.copy(demo_db, db)
    story = next(s for s in storyline.stories(db) if "landslide" in (s.title or "").lower())
    leaving = [story.articles[-1].id]
    new = storyline.split_story(story.id, leaving, db)
    assert [a.id for a in storyline.story(new, db).story.articles] == leaving
    extra = _new_article(
        tmp_path / "more", "landslide-follow-up.txt", "Vietnam landslide search goes on", LANDSLIDE_FOLLOW_UP
    )
    storyline.ingest([extra], db=db)
    # The split holds: the moved article is still apart, and the two were not merged back.
    assert [a.id for a in storyline.story(new, db).story.articles][:1] == leaving
    kept = storyline.story(story.id, db).story
    assert leaving[0] not in {a.id for a in kept.articles}
    assert storyline.story(new, db).story.id != kept.id
    with pytest.raises(storyline.errors.StorylineError):
        storyline.split_story(story.id, [999_999], db)


def test_merge_by_hand_survives_a_later_ingest(demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "merge.db"
    shutil.copy(demo_db, db)
    found = storyline.stories(db)
    a, b = found[0], found[1]
    kept = storyline.merge_stories(a.id, b.id, db)
    members = {x.id for x in storyline.story(kept, db).story.articles}
    assert members == {x.id for x in a.articles} | {x.id for x in b.articles}
    # The merged-away id still leads to the merged story.
    assert storyline.story(b.id, db).story.id == kept
    extra = _new_article(
        tmp_path / "more", "landslide-follow-up.txt", "Vietnam landslide search goes on", LANDSLIDE_FOLLOW_UP
    )
    storyline.ingest([extra], db=db)
    assert members <= {x.id for x in storyline.story(kept, db).story.articles}


def test_new_article_joins_its_story_online(demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "online.db"
    shutil.copy(demo_db, db)
    landslide = next(s for s in storyline.stories(db) if "landslide" in (s.title or "").lower())
    extra = _new_article(
        tmp_path / "more", "landslide-follow-up.txt", "Vietnam landslide search goes on", LANDSLIDE_FOLLOW_UP
    )
    storyline.ingest([extra], db=db)
    after = storyline.story(landslide.id, db).story
    assert len(after.articles) == len(landslide.articles) + 1
    assert len(storyline.stories(db)) == len(storyline.stories(demo_db))


def test_cli_stories_and_story_json(demo_db: Path) -> None:
    from typer.testing import CliRunner

    from storyline.cli import app

    runner = CliRunner()
    listed = runner.invoke(app, ["stories", "--db", str(demo_db), "--json"])
    assert listed.exit_code == 0, listed.output
    data = json.loads(listed.output)
    # The CLI prints what the Python API returns: the nine demo stories, most recent first.
    assert data == json.loads(json.dumps([s.to_dict() for s in storyline.stories(demo_db)]))
    assert len(data) == 9
    last = [s["last_seen"] for s in data]
    assert last == sorted(last, reverse=True)
    assert all(s["article_count"] == len(s["articles"]) for s in data)
    shown = runner.invoke(app, ["story", str(data[0]["id"]), "--db", str(demo_db), "--json"])
    assert shown.exit_code == 0, shown.output
    view = storyline.story(data[0]["id"], demo_db).to_dict()
    assert json.loads(shown.output) == json.loads(json.dumps(view))


def test_candidates_from_the_index_give_the_same_stories(
    demo_db: Path, demo_articles: dict[str, StoredArticle], truth: dict[str, Any], tmp_path: Path
) -> None:
    """With more stories than ``candidates``, a story is only compared if the HNSW index over
    centroids returns it: regrouping the demo with 2 candidates must still give every event one
    story (the index finds the right one)."""
    from storyline.config import PipelineConfig, StoreConfig, StoryConfig
    from storyline.pipeline import group_pending
    from storyline.store import Store

    db = tmp_path / "index.db"
    shutil.copy(demo_db, db)
    with Store.open(StoreConfig.for_path(db)) as store:
        store.forget_stories()
        placed = group_pending(store, PipelineConfig(stories=StoryConfig(candidates=2)))
    assert placed == sum(len(s.articles) for s in storyline.stories(demo_db))

    def partition(path: Path) -> list[list[str]]:
        return sorted(sorted(events) for events in _events_by_story(path, demo_articles, truth).values())

    assert partition(db) == partition(demo_db)


def test_centroid_index_is_saved_and_reused_until_a_story_changes(demo_db: Path, tmp_path: Path) -> None:
    from storyline.config import PipelineConfig, StoreConfig
    from storyline.pipeline.group import _saved_index
    from storyline.store import Store

    db = tmp_path / "saved.db"
    shutil.copy(demo_db, db)
    extra = _new_article(
        tmp_path / "more", "landslide-follow-up.txt", "Vietnam landslide search goes on", LANDSLIDE_FOLLOW_UP
    )
    storyline.ingest([extra], db=db)
    with Store.open(StoreConfig.for_path(db)) as store:
        assert store.index_path is not None and store.index_path.exists()
        saved = _saved_index(store, "minilm-onnx", 384, PipelineConfig())
        # Only the stories an article could still join (seen within the window) are indexed.
        assert saved is not None and 0 < len(saved) <= len(storyline.stories(db))
    first, second = (s.id for s in storyline.stories(db)[:2])
    storyline.merge_stories(first, second, db)
    with Store.open(StoreConfig.for_path(db)) as store:
        # A story changed by hand: the saved index no longer describes the stories.
        assert _saved_index(store, "minilm-onnx", 384, PipelineConfig()) is None
