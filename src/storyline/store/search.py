"""Finding stories and articles: filtered, paginated story lists, full-text search, threads and a
cheap "has anything changed" stamp, with the records they return.

Read-only over the tables the rest of the store writes, plus one index of its own on SQLite (an
FTS5 table brought up to date lazily, at the first search after articles change); the full-text SQL
of each backend is in :mod:`storyline.store.dialect`. The API that opens a store for these reads is
:mod:`storyline.reading`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, func, select

from storyline.model import Story
from storyline.store.dialect import Dialect
from storyline.store.schema import articles, stories, story_articles
from storyline.store.stories import StoryQueries

__all__ = [
    "SearchConfig",
    "SearchHit",
    "SearchQueries",
    "StoryFilter",
    "StoryPage",
    "ThreadSummary",
    "search_words",
]

# A word the index can match: any other character of a query (FTS5 syntax included) only separates
# words, so any input is a plain "all these words" query.
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class SearchConfig:
    """Search limits."""

    # Words of a query that are used: a longer query is a paste, not a search, and each word costs
    # one more posting-list intersection.
    max_words: int = 12
    # Snippet length in tokens around the matches (FTS5 ``snippet``): a line on a phone.
    snippet_tokens: int = 24
    # Articles (re)indexed per statement when the index catches up: bounded memory on big stores.
    index_batch: int = 500


@dataclass(frozen=True, slots=True)
class StoryFilter:
    """Which stories to list: every field optional, all given ones must hold."""

    since: datetime | None = None  # last seen on or after
    until: datetime | None = None  # first seen on or before
    entity: str | None = None  # a person, organisation, place or country among its top entities
    outlet: str | None = None  # an outlet with an article in it
    thread: int | None = None
    query: str | None = None  # words that one of its articles holds (full-text)


@dataclass(frozen=True, slots=True)
class StoryPage:
    """One page of a story list: the stories and how many match in all."""

    stories: list[Story]
    total: int
    offset: int
    limit: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "offset": self.offset,
            "limit": self.limit,
            "stories": [s.to_dict() for s in self.stories],
        }


@dataclass(frozen=True, slots=True)
class SearchHit:
    """An article that matches a search, with the story it is in and a snippet around the match
    (the snippet is the article's own text; the matched words are between ``[`` and ``]``)."""

    article_id: int
    story_id: int | None
    title: str | None
    outlet: str | None
    published: datetime | None
    snippet: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "story_id": self.story_id,
            "title": self.title,
            "outlet": self.outlet,
            "published": self.published.isoformat() if self.published else None,
            "snippet": self.snippet,
        }


@dataclass(frozen=True, slots=True)
class ThreadSummary:
    """A thread: stories with the same actors over time."""

    id: int
    stories: list[tuple[int, str | None]] = field(default_factory=list)
    first_seen: datetime | None = None
    last_seen: datetime | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "first_seen": self.first_seen.isoformat() if self.first_seen else None,
            "last_seen": self.last_seen.isoformat() if self.last_seen else None,
            "stories": [{"id": i, "title": t} for i, t in self.stories],
        }


def search_words(query: str, config: SearchConfig) -> list[str]:
    """The words of ``query`` a search uses (lower case, at most ``config.max_words``)."""
    return _WORD.findall(query.lower())[: config.max_words]


