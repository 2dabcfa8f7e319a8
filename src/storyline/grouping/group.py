"""Stories: each new article joins the story it reports on or starts one, online and incrementally.

Two articles are compared by the words they use and the names they give (TF-IDF over words, and
over capitalised names and years, weighted by background rarity from wordfreq, not by the store:
a word's weight never changes as articles arrive) and by their sentence embeddings. An article
joins the story whose recent articles it is *all* similar to (complete link over the story's
last ``members`` articles): on ECB+, where each topic holds two events of one kind (two
earthquakes, two celebrity rehab stays), this separates them far better than closeness to a
centroid, because one matching word field is not enough, the names must match too.

Only stories that an approximate nearest-neighbour index (usearch, HNSW, over story centroids)
returns among those seen within a time window are compared, so assigning one article costs about
the same with a thousand stories or a million (bench/stories_scale.py). After each placement the
few stories involved are repaired locally: an article that now fits a neighbouring story better
moves there, and two stories that are wholly alike merge (a bridging article showed they are one).
Nothing outside those few stories is touched.

The grouper holds no database handle: the pipeline loads it from the store, asks it to place an
article and saves what changed.
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from storyline.config import StoryConfig
from storyline.model import Analysis, Article, Entity, EntityType, plausible_date

# How many of a story's most named entities count as its leading ones, for threads.
LEADING = 6
# Term ids are hashed into this many columns (stable across runs: crc32, not Python's hash).
_COLUMNS = 1 << 22
_WORD = re.compile(r"[^\W\d_][\w'’-]*|\d[\d,.]*\d|\d", re.UNICODE)
_YEAR = re.compile(r"(?:19|20)\d\d")
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+|\n+")


@dataclass(frozen=True, slots=True)
class Terms:
    """A sparse L2-normalised term vector: hashed term ids and their weights."""

    ids: np.ndarray
    weights: np.ndarray

    @classmethod
    def empty(cls) -> Terms:
        return cls(np.zeros(0, np.int32), np.zeros(0, np.float32))

    def to_bytes(self) -> bytes:
        return (
            np.int32(len(self.ids)).tobytes()
            + self.ids.astype(np.int32).tobytes()
            + self.weights.astype(np.float32).tobytes()
        )

    @classmethod
    def from_bytes(cls, blob: bytes) -> Terms:
        n = int(np.frombuffer(blob[:4], np.int32)[0])
        ids = np.frombuffer(blob[4 : 4 + 4 * n], np.int32)
        return cls(ids, np.frombuffer(blob[4 + 4 * n :], np.float32))


@lru_cache(maxsize=200_000)
def _rarity(term: str) -> float:
    from wordfreq import zipf_frequency

    # Zipf 8 is "the"; an unseen name is about 0. Floor at 0.5 so no term weighs nothing.
    return max(0.5, 8.0 - zipf_frequency(term, "en"))


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


def _vector(counts: Counter[str], limit: int) -> Terms:
    if not counts:
        return Terms.empty()
    weighted = sorted(((1.0 + math.log(n)) * _rarity(term), term) for term, n in counts.items())[-limit:]
    merged: dict[int, float] = defaultdict(float)
    for weight, term in weighted:
        merged[zlib.crc32(term.encode("utf-8")) % _COLUMNS] += weight
    ids = np.fromiter(merged.keys(), np.int32, len(merged))
    weights = np.fromiter(merged.values(), np.float32, len(merged))
    order = np.argsort(ids)
    norm = float(np.linalg.norm(weights)) or 1.0
    return Terms(ids[order], (weights[order] / norm).astype(np.float32))


def term_vectors(
    title: str | None, text: str, limit: int = 200, url: str | None = None
) -> tuple[Terms, Terms]:
    """The words and the names (capitalised words not opening a sentence, and years) of a text,
    and the words of its address's path: a slug is a second headline, often a sharper one."""
    stop = _stop_words()
    words: Counter[str] = Counter()
    names: Counter[str] = Counter()
    for token in _slug_words(url):
        if token not in stop:
            words[token] += 1
    for sentence in _SENTENCE_SPLIT.split(f"{title}\n{text}" if title else text):
        for position, token in enumerate(_WORD.findall(sentence)):
            lower = token.lower()
            if lower not in stop and len(lower) > 1:
                words[lower] += 1
            if (position > 0 and token[0].isupper()) or _YEAR.fullmatch(token):
                names[lower] += 1
    return _vector(words, limit), _vector(names, limit)


_WEB_WORDS = frozenset(
    "www http https html htm shtml php asp aspx jsp cfm index story stories article articles news "
    "item items post posts blog blogs page pages default amp id".split()
)


