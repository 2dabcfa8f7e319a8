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

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np

from storyline.config import StoryConfig
from storyline.grouping.index import usearch_index
from storyline.grouping.profile import ArticleProfile
from storyline.grouping.recluster import average_link, match_clusters
from storyline.grouping.similarity import different_people, similarity_matrix, stories_led_apart
from storyline.grouping.state import StoryState
from storyline.grouping.threads import LeadingIndex, subject_link
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


@dataclass(frozen=True, slots=True)
class Repair:
    """What a repair after arrival changed: articles moved ``(article, from, to)``, stories
    merged ``(kept, gone)``, and the stories it started (the halves split off)."""

    moves: tuple[tuple[int, int, int], ...] = ()
    merges: tuple[tuple[int, int], ...] = ()
    created: tuple[int, ...] = ()
    # Each group of stories compared, with the thread links found among them (the store replaces
    # the links among a group's stories with these, and keeps their links to stories outside it).
    threads: tuple[tuple[tuple[int, ...], tuple[ThreadLink, ...]], ...] = ()

    @property
    def touched(self) -> set[int]:
        out = set(self.created)
        out.update(s for _, a, b in self.moves for s in (a, b))
        out.update(s for pair in self.merges for s in pair)
        return out


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
        # Story -> the stories a repair found to be of its subject (see _find_subjects).
        self._subjects: dict[int, set[int]] = {}
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
            if count and not different_people(item, self.stories[sid], self.config):
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
                        and not different_people(member, self.stories[best[1]], self.config)
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
                if not self._close_in_time(a, b):
                    continue
                rows = [position[m.id] for m in a.members]
                cols = [position[m.id] for m in b.members]
                if self._alike(a, b, sims[np.ix_(rows, cols)]):
                    low, high = min(keep, gone), max(keep, gone)
                    self.merge(low, high)
                    merges.append((low, high))
        return merges

    def _alike(self, a: StoryState, b: StoryState, sims: np.ndarray) -> bool:
        """Whether two stories report one event: every article of each fits the other (the link an
        article joins by) and they do not lead with different people. Conflicting core facts are
        in ``sims`` already, as penalties."""
        return self._link(sims) >= self.config.join_threshold and not stories_led_apart(a, b, self.config)

    # --- repair after arrival -------------------------------------------------------------------

    def consolidate(self, story_ids: Iterable[int], new_story: Callable[[], int]) -> Repair:
        """Cluster again, all at once, the articles of ``story_ids`` and of their nearest stories
        (:func:`~storyline.grouping.recluster.average_link` over the similarity articles join
        by), then merge, split and move to match: the halves of one event that arrived as two
        stories become one, and a story holding two events' reports becomes two. Articles pinned
        by hand stay; stories kept apart by hand stay apart."""
        moves: list[tuple[int, int, int]] = []
        merges: list[tuple[int, int]] = []
        created: list[int] = []
        threads = []
        for pool in self._pools(story_ids):
            after = self._recluster(pool, new_story, moves, merges, created)
            threads.append(self._pool_threads(after))
        return Repair(tuple(moves), tuple(merges), tuple(created), tuple(threads))

    def _pools(self, story_ids: Iterable[int]) -> list[list[int]]:
        """The touched stories with their neighbours (nearest by centroid, close in time) and
        theirs in turn, in groups of at most ``repair_pool`` articles, each story in one group:
        the halves of one event are neighbours, often only through a third story."""
        pooled: set[int] = set()
        pools: list[list[int]] = []
        for sid in sorted(set(story_ids)):
            if sid not in self.stories or sid in pooled:
                continue
            pool: list[int] = []
            count, frontier = 0, [sid]
            while frontier:
                current = frontier.pop(0)
                size = self.stories[current].size
                if current in pooled or (pool and count + size > self.config.repair_pool):
                    continue
                pool.append(current)
                pooled.add(current)
                count += size
                frontier.extend(n for n in self._neighbours(self.stories[current]) if n not in pooled)
            pools.append(pool)
        return pools

    def _neighbours(self, state: StoryState) -> list[int]:
        """Stories that may be one event or one subject with ``state``: its nearest by centroid
        and those leading with what it leads with, seen within the thread window of it."""
        if len(self.stories) <= self.config.candidates or float(np.linalg.norm(state.total)) == 0:
            ids = list(self.stories)
        else:
            ids = [int(k) for k in self._index.search(state.centroid, self.config.candidates).keys]
            ids += sorted(self._threads.co_leading(state.id))
        window = timedelta(days=self.config.thread_window_days)
        out = []
        for sid in dict.fromkeys(ids):
            other = self.stories.get(sid)
            if other is None or sid == state.id:
                continue
            if state.last and other.last and abs(state.last - other.last) > window:
                continue
            out.append(sid)
        return out

    def _recluster(
        self,
        pool: list[int],
        new_story: Callable[[], int],
        moves: list[tuple[int, int, int]],
        merges: list[tuple[int, int]],
        created: list[int],
    ) -> list[int]:
        """Cluster the pool's articles again and move, merge and split to match; then find the
        pool's subjects. Returns the pool's stories after."""
        self._load(pool)
        items = [m for sid in pool for m in self.stories[sid].members]
        owner = [sid for sid in pool for _ in self.stories[sid].members]
        if len(items) < 2:
            return pool
        sims = similarity_matrix(items, items, self.config)
        apart = self._kept_apart(items, owner)
        labels = average_link(sims, self.config.merge_threshold, apart, self.config.repair_linkage)
        kept = match_clusters(labels, owner)
        for label, story in kept.items():
            if story is None:
                fresh = new_story()
                kept[label] = fresh
                created.append(fresh)
        target = [int(kept[int(label)] or 0) for label in labels]
        # A story all of whose articles go to one other story is merged into it (whole, when
        # every article of it is at hand); the other changes are moves of single articles.
        for sid in pool:
            going = {t for t, o in zip(target, owner, strict=True) if o == sid}
            state = self.stories.get(sid)
            if state is None or len(going) != 1 or sid in going or state.size != len(state.members):
                continue
            keep = going.pop()
            if keep in self.stories and (sid in self.stories[keep].apart or keep in state.apart):
                continue
            if keep not in self.stories or any(m.pinned for m in state.members):
                continue
            self.merge(keep, sid)
            merges.append((keep, sid))
            owner = [keep if o == sid else o for o in owner]
        for item, source, to in zip(items, owner, target, strict=True):
            if source == to or item.pinned or source not in self.stories:
                continue
            self.stories[source].remove(item)
            self._put(self.stories[source])
            self._add(to, item, count=False)
            moves.append((item.id, source, to))
        after = [sid for sid in dict.fromkeys(pool + target) if sid in self.stories]
        self._find_subjects(after)
        return after

    def _find_subjects(self, pool: list[int]) -> None:
        """The stories of ``pool`` that are of one subject: their articles clustered as stories
        are (``repair_linkage``) at ``thread_threshold``, with no bound on the span (a search
        that goes on for a year, a verdict months after the crime), only the thread window and
        the user's "keep apart". Each story's subject is where most of its articles fall; the
        stories of one subject are linked in pairs (their thread)."""
        items = [m for sid in pool for m in self.stories[sid].members]
        owner = [sid for sid in pool for _ in self.stories[sid].members]
        for sid in pool:
            # Links to stories outside the pool stay as they were (the store keeps them).
            self._subjects[sid] = {o for o in self._subjects.get(sid, set()) if o not in pool}
        if len(pool) < 2:
            return
        sims = similarity_matrix(items, items, self.config)
        days = np.array([m.date.timestamp() / 86400.0 if m.date else np.nan for m in items])
        with np.errstate(invalid="ignore"):
            apart = np.abs(days[:, None] - days[None, :]) > self.config.thread_window_days
        labels = average_link(sims, self.config.thread_threshold, apart, self.config.repair_linkage)
        votes: dict[int, Counter[int]] = defaultdict(Counter)
        for sid, label in zip(owner, labels.tolist(), strict=True):
            votes[sid][label] += 1
        subject = {sid: counts.most_common(1)[0][0] for sid, counts in votes.items()}
        for sid in pool:
            self._subjects[sid] = {o for o in pool if o != sid and subject.get(o) == subject.get(sid)}

    def _kept_apart(self, items: list[ArticleProfile], owner: list[int]) -> np.ndarray:
        """Pairs that must not share a story: published more than ``window_days`` apart, or in
        two stories kept apart by hand."""
        days = np.array([m.date.timestamp() / 86400.0 if m.date else np.nan for m in items])
        same = np.array(owner)[:, None] == np.array(owner)[None, :]
        with np.errstate(invalid="ignore"):
            apart = (np.abs(days[:, None] - days[None, :]) > self.config.window_days) & ~same
        for i, a in enumerate(owner):
            far = self.stories[a].apart
            if far:
                apart[i] |= np.array([b in far for b in owner])
        return np.asarray(apart, dtype=bool)

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
        """The stories a repair found to be of this story's subject (a running thread)."""
        state = self.stories.get(story_id)
        if state is None:
            return []
        others = sorted(o for o in self._subjects.get(story_id, ()) if o in self.stories)
        return [subject_link(state, self.stories[o], self.config) for o in others]

    def subjects(self, story_ids: Iterable[int]) -> list[tuple[tuple[int, ...], tuple[ThreadLink, ...]]]:
        """Find the subjects of ``story_ids`` and their neighbours again, moving no article (after a
        merge or a split by hand): each group of stories compared, with the thread links among them."""
        out = []
        for pool in self._pools(story_ids):
            self._load(pool)
            self._find_subjects(pool)
            out.append(self._pool_threads(pool))
        return out

    def _pool_threads(self, pool: list[int]) -> tuple[tuple[int, ...], tuple[ThreadLink, ...]]:
        live = [sid for sid in pool if sid in self.stories]
        links = {(link.a, link.b): link for sid in live for link in self.thread_links(sid)}
        return tuple(live), tuple(links.values())
