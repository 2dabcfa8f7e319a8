"""The database gateway: migrations, round trips, the same schema on any SQLAlchemy URL."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, text

from storyline.config import StoreConfig
from storyline.model import (
    Article,
    Block,
    BlockKind,
    ContentKind,
    RawDocument,
    Removal,
    Repair,
    Skip,
    SourceKind,
)
from storyline.store import Store
from storyline.store.schema import MIGRATIONS


def _raw(content: bytes = b"x") -> RawDocument:
    return RawDocument("/news/a.txt", SourceKind.FILE, content, datetime(2026, 1, 2, tzinfo=UTC))


def _article(raw: RawDocument) -> Article:
    return Article(
        locator=raw.locator,
        content_hash=raw.content_hash,
        title="Bridge reopens",
        blocks=(Block(BlockKind.HEADING, "Traffic"), Block(BlockKind.PARAGRAPH, "The bridge reopened.")),
        outlet="City News",
        published=datetime(2026, 1, 2, 9, 30, tzinfo=UTC),
        language="en",
        removed=(Removal("Advertisement", "advertisement", "furniture"),),
        repairs=(Repair("lossy-mojibake", "â", "’", 3),),
    )


def test_migrations_are_recorded_and_run_once(tmp_path: Path) -> None:
    config = StoreConfig.for_path(tmp_path / "t.db")
    with Store.open(config) as store:
        tables = set(inspect(store.engine).get_table_names())
        assert {"documents", "articles", "skips", "outlet_lines", "schema_version"} <= tables
    with Store.open(config) as store, store.engine.connect() as connection:
        versions = connection.execute(text("select version from schema_version")).scalars().all()
        assert versions == list(range(1, len(MIGRATIONS) + 1))
        assert connection.execute(text("pragma journal_mode")).scalar() == "wal"


def test_article_round_trip(store: Store) -> None:
    raw = _raw()
    article_id, revision = store.save(raw, _article(raw), {"k1", "k2"})
    assert revision == 1 and store.is_known(raw.locator, raw.content_hash)
    stored = store.article(article_id)
    assert stored.article == _article(raw)
    assert store.raw_document(article_id).content == raw.content
    # Read back with the kind its article was extracted as, so extracting it again sniffs nothing.
    assert store.raw_document(article_id).content_kind is ContentKind.HTML
    assert store.line_counts("City News", {"k1", "k3"}) == {"k1": 1}


def test_revisions_and_skips(store: Store) -> None:
    first, second = _raw(b"one"), _raw(b"two")
    store.save(first, _article(first), ())
    _, revision = store.save(second, _article(second), ())
    assert revision == 2
    assert [s.revision for s in store.articles()] == [2]
    assert len(store.articles(latest_only=False)) == 2
    store.record_skip(Skip("/news/b.bin", "binary", "binary content"))
    store.record_skip(Skip("/news/b.bin", "binary", "binary content"))
    assert store.skips() == [Skip("/news/b.bin", "binary", "binary content")]
    assert store.counts() == {"articles": 1, "revisions": 2, "documents": 2, "skips": 1}


def _open_at_barrier(db: str, barrier: Any, failures: Any) -> None:
    barrier.wait()
    try:
        with Store.open(StoreConfig.for_path(Path(db))) as store:
            store.articles()
    except Exception as exc:  # the test reports whatever opening raised
        failures.put(f"{type(exc).__name__}: {exc}")


def test_two_processes_creating_one_store_at_once_both_open_it(tmp_path: Path) -> None:
    # Two ingests creating one store at the same moment: SQLite answered one's "PRAGMA
    # journal_mode=WAL" with "database is locked" at once, without waiting for the other (one ingest
    # failed this way in CI; about one opening in four failed in a loop like this one).
    context = multiprocessing.get_context("fork")
    failures = context.Queue()
    for attempt in range(8):
        db = str(tmp_path / f"new{attempt}.db")
        barrier = context.Barrier(2)
        children = [context.Process(target=_open_at_barrier, args=(db, barrier, failures)) for _ in range(2)]
        for child in children:
            child.start()
        for child in children:
            child.join(60)
            assert child.exitcode == 0
    got = []
    while not failures.empty():
        got.append(failures.get())
    assert got == []