def _slug_words(url: str | None) -> list[str]:
    if not url:
        return []
    path = urlsplit(re.sub(r"\s+", "", url)).path.lower()
    return [t for t in re.split(r"[^a-z]+", path) if len(t) > 2 and t not in _WEB_WORDS]


@dataclass(frozen=True, slots=True)
class ArticleProfile:
    """What grouping needs of one article."""

    id: int
    vector: np.ndarray
    words: Terms
    proper: Terms
    # Entity key -> salience (1 + log of its mentions); keys are surnames for people, so "Raisi"
    # and "Ebrahim Raisi" are one key across articles.
    entities: Mapping[str, float]
    names: Mapping[str, tuple[str, EntityType]]
    date: datetime | None
    title: str | None = None
    pinned: bool = False
    # The people the article leads with (named in its title or first sentence): two reports whose
    # leading people never appear in each other are different events, however alike their words
    # (two visits to Moscow by two different Iranian officials).
    principals: tuple[str, ...] = ()


def entity_key(entity: Entity) -> str:
    name = entity.name.lower().removesuffix("’s").removesuffix("'s")
    words = [w for w in name.split() if any(c.isalpha() for c in w)]
    return words[-1] if entity.type is EntityType.PERSON and words else name


def profile(
    article_id: int,
    article: Article,
    analysis: Analysis | None,
    vector: np.ndarray,
    terms: tuple[Terms, Terms] | None = None,
    pinned: bool = False,
) -> ArticleProfile:
    entities: dict[str, float] = {}
    names: dict[str, tuple[str, EntityType]] = {}
    for entity in analysis.entities if analysis else ():
        key = entity_key(entity)
        weight = 1.0 + math.log(max(1, len(entity.mentions)))
        entities[key] = max(entities.get(key, 0.0), weight)
        # The longest form is the most informative display name ("Ebrahim Raisi" over "Raisi").
        if key not in names or len(entity.name) > len(names[key][0]):
            names[key] = (entity.name, entity.type)
    words, proper = terms or term_vectors(article.title, article.text, url=article.url)
    # The people the article leads with: named in its title (its first sentence when it has none).
    title = (article.title or "").lower()
    lead_end = analysis.sentences[0].end if analysis and analysis.sentences and not title else 0
    people = [
        entity_key(entity)
        for entity in (analysis.entities if analysis else ())
        if entity.type is EntityType.PERSON
        and (entity_key(entity) in title or any(m.start < lead_end for m in entity.mentions))
    ]
    return ArticleProfile(
        article_id,
        np.asarray(vector, dtype=np.float32),
        words,
        proper,
        entities,
        names,
        # Through the date gate again: a store written before it may hold 0001-01-01.
        plausible_date(article.published),
        article.title,
        pinned,
        tuple(dict.fromkeys(people)),
    )


