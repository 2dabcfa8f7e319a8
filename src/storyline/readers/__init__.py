"""What brings a reader back: follows (an entity, words, an outlet, a thread), what changed in a
story since their last visit, and a digest of what changed in what they follow.

A reader is a random id (a browser's cookie, or ``--reader`` on the command line); each function
takes the same ``db`` argument as the rest of :mod:`storyline`'s API and opens the store for the
call. The digest's formats are in :mod:`storyline.readers.digest`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from storyline import DbArg, _open
from storyline.config import PipelineConfig
from storyline.errors import ConfigError
from storyline.model import Brief, BriefSentence, Claim, Quantity, Story
from storyline.readers.visits import Changes, Stated, changes, visit_of
from storyline.store import Store
from storyline.store.readers import FOLLOW_KINDS, Follow
from storyline.store.search import SearchConfig, StoryFilter, StoryPage

__all__ = [
    "FOLLOW_KINDS",
    "LOCAL_READER",
    "Changes",
    "Follow",
    "filter_of",
    "follow",
    "follow_by_key",
    "followed_stories",
    "follows",
    "news",
    "placed_since",
    "saved_briefs",
    "unfollow",
    "valid_reader",
    "visit_story",
]

# The reader of the command line when none is named: one person's own store.
LOCAL_READER = "local"

# A reader id: what secrets.token_urlsafe makes (or a name given on the command line).
_READER = re.compile(r"[A-Za-z0-9_-]{3,64}")


def valid_reader(reader: str | None) -> str | None:
    """``reader`` when it is a well-formed reader id, else None (a forged cookie is ignored)."""
    return reader if reader and _READER.fullmatch(reader) else None


def _checked(reader: str) -> str:
    if valid_reader(reader) is None:
        raise ConfigError(
            f"not a reader id: {reader!r}", remedy="use 3 to 64 letters, digits, '-' or '_' (e.g. local)"
        )
    return reader


def follow(db: DbArg, reader: str, kind: str, value: str) -> Follow:
    """Follow an entity's name, words (``query``), an outlet or a thread (its id)."""
    with _open(db) as store:
        return store.follow(_checked(reader), kind, value)


def unfollow(db: DbArg, reader: str, follow_id: int) -> None:
    with _open(db) as store:
        store.unfollow(_checked(reader), follow_id)


def follows(db: DbArg, reader: str) -> list[Follow]:
    """What ``reader`` follows, oldest first."""
    with _open(db) as store:
        return store.follows(_checked(reader))


def follow_by_key(db: DbArg, key: str) -> Follow:
    """The follow whose feed is ``key`` (raises NotFound)."""
    with _open(db) as store:
        return store.follow_by_key(key)


def filter_of(item: Follow) -> StoryFilter:
    """The stories a follow covers, as a story list's filter."""
    if item.kind == "entity":
        return StoryFilter(entity=item.value)
    if item.kind == "outlet":
        return StoryFilter(outlet=item.value)
    if item.kind == "thread":
        return StoryFilter(thread=int(item.value))
    return StoryFilter(query=item.value)


def followed_stories(db: DbArg, item: Follow, *, limit: int = 20, since: datetime | None = None) -> StoryPage:
    """The stories a follow covers, latest first (only those active since ``since``, when given)."""
    where = filter_of(item)
    if since is not None:
        where = replace(where, since=since)
    with _open(db) as store:
        return store.find_stories(where, limit=limit, offset=0, config=SearchConfig(), order="latest")


def placed_since(db: DbArg, since: datetime) -> dict[int, list[int]]:
    """Articles placed in each story at or after ``since`` (new, or moved there by a regrouping)."""
    with _open(db) as store:
        return store.placed_since(since)


def saved_briefs(
    db: DbArg, stories: Sequence[Story], length: str = "short", config: PipelineConfig | None = None
) -> dict[int, Brief]:
    """The briefs stored for these stories (those made when each last changed, under ``config``'s
    settings): a digest or a feed shows them without making any."""
    from storyline.pipeline.brief import brief_settings, brief_version

    key = brief_settings(config or PipelineConfig())
    with _open(db) as store:
        found = {}
        for story in stories:
            brief = store.saved_brief(story.id, length, brief_version(story), key)
            if brief is not None:
                found[story.id] = brief
        return found


def visit_story(db: DbArg, reader: str, story: Story, brief: Brief | None) -> Changes:
    """What changed in ``story`` since ``reader`` last saw it; remembers what they see now."""
    with _open(db) as store:
        previous = store.visits(_checked(reader), [story.id]).get(story.id)
        stated = _stated(store)
        found = changes(previous, story, brief, stated)
        store.save_visit(reader, visit_of(story, brief, stated))
    return found


def _stated(store: Store) -> Stated:
    """The figures of a brief sentence, from the stored claims of the sentence it shows (its first
    citation's: the brief shows that sentence's words); each article's analysis read once."""
    claims: dict[int, tuple[Claim, ...]] = {}

    def stated(sentence: BriefSentence) -> tuple[Quantity, ...]:
        if not sentence.citations:
            return ()
        cited = sentence.citations[0]
        if cited.article_id not in claims:
            analysis = store.analysis(cited.article_id)
            claims[cited.article_id] = tuple(analysis.claims or ()) if analysis is not None else ()
        return tuple(
            q for c in claims[cited.article_id] if c.sentence == cited.sentence for q in c.quantities
        )

    return stated


def news(db: DbArg, reader: str, stories: Sequence[Story]) -> dict[int, int]:
    """For each of ``stories`` the reader saw before: how many of its articles are new since."""
    with _open(db) as store:
        seen = store.visits(_checked(reader), [s.id for s in stories])
    counts = {}
    for story in stories:
        visit = seen.get(story.id)
        if visit is not None:
            new = len({a.id for a in story.articles} - visit.articles)
            if new:
                counts[story.id] = new
    return counts
