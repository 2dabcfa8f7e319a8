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
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import and_, case, distinct, func, select

from storyline.model import Story
from storyline.store.dialect import Dialect
from storyline.store.schema import articles, stories, story_articles
from storyline.store.stories import StoryQueries

__all__ = [
    "SearchConfig",
    "SearchHit",
    "SearchPage",
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
    # "Top stories": independent sources weighed down by age. A news reader's day is today: a story
    # two days quieter than the newest counts half as much. Age is measured on the story's own clock
    # (publication dates for dated stories, when the articles were read for undated ones), so a
    # folder of undated text files and dated pages can share one front page.
    top_half_life_days: float = 2.0


@dataclass(frozen=True, slots=True)
class StoryFilter:
    """Which stories to list: every field optional, all given ones must hold."""

    since: datetime | None = None  # last seen on or after
    until: datetime | None = None  # first seen on or before
    entity: str | None = None  # a person, organisation, place or country among its top entities
    outlet: str | None = None  # an outlet with an article in it
    thread: int | None = None
    query: str | None = None  # words that one of its articles holds (full-text)
    language: str | None = None  # the language of one of its articles (ISO code, e.g. "en")


# How a story list is ordered: the front page's top stories (independent sources and recent
# activity), the most covered (independent sources alone), the latest, or the best search match.
ORDERS = ("top", "covered", "latest", "relevance")


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
    language: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "story_id": self.story_id,
            "title": self.title,
            "outlet": self.outlet,
            "published": self.published.isoformat() if self.published else None,
            "language": self.language,
            "snippet": self.snippet,
        }


@dataclass(frozen=True, slots=True)
class SearchPage:
    """One page of article hits, best match first, and how many articles match in all (the
    paging fields of :class:`StoryPage`, hits for stories)."""

    hits: list[SearchHit]
    total: int
    offset: int
    limit: int

    def to_dict(self) -> dict[str, Any]:
        paging = StoryPage([], self.total, self.offset, self.limit).to_dict()
        return {
            **{k: v for k, v in paging.items() if k != "stories"},
            "hits": [h.to_dict() for h in self.hits],
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

    def find_stories(
        self, where: StoryFilter, *, limit: int, offset: int, config: SearchConfig, order: str = "latest"
    ) -> StoryPage:
        """Live stories matching ``where`` in ``order`` (see :data:`ORDERS`), ``limit`` from ``offset``."""
        return self.story_page(
            self.rank_stories(where, config=config, order=order), limit=limit, offset=offset
        )

    def story_page(self, ranked: Sequence[int], *, limit: int, offset: int) -> StoryPage:
        """The stories of ``ranked`` (story ids in order, from :meth:`rank_stories`), ``limit`` from
        ``offset``: one ranking serves every page of a list."""
        return StoryPage(
            self.stories_by_ids(list(ranked[offset : offset + limit])), len(ranked), offset, limit
        )

    def rank_stories(self, where: StoryFilter, *, config: SearchConfig, order: str = "latest") -> list[int]:
        """The ids of the live stories matching ``where``, in ``order`` (see :data:`ORDERS`)."""
        independent = story_articles.c.duplicate_of.is_(None)
        last = func.max(articles.c.published)
        first = func.min(articles.c.published)
        read = func.max(articles.c.ingested_at)
        query = (
            select(
                stories.c.id,
                stories.c.entities,
                last.label("last"),
                read.label("read"),
                func.count(distinct(case((independent, articles.c.outlet)))).label("outlets"),
                func.count(case((and_(independent, articles.c.outlet.is_(None)), 1))).label("unknown"),
                func.count(case((independent, 1))).label("independent"),
            )
            .join(story_articles, story_articles.c.story_id == stories.c.id)
            .join(articles, articles.c.id == story_articles.c.article_id)
            .where(and_(stories.c.merged_into.is_(None), articles.c.is_latest.is_(True)))
            .group_by(stories.c.id, stories.c.entities)
        )
        if where.thread is not None:
            query = query.where(stories.c.thread_id == where.thread)
        if where.since is not None:
            query = query.having(func.coalesce(last, read) >= where.since)
        if where.until is not None:
            query = query.having(func.coalesce(first, func.min(articles.c.ingested_at)) <= where.until)
        for column, wanted in ((articles.c.outlet, where.outlet), (articles.c.language, where.language)):
            if wanted:
                query = query.where(
                    stories.c.id.in_(
                        select(story_articles.c.story_id)
                        .join(articles, articles.c.id == story_articles.c.article_id)
                        .where(func.lower(column) == wanted.strip().lower())
                    )
                )
        if where.entity:
            # Cheap text filter first (the name appears in the stored JSON), exact check below.
            query = query.where(stories.c.entities.contains(where.entity.strip(), autoescape=True))
        relevance: dict[int, int] = {}
        with self.engine.connect() as connection:
            if where.query:
                words = search_words(where.query, config)
                matched = (
                    self.dialect.ranked_articles(
                        self.engine, connection, words, index_batch=config.index_batch
                    )
                    if words
                    else []
                )
                if not matched:
                    return []
                ids = self.story_ids_of(matched)
                for rank, article in enumerate(matched):
                    if article in ids:
                        relevance.setdefault(ids[article], rank)
                query = query.where(stories.c.id.in_(list(relevance) or [-1]))
            rows = connection.execute(query).all()
        if where.entity:
            wanted = where.entity.strip().lower()
            rows = [
                r for r in rows if any(str(v[2]).lower() == wanted for v in json.loads(r.entities).values())
            ]
        return _ordered(rows, order, relevance, config)

    def languages(self) -> list[str]:
        """The languages of the latest articles, most common first."""
        query = (
            select(articles.c.language)
            .where(and_(articles.c.is_latest.is_(True), articles.c.language.is_not(None)))
            .group_by(articles.c.language)
            .order_by(func.count().desc(), articles.c.language)
        )
        with self.reader.connect() as connection:
            return [str(v) for v in connection.execute(query).scalars()]

    def search(self, query: str, *, limit: int, config: SearchConfig, offset: int = 0) -> list[SearchHit]:
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
                offset=offset,
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
                r.language,
            )
            for r in rows
        ]

    def search_page(self, query: str, *, limit: int, offset: int, config: SearchConfig) -> SearchPage:
        """One page of :meth:`search`, with the number of matching articles."""
        words = search_words(query, config)
        if not words:
            return SearchPage([], 0, offset, limit)
        with self.engine.connect() as connection:
            total = self.dialect.count_matches(self.engine, connection, words, index_batch=config.index_batch)
        hits = self.search(query, limit=limit, offset=offset, config=config) if total > offset else []
        return SearchPage(hits, total, offset, limit)

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


