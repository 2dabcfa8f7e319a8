"""Threads: stories that share their leading actors and places (a running story over weeks).

:class:`LeadingIndex` keeps, for the stories in memory, the entities each leads with and the
stories that lead with each entity, so the thread links of one story are found without comparing
it with every other.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import timedelta

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

    def links(self, story_id: int, stories: Mapping[int, StoryState]) -> list[ThreadLink]:
        """The stories in ``stories`` that share this story's leading actors and places: enough
        of them (``thread_min_shared_any``, or ``thread_min_shared`` with a person among them),
        last seen within ``thread_window_days`` of each other."""
        config = self._config
        state = stories.get(story_id)
        if state is None:
            return []
        shared: dict[int, list[str]] = defaultdict(list)
        for key in self._leading.get(story_id, []):
            for other in self._by_leading.get(key, ()):
                if other != story_id:
                    shared[other].append(key)
        links = []
        window = timedelta(days=config.thread_window_days)
        for other, keys in shared.items():
            other_state = stories[other]
            if state.last and other_state.last and abs(state.last - other_state.last) > window:
                continue
            kinds = [state.names.get(k, (k, EntityType.ORGANISATION))[1] for k in keys]
            if len(keys) >= config.thread_min_shared_any or (
                len(keys) >= config.thread_min_shared and EntityType.PERSON in kinds
            ):
                links.append(
                    ThreadLink(
                        min(story_id, other), max(story_id, other), _named(state, other_state, keys, config)
                    )
                )
        return links


def _named(
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