@dataclass(slots=True)
class StoryState:
    """A story as grouping sees it: the sum of its articles' vectors (for the index), its entities,
    and its most recent articles' profiles (for complete-link comparison)."""

    id: int
    total: np.ndarray
    size: int = 0
    # Entity key -> [articles naming it, summed salience].
    entities: dict[str, list[float]] = field(default_factory=dict)
    names: dict[str, tuple[str, EntityType]] = field(default_factory=dict)
    first: datetime | None = None
    last: datetime | None = None
    # Stories a user split from this one: never merged back automatically.
    apart: set[int] = field(default_factory=set)
    members: list[ArticleProfile] = field(default_factory=list)
    # False while ``members`` has not been read from the store: only the stories an article is
    # compared with need their articles, so a grouper over a large store loads just centroids.
    loaded: bool = True

    def principals(self) -> set[str]:
        """The people the story's recent articles lead with: those at least half of them lead
        with (one article's stray lead name must not speak for the story), else the most common."""
        counts = Counter(p for m in self.members for p in m.principals)
        if not counts:
            return set()
        shared = {p for p, n in counts.items() if n * 2 >= len(self.members)}
        return shared or {p for p, n in counts.items() if n == max(counts.values())}

    @property
    def centroid(self) -> np.ndarray:
        norm = float(np.linalg.norm(self.total))
        result: np.ndarray = self.total / norm if norm else self.total
        return result

    def add(self, item: ArticleProfile, keep: int) -> None:
        if len(item.vector) == len(self.total):
            self.total = self.total + item.vector
        self.size += 1
        for key, weight in item.entities.items():
            slot = self.entities.setdefault(key, [0.0, 0.0])
            slot[0] += 1
            slot[1] += weight
        for key, name in item.names.items():
            if key not in self.names or len(name[0]) > len(self.names[key][0]):
                self.names[key] = name
        if item.date is not None:
            self.first = item.date if self.first is None else min(self.first, item.date)
            self.last = item.date if self.last is None else max(self.last, item.date)
        self.members.append(item)
        del self.members[:-keep]

    def remove(self, item: ArticleProfile) -> None:
        if len(item.vector) == len(self.total):
            self.total = self.total - item.vector
        self.size = max(0, self.size - 1)
        for key, weight in item.entities.items():
            slot = self.entities.get(key)
            if slot is not None:
                slot[0] -= 1
                slot[1] -= weight
                if slot[0] <= 0:
                    del self.entities[key]
        self.members = [m for m in self.members if m.id != item.id]
        dates = [m.date for m in self.members if m.date is not None]
        if dates and len(self.members) == self.size:
            self.first, self.last = min(dates), max(dates)

    def absorb(self, other: StoryState, keep: int) -> None:
        self.total = self.total + other.total
        self.size += other.size
        for key, (count, mass) in other.entities.items():
            slot = self.entities.setdefault(key, [0.0, 0.0])
            slot[0] += count
            slot[1] += mass
        for key, name in other.names.items():
            self.names.setdefault(key, name)
        for when in (other.first, other.last):
            if when is not None:
                self.first = when if self.first is None else min(self.first, when)
                self.last = when if self.last is None else max(self.last, when)
        self.apart |= other.apart
        self.members = sorted(self.members + other.members, key=lambda m: m.id)[-keep:]

    def title(self) -> str | None:
        """The title of the recent article closest to the story's centroid: its most typical."""
        centre = self.centroid
        titled = [m for m in self.members if m.title]
        if not titled:
            return None
        best = max(titled, key=lambda m: float(m.vector @ centre) if len(m.vector) == len(centre) else -1.0)
        return best.title

    def leading(self) -> list[str]:
        """The entities the story is about: its most named ones that half its articles name."""
        ranked = sorted(self.entities.items(), key=lambda kv: (-kv[1][1], kv[0]))
        return [k for k, (count, _) in ranked if count * 2 >= self.size][:LEADING]

    def to_json(self) -> dict[str, Any]:
        return {
            key: [count, round(mass, 4), *self.names.get(key, (key, EntityType.ORGANISATION))]
            for key, (count, mass) in self.entities.items()
        }

    @classmethod
    def from_json(
        cls,
        story_id: int,
        total: np.ndarray,
        size: int,
        entities: Mapping[str, list[Any]],
        first: datetime | None,
        last: datetime | None,
        apart: Iterable[int] = (),
        members: Iterable[ArticleProfile] = (),
        loaded: bool = True,
    ) -> StoryState:
        state = cls(
            story_id,
            total,
            size,
            first=first,
            last=last,
            apart=set(apart),
            members=list(members),
            loaded=loaded,
        )
        for key, (count, mass, name, kind) in entities.items():
            state.entities[key] = [float(count), float(mass)]
            state.names[key] = (name, EntityType(kind))
        return state


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
        out = {self.story}
        out.update(s for _, a, b in self.moves for s in (a, b))
        out.update(s for pair in self.merges for s in pair)
        return out


@dataclass(frozen=True, slots=True)
class ThreadLink:
    a: int
    b: int
    shared: tuple[tuple[str, EntityType], ...]

    def reason(self) -> str:
        actors = [n for n, t in self.shared if t in (EntityType.PERSON, EntityType.ORGANISATION)]
        places = [n for n, t in self.shared if t in (EntityType.PLACE, EntityType.COUNTRY)]
        parts = []
        if actors:
            parts.append("shared actors: " + ", ".join(actors))
        if places:
            parts.append("shared places: " + ", ".join(places))
        return "; ".join(parts)


def _different_people(principals: Iterable[str], named: Mapping[str, object], story: StoryState) -> bool:
    """True when the article's main people are never named in the story and the story's main
    people are never named in the article: reports of two different events."""
    mine = [p for p in principals if p not in story.entities]
    theirs = [p for p in story.principals() if p not in named]
    return bool(mine) and bool(theirs)


