"""Healing the instants an earlier version misstored on SQLite (schema v8).

Before v8, SQLite kept a datetime's wall-clock digits and dropped its offset, so a page published
``2019-11-19T09:01:42+05:30`` was stored as ``09:01:42`` and read back as UTC (PostgreSQL stored
``03:31:42Z``). Only ``articles.published`` (and the story dates taken from it) could carry an
offset: every other time the store keeps is made as ``datetime.now(UTC)``.

The offset itself is gone from the row, but the raw page is kept: the date the extractor read was
written there, offset and all. So each dated article's raw page (and its document hints, where a
feed item's date travels) is searched for timestamps whose wall-clock digits equal the stored ones;
when they all carry one offset, the stored instant is moved to UTC. When none is found, or two
found disagree on the offset, the article is left as it was (precision first: a guessed offset would
misdate it as surely as none). A healed article's analysis is marked stale, so its event dates
(resolved against the publication day) are computed again at the next ingest or ``analyze``.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from sqlalchemy import Connection, func, select, update

from storyline.store.schema import analyses, articles, documents, stories, story_articles

__all__ = ["heal_offsets", "offsets_of"]

# ISO 8601 with an offset (``2019-11-19T09:01:42+05:30``, ``...+0530``, ``...Z``) and RFC 2822
# (``Tue, 19 Nov 2019 09:01:42 +0530``): the two forms the extractor and the feed reader parse with an
# offset. A timestamp without one was taken as UTC then, and is UTC now: nothing to heal.
_ISO = re.compile(
    r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)\s?(Z|[+-]\d{2}:?\d{2})(?![\d:])"
)
_RFC = re.compile(r"\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}(?::\d{2})? [+-]\d{4}")
# A page's head carries its dates; a page larger than this is searched in its first part only.
_SEARCHED_CHARS = 2_000_000
_BATCH = 500


def offsets_of(wall: datetime, text: str) -> set[timedelta]:
    """The UTC offsets of the timestamps in ``text`` whose wall-clock time equals ``wall`` (naive)."""
    found: set[timedelta] = set()
    for match in _ISO.finditer(text):
        date, time, zone = match.groups()
        try:
            parsed = datetime.fromisoformat(f"{date}T{time}{'+00:00' if zone == 'Z' else zone}")
        except ValueError:
            continue
        _note(parsed, wall, found)
    for match in _RFC.finditer(text):
        try:
            parsed = parsedate_to_datetime(match.group(0))
        except (TypeError, ValueError, IndexError):
            continue
        _note(parsed, wall, found)
    return found


def _note(parsed: datetime, wall: datetime, found: set[timedelta]) -> None:
    offset = parsed.utcoffset()
    if offset is not None and parsed.replace(tzinfo=None) == wall:
        found.add(offset)


def heal_offsets(connection: Connection) -> list[int]:
    """Move SQLite's offset-dropped publication instants to UTC (see the module's docstring);
    returns the ids of the articles healed. Nothing to do on a backend that kept offsets."""
    if connection.dialect.name != "sqlite":
        return []
    healed: dict[int, datetime] = {}
    last = 0
    while True:
        rows = connection.execute(
            select(articles.c.id, articles.c.published, documents.c.content, documents.c.hints)
            .join(documents, documents.c.id == articles.c.document_id)
            .where(articles.c.published.is_not(None), articles.c.id > last)
            .order_by(articles.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            break
        last = int(rows[-1].id)
        for row in rows:
            wall = row.published.replace(tzinfo=None)
            try:
                page = zlib.decompress(row.content)[:_SEARCHED_CHARS].decode("utf-8", "replace")
            except zlib.error:
                page = ""
            offsets = offsets_of(wall, f"{row.hints or ''}\n{page}")
            if len(offsets) == 1:
                (offset,) = offsets
                if offset:
                    healed[int(row.id)] = (wall - offset).replace(tzinfo=UTC)
    for article_id, instant in healed.items():
        connection.execute(update(articles).where(articles.c.id == article_id).values(published=instant))
    ids = list(healed)
    for start in range(0, len(ids), _BATCH):
        part = ids[start : start + _BATCH]
        # Stale: the event dates were resolved against the old day; analysed again at the next run.
        connection.execute(update(analyses).where(analyses.c.article_id.in_(part)).values(text_hash=""))
    _restamp_stories(connection, ids)
    return ids


def _restamp_stories(connection: Connection, ids: Iterable[int]) -> None:
    """A story's first and last sighting come from its articles' dates: taken again for the stories
    holding a healed article."""
    wanted = list(ids)
    touched: set[int] = set()
    for start in range(0, len(wanted), _BATCH):
        touched.update(
            int(s)
            for s in connection.execute(
                select(story_articles.c.story_id).where(
                    story_articles.c.article_id.in_(wanted[start : start + _BATCH])
                )
            ).scalars()
        )
    for story_id in sorted(touched):
        first, last = connection.execute(
            select(func.min(articles.c.published), func.max(articles.c.published))
            .join(story_articles, story_articles.c.article_id == articles.c.id)
            .where(story_articles.c.story_id == story_id)
        ).one()
        if first is not None:
            connection.execute(
                update(stories).where(stories.c.id == story_id).values(first_seen=first, last_seen=last)
            )
