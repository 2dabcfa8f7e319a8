"""The grouper: each new article joins the story it reports on or starts one, online.

An article joins the story whose recent articles it is *all* similar to (complete link over the
story's last ``members`` articles, blended with the average): on ECB+, where each topic holds two
events of one kind (two earthquakes, two celebrity rehab stays), this separates them far better
than closeness to a centroid, because one matching word field is not enough, the names must match
too (see :mod:`storyline.grouping.similarity`).

Only stories that an approximate nearest-neighbour index (usearch, HNSW, over story centroids)
returns among those seen within a time window are compared, so assigning one article costs about
the same with a thousand stories or a million (bench/stories_scale.py). After each placement the
few stories involved are repaired locally: an article that now fits a neighbouring story better
moves there, and two stories that are wholly alike merge (a bridging article showed they are one).
Nothing outside those few stories is touched. Stories not seen for a while leave the index, then
memory (eviction).

The grouper holds no database handle: the pipeline loads it from stored records, asks it to place
an article (:mod:`storyline.grouping.assign`) and saves what changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from storyline.config import StoryConfig
from storyline.grouping.index import usearch_index
from storyline.grouping.profile import ArticleProfile
from storyline.grouping.similarity import different_people, similarity_matrix
from storyline.grouping.state import StoryState
from storyline.grouping.threads import LeadingIndex
from storyline.model import StoryRecord, ThreadLink, plausible_date


@dataclass(frozen=True, slots=True)
class Placement:
    """What placing one article changed: the story it joined (``new`` if it started it), articles
    that moved between stories (``(article, from, to)``) and stories merged (``(kept, gone)``)."""

    story: int
    score: float
    new: bool
    moves: tuple[tuple[int, int, int], ...] = ()
    merges: tuple[tuple[int, int], ...] = ()

    @property
    def touched(self) -> set[int]:
        return touched_stories(self.story, self.moves, self.merges)


def touched_stories(
    story: int, moves: tuple[tuple[int, int, int], ...], merges: tuple[tuple[int, int], ...]
) -> set[int]:
    """The stories a placement changed: the one joined, both ends of every move, every merge's."""
    out = {story}
    out.update(s for _, a, b in moves for s in (a, b))
    out.update(s for pair in merges for s in pair)
    return out