def similarity_matrix(
    a: list[ArticleProfile],
    b: list[ArticleProfile],
    embedding_weight: float,
    time_weight: float = 0.0,
    time_scale_days: float = 7.0,
    conflict_penalty: float = 0.0,
) -> np.ndarray:
    """Pairwise similarity: (word cosine + name cosine + w * embedding cosine) / (2 + w), plus a
    bonus for two dated articles published close together (falling to nothing at ``time_scale_days``):
    of two reports alike in words, those of the same days are likelier to be of one event."""
    total = np.zeros((len(a), len(b)), np.float32)
    if not a or not b:
        return total
    bonus = np.zeros((len(a), len(b)), np.float32)
    if time_weight:
        da = np.array([x.date.timestamp() if x.date else np.nan for x in a]) / 86400.0
        db = np.array([x.date.timestamp() if x.date else np.nan for x in b]) / 86400.0
        closeness = np.clip(1.0 - np.abs(da[:, None] - db[None, :]) / time_scale_days, 0.0, 1.0)
        bonus = (time_weight * np.nan_to_num(closeness, nan=0.0)).astype(np.float32)
    for attr in ("words", "proper"):
        total += _sparse_dot([getattr(x, attr) for x in a], [getattr(x, attr) for x in b])
    dim = max((len(x.vector) for x in a + b), default=0)
    if dim:
        ea = np.stack([x.vector if len(x.vector) == dim else np.zeros(dim, np.float32) for x in a])
        eb = np.stack([x.vector if len(x.vector) == dim else np.zeros(dim, np.float32) for x in b])
        total += embedding_weight * (ea @ eb.T)
    result: np.ndarray = total / (2.0 + embedding_weight) + bonus
    if conflict_penalty:
        result -= conflict_penalty * _lead_conflicts(a, b)
    return result


def _lead_conflicts(a: list[ArticleProfile], b: list[ArticleProfile]) -> np.ndarray:
    """1 where each of two articles leads with someone the other never names (Klitschko against
    Thompson, Klitschko against Rahman: two fights), else 0."""
    out = np.zeros((len(a), len(b)), np.float32)
    for i, x in enumerate(a):
        if not x.principals:
            continue
        for j, y in enumerate(b):
            if (
                y.principals
                and any(p not in y.entities for p in x.principals)
                and any(p not in x.entities for p in y.principals)
            ):
                out[i, j] = 1.0
    return out