def sources_of(row: Any) -> int:
    """Independent sources of a story: its outlets, and each article of an unknown outlet apart
    (as a brief counts them: nothing says two unnamed files come from one outlet)."""
    return int(row.outlets) + int(row.unknown)


def _ordered(rows: Sequence[Any], order: str, relevance: dict[int, int], config: SearchConfig) -> list[int]:
    """Story ids of ``rows`` in ``order``."""

    def when(row: Any) -> float:
        value = _datetime(row.last) or _datetime(row.read)
        return value.timestamp() if value else 0.0

    def latest(row: Any) -> tuple[float, ...]:
        # Dated stories by their newest article, then undated ones by when they were read.
        dated = _datetime(row.last)
        read = _datetime(row.read)
        return (
            dated is not None,
            dated.timestamp() if dated else 0.0,
            read.timestamp() if read else 0.0,
            row.id,
        )

    if order == "relevance" and relevance:
        return sorted((int(r.id) for r in rows), key=lambda i: (relevance.get(i, len(relevance)), -i))
    if order == "covered":
        rows = sorted(rows, key=lambda r: (sources_of(r), int(r.independent), when(r), r.id), reverse=True)
        return [int(r.id) for r in rows]
    if order == "top":
        newest_dated = max((d for r in rows if (d := _datetime(r.last)) is not None), default=None)
        newest_read = max((d for r in rows if (d := _datetime(r.read)) is not None), default=None)

        def score(row: Any) -> float:
            dated = _datetime(row.last)
            newest, moment = (newest_dated, dated) if dated else (newest_read, _datetime(row.read))
            age = (newest - moment).total_seconds() / 86400 if newest and moment else 0.0
            return float(sources_of(row) * 0.5 ** (max(age, 0.0) / config.top_half_life_days))

        rows = sorted(rows, key=lambda r: (score(r), when(r), r.id), reverse=True)
        return [int(r.id) for r in rows]
    return [int(r.id) for r in sorted(rows, key=latest, reverse=True)]


def _datetime(value: object) -> datetime | None:
    # The full-text SQL is text, so SQLite hands its dates back as strings.
    if value is None:
        return None
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
