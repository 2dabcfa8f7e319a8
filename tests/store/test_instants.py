"""Instants are stored as UTC on every backend: a page published with a UTC offset is the same moment
on SQLite as on PostgreSQL, and a SQLite store made before v8 (which dropped the offset) is healed
by its migration."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

import storyline
from storyline.config import PipelineConfig, StoreConfig
from storyline.store import Store
from storyline.store.instants import offsets_of
from tests.store.conftest import database

_PAGE = """<html><head><title>Port strike ends after talks</title>
<meta property="article:published_time" content="2019-11-19T09:01:42+05:30">
</head><body><article><h1>Port strike ends after talks</h1>
<p>Dock workers in Chennai ended a nine-day strike on Tuesday after the port authority agreed to
review the shift rota, union leaders said at a news conference outside the main gate.</p>
<p>The strike had held up container traffic across the region, with ships waiting offshore and
exporters warning of missed orders before the holiday season.</p>
<p>The port authority said normal working would resume with the evening shift and that the rota
review would report within a month.</p>
</article></body></html>"""

_UTC_INSTANT = datetime(2019, 11, 19, 3, 31, 42, tzinfo=UTC)


def _ingest_page(folder: Path, url: str) -> datetime | None:
    folder.mkdir(exist_ok=True)
    (folder / "strike.html").write_text(_PAGE, encoding="utf-8")
    report = storyline.ingest([folder], db=url, config=PipelineConfig(analyze_on_ingest=False))
    assert len(report.ingested) == 1, report
    (stored,) = storyline.articles(db=url)
    return stored.article.published


def test_an_offset_page_is_stored_as_utc(store_url: str, tmp_path: Path) -> None:
    assert _ingest_page(tmp_path / "pages", store_url) == _UTC_INSTANT


@pytest.mark.slow
def test_sqlite_and_postgresql_store_the_same_instant(pg_server: str, tmp_path: Path) -> None:
    on_sqlite = _ingest_page(tmp_path / "a", StoreConfig.for_path(tmp_path / "t.db").url)
    on_postgresql = _ingest_page(tmp_path / "b", database(pg_server, "instants"))
    assert on_sqlite == on_postgresql == _UTC_INSTANT
    # The raw column too, not only what the store hands back: both hold the UTC digits.
    with Store.open(StoreConfig.for_path(tmp_path / "t.db")) as store, store.engine.connect() as c:
        assert str(c.execute(text("SELECT published FROM articles")).scalar()).startswith(
            "2019-11-19 03:31:42"
        )


def test_a_v7_sqlite_store_is_healed_by_its_migration(tmp_path: Path) -> None:
    url = StoreConfig.for_path(tmp_path / "old.db").url
    _ingest_page(tmp_path / "pages", url)
    # Make it what v7 left: the wall-clock digits without their offset, its analysis current, and
    # the schema at v7.
    with Store.open(StoreConfig(url=url)) as store, store.engine.begin() as c:
        c.execute(text("UPDATE articles SET published = '2019-11-19 09:01:42.000000'"))
        c.execute(
            text(
                "INSERT INTO analyses (article_id, content_hash, text_hash, genre, hedge_share, "
                "sentences, entities, events, analyzed_at) SELECT id, content_hash, text_hash, 'report', "
                "0, '[]', '[]', '[]', '2026-01-01 00:00:00' FROM articles"
            )
        )
        c.execute(text("DELETE FROM schema_version WHERE version >= 8"))
    with Store.open(StoreConfig(url=url)) as store:
        (stored,) = store.articles()
        assert stored.article.published == _UTC_INSTANT
        # Its event dates were resolved against the old day: analysed again at the next run.
        assert store.articles_needing_analysis() == [stored.id]


def test_offsets_are_read_only_where_the_wall_clock_matches() -> None:
    wall = datetime(2019, 11, 19, 9, 1, 42)
    assert offsets_of(wall, 'content="2019-11-19T09:01:42+05:30"') == {timedelta(hours=5, minutes=30)}
    assert offsets_of(wall, "Tue, 19 Nov 2019 09:01:42 +0530") == {timedelta(hours=5, minutes=30)}
    # Another time of the page (modified later) says nothing of this one.
    assert offsets_of(wall, "2019-11-19T10:00:00+05:30") == set()
    # Two offsets for the same digits: ambiguous, so the caller leaves the instant alone.
    assert len(offsets_of(wall, "2019-11-19T09:01:42+05:30 2019-11-19T09:01:42Z")) == 2
