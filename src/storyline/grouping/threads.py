"""Threads: stories of one subject (a running story over weeks or months: a crash and the
year-long search, a killing and the trial), found by the repair after arrival (see
``Grouper._find_subjects``); here, what a thread link is named by and where to look for one.

:class:`LeadingIndex` keeps, for the stories in memory, the entities each leads with and the
stories that lead with each entity: a story's old stories of its subject, gone from the centroid
index, are found through it without comparing it with every other.
"""

from __future__ import annotations

from collections import defaultdict

from storyline.config import StoryConfig
from storyline.grouping.state import StoryState
from storyline.model import EntityType, ThreadLink


class LeadingIndex:
    """Story id -> its leading entities, and entity key -> the stories leading with it."""

    def __init__(self, config: StoryConfig) -> None:
        self._config = config
        self._leading: dict[int, list[str]] = {}
        self._by_leading: dict[str, set[int]] = defaultdict(set)

    def put(self, state: StoryState) -> None:
        """Index (again) what ``state`` leads with now."""
        self.drop(state.id)
        leading = state.leading(self._config)
        self._leading[state.id] = leading
        for key in leading:
            self._by_leading[key].add(state.id)

    def drop(self, story_id: int) -> None:
        for key in self._leading.pop(story_id, []):
            self._by_leading[key].discard(story_id)

    def co_leading(self, story_id: int) -> set[int]:
        """The stories leading with any entity this one leads with."""
        out = {other for key in self._leading.get(story_id, []) for other in self._by_leading.get(key, ())}
        out.discard(story_id)
        return out


def subject_link(state: StoryState, other: StoryState, config: StoryConfig) -> ThreadLink:
    """The thread link of two stories found to be of one subject (their articles alike beyond
    the span of one story), named by what both are about."""
    keys = sorted(set(state.leading(config)) & set(other.leading(config)))
    return ThreadLink(
        min(state.id, other.id), max(state.id, other.id), shared_names(state, other, keys, config)
    )


def shared_names(
    state: StoryState, other: StoryState, keys: list[str], config: StoryConfig
) -> tuple[tuple[str, EntityType], ...]:
    """The reason names everything both stories are about, not only what linked them."""
    share = config.leading_share
    core = [
        k
        for k, (count, _) in sorted(state.entities.items(), key=lambda kv: -kv[1][1])
        if count >= share * state.size and other.entities.get(k, [0.0])[0] >= share * other.size
    ][: config.thread_reason_names]
    return tuple(state.names.get(k, (k, EntityType.ORGANISATION)) for k in core or sorted(keys))
