"""Reads for the web and other readers: a cheap "has anything changed" stamp, filtered and paginated
story lists, full-text search, threads, and the story an article is in.

Each function takes the same ``db`` argument as the rest of :mod:`storyline`'s API (a path, URL or
:class:`StoreConfig`), opens the store for the call and asks :class:`~storyline.store.Store`; the
queries are the store's (:mod:`storyline.store.search`).
"""

from __future__ import annotations

from datetime import datetime

from storyline import DbArg, _open
from storyline.errors import ConfigError
from storyline.model import IngestReport
from storyline.store.readers import IngestOutcome
from storyline.store.search import (
    ORDERS,
    SearchConfig,
    SearchHit,
    SearchPage,
    StoryFilter,
    StoryPage,
    ThreadSummary,
    search_words,
)

__all__ = [
    "SearchConfig",
    "SearchHit",
    "SearchPage",
    "StoryFilter",
    "StoryPage",
    "ThreadSummary",
    "counts",
    "find_stories",
    "ingest_outcome",
    "languages",
    "rank_stories",
    "search",
    "search_page",
    "store_stamp",
    "story_of",
    "story_page",
    "threads",
]


def store_stamp(db: DbArg = None) -> str:
    """A short string that changes whenever articles or stories do (new, revised, regrouped,
    merged, split): callers cache anything derived from the store under it."""
    with _open(db) as store:
        return store.change_stamp()


def find_stories(
    db: DbArg = None,
    *,
    where: StoryFilter | None = None,
    limit: int = 20,
    offset: int = 0,
    config: SearchConfig | None = None,
    order: str = "latest",
) -> StoryPage:
    """Live stories matching ``where``, ``limit`` from ``offset``, in ``order``: ``top`` (independent
    sources and recent activity), ``covered`` (most independent sources), ``latest`` (most
    recently published; undated after) or ``relevance`` (best match of ``where.query``)."""
    if limit < 1 or offset < 0:
        raise ConfigError("limit must be at least 1 and offset at least 0", remedy="e.g. limit=20, offset=0")
    if order not in ORDERS:
        raise ConfigError(f"unknown order {order!r}", remedy="use " + ", ".join(ORDERS))
    with _open(db) as store:
        return store.find_stories(
            where or StoryFilter(), limit=limit, offset=offset, config=config or SearchConfig(), order=order
        )


def rank_stories(
    db: DbArg = None,
    *,
    where: StoryFilter | None = None,
    config: SearchConfig | None = None,
    order: str = "latest",
) -> list[int]:
    """The ids of the live stories matching ``where``, in ``order`` (as :func:`find_stories`): a
    reader that pages through a list ranks it once and reads each page with :func:`story_page`."""
    if order not in ORDERS:
        raise ConfigError(f"unknown order {order!r}", remedy="use " + ", ".join(ORDERS))
    with _open(db) as store:
        return store.rank_stories(where or StoryFilter(), config=config or SearchConfig(), order=order)


def story_page(db: DbArg, ranked: list[int], *, limit: int = 20, offset: int = 0) -> StoryPage:
    """The stories of a ranking (:func:`rank_stories`), ``limit`` from ``offset``."""
    if limit < 1 or offset < 0:
        raise ConfigError("limit must be at least 1 and offset at least 0", remedy="e.g. limit=20, offset=0")
    with _open(db) as store:
        return store.story_page(ranked, limit=limit, offset=offset)


def languages(db: DbArg = None) -> list[str]:
    """The languages of the stored articles, most common first."""
    with _open(db) as store:
        return store.languages()


def search(
    db: DbArg = None, query: str = "", *, limit: int = 20, config: SearchConfig | None = None
) -> list[SearchHit]:
    """Latest articles holding every word of ``query`` (best match first), each with its story."""
    config = config or SearchConfig()
    if not search_words(query, config):
        return []
    with _open(db) as store:
        return store.search(query, limit=limit, config=config)


def search_page(
    db: DbArg = None, query: str = "", *, limit: int = 20, offset: int = 0, config: SearchConfig | None = None
) -> SearchPage:
    """One page of the articles holding every word of ``query`` (stemmed), best match first, with
    how many match in all."""
    config = config or SearchConfig()
    if not search_words(query, config):
        return SearchPage([], 0, offset, limit)
    with _open(db) as store:
        return store.search_page(query, limit=limit, offset=offset, config=config)


def ingest_outcome(db: DbArg, report: IngestReport, since: datetime) -> IngestOutcome:
    """What an ingest started at ``since`` did to the stories (made, changed) and how many of its
    articles name no outlet: the closing lines of `storyline ingest`."""
    with _open(db) as store:
        return store.ingest_outcome(list(report.ingested) + list(report.revised), since)


def threads(db: DbArg = None) -> list[ThreadSummary]:
    """Every thread with its live stories in time order, most recently active thread first."""
    with _open(db) as store:
        return store.threads()


def story_of(db: DbArg, article_id: int) -> int | None:
    """The live story an article is in (None when it is in none yet)."""
    with _open(db) as store:
        found = store.story_of(article_id)
        return store.live_story(found) if found is not None else None


def counts(db: DbArg = None) -> dict[str, int]:
    """What the store holds, for monitoring: latest articles, revisions, documents, skips, articles
    a stage failed on, watched feeds and those failing."""
    with _open(db) as store:
        found = store.counts()
        found["failed_articles"] = len({article_id for article_id, *_ in store.failures()})
        states = store.feed_states()
        found["feeds"] = len(states)
        found["feeds_failing"] = sum(1 for state in states.values() if state.failures)
        return found
