"""Documents and articles: round trips, revisions, skips and counts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from storyline.errors import NotFound
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
from storyline.store import AlreadyStored, Store


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
    with pytest.raises(AlreadyStored):
        store.save(raw, _article(raw), ())
    with pytest.raises(NotFound):
        store.article(article_id + 1)


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


def test_a_reverted_document_restores_its_earlier_revision(store: Store) -> None:
    first, second = _raw(b"one"), _raw(b"two")
    one, _ = store.save(first, _article(first), ())
    store.save(second, _article(second), ())
    assert store.restore_revision(first.locator, first.content_hash) == one
    assert [s.id for s in store.articles()] == [one]
    assert store.restore_revision(first.locator, first.content_hash) is None  # already the latest


def test_save_many_stores_in_batches_and_passes_over_stored_documents(store: Store) -> None:
    from storyline.model import Article, Block, BlockKind, RawDocument, SourceKind

    def items(names: list[str]) -> list[tuple[RawDocument, Article, list[str]]]:
        out = []
        for name in names:
            raw = RawDocument(
                f"/bulk/{name}", SourceKind.FILE, name.encode() * 40, datetime(2026, 1, 2, tzinfo=UTC)
            )
            article = Article(
                locator=raw.locator,
                content_hash=raw.content_hash,
                title=name,
                blocks=(Block(BlockKind.PARAGRAPH, f"Text of {name}."),),
            )
            out.append((raw, article, []))
        return out

    assert store.save_many(items(["a", "b", "c"]), batch=2) == 3
    assert store.save_many(items(["b", "d"]), batch=2) == 1
    assert sorted(s.article.title or "" for s in store.articles()) == ["a", "b", "c", "d"]
