"""A bad date, or a failure in one article's grouping, never blocks a batch or poisons a store."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import update

import storyline
from storyline.config import PipelineConfig, StoreConfig
from storyline.store import Store
from storyline.store.schema import articles
from tests.conftest import SEEDS, need


def _page(folder: Path, name: str, date: str, subject: str) -> Path:
    body = "".join(
        f"<p>The council debated the {subject} for a {n}th time on Tuesday, and residents said the plan "
        f"for the {subject} would change the old town for good.</p>"
        for n in range(1, 6)
    )
    path = folder / name
    path.write_text(
        f"<html><head><title>Council votes on the {subject}</title>"
        f'<meta property="article:published_time" content="{date}"></head>'
        f"<body><article><h1>Council votes on the {subject}</h1>{body}</article></body></html>",
        encoding="utf-8",
    )
    return path


def test_an_impossible_date_never_reaches_grouping(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    _page(folder, "a.html", "0001-01-01T00:00:00Z", "bridge")
    _page(folder, "b.html", "2014-03-08T10:00:00Z", "tunnel")
    db = tmp_path / "s.db"
    report = storyline.ingest([folder], db=db)
    assert len(report.ingested) == 2 and not report.skipped
    stored = {Path(s.article.locator).name: s.article for s in storyline.articles(db=db)}
    assert stored["a.html"].published is None
    assert stored["b.html"].published is not None and stored["b.html"].date_source == "metadata"
    # Both are in stories: grouping ran.
    assert sum(len(s.articles) for s in storyline.stories(db=db)) == 2


def test_a_store_poisoned_by_an_earlier_version_heals(tmp_path: Path) -> None:
    """An earlier version stored 0001-01-01 unchecked; every later ingest crashed in grouping."""
    need(SEEDS)
    folder = tmp_path / "in"
    folder.mkdir()
    _page(folder, "a.html", "2014-03-08T10:00:00Z", "bridge")
    db = tmp_path / "s.db"
    storyline.ingest([folder], db=db, config=PipelineConfig(analyze_on_ingest=False))
    with Store.open(StoreConfig.for_path(db)) as store, store.engine.begin() as connection:
        connection.execute(update(articles).values(published=datetime(1, 1, 1, tzinfo=UTC)))
    report = storyline.ingest([SEEDS], db=db)
    assert len(report.ingested) == 3
    placed = {a.id for s in storyline.stories(db=db) for a in s.articles}
    assert len(placed) == 4  # the healed article and the three seeds
    assert all(
        s.article.published is None or s.article.published.year > 1900 for s in storyline.articles(db=db)
    )


def test_a_failure_grouping_one_article_is_recorded_and_retried(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fault injection: grouping raises on one article only. The batch goes on, the failure is
    listed with the skips, and the next ingest places the article."""
    import storyline.pipeline.group as pipeline

    folder = tmp_path / "in"
    folder.mkdir()
    _page(folder, "a.html", "2014-03-08T10:00:00Z", "bridge")
    _page(folder, "b.html", "2014-03-09T10:00:00Z", "tunnel")
    db = tmp_path / "s.db"
    real_place = pipeline._place

    def flaky(store, grouper, stored, *args):  # type: ignore[no-untyped-def]
        if stored.article.locator.endswith("a.html"):
            raise RuntimeError("injected failure")
        return real_place(store, grouper, stored, *args)

    monkeypatch.setattr(pipeline, "_place", flaky)
    storyline.ingest([folder], db=db)
    placed = {Path(a.source).name for s in storyline.stories(db=db) for a in s.articles}
    assert placed == {"b.html"}
    failed = [s for s in storyline.skips(db=db) if s.code == "group-failed"]
    assert len(failed) == 1 and "injected failure" in failed[0].message
    monkeypatch.setattr(pipeline, "_place", real_place)
    storyline.ingest([folder], db=db)  # nothing new to read; the failed article is retried
    placed = {Path(a.source).name for s in storyline.stories(db=db) for a in s.articles}
    assert placed == {"a.html", "b.html"}
    assert not [s for s in storyline.skips(db=db) if s.code == "group-failed"]


def test_chinese_text_is_ingested(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    sentence = "北京市政府周二宣布,将在明年春天开始建设一座横跨河流的新桥,预计工期两年。"
    (folder / "zh.txt").write_text("新桥建设计划公布\n\n" + sentence * 4, encoding="utf-8")
    db = tmp_path / "s.db"
    report = storyline.ingest([folder], db=db)
    assert len(report.ingested) == 1, report.skipped
    article = storyline.articles(db=db)[0].article
    assert article.language == "zh" and article.word_count > 40
