"""The store's readers: what each reader follows, what they saw of each story at their last visit,
and the briefs computed ahead of them when a story changes.

A reader is a random id (a browser's cookie, or one named on the command line): no account and
nothing personal is kept, only follows and which articles of a story were on screen.
"""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, and_, delete, func, insert, select
from sqlalchemy.exc import IntegrityError

from storyline.errors import ConfigError, NotFound
from storyline.model import Brief
from storyline.store.records import aware
from storyline.store.schema import articles, follows, stories, story_articles, story_briefs, story_visits

log = logging.getLogger(__name__)

__all__ = ["FOLLOW_KINDS", "Follow", "IngestOutcome", "ReaderQueries", "Visit"]

# What a reader can follow: a person, organisation or place; words; an outlet; a thread of stories.
FOLLOW_KINDS = ("entity", "query", "outlet", "thread")


@dataclass(frozen=True, slots=True)
class Follow:
    """One thing a reader follows; ``key`` names its Atom feed (unguessable, no reader id in it)."""

    id: int
    reader: str
    kind: str
    value: str
    key: str
    created_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "value": self.value,
            "feed": f"/follows/{self.key}/feed.xml",
            "created_at": self.created_at.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class Visit:
    """What a reader saw of a story last time: its article ids and its brief's figures."""

    story_id: int
    articles: frozenset[int]
    figures: dict[str, str] = field(default_factory=dict)
    seen_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class IngestOutcome:
    """What an ingest did to the stories a reader sees: stories made and changed, and how many of
    its articles name no outlet."""

    articles: int
    outlet_unknown: int
    stories_made: int
    stories_changed: int

    @property
    def mostly_unknown(self) -> bool:
        # Warn when more than half of a batch has no outlet: a folder of plain text files, where
        # every story would read "outlet unknown" unless the user names the outlets.
        return self.articles > 0 and self.outlet_unknown * 2 > self.articles

    def to_dict(self) -> dict[str, Any]:
        return {
            "articles": self.articles,
            "outlet_unknown": self.outlet_unknown,
            "stories_made": self.stories_made,
            "stories_changed": self.stories_changed,
        }


