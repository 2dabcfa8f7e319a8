"""Finding stories and articles: filtered, paginated story lists, full-text search, threads and a
cheap "has anything changed" stamp.

Read-only over the tables :class:`storyline.store.Store` writes, plus one index of its own: on
SQLite an FTS5 table (``article_search``, rowid = article id) kept beside the articles and brought
up to date lazily, at the first search after articles change (a search never misses an article,
and ingest pays nothing for it). On PostgreSQL the same search runs as ``to_tsvector @@
websearch_to_tsquery`` over the articles themselves.

Each function takes the same ``db`` argument as :mod:`storyline`'s API (a path, URL or
:class:`StoreConfig`) and opens the store for the call, like the rest of the API.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, and_, func, select, text
from sqlalchemy.engine import Connection

from storyline.config import StoreConfig
from storyline.errors import ConfigError
from storyline.model import Story
from storyline.store import Store
from storyline.store.schema import articles, stories, story_articles

__all__ = [
    "SearchHit",
    "StoryFilter",
    "StoryPage",
    "ThreadSummary",
    "find_stories",
    "search",
    "store_stamp",
    "story_of",
    "threads",
]

DbArg = str | Path | StoreConfig | None

# A word the index can match: FTS5 query syntax (quotes, NEAR, column filters, *) is never passed
# through from a user; each word is quoted, so any input is a plain "all these words" query.
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


def _config(db: DbArg) -> StoreConfig:
    return db if isinstance(db, StoreConfig) else StoreConfig.for_path(db)


def _words(query: str, config: SearchConfig) -> list[str]:
    return _WORD.findall(query.lower())[: config.max_words]


def store_stamp(db: DbArg = None) -> str:
    """A short string that changes whenever articles or stories do (new, revised, regrouped,
    merged, split): callers cache anything derived from the store under it."""
    with Store.open(_config(db)) as store, store.engine.connect() as connection:
        a = connection.execute(select(func.count(), func.max(articles.c.updated_at))).one()
        s = connection.execute(select(func.count(), func.max(stories.c.updated_at))).one()
        m = connection.execute(select(func.count(), func.max(story_articles.c.assigned_at))).one()
    return "|".join(str(v) for v in (*a, *s, *m))


def find_stories(
    db: DbArg = None,
    *,
    where: StoryFilter | None = None,
    limit: int = 20,
    offset: int = 0,
    config: SearchConfig | None = None,
) -> StoryPage:
    """Live stories matching ``where``, most recently seen first, ``limit`` from ``offset``."""
    where = where or StoryFilter()
    config = config or SearchConfig()
    if limit < 1 or offset < 0:
        raise ConfigError("limit must be at least 1 and offset at least 0", remedy="e.g. limit=20, offset=0")
    with Store.open(_config(db)) as store:
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
        with store.engine.connect() as connection:
            if where.query:
                matched = _matching_articles(store.engine, connection, where.query, config)
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
        found = store.stories_by_ids(page)
    return StoryPage(found, len(rows), offset, limit)


def search(
    db: DbArg = None, query: str = "", *, limit: int = 20, config: SearchConfig | None = None
) -> list[SearchHit]:
    """Latest articles holding every word of ``query`` (best match first), each with its story."""
    config = config or SearchConfig()
    words = _words(query, config)
    if not words:
        return []
    with Store.open(_config(db)) as store, store.engine.connect() as connection:
        if store.engine.url.get_backend_name() == "sqlite":
            _refresh_index(store.engine, config)
            rows = connection.execute(
                text(
                    "SELECT a.id, a.title, a.outlet, a.published, sa.story_id, "
                    "snippet(article_search, 1, '[', ']', ' … ', :tokens) AS snippet "
                    "FROM article_search JOIN articles a ON a.id = article_search.rowid "
                    "LEFT JOIN story_articles sa ON sa.article_id = a.id "
                    "WHERE article_search MATCH :match AND a.is_latest "
                    "ORDER BY bm25(article_search, 4.0, 1.0) LIMIT :limit"
                ),
                {"match": _fts_query(words), "tokens": config.snippet_tokens, "limit": limit},
            ).all()
        else:
            rows = connection.execute(
                text(
                    "SELECT a.id, a.title, a.outlet, a.published, sa.story_id, "
                    "ts_headline('simple', a.text, websearch_to_tsquery('simple', :q), "
                    "'StartSel=[,StopSel=],MaxWords=' || :tokens) AS snippet "
                    "FROM articles a LEFT JOIN story_articles sa ON sa.article_id = a.id "
                    "WHERE a.is_latest AND to_tsvector('simple', coalesce(a.title, '') || ' ' || a.text) "
                    "@@ websearch_to_tsquery('simple', :q) "
                    "ORDER BY a.published DESC NULLS LAST LIMIT :limit"
                ),
                {"q": " ".join(words), "tokens": config.snippet_tokens, "limit": limit},
            ).all()
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


def threads(db: DbArg = None) -> list[ThreadSummary]:
    """Every thread with its live stories in time order, most recently active thread first."""
    with Store.open(_config(db)) as store, store.engine.connect() as connection:
        rows = connection.execute(
            select(
                stories.c.thread_id, stories.c.id, stories.c.title, stories.c.first_seen, stories.c.last_seen
            )
            .where(
                and_(stories.c.thread_id.is_not(None), stories.c.merged_into.is_(None), stories.c.size > 0)
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
        found.values(), key=lambda t: (t.last_seen is None, -(t.last_seen.timestamp() if t.last_seen else 0))
    )


def story_of(db: DbArg, article_id: int) -> int | None:
    """The live story an article is in (None when it is in none yet)."""
    with Store.open(_config(db)) as store:
        found = store.story_of(article_id)
        return store.live_story(found) if found is not None else None


def _fts_query(words: list[str]) -> str:
    return " ".join('"' + w.replace('"', "") + '"' for w in words)


def _matching_articles(engine: Engine, connection: Connection, query: str, config: SearchConfig) -> list[int]:
    words = _words(query, config)
    if not words:
        return []
    if engine.url.get_backend_name() == "sqlite":
        _refresh_index(engine, config)
        statement = text("SELECT rowid FROM article_search WHERE article_search MATCH :match")
        return [int(i) for i in connection.execute(statement, {"match": _fts_query(words)}).scalars()]
    statement = text(
        "SELECT id FROM articles WHERE is_latest AND to_tsvector('simple', coalesce(title, '') || ' ' || text) "
        "@@ websearch_to_tsquery('simple', :q)"
    )
    return [int(i) for i in connection.execute(statement, {"q": " ".join(words)}).scalars()]


def _refresh_index(engine: Engine, config: SearchConfig) -> None:
    """Bring the FTS5 index up to date: articles changed since the last refresh are (re)indexed;
    the high-water mark (latest ``updated_at`` seen) is kept in ``article_search_state``."""
    with engine.begin() as connection:
        connection.execute(
            text(
                "CREATE VIRTUAL TABLE IF NOT EXISTS article_search USING fts5("
                "title, body, tokenize = 'unicode61 remove_diacritics 2')"
            )
        )
        connection.execute(
            text(
                "CREATE TABLE IF NOT EXISTS article_search_state (id INTEGER PRIMARY KEY, mark TEXT NOT NULL)"
            )
        )
        mark = connection.execute(text("SELECT mark FROM article_search_state WHERE id = 1")).scalar()
        newest = connection.execute(select(func.max(articles.c.updated_at))).scalar()
        seen = datetime.fromisoformat(mark) if mark is not None else None
        if newest is None or (seen is not None and newest <= seen):
            return
        changed = select(articles.c.id, articles.c.title, articles.c.text).order_by(articles.c.id)
        if seen is not None:
            changed = changed.where(articles.c.updated_at > seen)
        batch: list[dict[str, Any]] = []
        for row in connection.execute(changed):
            batch.append({"id": int(row.id), "title": row.title or "", "body": row.text})
            if len(batch) >= config.index_batch:
                _index(connection, batch)
                batch = []
        _index(connection, batch)
        connection.execute(
            text("INSERT OR REPLACE INTO article_search_state (id, mark) VALUES (1, :mark)"),
            {"mark": newest.isoformat()},
        )


def _index(connection: Connection, batch: list[dict[str, Any]]) -> None:
    if not batch:
        return
    connection.execute(text("DELETE FROM article_search WHERE rowid = :id"), [{"id": b["id"]} for b in batch])
    connection.execute(
        text("INSERT INTO article_search (rowid, title, body) VALUES (:id, :title, :body)"), batch
    )


def _datetime(value: object) -> datetime | None:
    from datetime import UTC

    if value is None:
        return None
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
