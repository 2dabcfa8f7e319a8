"""The store's own record of an article, and the conversions between rows and records that several
of the store's modules share: what leaves the store is a record, never a row."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Row

from storyline.model import (
    Analysis,
    Article,
    Block,
    BlockKind,
    ContentKind,
    DateSource,
    Removal,
    Repair,
)

__all__ = ["AlreadyStored", "StoredArticle", "text_hash"]


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """An article as stored: its id, revision and when it was ingested."""

    id: int
    revision: int
    is_latest: bool
    ingested_at: datetime
    article: Article
    analysis: Analysis | None = None

    def to_dict(self) -> dict[str, Any]:
        data = self.article.to_dict()
        extra = (
            self.analysis.to_dict()
            if self.analysis
            else {"genre": None, "hedge_share": None, "sentences": []}
        )
        return {
            "id": self.id,
            "revision": self.revision,
            "ingested_at": self.ingested_at.isoformat(),
            **data,
            **extra,
        }


class AlreadyStored(Exception):
    """The same bytes at the same locator were stored by another process meanwhile."""


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def aware(value: datetime) -> datetime:
    # SQLite keeps no time zone; every time we store is UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def aware_or_none(value: datetime | None) -> datetime | None:
    return None if value is None else aware(value)


def analysis_of(row: Row[Any]) -> Analysis:
    return Analysis.from_record(dict(row._mapping))


def article_values(article: Article, now: datetime) -> dict[str, Any]:
    """The ``articles`` columns that hold ``article`` (the rest say where and when it was stored)."""
    return {
        "content_hash": article.content_hash,
        "url": article.url,
        "outlet": article.outlet,
        "title": article.title,
        "byline": article.byline,
        "published": article.published,
        "date_source": article.date_source.value if article.date_source else None,
        "title_derived": article.title_derived,
        "outlet_key": article.outlet_key,
        "agency": article.agency,
        "primary_source": article.primary_source,
        "language": article.language,
        "content_kind": article.content_kind.value,
        "text": article.text,
        "text_hash": text_hash(article.text),
        "blocks": json.dumps([[b.kind.value, b.text] for b in article.blocks], ensure_ascii=False),
        "removed": json.dumps([[r.text, r.reason, r.stage] for r in article.removed], ensure_ascii=False),
        "repairs": json.dumps(
            [[r.kind, r.before, r.after, r.offset] for r in article.repairs], ensure_ascii=False
        ),
        "word_count": article.word_count,
        "updated_at": now,
    }


def stored_article(row: Row[Any]) -> StoredArticle:
    """An ``articles`` row as a record (without its analysis)."""
    article = Article(
        locator=row.locator,
        content_hash=row.content_hash,
        title=row.title,
        blocks=tuple(Block(BlockKind(kind), text) for kind, text in json.loads(row.blocks)),
        url=row.url,
        outlet=row.outlet,
        byline=row.byline,
        published=aware(row.published) if row.published else None,
        date_source=DateSource(row.date_source) if row.date_source else None,
        title_derived=bool(row.title_derived),
        outlet_key=row.outlet_key,
        agency=row.agency,
        primary_source=bool(row.primary_source),
        language=row.language,
        content_kind=ContentKind(row.content_kind),
        removed=tuple(Removal(*item) for item in json.loads(row.removed)),
        repairs=tuple(Repair(*item) for item in json.loads(row.repairs)),
    )
    return StoredArticle(
        id=int(row.id),
        revision=int(row.revision),
        is_latest=bool(row.is_latest),
        ingested_at=aware(row.ingested_at),
        article=article,
    )