class Grouper:
    """The online grouping state: stories in the time window, their centroids in an ANN index,
    their recent articles, and the entities that lead each (for threads)."""

    def __init__(
        self,
        config: StoryConfig,
        dim: int,
        stories: Iterable[StoryState] = (),
        fetch: Callable[[list[int]], Mapping[int, list[ArticleProfile]]] | None = None,
        index: Any = None,
        oldest: datetime | None = None,
    ) -> None:
        """``fetch`` gives the recent articles of stories not ``loaded`` yet, when they are first
        compared with an article; ``index`` is a saved usearch index of these stories' centroids
        (see :attr:`index`), brought up to date instead of built anew; ``oldest`` is the
        publication date of the oldest article to be placed (a backfill reaches further back)."""
        Index = usearch_index()
        self.config = config
        self._fetch = fetch
        self.dim = dim
        self.stories: dict[int, StoryState] = {}
        self._index = index if index is not None else Index(ndim=dim, metric="cos", dtype="f32")
        self._placed = 0
        self._threads = LeadingIndex(config)
        for state in stories:
            if state.size <= 0:
                continue
            self.stories[state.id] = state
            self._threads.put(state)
        # A date in the future is a misread one: it must not push every story out of the window.
        soon = datetime.now(UTC) + timedelta(days=config.future_days)
        for state in self.stories.values():
            # Story dates an earlier version stored unchecked pass the date gate here.
            state.first, state.last = plausible_date(state.first), plausible_date(state.last)
        dated = [
            state.last for state in self.stories.values() if state.last is not None and state.last <= soon
        ]
        self._newest: datetime | None = max(dated) if dated else None
        self._fill_index(index is not None, oldest)

    @classmethod
    def from_records(
        cls,
        config: StoryConfig,
        dim: int,
        records: Iterable[StoryRecord],
        fetch: Callable[[list[int]], Mapping[int, list[ArticleProfile]]],
        index: Any = None,
        oldest: datetime | None = None,
    ) -> Grouper:
        """The grouper over stored stories: their sums and entities now, their recent articles
        from ``fetch`` when an article is first compared with them."""
        states = (StoryState.from_record(record, loaded=False) for record in records)
        return cls(config, dim, states, fetch, index, oldest)

    def _fill_index(self, saved: bool, oldest: datetime | None) -> None:
        """Only stories an article could still join go in the index (the others stay for threads),
        loaded in bulk: one batched insertion is many times faster than one per story. A saved
        index gets the ones it lacks (written since by another process, or older ones a backfill
        needs) and loses those no longer here."""
        if saved:
            stale = [int(k) for k in np.asarray(self._index.keys) if int(k) not in self.stories]
            if stale:
                self._index.remove(np.asarray(stale, dtype=np.uint64))
        window = timedelta(days=self.config.window_days)
        edges = [d - window for d in (self._newest, plausible_date(oldest)) if d is not None]
        edge = min(edges) if edges else None
        keys, vectors = [], []
        for state in self.stories.values():
            recent = edge is None or state.last is None or state.last >= edge
            if recent and state.id not in self._index and float(np.linalg.norm(state.total)) > 0:
                keys.append(state.id)
                vectors.append(state.centroid)
        if keys:
            self._index.add(np.asarray(keys, dtype=np.uint64), np.stack(vectors).astype(np.float32))

    @property
    def index(self) -> Any:
        """The usearch index of the centroids, to be saved (:func:`~storyline.grouping.index.save_index`)
        so the next grouper over the same stories need not build it."""
        return self._index

    # --- placing --------------------------------------------------------------------------------

    def place(self, item: ArticleProfile, new_story: Callable[[], int]) -> Placement:
        """Put ``item`` in the story it belongs to (``new_story()`` gives the id of a new one), then
        repair the few stories involved."""
        candidates = self._candidates(item)
        self._load(candidates)
        members = [m for sid in candidates for m in self.stories[sid].members]
        sims = similarity_matrix([item], members, self.config)[0] if members else np.zeros(0)
        scored: list[tuple[float, int]] = []
        offset = 0
        for sid in candidates:
            count = len(self.stories[sid].members)
            if count and not different_people(item.principals, item.entities, self.stories[sid], self.config):
                scored.append((self._link(sims[offset : offset + count]), sid))
            offset += count
        scored.sort(reverse=True)
        threshold = self.config.join_threshold
        if scored and scored[0][0] >= threshold:
            score, story_id = scored[0]
            new = False
        else:
            # The article that starts a story is its own reference: it matches it fully.
            score, story_id, new = 1.0, new_story(), True
        self._add(story_id, item)
        involved = list(dict.fromkeys([story_id] + [sid for _, sid in scored[: self.config.repair_stories]]))
        moves, merges = self._repair(involved)
        return Placement(story_id, score, new, tuple(moves), tuple(merges))

    def _repair(self, involved: list[int]) -> tuple[list[tuple[int, int, int]], list[tuple[int, int]]]:
        """Move articles that fit a neighbouring story better; merge stories wholly alike. Every
        similarity needed is computed once, over the recent articles of the stories involved."""
        pool = {m.id: m for sid in involved if sid in self.stories for m in self.stories[sid].members}
        if len(pool) < 2:
            return [], []
        position = {aid: n for n, aid in enumerate(pool)}
        items = list(pool.values())
        sims = similarity_matrix(items, items, self.config)
        moves = self._move_misfits(involved, sims, position)
        return moves, self._merge_alike(involved, sims, position)

    def _move_misfits(
        self, involved: list[int], sims: np.ndarray, position: Mapping[int, int]
    ) -> list[tuple[int, int, int]]:
        """Articles (not pinned by hand) that fit another involved story better than their own,
        and well enough to join it, move there; in ``repair_passes`` passes, as one move can
        prompt another."""
        moves: list[tuple[int, int, int]] = []

        def link(article: int, sid: int) -> float:
            others = [position[m.id] for m in self.stories[sid].members if m.id != article]
            return self._link(sims[position[article], others]) if others else -1.0

        for _ in range(self.config.repair_passes):
            moved = False
            for sid in list(involved):
                if sid not in self.stories:
                    continue
                for member in list(self.stories[sid].members):
                    if member.pinned or len(self.stories[sid].members) < 2:
                        continue
                    own = link(member.id, sid)
                    best = max(
                        ((link(member.id, o), o) for o in involved if o != sid and o in self.stories),
                        default=(-1.0, -1),
                    )
                    if (
                        best[1] >= 0
                        and not different_people(
                            member.principals, member.entities, self.stories[best[1]], self.config
                        )
                        and best[0] > own
                        and best[0] >= self.config.join_threshold
                        and self._in_window(member.date, self.stories[best[1]])
                    ):
                        self.stories[sid].remove(member)
                        self._put(self.stories[sid])
                        self._add(best[1], member, count=False)
                        moves.append((member.id, sid, best[1]))
                        moved = True
            if not moved:
                break
        return moves

    def _merge_alike(
        self, involved: list[int], sims: np.ndarray, position: Mapping[int, int]
    ) -> list[tuple[int, int]]:
        """Two involved stories whose articles are all alike (by the same link as joining), close
        in time, not kept apart by hand and not led by different people, become one (the lower id)."""
        merges: list[tuple[int, int]] = []
        for n, keep in enumerate(involved):
            for gone in involved[n + 1 :]:
                if keep not in self.stories or gone not in self.stories:
                    continue
                a, b = self.stories[keep], self.stories[gone]
                if gone in a.apart or keep in b.apart or not a.members or not b.members:
                    continue
                if not self._close_in_time(a, b) or different_people(
                    tuple(a.principals(self.config)), a.entities, b, self.config
                ):
                    continue
                rows = [position[m.id] for m in a.members]
                cols = [position[m.id] for m in b.members]
                if self._link(sims[np.ix_(rows, cols)]) >= self.config.join_threshold:
                    low, high = min(keep, gone), max(keep, gone)
                    self.merge(low, high)
                    merges.append((low, high))
        return merges

    def _load(self, story_ids: Iterable[int]) -> None:
        """Read the recent articles of the stories that have not been read yet, in one call."""
        wanted = [sid for sid in story_ids if not self.stories[sid].loaded]
        if not wanted:
            return
        if self._fetch is None:
            raise RuntimeError("stories were given without their articles and no way to fetch them")
        found = self._fetch(wanted)
        for sid in wanted:
            self.stories[sid].members = list(found.get(sid, []))[-self.config.members :]
            self.stories[sid].loaded = True

    def _link(self, sims: np.ndarray) -> float:
        """How well an article (or a story) fits a story, from its similarities to the members:
        the weakest of them (complete link) blended with their mean (average link)."""
        blend = self.config.average_link
        return float((1.0 - blend) * sims.min() + blend * sims.mean())

    def _candidates(self, item: ArticleProfile) -> list[int]:
        if len(self.stories) <= self.config.candidates or len(item.vector) != self.dim:
            ids = list(self.stories)
        else:
            matches = self._index.search(item.vector, self.config.candidates)
            ids = [int(k) for k in matches.keys]
        return [sid for sid in ids if sid in self.stories and self._in_window(item.date, self.stories[sid])]

    def _in_window(self, when: datetime | None, story: StoryState) -> bool:
        if when is None or story.first is None or story.last is None:
            return True
        window = timedelta(days=self.config.window_days)
        return story.first - window <= when <= story.last + window

    def _close_in_time(self, a: StoryState, b: StoryState) -> bool:
        if a.first is None or a.last is None or b.first is None or b.last is None:
            return True
        window = timedelta(days=self.config.window_days)
        return a.first - window <= b.last and b.first - window <= a.last

    # --- state ----------------------------------------------------------------------------------

    def _add(self, story_id: int, item: ArticleProfile, count: bool = True) -> StoryState:
        state = self.stories.get(story_id) or StoryState(story_id, np.zeros(self.dim, np.float32))
        state.add(item, self.config.members)
        self._put(state)
        if count:
            self._placed += 1
        if item.date is not None and (self._newest is None or item.date > self._newest):
            self._newest = item.date
        if count and self._placed % self.config.evict_every == 0:
            self._evict()
        return state

    def merge(self, keep: int, gone: int) -> StoryState:
        """Fold story ``gone`` into ``keep``."""
        state = self.stories[keep]
        other = self.stories.pop(gone, None)
        if other is not None:
            state.absorb(other, self.config.members)
            self._drop(gone)
        state.apart.discard(gone)
        self._put(state)
        return state

    def forget(self, story_id: int) -> None:
        self.stories.pop(story_id, None)
        self._drop(story_id)

    def _put(self, state: StoryState) -> None:
        if state.size <= 0:
            self.forget(state.id)
            return
        self.stories[state.id] = state
        if state.id in self._index:
            self._index.remove(state.id)
        if float(np.linalg.norm(state.total)) > 0:
            self._index.add(state.id, state.centroid)
        self._threads.put(state)

    def _drop(self, story_id: int) -> None:
        if story_id in self._index:
            self._index.remove(story_id)
        self._threads.drop(story_id)

    def _evict(self) -> None:
        # Stories last seen before the thread window leave memory; those only past the join
        # window leave the index but stay for threads.
        if self._newest is None:
            return
        join_edge = self._newest - timedelta(days=self.config.window_days)
        thread_edge = self._newest - timedelta(days=self.config.thread_window_days)
        for sid, state in list(self.stories.items()):
            if state.last is None:
                continue
            if state.last < thread_edge:
                self.forget(sid)
            elif state.last < join_edge and sid in self._index:
                self._index.remove(sid)

    # --- threads --------------------------------------------------------------------------------

    def thread_links(self, story_id: int) -> list[ThreadLink]:
        """Stories that share this story's leading actors and places (a running thread)."""
        return self._threads.links(story_id, self.stories)