class ReaderQueries:
    engine: Engine
    reader: Engine

    # --- follows --------------------------------------------------------------------------------

    def follow(self, reader: str, kind: str, value: str) -> Follow:
        """Follow ``value`` (an entity's name, words, an outlet or a thread id); following the same
        thing twice gives the same follow."""
        value = " ".join(value.split())
        if kind not in FOLLOW_KINDS:
            raise ConfigError(f"cannot follow a {kind!r}", remedy="follow an entity, query, outlet or thread")
        if not value or len(value) > 200:
            raise ConfigError("nothing to follow", remedy="give a name, words, an outlet or a thread id")
        if kind == "thread" and not value.isdigit():
            raise ConfigError(f"not a thread id: {value!r}", remedy="give the thread's number, e.g. 12")
        with self.engine.begin() as connection:
            found = connection.execute(
                select(follows).where(
                    and_(follows.c.reader == reader, follows.c.kind == kind, follows.c.value == value)
                )
            ).first()
            if found is None:
                connection.execute(
                    insert(follows).values(
                        reader=reader,
                        kind=kind,
                        value=value,
                        key=secrets.token_urlsafe(18),
                        created_at=datetime.now(UTC),
                    )
                )
                found = connection.execute(
                    select(follows).where(
                        and_(follows.c.reader == reader, follows.c.kind == kind, follows.c.value == value)
                    )
                ).one()
        return _follow(found)

    def unfollow(self, reader: str, follow_id: int) -> None:
        with self.engine.begin() as connection:
            gone = connection.execute(
                delete(follows).where(and_(follows.c.reader == reader, follows.c.id == follow_id))
            ).rowcount
        if not gone:
            raise NotFound(
                f"you follow nothing with id {follow_id}", remedy="see what you follow at /following"
            )

    def follows(self, reader: str) -> list[Follow]:
        """What ``reader`` follows, oldest first."""
        with self.reader.connect() as connection:
            rows = connection.execute(
                select(follows).where(follows.c.reader == reader).order_by(follows.c.id)
            ).all()
        return [_follow(r) for r in rows]

    def follow_by_key(self, key: str) -> Follow:
        with self.reader.connect() as connection:
            row = connection.execute(select(follows).where(follows.c.key == key)).first()
        if row is None:
            raise NotFound(
                "no followed item has this feed", remedy="copy its feed link again from /following"
            )
        return _follow(row)

    # --- what a reader saw ----------------------------------------------------------------------

    def visits(self, reader: str, story_ids: list[int]) -> dict[int, Visit]:
        """The last visit of ``reader`` to each of these stories they have seen."""
        if not story_ids:
            return {}
        with self.reader.connect() as connection:
            rows = connection.execute(
                select(story_visits).where(
                    and_(story_visits.c.reader == reader, story_visits.c.story_id.in_(story_ids))
                )
            ).all()
        return {
            int(r.story_id): Visit(
                int(r.story_id),
                frozenset(int(i) for i in json.loads(r.articles)),
                dict(json.loads(r.figures)),
                aware(r.seen_at),
            )
            for r in rows
        }

    def save_visit(self, reader: str, visit: Visit) -> None:
        """Remember what ``reader`` saw of a story now (replacing the last visit)."""
        try:
            self._save_visit(reader, visit)
        except IntegrityError:
            # PostgreSQL: the same reader's other tab saved this visit between the delete and the
            # insert (both deleted nothing). Either visit is as new as the other: keep that one.
            log.info("visit of story %d already saved by another request", visit.story_id)

    def _save_visit(self, reader: str, visit: Visit) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                delete(story_visits).where(
                    and_(story_visits.c.reader == reader, story_visits.c.story_id == visit.story_id)
                )
            )
            connection.execute(
                insert(story_visits).values(
                    reader=reader,
                    story_id=visit.story_id,
                    articles=json.dumps(sorted(visit.articles)),
                    figures=json.dumps(visit.figures, ensure_ascii=False),
                    seen_at=visit.seen_at or datetime.now(UTC),
                )
            )

    # --- briefs kept warm -----------------------------------------------------------------------

    def saved_brief(self, story_id: int, length: str, version: str, settings: str) -> Brief | None:
        """The brief computed for this ``version`` of the story (its members, title and thread)
        under these ``settings`` (a fingerprint of what a brief depends on), if there is one."""
        with self.reader.connect() as connection:
            row = connection.execute(
                select(story_briefs.c.members, story_briefs.c.settings, story_briefs.c.body).where(
                    and_(story_briefs.c.story_id == story_id, story_briefs.c.length == length)
                )
            ).first()
        if row is None or row.members != version or row.settings != settings:
            return None
        try:
            return Brief.from_dict(json.loads(row.body))
        except (KeyError, TypeError, ValueError):  # kept by an older version: compute it again
            return None

    def save_brief(self, story_id: int, version: str, brief: Brief, settings: str) -> None:
        try:
            self._save_brief(story_id, version, brief, settings)
        except IntegrityError:
            # PostgreSQL: two runners (or a runner and a reader) computed this brief at once, and both
            # deleted nothing before inserting. The one saved first is kept: if it is of an older
            # version of the story, it is never served and is computed again on the next read.
            log.info("brief of story %d (%s) already saved by another process", story_id, brief.length)

    def _save_brief(self, story_id: int, version: str, brief: Brief, settings: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                delete(story_briefs).where(
                    and_(story_briefs.c.story_id == story_id, story_briefs.c.length == brief.length)
                )
            )
            connection.execute(
                insert(story_briefs).values(
                    story_id=story_id,
                    length=brief.length,
                    members=version,
                    settings=settings,
                    body=json.dumps(brief.to_dict(), ensure_ascii=False),
                    made_at=datetime.now(UTC),
                )
            )

    def forget_briefs(self) -> int:
        """Drop every kept brief (they are made again when next read); how many were dropped. For
        code that changes how briefs are made without changing their settings: a benchmark reusing
        a store, or a developer's working copy."""
        with self.engine.begin() as connection:
            return int(connection.execute(delete(story_briefs)).rowcount or 0)

    def stories_without_brief(self, length: str, settings: str) -> list[int]:
        """Live stories with no brief of ``length`` kept under ``settings`` (or one made before
        their last change), most recently changed first."""
        with self.reader.connect() as connection:
            live = connection.execute(
                select(stories.c.id, stories.c.updated_at)
                .where(and_(stories.c.merged_into.is_(None), stories.c.size > 0))
                .order_by(stories.c.updated_at.desc())
            ).all()
            made = dict(
                connection.execute(
                    select(story_briefs.c.story_id, story_briefs.c.made_at).where(
                        and_(story_briefs.c.length == length, story_briefs.c.settings == settings)
                    )
                ).all()
            )
        return [int(r.id) for r in live if r.id not in made or aware(made[r.id]) < aware(r.updated_at)]

    # --- what changed -----------------------------------------------------------------------------

    def ingest_outcome(self, article_ids: list[int], since: datetime) -> IngestOutcome:
        """The stories ``article_ids`` are in now: made at or after ``since``, or changed; and how
        many of the articles name no outlet."""
        unknown = 0
        story_ids: set[int] = set()
        with self.reader.connect() as connection:
            for start in range(0, len(article_ids), 500):
                part = article_ids[start : start + 500]
                unknown += int(
                    connection.execute(
                        select(func.count()).where(and_(articles.c.id.in_(part), articles.c.outlet.is_(None)))
                    ).scalar_one()
                )
                story_ids.update(
                    int(s)
                    for s in connection.execute(
                        select(story_articles.c.story_id).where(story_articles.c.article_id.in_(part))
                    ).scalars()
                )
            made = 0
            ids = sorted(story_ids)
            for start in range(0, len(ids), 500):
                made += int(
                    connection.execute(
                        select(func.count()).where(
                            and_(stories.c.id.in_(ids[start : start + 500]), stories.c.created_at >= since)
                        )
                    ).scalar_one()
                )
        return IngestOutcome(len(article_ids), unknown, made, len(story_ids) - made)

    def placed_since(self, since: datetime) -> dict[int, list[int]]:
        """Articles placed in a story at or after ``since`` (newly ingested or moved), by story."""
        query = (
            select(story_articles.c.story_id, story_articles.c.article_id)
            .join(articles, articles.c.id == story_articles.c.article_id)
            .where(and_(story_articles.c.assigned_at >= since, articles.c.is_latest.is_(True)))
            .order_by(story_articles.c.article_id)
        )
        found: dict[int, list[int]] = {}
        with self.reader.connect() as connection:
            for sid, aid in connection.execute(query):
                found.setdefault(int(sid), []).append(int(aid))
        return found


def _follow(row: Any) -> Follow:
    return Follow(int(row.id), row.reader, row.kind, row.value, row.key, aware(row.created_at))