class SearchQueries(StoryQueries):
    """Reads across stories and articles; a story list builds on the story reads it inherits."""

    dialect: Dialect

    def change_stamp(self) -> str:
        """A short string that changes whenever articles or stories do (new, revised, regrouped,
        merged, split): callers cache anything derived from the store under it."""
        with self.engine.connect() as connection:
            a = connection.execute(select(func.count(), func.max(articles.c.updated_at))).one()
            s = connection.execute(select(func.count(), func.max(stories.c.updated_at))).one()
            m = connection.execute(select(func.count(), func.max(story_articles.c.assigned_at))).one()
        return "|".join(str(v) for v in (*a, *s, *m))

    def find_stories(self, where: StoryFilter, *, limit: int, offset: int, config: SearchConfig) -> StoryPage:
        """Live stories matching ``where``, most recently seen first, ``limit`` from ``offset``."""
        last = func.max(articles.c.published)
        first = func.min(articles.c.published)
        query = (
            select(stories.c.id, stories.c.entities)
            .join(story_articles, story_articles.c.story_id == stories.c.id)
            .join(articles, articles.c.id == story_articles.c.article_id)
            .where(and_(stories.c.merged_into.is_(None), articles.c.is_latest.is_(True)))
            .group_by(stories.c.id, stories.c.entities)
            .order_by(last.desc().nulls_last(), func.max(articles.c.ingested_at).desc(), stories.c.id.desc())
        )
        if where.thread is not None:
            query = query.where(stories.c.thread_id == where.thread)
        if where.since is not None:
            query = query.having(func.coalesce(last, func.max(articles.c.ingested_at)) >= where.since)
        if where.until is not None:
            query = query.having(func.coalesce(first, func.min(articles.c.ingested_at)) <= where.until)
        if where.outlet:
            query = query.where(
                stories.c.id.in_(
                    select(story_articles.c.story_id)
                    .join(articles, articles.c.id == story_articles.c.article_id)
                    .where(func.lower(articles.c.outlet) == where.outlet.strip().lower())
                )
            )
        if where.entity:
            # Cheap text filter first (the name appears in the stored JSON), exact check below.
            query = query.where(stories.c.entities.contains(where.entity.strip(), autoescape=True))
        with self.engine.connect() as connection:
            if where.query:
                words = search_words(where.query, config)
                matched = (
                    self.dialect.matching_articles(
                        self.engine, connection, words, index_batch=config.index_batch
                    )
                    if words
                    else []
                )
                if not matched:
                    return StoryPage([], 0, offset, limit)
                query = query.where(
                    stories.c.id.in_(
                        select(story_articles.c.story_id).where(story_articles.c.article_id.in_(matched))
                    )
                )
            rows = connection.execute(query).all()
        if where.entity:
            wanted = where.entity.strip().lower()
            rows = [
                r for r in rows if any(str(v[2]).lower() == wanted for v in json.loads(r.entities).values())
            ]
        page = [int(r.id) for r in rows[offset : offset + limit]]
        return StoryPage(self.stories_by_ids(page), len(rows), offset, limit)

    def search(self, query: str, *, limit: int, config: SearchConfig) -> list[SearchHit]:
        """Latest articles holding every word of ``query`` (best match first), each with its story."""
        words = search_words(query, config)
        if not words:
            return []
        with self.engine.connect() as connection:
            rows = self.dialect.search(
                self.engine,
                connection,
                words,
                limit=limit,
                snippet_tokens=config.snippet_tokens,
                index_batch=config.index_batch,
            )
        return [
            SearchHit(
                int(r.id),
                int(r.story_id) if r.story_id is not None else None,
                r.title,
                r.outlet,
                _datetime(r.published),
                r.snippet or "",
            )
            for r in rows
        ]

    def threads(self) -> list[ThreadSummary]:
        """Every thread with its live stories in time order, most recently active thread first."""
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(
                    stories.c.thread_id,
                    stories.c.id,
                    stories.c.title,
                    stories.c.first_seen,
                    stories.c.last_seen,
                )
                .where(
                    and_(
                        stories.c.thread_id.is_not(None), stories.c.merged_into.is_(None), stories.c.size > 0
                    )
                )
                .order_by(stories.c.thread_id, stories.c.first_seen, stories.c.id)
            ).all()
        found: dict[int, ThreadSummary] = {}
        for r in rows:
            item = found.setdefault(int(r.thread_id), ThreadSummary(int(r.thread_id)))
            item.stories.append((int(r.id), r.title))
            first, last = _datetime(r.first_seen), _datetime(r.last_seen)
            found[item.id] = ThreadSummary(
                item.id,
                item.stories,
                min(d for d in (item.first_seen, first) if d) if (item.first_seen or first) else None,
                max(d for d in (item.last_seen, last) if d) if (item.last_seen or last) else None,
            )
        return sorted(
            found.values(),
            key=lambda t: (t.last_seen is None, -(t.last_seen.timestamp() if t.last_seen else 0)),
        )


def _datetime(value: object) -> datetime | None:
    # The full-text SQL is text, so SQLite hands its dates back as strings.
    if value is None:
        return None
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
