"""Grouping: every analysed article that is in no story yet is placed, one at a time and in the
order things happened (``grouping/assign.py`` decides; this module reads the store and saves
what changed); then hand-made merges and splits, which rebuild the stories they touch."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

from storyline.config import PipelineConfig
from storyline.model import StoryRecord, plausible_date
from storyline.pipeline.brief import warm_briefs
from storyline.pipeline.progress import ProgressHook
from storyline.store import Store, StoredArticle

if TYPE_CHECKING:
    from storyline.grouping.grouper import Grouper
    from storyline.grouping.profile import ArticleProfile

log = logging.getLogger(__name__)


def group_pending(
    store: Store, config: PipelineConfig | None = None, *, on_progress: ProgressHook | None = None
) -> int:
    """Put every analysed article that is in no story yet into one, oldest first, one at a time
    (online: an article only ever sees the ones before it); then relink the touched stories'
    threads. Returns how many articles were placed."""
    config = config or PipelineConfig()
    store.heal_dates()
    ids = store.articles_needing_story()
    if on_progress is not None:
        on_progress(str(len(ids)), "grouping-total")
    if not ids:
        return 0
    dates = {i: plausible_date(d) for i, d in store.article_dates(ids).items()}
    known = [d for d in dates.values() if d is not None]
    grouper, model, dim = _load_grouper(store, config, min(known) if known else None)
    # A batch is placed in the order things happened, where its articles say when; undated ones
    # follow in the order they were read.
    if config.stories.batch_order == "published":
        ids = [i for i, _ in sorted(dates.items(), key=lambda kv: _arrival(kv[1], kv[0]))]
    touched: set[int] = set()
    for first in range(0, len(ids), 200):
        placed = []
        # Read 200 at a time, vectors too: 100,000 pending articles never sit in memory at once.
        vectors = store.article_vectors_for(model, ids[first : first + 200])
        for stored in store.articles_by_ids(ids[first : first + 200]):
            try:
                touched |= _place(store, grouper, stored, vectors.get(stored.id), model, dim, config)
            except Exception as exc:  # one article never blocks the batch or any later ingest
                log.exception("grouping failed on article %s", stored.id)
                store.record_failure(stored.id, "group", f"{type(exc).__name__}: {exc}")
                continue
            placed.append(stored.id)
            if on_progress is not None:
                on_progress(f"article {stored.id}", "grouped")
        store.clear_failures(placed, "group")
    _repair(store, grouper, touched, model, dim)
    store.renumber_threads()
    _save_index(store, grouper, model, config)
    return len(ids)


def _repair(store: Store, grouper: Grouper, touched: set[int], model: str, dim: int) -> None:
    """The repair after arrival (``Grouper.consolidate``) over the stories the batch touched:
    its moves, merges and splits saved in one transaction, then the threads it found."""
    repair = grouper.consolidate(touched, lambda: store.create_story(model, dim))
    changed = repair.touched
    if changed:
        live = [grouper.stories[sid].record() for sid in sorted(changed) if sid in grouper.stories]
        # A story emptied and dropped by the grouper still has a row: its size goes to 0 there.
        emptied = [
            StoryRecord(sid, np.zeros(dim, np.float32).tobytes(), 0, {}, None, None, None, frozenset())
            for sid in sorted(changed)
            if sid not in grouper.stories
        ]
        store.save_repair([*live, *emptied], repair.moves, repair.merges)
    for pool, links in repair.threads:
        store.save_pool_threads(pool, links)


def _arrival(published: datetime | None, article_id: int) -> tuple[bool, datetime, int]:
    return (published is None, published or datetime.min.replace(tzinfo=UTC), article_id)


def _load_grouper(
    store: Store, config: PipelineConfig, oldest: datetime | None = None
) -> tuple[Grouper, str, int]:
    """The grouper over the stories of the time window: their centroids and entities now, their
    recent articles when an article is first compared with them (a large store's ingest reads
    only the stories it touches, not every story's articles)."""
    from storyline.grouping.grouper import Grouper

    model = config.analyze.embedder or "none"
    dim = _dimension(config)
    newest = store.newest_story_date()
    since = newest - timedelta(days=config.stories.thread_window_days) if newest else None

    def fetch(story_ids: list[int]) -> dict[int, list[ArticleProfile]]:
        members = store.story_members(story_ids, config.stories.members)
        pinned = {aid: flag for rows in members.values() for aid, flag in rows}
        profiles = _profiles(store, list(pinned), model, dim, pinned, config)
        return {sid: [profiles[aid] for aid, _ in rows if aid in profiles] for sid, rows in members.items()}

    index = _saved_index(store, model, dim, config)
    records = store.story_rows(model, since)
    return Grouper.from_records(config.stories, dim, records, fetch, index, oldest), model, dim


def _profiles(
    store: Store, ids: list[int], model: str, dim: int, pinned: Mapping[int, bool], config: PipelineConfig
) -> dict[int, ArticleProfile]:
    """What grouping compares of stored articles: their vectors and term vectors as stored."""
    from storyline.grouping.profile import profile
    from storyline.grouping.terms import terms_from_bytes

    vectors = store.article_vectors_for(model, ids)
    terms = store.article_terms(ids)
    out = {}
    for first in range(0, len(ids), 500):
        for stored in store.articles_by_ids(ids[first : first + 500]):
            vector = vectors.get(stored.id, np.zeros(dim, np.float32))
            blobs = terms.get(stored.id)
            out[stored.id] = profile(
                stored.id,
                stored.article,
                stored.analysis,
                vector,
                config.stories.terms,
                terms_from_bytes(blobs) if blobs is not None else None,
                pinned.get(stored.id, False),
                config.stories.evidence,
            )
    return out


def _index_stamp(store: Store, model: str, dim: int, config: PipelineConfig) -> str:
    from storyline.grouping.index import index_stamp

    return index_stamp(store.story_stamp(model), dim, config.stories.window_days)


def _saved_index(store: Store, model: str, dim: int, config: PipelineConfig) -> Any:
    """The centroid index the last grouping saved beside the store, if no story changed since."""
    from storyline.grouping.index import load_index

    path = store.index_path
    if path is None or not path.exists():
        return None
    return load_index(path, _index_stamp(store, model, dim, config), dim)


def _save_index(store: Store, grouper: Grouper, model: str, config: PipelineConfig) -> None:
    from storyline.grouping.index import save_index

    path = store.index_path
    if path is not None:
        save_index(grouper.index, path, _index_stamp(store, model, grouper.dim, config))


def _place(
    store: Store,
    grouper: Grouper,
    stored: StoredArticle,
    vector: np.ndarray | None,
    model: str,
    dim: int,
    config: PipelineConfig,
) -> set[int]:
    """Place one article (see :func:`storyline.grouping.assign.assign`) and save where it went and
    what that changed; returns the stories it changed."""
    from storyline.grouping.assign import assign, features

    if vector is None:
        vector = np.zeros(dim, np.float32)
    item = features(stored.id, stored.article, stored.analysis, vector, config.stories)
    assignment = assign(
        item,
        grouper,
        earlier_story=store.earlier_revision_story(stored.id),
        copies=store.minhash_candidates,
        story_of=store.story_of,
        new_story=lambda: store.create_story(model, dim),
    )
    store.save_placement(
        stored.id,
        # Inserted under the story it joined; moves and merges saved with it carry it on.
        assignment.story,
        assignment.score,
        duplicate=assignment.duplicate,
        records=assignment.records,
        moves=assignment.moves,
        merges=assignment.merges,
        terms=item.terms,
        signature=item.signature,
        buckets=item.buckets,
    )
    return assignment.touched


def merge_stories(store: Store, keep: int, gone: int, config: PipelineConfig | None = None) -> int:
    """Merge story ``gone`` into ``keep`` by hand. Every article of the result is pinned, so later
    automatic repairs never pull them apart; returns the id of the merged story."""
    from storyline.errors import ConfigError

    config = config or PipelineConfig()
    if keep == gone:
        raise ConfigError(f"story {keep} cannot be merged into itself", remedy="name two different stories")
    named = gone
    keep, gone = store.live_story(keep), store.live_story(gone)
    if keep == gone:
        raise ConfigError(
            f"story {named} is already part of story {keep}", remedy="nothing to merge: they are one story"
        )
    store.merge_stories(keep, gone, "merged by hand", pin=True)
    _rebuild(store, config, [keep])
    warm_briefs(store, config)  # the merged story's first reader gets its brief at once
    return keep


def split_story(
    store: Store, story_id: int, article_ids: Iterable[int], config: PipelineConfig | None = None
) -> int:
    """Move ``article_ids`` out of ``story_id`` into a new story by hand; the two are kept apart
    from then on (no automatic merge joins them again). Returns the new story's id."""
    from storyline.errors import ConfigError

    config = config or PipelineConfig()
    story_id = store.live_story(story_id)
    members = set(store.story_article_ids(story_id))
    chosen = sorted(set(article_ids))
    strangers = [a for a in chosen if a not in members]
    if strangers:
        raise ConfigError(
            f"articles {', '.join(map(str, strangers))} are not in story {story_id}",
            remedy=f"list its articles with `storyline story {story_id}`",
        )
    if not chosen or len(chosen) == len(members):
        raise ConfigError(
            "a split must leave articles on both sides", remedy="name some, not all, of the story's articles"
        )
    model = config.analyze.embedder or "none"
    dim = _dimension(config)
    new = store.create_story(model, dim)
    store.split_story_rows(story_id, new, chosen)
    _rebuild(store, config, [story_id, new])
    warm_briefs(store, config)
    return new


def _dimension(config: PipelineConfig) -> int:
    from storyline.nlp.embed import get_embedder

    return get_embedder(config.analyze.embedder).dim if config.analyze.embedder else 1


def _rebuild(store: Store, config: PipelineConfig, story_ids: list[int]) -> None:
    """Recompute stories' states from all their articles, then their threads."""
    from storyline.grouping.state import StoryState

    model = config.analyze.embedder or "none"
    dim = _dimension(config)
    records = []
    for sid in story_ids:
        ids = store.story_article_ids(sid, independent=True)
        profiles = _profiles(store, ids, model, dim, dict.fromkeys(ids, True), config)
        members = [profiles[aid] for aid in ids if aid in profiles]
        records.append(StoryState.of_articles(sid, dim, members, config.stories.members).record())
    store.save_story_records(records)
    grouper, _, _ = _load_grouper(store, config)
    for pool, links in grouper.subjects(story_ids):
        store.save_pool_threads(pool, links)
    store.renumber_threads()
