"""The store's stories: what grouping reads and writes (story records, members, term vectors,
near-duplicate signatures, placements, merges, splits, threads) and the stories as readers see them.

A little over 600 lines, for one subject: the story tables. Grouping's writes and the readers'
views share the following of merges and the member queries, so they stay together."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import Engine, and_, delete, func, insert, or_, select, tuple_, update
from sqlalchemy.engine import Connection

from storyline.errors import NotFound
from storyline.model import Story, StoryArticle, StoryRecord, ThreadLink, ThreadRef, top_entities
from storyline.store.records import aware_or_none
from storyline.store.schema import (
    analyses,
    article_terms,
    articles,
    minhash_bands,
    minhashes,
    stories,
    story_articles,
    story_links,
)


class StoryQueries:
    engine: Engine
    reader: Engine

    def story_stamp(self, model: str) -> str:
        """Changes whenever any story of ``model`` does: how many there are, the newest id and the
        latest update. A saved centroid index is valid only for the stamp it was saved with."""
        query = select(func.count(), func.max(stories.c.id), func.max(stories.c.updated_at)).where(
            stories.c.model == model
        )
        with self.reader.connect() as connection:
            count, newest, updated = connection.execute(query).one()
        return f"{model}:{count}:{newest}:{updated}"

    def forget_stories(self) -> None:
        """Drop every story, thread, near-duplicate signature and term vector, so that the next
        grouping places every article afresh (under other settings). Articles stay."""
        with self.engine.begin() as connection:
            for table in (story_links, story_articles, article_terms, minhash_bands, minhashes, stories):
                connection.execute(delete(table))

    # --- what grouping needs --------------------------------------------------------------------

    def articles_needing_story(self) -> list[int]:
        """Latest analysed articles that are in no story yet, oldest first."""
        query = (
            select(articles.c.id)
            .join(analyses, analyses.c.article_id == articles.c.id)
            .outerjoin(story_articles, story_articles.c.article_id == articles.c.id)
            .where(and_(articles.c.is_latest.is_(True), story_articles.c.article_id.is_(None)))
            .order_by(articles.c.id)
        )
        with self.reader.connect() as connection:
            return [int(i) for i in connection.execute(query).scalars()]

    def story_rows(self, model: str, since: datetime | None = None) -> list[StoryRecord]:
        """Every live story (not merged away) last seen after ``since`` or never dated, without
        its members (see :meth:`story_members`)."""
        query = select(stories).where(
            and_(stories.c.merged_into.is_(None), stories.c.model == model, stories.c.size > 0)
        )
        if since is not None:
            query = query.where(or_(stories.c.last_seen.is_(None), stories.c.last_seen >= since))
        apart: dict[int, set[int]] = defaultdict(set)
        with self.reader.connect() as connection:
            kind = story_links.c.kind == "apart"
            for a, b in connection.execute(select(story_links.c.a, story_links.c.b).where(kind)):
                apart[int(a)].add(int(b))
                apart[int(b)].add(int(a))
            return [
                StoryRecord(
                    int(row.id),
                    bytes(row.total),
                    int(row.size),
                    StoryRecord.entities_from_dict(json.loads(row.entities)),
                    aware_or_none(row.first_seen),
                    aware_or_none(row.last_seen),
                    row.title,
                    frozenset(apart.get(int(row.id), ())),
                )
                for row in connection.execute(query)
            ]

    def story_members(self, story_ids: Sequence[int], keep: int) -> dict[int, list[tuple[int, bool]]]:
        """The latest ``keep`` independent articles (not copies) of each story: (id, pinned)."""
        out: dict[int, list[tuple[int, bool]]] = defaultdict(list)
        with self.reader.connect() as connection:
            for start in range(0, len(story_ids), 500):
                query = (
                    select(story_articles.c.story_id, story_articles.c.article_id, story_articles.c.pinned)
                    .join(articles, articles.c.id == story_articles.c.article_id)
                    .where(
                        and_(
                            story_articles.c.story_id.in_(list(story_ids[start : start + 500])),
                            story_articles.c.duplicate_of.is_(None),
                            articles.c.is_latest.is_(True),
                        )
                    )
                    .order_by(story_articles.c.article_id)
                )
                for sid, aid, pinned in connection.execute(query):
                    out[int(sid)].append((int(aid), bool(pinned)))
        return {sid: rows[-keep:] for sid, rows in out.items()}

    def article_terms(self, ids: Sequence[int]) -> dict[int, tuple[bytes, bytes]]:
        """Each article's stored word and name vectors (grouping's hashed sparse vectors, as bytes)."""
        found: dict[int, tuple[bytes, bytes]] = {}
        with self.reader.connect() as connection:
            for start in range(0, len(ids), 500):
                query = select(article_terms).where(
                    article_terms.c.article_id.in_(list(ids[start : start + 500]))
                )
                for row in connection.execute(query):
                    found[int(row.article_id)] = (bytes(row.words), bytes(row.proper))
        return found

    def newest_story_date(self) -> datetime | None:
        with self.reader.connect() as connection:
            value = connection.execute(
                select(func.max(stories.c.last_seen)).where(stories.c.merged_into.is_(None))
            ).scalar()
        return aware_or_none(value)

    def article_dates(self, ids: Sequence[int]) -> dict[int, datetime | None]:
        """Each article's publication date (None when unknown), keyed by id, in id order."""
        found: dict[int, datetime | None] = {}
        with self.reader.connect() as connection:
            for start in range(0, len(ids), 500):
                query = select(articles.c.id, articles.c.published).where(
                    articles.c.id.in_(list(ids[start : start + 500]))
                )
                found.update({int(i): aware_or_none(p) for i, p in connection.execute(query)})
        return {i: found[i] for i in sorted(found)}

    def story_of(self, article_id: int) -> int | None:
        with self.reader.connect() as connection:
            value = connection.execute(
                select(story_articles.c.story_id).where(story_articles.c.article_id == article_id)
            ).scalar()
        return int(value) if value is not None else None

    def earlier_revision_story(self, article_id: int) -> int | None:
        """The story an earlier revision of the same document is in (a revision stays in it)."""
        locator = select(articles.c.locator).where(articles.c.id == article_id).scalar_subquery()
        query = (
            select(story_articles.c.story_id)
            .join(articles, articles.c.id == story_articles.c.article_id)
            .where(and_(articles.c.locator == locator, articles.c.id != article_id))
            .order_by(articles.c.revision.desc())
            .limit(1)
        )
        with self.reader.connect() as connection:
            value = connection.execute(query).scalar()
        return self._live_story(int(value)) if value is not None else None

    def live_story(self, story_id: int) -> int:
        """The story ``story_id`` became (following merges); raises NotFound for an unknown id."""
        with self.reader.connect() as connection:
            exists = connection.execute(select(stories.c.id).where(stories.c.id == story_id)).scalar()
        if exists is None:
            raise NotFound(f"no story with id {story_id}", remedy="list ids with `storyline stories`")
        return self._live_story(story_id)

    def _live_story(self, story_id: int) -> int:
        # Follow merges to the story that holds the articles now.
        with self.reader.connect() as connection:
            for _ in range(100):
                nxt = connection.execute(
                    select(stories.c.merged_into).where(stories.c.id == story_id)
                ).scalar()
                if nxt is None:
                    return story_id
                story_id = int(nxt)
        return story_id

    def minhash_candidates(self, buckets: Sequence[tuple[int, int]]) -> list[tuple[int, np.ndarray]]:
        if not buckets:
            return []
        query = (
            select(minhashes.c.article_id, minhashes.c.signature)
            .where(
                minhashes.c.article_id.in_(
                    select(minhash_bands.c.article_id).where(
                        tuple_(minhash_bands.c.band, minhash_bands.c.bucket).in_(list(buckets))
                    )
                )
            )
            .join(articles, articles.c.id == minhashes.c.article_id)
            .where(articles.c.is_latest.is_(True))
        )
        with self.reader.connect() as connection:
            return [(int(i), np.frombuffer(sig, dtype=np.uint64)) for i, sig in connection.execute(query)]

    # --- writes ---------------------------------------------------------------------------------

    def create_story(self, model: str, dim: int) -> int:
        now = datetime.now(UTC)
        with self.engine.begin() as connection:
            return int(
                connection.execute(
                    insert(stories)
                    .values(
                        model=model,
                        total=np.zeros(dim, np.float32).tobytes(),
                        size=0,
                        entities="{}",
                        created_at=now,
                        updated_at=now,
                    )
                    .returning(stories.c.id)
                ).scalar_one()
            )

    def add_stories(self, model: str, records: Iterable[StoryRecord], batch: int = 10_000) -> None:
        """Stories brought in whole, each with its record (the store gives the ids; ``id`` and
        ``apart`` of the records are not read): how the scale benchmark seeds a big store without
        grouping its articles. One transaction, ``batch`` rows per statement."""
        now = datetime.now(UTC)
        rows: list[dict[str, object]] = []
        with self.engine.begin() as connection:
            for record in records:
                rows.append({"model": model, **_record_values(record), "created_at": now, "updated_at": now})
                if len(rows) >= batch:
                    connection.execute(insert(stories), rows)
                    rows = []
            if rows:
                connection.execute(insert(stories), rows)

    def save_placement(
        self,
        article_id: int,
        story_id: int,
        score: float,
        *,
        records: Iterable[StoryRecord] = (),
        moves: Iterable[tuple[int, int, int]] = (),
        merges: Iterable[tuple[int, int]] = (),
        duplicate: tuple[int, float] | None = None,
        terms: tuple[bytes, bytes] | None = None,
        signature: np.ndarray | None = None,
        buckets: Sequence[tuple[int, int]] = (),
        reason: str = "",
    ) -> None:
        """One article's place in a story and everything that placing it changed (other articles
        moved, stories merged, the stories' new records), in one transaction: a killed run leaves
        the article either fully placed or not at all. ``terms`` are its word and name vectors."""
        now = datetime.now(UTC)
        with self.engine.begin() as connection:
            connection.execute(delete(story_articles).where(story_articles.c.article_id == article_id))
            connection.execute(
                insert(story_articles).values(
                    article_id=article_id,
                    story_id=story_id,
                    score=score,
                    duplicate_of=duplicate[0] if duplicate else None,
                    duplicate_score=duplicate[1] if duplicate else None,
                    pinned=False,
                    assigned_at=now,
                )
            )
            self._apply(connection, records, moves, merges, reason or f"bridged by article {article_id}", now)
            self._write_features(connection, article_id, terms, signature, buckets)

    def save_repair(
        self,
        records: Iterable[StoryRecord],
        moves: Iterable[tuple[int, int, int]] = (),
        merges: Iterable[tuple[int, int]] = (),
        reason: str = "repaired after arrival",
    ) -> None:
        """What a repair after arrival changed (articles moved, stories merged, the stories' new
        records), in one transaction."""
        with self.engine.begin() as connection:
            self._apply(connection, records, moves, merges, reason, datetime.now(UTC))

    def _apply(
        self,
        connection: Connection,
        records: Iterable[StoryRecord],
        moves: Iterable[tuple[int, int, int]],
        merges: Iterable[tuple[int, int]],
        reason: str,
        now: datetime,
    ) -> None:
        moves = list(moves)
        for moved, _, to in moves:
            connection.execute(
                update(story_articles)
                .where(story_articles.c.article_id == moved)
                .values(story_id=to, assigned_at=now)
            )
            # Copies follow their original.
            connection.execute(
                update(story_articles).where(story_articles.c.duplicate_of == moved).values(story_id=to)
            )
        for keep, gone in merges:
            self._merge(connection, keep, gone, reason, now)
        for record in records:
            self._write_record(connection, record, now)
        # A story emptied by moves is left pointing where its last article went.
        for _, source, to in moves:
            size = connection.execute(select(stories.c.size).where(stories.c.id == source)).scalar()
            if not size:
                connection.execute(
                    update(stories).where(stories.c.id == source).values(merged_into=to, updated_at=now)
                )

    def _write_features(
        self,
        connection: Connection,
        article_id: int,
        terms: tuple[bytes, bytes] | None,
        signature: np.ndarray | None,
        buckets: Sequence[tuple[int, int]],
    ) -> None:
        """The article's term vectors and MinHash signature with its LSH buckets, replacing any."""
        if terms is not None:
            connection.execute(delete(article_terms).where(article_terms.c.article_id == article_id))
            connection.execute(
                insert(article_terms).values(article_id=article_id, words=terms[0], proper=terms[1])
            )
        if signature is not None:
            connection.execute(delete(minhashes).where(minhashes.c.article_id == article_id))
            connection.execute(delete(minhash_bands).where(minhash_bands.c.article_id == article_id))
            connection.execute(insert(minhashes).values(article_id=article_id, signature=signature.tobytes()))
            if buckets:
                connection.execute(
                    insert(minhash_bands),
                    [{"band": b, "bucket": k, "article_id": article_id} for b, k in set(buckets)],
                )

    def _write_record(self, connection: Connection, record: StoryRecord, now: datetime) -> None:
        # Its "apart" links are not written here: only a split or a merge changes them.
        connection.execute(
            update(stories).where(stories.c.id == record.id).values(**_record_values(record), updated_at=now)
        )

    def save_story_records(self, records: Iterable[StoryRecord]) -> None:
        now = datetime.now(UTC)
        with self.engine.begin() as connection:
            for record in records:
                self._write_record(connection, record, now)

    def merge_stories(self, keep: int, gone: int, reason: str, *, pin: bool = False) -> None:
        """Move every article of story ``gone`` into ``keep`` (states are saved by the caller);
        ``pin`` marks the result as chosen by hand, and lifts any "keep apart" between the two."""
        now = datetime.now(UTC)
        with self.engine.begin() as connection:
            self._merge(connection, keep, gone, reason, now)
            if pin:
                connection.execute(
                    update(story_articles).where(story_articles.c.story_id == keep).values(pinned=True)
                )
                a, b = min(keep, gone), max(keep, gone)
                connection.execute(
                    delete(story_links).where(
                        and_(story_links.c.a == a, story_links.c.b == b, story_links.c.kind == "apart")
                    )
                )

    def _merge(self, connection: Connection, keep: int, gone: int, reason: str, now: datetime) -> None:
        connection.execute(
            update(story_articles).where(story_articles.c.story_id == gone).values(story_id=keep)
        )
        connection.execute(
            update(stories).where(stories.c.id == gone).values(merged_into=keep, updated_at=now)
        )
        connection.execute(
            delete(story_links).where(
                and_(story_links.c.kind == "thread", or_(story_links.c.a == gone, story_links.c.b == gone))
            )
        )
        # Apart links follow the story they were made for.
        rows = connection.execute(
            select(story_links).where(
                and_(story_links.c.kind == "apart", or_(story_links.c.a == gone, story_links.c.b == gone))
            )
        ).all()
        for row in rows:
            other = row.b if row.a == gone else row.a
            connection.execute(
                delete(story_links).where(
                    and_(story_links.c.a == row.a, story_links.c.b == row.b, story_links.c.kind == "apart")
                )
            )
            if other != keep:
                self._link(connection, keep, other, "apart", row.reason, now)
        self._link(connection, keep, gone, "merged", reason, now)

    def _link(self, connection: Connection, a: int, b: int, kind: str, reason: str, now: datetime) -> None:
        a, b = min(a, b), max(a, b)
        connection.execute(
            delete(story_links).where(
                and_(story_links.c.a == a, story_links.c.b == b, story_links.c.kind == kind)
            )
        )
        connection.execute(insert(story_links).values(a=a, b=b, kind=kind, reason=reason, at=now))

    def split_story_rows(self, old: int, new: int, article_ids: Iterable[int]) -> None:
        """Move ``article_ids`` from story ``old`` to ``new``, pinned there, and keep the two apart."""
        now = datetime.now(UTC)
        ids = list(article_ids)
        with self.engine.begin() as connection:
            connection.execute(
                update(story_articles)
                .where(and_(story_articles.c.story_id == old, story_articles.c.article_id.in_(ids)))
                .values(story_id=new, pinned=True, assigned_at=now)
            )
            connection.execute(
                update(story_articles).where(story_articles.c.story_id == old).values(pinned=True)
            )
            self._link(connection, old, new, "apart", "split by hand", now)

    def save_thread_links(self, story_id: int, links: Iterable[ThreadLink]) -> None:
        """Replace the thread links of ``story_id`` with ``links``."""
        now = datetime.now(UTC)
        with self.engine.begin() as connection:
            connection.execute(
                delete(story_links).where(
                    and_(
                        story_links.c.kind == "thread",
                        or_(story_links.c.a == story_id, story_links.c.b == story_id),
                    )
                )
            )
            for link in links:
                self._link(connection, link.a, link.b, "thread", link.reason(), now)

    def save_pool_threads(self, story_ids: Iterable[int], links: Iterable[ThreadLink]) -> None:
        """Replace the thread links among ``story_ids`` (a group of stories compared together)
        with ``links``; their links to stories outside the group stay."""
        ids = list(story_ids)
        now = datetime.now(UTC)
        with self.engine.begin() as connection:
            connection.execute(
                delete(story_links).where(
                    and_(story_links.c.kind == "thread", story_links.c.a.in_(ids), story_links.c.b.in_(ids))
                )
            )
            for link in links:
                self._link(connection, link.a, link.b, "thread", link.reason(), now)

    def renumber_threads(self) -> None:
        """Threads are the connected components of the thread links; each is named by its oldest
        story's id. Only rows whose thread changes are written."""
        with self.engine.begin() as connection:
            live = {
                int(i): t
                for i, t in connection.execute(
                    select(stories.c.id, stories.c.thread_id).where(stories.c.merged_into.is_(None))
                )
            }
            parent = {i: i for i in live}

            def find(x: int) -> int:
                while parent[x] != x:
                    parent[x] = parent[parent[x]]
                    x = parent[x]
                return x

            for a, b in connection.execute(
                select(story_links.c.a, story_links.c.b).where(story_links.c.kind == "thread")
            ):
                if a in parent and b in parent:
                    ra, rb = find(int(a)), find(int(b))
                    if ra != rb:
                        parent[max(ra, rb)] = min(ra, rb)
            sizes: dict[int, int] = defaultdict(int)
            for i in live:
                sizes[find(i)] += 1
            for i, current in live.items():
                root = find(i)
                wanted = root if sizes[root] > 1 else None
                if wanted != current:
                    connection.execute(update(stories).where(stories.c.id == i).values(thread_id=wanted))

    # --- reads ----------------------------------------------------------------------------------

    def stories(self, *, limit: int | None = None, offset: int = 0, thread: int | None = None) -> list[Story]:
        """Live stories, the most recently published first, then the undated ones by when they were
        read (never as if that were their date)."""
        last = func.max(articles.c.published)
        query = (
            select(stories.c.id, last.label("last"), func.max(articles.c.ingested_at).label("read"))
            .join(story_articles, story_articles.c.story_id == stories.c.id)
            .join(articles, articles.c.id == story_articles.c.article_id)
            .where(and_(stories.c.merged_into.is_(None), articles.c.is_latest.is_(True)))
            .group_by(stories.c.id)
            .order_by(last.desc().nulls_last(), func.max(articles.c.ingested_at).desc(), stories.c.id.desc())
            .offset(offset)
        )
        if thread is not None:
            query = query.where(stories.c.thread_id == thread)
        if limit is not None:
            query = query.limit(limit)
        with self.reader.connect() as connection:
            ids = [int(row.id) for row in connection.execute(query)]
        return self._stories(ids)

    def story(self, story_id: int) -> Story:
        """One story, with the stories of its thread; an id merged away leads to where it went."""
        with self.reader.connect() as connection:
            exists = connection.execute(select(stories.c.id).where(stories.c.id == story_id)).scalar()
        if exists is None:
            raise NotFound(f"no story with id {story_id}", remedy="list ids with `storyline stories`")
        found = self._stories([self._live_story(story_id)], related=True)
        if not found:
            raise NotFound(
                f"story {story_id} has no articles left", remedy="list ids with `storyline stories`"
            )
        return found[0]

    def stories_by_ids(self, ids: list[int]) -> list[Story]:
        """The live stories with these ids, in the order given (ids merged away are left out)."""
        return self._stories(ids)

    def _stories(self, ids: list[int], related: bool = False) -> list[Story]:
        if not ids:
            return []
        members: dict[int, list[StoryArticle]] = defaultdict(list)
        query = (
            select(
                story_articles.c.story_id,
                story_articles.c.score,
                story_articles.c.duplicate_of,
                story_articles.c.pinned,
                articles.c.id,
                articles.c.outlet,
                articles.c.title,
                articles.c.url,
                articles.c.locator,
                articles.c.published,
                articles.c.ingested_at,
                articles.c.agency,
                articles.c.primary_source,
            )
            .join(articles, articles.c.id == story_articles.c.article_id)
            .where(and_(story_articles.c.story_id.in_(ids), articles.c.is_latest.is_(True)))
            .order_by(func.coalesce(articles.c.published, articles.c.ingested_at), articles.c.id)
        )
        # First and last seen by publication date only; when the articles were read, apart.
        seen_at: dict[int, list[datetime]] = defaultdict(list)
        ingested_at: dict[int, list[datetime]] = defaultdict(list)
        with self.reader.connect() as connection:
            for row in connection.execute(query):
                sid = int(row.story_id)
                members[sid].append(
                    StoryArticle(
                        id=int(row.id),
                        outlet=row.outlet,
                        title=row.title,
                        source=row.url or row.locator,
                        published=aware_or_none(row.published),
                        score=float(row.score),
                        duplicate_of=int(row.duplicate_of) if row.duplicate_of is not None else None,
                        pinned=bool(row.pinned),
                        agency=row.agency,
                        primary_source=bool(row.primary_source),
                    )
                )
                if row.published is not None:
                    seen_at[sid].append(aware_or_none(row.published) or datetime.now(UTC))
                ingested_at[sid].append(aware_or_none(row.ingested_at) or datetime.now(UTC))
            for sid, items in members.items():
                members[sid] = _credit_copies(items)
            rows = {int(r.id): r for r in connection.execute(select(stories).where(stories.c.id.in_(ids)))}
            out = []
            for sid in ids:
                if sid not in rows or not members[sid]:
                    continue
                row = rows[sid]
                entities = StoryRecord.entities_from_dict(json.loads(row.entities))
                refs: tuple[ThreadRef, ...] = ()
                if related and row.thread_id is not None:
                    refs = self._thread_refs(connection, sid, int(row.thread_id))
                out.append(
                    Story(
                        id=sid,
                        title=row.title or members[sid][0].title,
                        thread=int(row.thread_id) if row.thread_id is not None else None,
                        first_seen=min(seen_at[sid]) if seen_at[sid] else None,
                        last_seen=max(seen_at[sid]) if seen_at[sid] else None,
                        articles=tuple(members[sid]),
                        entities=top_entities(
                            entities,
                            reporters={n for a in members[sid] for n in (a.outlet, a.agency) if n},
                        ),
                        related=refs,
                        dated=bool(seen_at[sid]),
                        read_first=min(ingested_at[sid]),
                        read_last=max(ingested_at[sid]),
                    )
                )
        return out

    def _thread_refs(self, connection: Connection, story_id: int, thread: int) -> tuple[ThreadRef, ...]:
        others = connection.execute(
            select(stories.c.id, stories.c.title, stories.c.first_seen).where(
                and_(stories.c.thread_id == thread, stories.c.id != story_id, stories.c.merged_into.is_(None))
            )
        ).all()
        reasons: dict[int, str] = {}
        for row in connection.execute(
            select(story_links).where(
                and_(
                    story_links.c.kind == "thread",
                    or_(story_links.c.a == story_id, story_links.c.b == story_id),
                )
            )
        ):
            reasons[int(row.b if row.a == story_id else row.a)] = row.reason
        refs = [
            ThreadRef(
                int(r.id),
                r.title,
                aware_or_none(r.first_seen),
                reasons.get(int(r.id), "same thread (via another story)"),
            )
            for r in others
        ]
        refs.sort(
            key=lambda r: (r.first_seen is None, r.first_seen or datetime.min.replace(tzinfo=UTC), r.story)
        )
        return tuple(refs)

    def story_article_ids(self, story_id: int, *, independent: bool = False) -> list[int]:
        """The story's latest articles (only those that are not copies, with ``independent``)."""
        condition = and_(story_articles.c.story_id == story_id, articles.c.is_latest.is_(True))
        if independent:
            condition = and_(condition, story_articles.c.duplicate_of.is_(None))
        with self.reader.connect() as connection:
            return [
                int(i)
                for i in connection.execute(
                    select(story_articles.c.article_id)
                    .join(articles, articles.c.id == story_articles.c.article_id)
                    .where(condition)
                    .order_by(story_articles.c.article_id)
                ).scalars()
            ]

    def story_ids_of(self, article_ids: Sequence[int]) -> dict[int, int]:
        with self.reader.connect() as connection:
            return {
                int(a): int(s)
                for a, s in connection.execute(
                    select(story_articles.c.article_id, story_articles.c.story_id).where(
                        story_articles.c.article_id.in_(list(article_ids))
                    )
                )
            }


def _credit_copies(items: list[StoryArticle]) -> list[StoryArticle]:
    """A near-copy of a wire story is that agency's copy even when its credit line was cut (a wire
    story run with no dateline): it carries the agency its original, or the original's original,
    credits."""
    by_id = {a.id: a for a in items}

    def agency(article: StoryArticle, hops: int = 0) -> str | None:
        if article.agency or article.duplicate_of not in by_id or hops > len(items):
            return article.agency
        return agency(by_id[article.duplicate_of], hops + 1)

    return [a if a.agency or a.duplicate_of is None else replace(a, agency=agency(a)) for a in items]


def _record_values(record: StoryRecord) -> dict[str, object]:
    """The ``stories`` columns a story's record holds."""
    return {
        "total": record.total,
        "size": record.size,
        "entities": json.dumps(record.entities_to_dict(), ensure_ascii=False),
        "first_seen": record.first,
        "last_seen": record.last,
        "title": record.title,
    }
