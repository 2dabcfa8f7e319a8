"""A story as grouping sees it while placing articles, and its conversion to and from the stored
record (:class:`storyline.model.StoryRecord`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from storyline.config import StoryConfig
from storyline.grouping.profile import ArticleProfile
from storyline.model import EntityTally, EntityType, StoryRecord


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

    @classmethod
    def of_articles(
        cls, story_id: int, dim: int, articles: Iterable[ArticleProfile], keep: int
    ) -> StoryState:
        """A story rebuilt from all its articles, in the order given (a merge or a split by hand)."""
        state = cls(story_id, np.zeros(dim, np.float32))
        for item in articles:
            state.add(item, keep)
        return state

    @classmethod
    def from_record(cls, record: StoryRecord, loaded: bool = False) -> StoryState:
        """The working state of a stored story; its articles are read later (``loaded`` False)."""
        state = cls(
            record.id,
            np.frombuffer(record.total, dtype=np.float32).copy(),
            record.size,
            first=record.first,
            last=record.last,
            apart=set(record.apart),
            loaded=loaded,
        )
        for key, tally in record.entities.items():
            state.entities[key] = [float(tally.articles), float(tally.salience)]
            state.names[key] = (tally.name, tally.type)
        return state

    def record(self) -> StoryRecord:
        """What the store keeps of this story, with its title (see :meth:`title`)."""
        return StoryRecord(
            self.id,
            self.total.astype(np.float32).tobytes(),
            self.size,
            {
                key: EntityTally(count, mass, *self.names.get(key, (key, EntityType.ORGANISATION)))
                for key, (count, mass) in self.entities.items()
            },
            self.first,
            self.last,
            self.title(),
            frozenset(self.apart),
        )

    def principals(self, config: StoryConfig) -> set[str]:
        """The people the story's recent articles lead with: those at least
        ``config.principal_share`` of them lead with, else the most common."""
        counts = Counter(p for m in self.members for p in m.principals)
        if not counts:
            return set()
        shared = {p for p, n in counts.items() if n >= config.principal_share * len(self.members)}
        return shared or {p for p, n in counts.items() if n == max(counts.values())}

    @property
    def centroid(self) -> np.ndarray:
        norm = float(np.linalg.norm(self.total))
        result: np.ndarray = self.total / norm if norm else self.total
        return result

    def add(self, item: ArticleProfile, keep: int) -> None:
        """Count ``item`` in; only the latest ``keep`` articles stay in :attr:`members`."""
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
        # The date span is recomputed only when every article is at hand; otherwise it stays as
        # wide as it was (never narrower than the truth).
        dates = [m.date for m in self.members if m.date is not None]
        if dates and len(self.members) == self.size:
            self.first, self.last = min(dates), max(dates)

    def absorb(self, other: StoryState, keep: int) -> None:
        """Fold ``other`` in (a merge): sums add, the latest ``keep`` articles of both stay."""
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

    def leading(self, config: StoryConfig) -> list[str]:
        """The entities the story is about: its most named ones (``config.thread_leading`` at
        most) that ``config.leading_share`` of its articles name."""
        ranked = sorted(self.entities.items(), key=lambda kv: (-kv[1][1], kv[0]))
        share = config.leading_share
        return [k for k, (count, _) in ranked if count >= share * self.size][: config.thread_leading]
