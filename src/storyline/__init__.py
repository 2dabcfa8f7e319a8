"""storyline: offline news intelligence.

The Python API the CLI wraps::

    import storyline

    report = storyline.ingest(["demo/corpus"], db="news.db")
    for stored in storyline.articles(db="news.db"):
        print(stored.id, stored.article.outlet, stored.article.title)
    print(storyline.get_article(1, db="news.db").article.text)

Every function runs with the defaults unless given a config; a settings file gives one::

    config = storyline.load_settings("storyline.toml").pipeline
    storyline.ingest(["demo/corpus"], db="news.db", config=config)

Nothing here loads a model or opens a database at import time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storyline._version import __version__
from storyline.config import PipelineConfig, StoreConfig, WatchConfig
from storyline.model import Article, Brief, IngestReport, RawDocument, Skip, Story

if TYPE_CHECKING:
    from datetime import datetime

    from storyline.facts.build import StoryFacts
    from storyline.facts.quotes import Speaker
    from storyline.model import StageFailure
    from storyline.nlp.resolve import CanonicalEntity
    from storyline.pipeline import ProgressHook
    from storyline.pipeline.watch import Poll
    from storyline.settings import Settings
    from storyline.store import FeedState, Store, StoredArticle

__all__ = [
    "Article",
    "Brief",
    "FactsView",
    "IngestReport",
    "PipelineConfig",
    "QuotesView",
    "RawDocument",
    "Skip",
    "StoreConfig",
    "Story",
    "StoryView",
    "__version__",
    "analyze",
    "articles",
    "brief_article",
    "brief_story",
    "briefing",
    "entities",
    "events",
    "failures",
    "feeds",
    "get_article",
    "ingest",
    "keep_open",
    "load_settings",
    "merge_stories",
    "outlets",
    "reset_feed",
    "skips",
    "split_story",
    "stories",
    "story",
    "story_facts",
    "story_quotes",
    "watch",
]

DbArg = str | Path | StoreConfig | None


def _store_config(db: DbArg) -> StoreConfig:
    return db if isinstance(db, StoreConfig) else StoreConfig.for_path(db)


# Stores held open by :func:`keep_open`, by URL, with how many holders each has.
_kept: dict[str, tuple[Store, int]] = {}
_kept_lock = threading.Lock()


@contextmanager
def keep_open(db: DbArg = None) -> Iterator[None]:
    """Hold the store at ``db`` open until the block ends: every function here given ``db``
    meanwhile uses that one open store instead of opening its own. A server holds its store so for
    its whole life: opening a store (its engines, the schema check) and compiling each statement
    anew cost a first visit of a story page ~40 ms per open and most of its SQL time (SQLAlchemy
    keeps compiled statements per engine)."""
    from storyline.store import Store

    config = _store_config(db)
    with _kept_lock:
        store, holders = _kept.get(config.url) or (None, 0)
        if store is None:
            store = Store.open(config)
        _kept[config.url] = (store, holders + 1)
    try:
        yield
    finally:
        with _kept_lock:
            store, holders = _kept[config.url]
            if holders > 1:
                _kept[config.url] = (store, holders - 1)
            else:
                del _kept[config.url]
                store.close()


@contextmanager
def _open(db: DbArg) -> Iterator[Store]:
    """The store at ``db``: the one :func:`keep_open` holds, else one opened for this call."""
    from storyline.store import Store

    config = _store_config(db)
    kept = _kept.get(config.url)
    if kept is not None:
        yield kept[0]
        return
    with Store.open(config) as store:
        yield store


def load_settings(path: str | Path | None = None) -> Settings:
    """The settings in a ``storyline.toml`` over the defaults: ``.pipeline`` is the config every
    function here takes, ``.watch`` the feed watcher's. With no ``path``, the file the command
    line would read: ``$STORYLINE_CONFIG``, else ``./storyline.toml``, else none (the defaults)."""
    from storyline.settings import load_settings as load

    return load(path)


def ingest(
    inputs: Iterable[str | Path],
    db: DbArg = None,
    config: PipelineConfig | None = None,
    on_progress: ProgressHook | None = None,
) -> IngestReport:
    """Ingest files, folders, feeds, JSON Lines, WARC and URLs into the store at ``db``."""
    from storyline.pipeline import ingest as run

    with _open(db) as store:
        return run(inputs, store, config, on_progress)


def watch(
    feeds: str | Path,
    db: DbArg = None,
    config: PipelineConfig | None = None,
    settings: WatchConfig | None = None,
    *,
    once: bool = False,
    stop: threading.Event | None = None,
    on_poll: Callable[[Poll], None] | None = None,
    on_unavailable: Callable[[str | None], None] | None = None,
) -> list[Poll]:
    """Watch the feeds the file ``feeds`` names (feed URLs one a line, or OPML) into the store at
    ``db``: poll each when due, ingest its new items, update stories. With ``once``, one pass; else
    on until ``stop`` is set. Returns the polls of the last pass (each also given to ``on_poll``)."""
    from storyline.pipeline import watch_feeds

    with _open(db) as store:
        return watch_feeds(
            Path(feeds),
            store,
            config,
            settings,
            once=once,
            stop=stop,
            on_poll=on_poll,
            on_unavailable=on_unavailable,
        )


def failures(db: DbArg = None, *, since: datetime | None = None) -> list[StageFailure]:
    """Articles a stage after storing (analysis, grouping) could not finish, with the reason (those
    recorded at or after ``since`` when given: what one run lost). Each is retried at the next run."""
    from storyline.model import StageFailure

    with _open(db) as store:
        return [StageFailure(i, stage, reason) for i, stage, reason, _ in store.failures(since)]


def feeds(db: DbArg = None) -> list[FeedState]:
    """The state of every watched feed: last poll and its status, next due time, failures in a row."""

    with _open(db) as store:
        return sorted(store.feed_states().values(), key=lambda state: state.url)


def reset_feed(url: str, db: DbArg = None) -> None:
    """Clear a watched feed's failures, backoff and validators (and its items' retry schedule): a
    running watcher polls it whole at its next pass."""
    from storyline.errors import NotFound

    with _open(db) as store:
        if not store.reset_feed(url):
            raise NotFound(
                f"no watched feed {url!r} in this store", remedy="list them with `storyline feeds`"
            )


def articles(
    db: DbArg = None,
    *,
    outlet: str | None = None,
    all_revisions: bool = False,
    limit: int | None = None,
    after: int | None = None,
    offset: int = 0,
) -> list[StoredArticle]:
    """Stored articles (latest revision of each unless ``all_revisions``), oldest first; a page of
    them: ``limit`` articles with ids above ``after`` (the last id of the page before), skipping
    ``offset`` more."""

    with _open(db) as store:
        return store.articles(
            outlet=outlet, latest_only=not all_revisions, limit=limit, after=after, offset=offset
        )


def get_article(article_id: int, db: DbArg = None) -> StoredArticle:
    """One stored article by id; raises :class:`storyline.errors.NotFound`."""

    with _open(db) as store:
        return store.article(article_id)


def analyze(db: DbArg = None, *, everything: bool = False, config: PipelineConfig | None = None) -> int:
    """Analyse stored articles whose text has not been analysed (all with ``everything``), then
    put any article that is in no story yet into one."""
    from storyline.pipeline import analyze_pending, group_pending

    with _open(db) as store, store.stage_lock():
        count = analyze_pending(store, config, everything=everything)
        group_pending(store, config)
        return count


def entities(db: DbArg = None) -> list[CanonicalEntity]:
    """People, organisations, places and countries across all articles, with the titles each source gives."""
    from storyline.nlp.resolve import resolve_articles

    with _open(db) as store:
        return resolve_articles((s.id, s.article, s.analysis) for s in store.iter_articles())


def events(db: DbArg = None) -> list[dict[str, object]]:
    """Every event found, with the article, outlet and sentence it comes from (newest first)."""

    with _open(db) as store:
        found = _events(s for s in store.iter_articles() if s.analysis is not None)
    return found[::-1]


def outlets(db: DbArg = None) -> list[dict[str, Any]]:
    """Every outlet with its article count, the names and domains folded into it, wire copies,
    primary sources and how often it was first to report a story (unknown outlets last)."""

    with _open(db) as store:
        found: list[dict[str, Any]] = store.outlets()
    return found


def skips(db: DbArg = None) -> list[Skip]:
    """Every document that was skipped, with its named reason."""

    with _open(db) as store:
        return store.skips()


def stories(db: DbArg = None, *, limit: int | None = None, thread: int | None = None) -> list[Story]:
    """Stories, most recently seen first, each with its articles (copies marked) and top entities."""

    with _open(db) as store:
        return store.stories(limit=limit, thread=thread)


@dataclass(frozen=True, slots=True)
class StoryView:
    """One story in full: its articles, its entities resolved across them with the titles each
    outlet gives, its events in time order and the other stories of its thread."""

    story: Story
    entities: list[CanonicalEntity]
    events: list[dict[str, object]]

    def to_dict(self) -> dict[str, object]:
        by_outlet: dict[str, list[dict[str, object]]] = {}
        for item in self.story.articles:
            by_outlet.setdefault(item.outlet or "(unknown outlet)", []).append(item.to_dict())
        return {
            **self.story.to_dict(),
            "articles_by_outlet": by_outlet,
            "entities": [e.to_dict() for e in self.entities],
            "events": self.events,
        }


def story(story_id: int, db: DbArg = None) -> StoryView:
    """One story by id (an id merged away leads to the story it went into); raises NotFound."""
    from storyline.nlp.resolve import resolve_articles

    with _open(db) as store:
        found = store.story(story_id)
        members = store.articles_by_ids([a.id for a in found.articles])
    entities = resolve_articles((m.id, m.article, m.analysis) for m in members)
    return StoryView(found, entities, _events(m for m in members if m.analysis is not None))


def _events(members: Iterable[StoredArticle]) -> list[dict[str, object]]:
    found: list[dict[str, object]] = []
    for stored in members:
        assert stored.analysis is not None
        for event in stored.analysis.events:
            sentence = stored.analysis.sentences[event.sentence]
            published = stored.article.published.isoformat() if stored.article.published else None
            found.append(
                {
                    **event.to_dict(),
                    "article_id": stored.id,
                    "outlet": stored.article.outlet,
                    "published": published,
                    "text": sentence.text,
                }
            )
    # Time order: the event's own date when the text gives one, else when it was reported.
    return sorted(found, key=lambda e: (str(e["date"] or e["published"] or "~"), int(e["article_id"])))  # type: ignore[call-overload]


def merge_stories(keep: int, gone: int, db: DbArg = None, config: PipelineConfig | None = None) -> int:
    """Merge story ``gone`` into ``keep`` by hand (kept through later ingests); returns the id."""
    from storyline.pipeline import merge_stories as run

    with _open(db) as store:
        return run(store, keep, gone, config)


def split_story(
    story_id: int, article_ids: Iterable[int], db: DbArg = None, config: PipelineConfig | None = None
) -> int:
    """Move some articles of a story into a new one by hand (kept through later ingests)."""
    from storyline.pipeline import split_story as run

    with _open(db) as store:
        return run(store, story_id, article_ids, config)


@dataclass(frozen=True, slots=True)
class FactsView:
    """A story's facts: each thing its articles state, with its independent voices, its claims
    (one per article, with who says it and its figures), and the figures its voices disagree on.
    The brief is one reading of these."""

    story: Story
    found: StoryFacts

    def to_dict(self) -> dict[str, object]:
        return {
            "story": self.story.id,
            "title": self.story.title,
            "facts": [f.to_dict() for f in self.found.facts],
            "conflicts": [c.to_dict() for c in self.found.conflicts],
        }


@dataclass(frozen=True, slots=True)
class QuotesView:
    """Who said what in a story: each speaker with their words and the outlets that carry them."""

    story: Story
    speakers: tuple[Speaker, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "story": self.story.id,
            "title": self.story.title,
            "speakers": [s.to_dict() for s in self.speakers],
        }


def story_facts(story_id: int, db: DbArg = None, *, config: PipelineConfig | None = None) -> FactsView:
    """A story's facts across its outlets (what the brief is read from); raises NotFound. (Not
    ``facts``: the name of the ``storyline.facts`` package would shadow it once imported.)"""
    from storyline.pipeline import story_facts as run

    with _open(db) as store:
        found_story, found = run(store, story_id, config)
    return FactsView(found_story, found)


def story_quotes(story_id: int, db: DbArg = None, *, config: PipelineConfig | None = None) -> QuotesView:
    """Who said what in a story: direct quotes verbatim, reported speech as written, the outlets
    carrying each, and where outlets quote one speaker differently; raises NotFound."""
    from storyline.facts.quotes import story_quotes as speakers

    view = story_facts(story_id, db, config=config)
    return QuotesView(view.story, speakers(view.found))


def brief_story(
    story_id: int, db: DbArg = None, *, length: str = "medium", config: PipelineConfig | None = None
) -> Brief:
    """ "Get a summary" of a story across its outlets: what happened, key developments, sources
    compared (agreed, single-source, speculation, discrepancies), timeline and thread. Every
    sentence is a source's own and cites it. ``length`` is short, medium or long."""
    from storyline.pipeline import brief_story as run

    with _open(db) as store:
        return run(store, story_id, config, _length(length))


def brief_article(
    article_id: int, db: DbArg = None, *, length: str = "medium", config: PipelineConfig | None = None
) -> Brief:
    """An article's summary (one sentence, three, or about 120 words), its speculation apart."""
    from storyline.pipeline import brief_article as run

    with _open(db) as store:
        return run(store, article_id, config, _length(length))


def briefing(
    db: DbArg = None, *, count: int = 5, length: str = "short", config: PipelineConfig | None = None
) -> list[Brief]:
    """Briefs of the latest ``count`` stories, most recent first."""
    from storyline.pipeline import briefing as run

    with _open(db) as store:
        return run(store, count, config, _length(length))


def _length(length: str) -> str:
    from storyline.errors import ConfigError

    if length not in ("short", "medium", "long"):
        raise ConfigError(f"unknown length {length!r}", remedy="use short, medium or long")
    return length