def _sparse_dot(a: list[Terms], b: list[Terms]) -> np.ndarray:
    from scipy.sparse import csr_matrix

    # Hashed ids are renumbered to the few columns these vectors use: a product over the full
    # hashed width would cost time and memory in proportion to it.
    ids = np.concatenate([t.ids for t in a] + [t.ids for t in b])
    if not len(ids):
        return np.zeros((len(a), len(b)), np.float32)
    columns, local = np.unique(ids, return_inverse=True)

    def matrix(items: list[Terms], offset: int) -> Any:
        lengths = np.fromiter((len(t.ids) for t in items), np.int64, len(items))
        indptr = np.concatenate([[0], np.cumsum(lengths)])
        data = np.concatenate([t.weights for t in items]) if items else np.zeros(0, np.float32)
        return csr_matrix(
            (data, local[offset : offset + indptr[-1]], indptr), shape=(len(items), len(columns))
        )

    left = matrix(a, 0)
    right = matrix(b, int(sum(len(t.ids) for t in a)))
    result: np.ndarray = (left @ right.T).toarray().astype(np.float32)
    return result


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
        (see :meth:`save_index`), brought up to date instead of built anew; ``oldest`` is the
        publication date of the oldest article to be placed (a backfill reaches further back)."""
        from usearch.index import Index

        self.config = config
        self._fetch = fetch
        self._weights = (
            config.embedding_weight,
            config.time_weight,
            config.time_scale_days,
            config.conflict_penalty,
        )
        self.dim = dim
        self.stories: dict[int, StoryState] = {}
        self._index = index if index is not None else Index(ndim=dim, metric="cos", dtype="f32")
        self._placed = 0
        self._leading: dict[int, list[str]] = {}
        self._by_leading: dict[str, set[int]] = defaultdict(set)
        for state in stories:
            if state.size <= 0:
                continue
            self.stories[state.id] = state
            leading = state.leading()
            self._leading[state.id] = leading
            for key in leading:
                self._by_leading[key].add(state.id)
        # A date in the future is a misread one: it must not push every story out of the window.
        soon = datetime.now(UTC) + timedelta(days=1)
        for state in self.stories.values():
            # Story dates an earlier version stored unchecked pass the date gate here.
            state.first, state.last = plausible_date(state.first), plausible_date(state.last)
        dated = [
            state.last for state in self.stories.values() if state.last is not None and state.last <= soon
        ]
        self._newest: datetime | None = max(dated) if dated else None
        # Only stories an article could still join go in the index (the others stay for threads),
        # loaded in bulk: one batched insertion is many times faster than one per story. A saved
        # index gets the ones it lacks (written since by another process, or older ones a backfill
        # needs).
        if index is not None:
            stale = [int(k) for k in np.asarray(self._index.keys) if int(k) not in self.stories]
            if stale:
                self._index.remove(np.asarray(stale, dtype=np.uint64))
        window = timedelta(days=config.window_days)
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

    def save_index(self, path: str) -> None:
        """Write the centroid index, so the next grouper over the same stories need not build it."""
        self._index.save(path)

    # --- placing --------------------------------------------------------------------------------

    def place(self, item: ArticleProfile, new_story: Callable[[], int]) -> Placement:
        """Put ``item`` in the story it belongs to (``new_story()`` gives the id of a new one), then
        repair the few stories involved."""
        candidates = self._candidates(item)
        self._load(candidates)
        members = [m for sid in candidates for m in self.stories[sid].members]
        sims = similarity_matrix([item], members, *self._weights)[0] if members else np.zeros(0)
        scored: list[tuple[float, int]] = []
        offset = 0
        for sid in candidates:
            count = len(self.stories[sid].members)
            if count and not _different_people(item.principals, item.entities, self.stories[sid]):
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
        """Move articles that fit a neighbouring story better; merge stories wholly alike."""
        moves: list[tuple[int, int, int]] = []
        merges: list[tuple[int, int]] = []
        pool = {m.id: m for sid in involved if sid in self.stories for m in self.stories[sid].members}
        if len(pool) < 2:
            return moves, merges
        order = list(pool)
        position = {aid: n for n, aid in enumerate(order)}
        items = [pool[a] for a in order]
        sims = similarity_matrix(items, items, *self._weights)
        threshold = self.config.join_threshold

        def link(article: int, sid: int) -> float:
            others = [position[m.id] for m in self.stories[sid].members if m.id != article]
            return self._link(sims[position[article], others]) if others else -1.0

        for _ in range(2):
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
                        and not _different_people(member.principals, member.entities, self.stories[best[1]])
                        and best[0] > own
                        and best[0] >= threshold
                        and self._in_window(member.date, self.stories[best[1]])
                    ):
                        self.stories[sid].remove(member)
                        self._put(self.stories[sid])
                        self._add(best[1], member, count=False)
                        moves.append((member.id, sid, best[1]))
                        moved = True
            if not moved:
                break
        for n, keep in enumerate(involved):
            for gone in involved[n + 1 :]:
                if keep not in self.stories or gone not in self.stories:
                    continue
                a, b = self.stories[keep], self.stories[gone]
                if gone in a.apart or keep in b.apart or not a.members or not b.members:
                    continue
                if not self._close_in_time(a, b) or _different_people(tuple(a.principals()), a.entities, b):
                    continue
                rows = [position[m.id] for m in a.members]
                cols = [position[m.id] for m in b.members]
                if self._link(sims[np.ix_(rows, cols)]) >= threshold:
                    low, high = min(keep, gone), max(keep, gone)
                    self.merge(low, high)
                    merges.append((low, high))
        return moves, merges

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
        if count and self._placed % 1000 == 0:
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
        for key in self._leading.pop(state.id, []):
            self._by_leading[key].discard(state.id)
        leading = state.leading()
        self._leading[state.id] = leading
        for key in leading:
            self._by_leading[key].add(state.id)

    def _drop(self, story_id: int) -> None:
        if story_id in self._index:
            self._index.remove(story_id)
        for key in self._leading.pop(story_id, []):
            self._by_leading[key].discard(story_id)

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
        state = self.stories.get(story_id)
        if state is None:
            return []
        shared: dict[int, list[str]] = defaultdict(list)
        for key in self._leading.get(story_id, []):
            for other in self._by_leading.get(key, ()):
                if other != story_id:
                    shared[other].append(key)
        links = []
        window = timedelta(days=self.config.thread_window_days)
        for other, keys in shared.items():
            other_state = self.stories[other]
            if state.last and other_state.last and abs(state.last - other_state.last) > window:
                continue
            kinds = [state.names.get(k, (k, EntityType.ORGANISATION))[1] for k in keys]
            if len(keys) >= self.config.thread_min_shared_any or (
                len(keys) >= self.config.thread_min_shared and EntityType.PERSON in kinds
            ):
                # The reason names everything both stories are about, not only what linked them.
                core = [
                    k
                    for k, (count, _) in sorted(state.entities.items(), key=lambda kv: -kv[1][1])
                    if count * 2 >= state.size
                    and other_state.entities.get(k, [0.0])[0] * 2 >= other_state.size
                ][:8]
                named = tuple(state.names.get(k, (k, EntityType.ORGANISATION)) for k in core or sorted(keys))
                links.append(ThreadLink(min(story_id, other), max(story_id, other), named))
        return links
