"""The one database gateway: every query storyline makes goes through :class:`Store`.

SQLite by default (WAL, one writer inside ``BEGIN IMMEDIATE``), PostgreSQL by URL. Each document is
saved in its own transaction, so a killed ingest loses at most the document in flight and a rerun
resumes where it stopped.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
import time
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import Engine, Integer, and_, create_engine, delete, event, func, insert, or_, select, update
from sqlalchemy.engine import Connection, Row
from sqlalchemy.exc import IntegrityError

from storyline.config import StoreConfig
from storyline.errors import NotFound
from storyline.model import (
    EARLIEST_DATE,
    FUTURE_SLACK,
    Analysis,
    Article,
    Block,
    BlockKind,
    ContentKind,
    DateSource,
    RawDocument,
    Removal,
    Repair,
    Skip,
    SourceKind,
)
from storyline.store.schema import (
    analyses,
    article_failures,
    article_vectors,
    articles,
    documents,
    embeddings,
    migrate,
    outlet_lines,
    outlets,
    repass_outlets,
    skips,
    up_to_date,
)
from storyline.store.schema import stories as story_rows
from storyline.store.stories import StoryQueries

__all__ = ["AlreadyStored", "Store", "StoredArticle"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class StoredArticle:
    """An article as stored: its id, revision and when it was ingested."""

    id: int
    revision: int
    is_latest: bool
    ingested_at: datetime
    article: Article
    analysis: Analysis | None = None

    def to_dict(self) -> dict[str, Any]:
        data = self.article.to_dict()
        extra = (
            self.analysis.to_dict()
            if self.analysis
            else {"genre": None, "hedge_share": None, "sentences": []}
        )
        return {
            "id": self.id,
            "revision": self.revision,
            "ingested_at": self.ingested_at.isoformat(),
            **data,
            **extra,
        }


class AlreadyStored(Exception):
    """The same bytes at the same locator were stored by another process meanwhile."""


class Store(StoryQueries):
    """Open with :meth:`open`; use as a context manager."""

    def __init__(self, engine: Engine, reader: Engine | None = None) -> None:
        # Writes go through ``engine`` (SQLite: BEGIN IMMEDIATE, one writer at a time); reads
        # through ``reader`` (SQLite: a deferred BEGIN, a snapshot under WAL), so a reader never
        # waits on a writer.
        self.engine = engine
        self.reader = reader or engine

    @property
    def index_path(self) -> Path | None:
        """Where grouping keeps its centroid index beside a SQLite file (None for other stores:
        they rebuild it at each ingest)."""
        database = self.engine.url.database
        if self.engine.url.get_backend_name() != "sqlite" or not database or database == ":memory:":
            return None
        return Path(database).expanduser().with_name(Path(database).name + ".stories.usearch")

    @classmethod
    def open(cls, config: StoreConfig | None = None) -> Store:
        config = config or StoreConfig()
        url = config.url
        reader = None
        if url.startswith("sqlite:///"):
            Path(url.removeprefix("sqlite:///")).expanduser().parent.mkdir(parents=True, exist_ok=True)
            engine = create_engine(url, connect_args={"timeout": config.lock_timeout})
            _sqlite_pragmas(engine, immediate=True, lock_timeout=config.lock_timeout)
            reader = create_engine(url, connect_args={"timeout": config.lock_timeout})
            _sqlite_pragmas(reader, immediate=False, lock_timeout=config.lock_timeout)
        else:
            engine = create_engine(url, pool_pre_ping=True)
        # Check the schema through the reader first: migrating takes the write lock, and a store
        # that is up to date must open while another process is writing to it.
        with (reader or engine).connect() as connection:
            current = up_to_date(connection)
        if not current:
            with engine.begin() as connection:
                if engine.url.get_backend_name() == "postgresql":
                    # Two processes opening a new store at once must not both create its tables
                    # (SQLite's BEGIN IMMEDIATE already makes them take turns).
                    connection.exec_driver_sql("SELECT pg_advisory_xact_lock(7410)")
                migrate(connection)
        return cls(engine, reader)

    def close(self) -> None:
        self.engine.dispose()
        if self.reader is not self.engine:
            self.reader.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def stage_lock(self) -> Iterator[None]:
        """Held while analysing and grouping: two ingests into one store take turns, so the second
        sees the first's stories instead of founding duplicates of them. SQLite: an OS file lock
        beside the database (released by the OS if the process dies); PostgreSQL: an advisory
        lock; an in-memory store is one process's alone."""
        backend = self.engine.url.get_backend_name()
        database = self.engine.url.database
        if backend == "sqlite" and database and database != ":memory:":
            import fcntl

            path = Path(database).expanduser().with_name(Path(database).name + ".lock")
            with open(path, "a+b") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)
        elif backend == "postgresql":
            with self.engine.connect() as connection:
                connection.exec_driver_sql("SELECT pg_advisory_lock(7411)")
                connection.commit()
                try:
                    yield
                finally:
                    connection.exec_driver_sql("SELECT pg_advisory_unlock(7411)")
                    connection.commit()
        else:
            yield

    # --- writes ---------------------------------------------------------------------------------

    def is_known(self, locator: str, content_hash: str) -> bool:
        query = select(documents.c.id).where(
            and_(documents.c.locator == locator, documents.c.content_hash == content_hash)
        )
        with self.reader.connect() as connection:
            return connection.execute(query).first() is not None

    def restore_revision(self, locator: str, content_hash: str) -> int | None:
        """A document whose bytes match an earlier revision (a file edited, then reverted): that
        revision becomes the latest again. Returns its article id, or None when the latest
        revision already has these bytes or none has."""
        with self.engine.begin() as connection:
            row = connection.execute(
                select(articles.c.id, articles.c.is_latest)
                .where(and_(articles.c.locator == locator, articles.c.content_hash == content_hash))
                .order_by(articles.c.revision.desc())
            ).first()
            if row is None or row.is_latest:
                return None
            connection.execute(update(articles).where(articles.c.locator == locator).values(is_latest=False))
            connection.execute(update(articles).where(articles.c.id == row.id).values(is_latest=True))
            return int(row.id)

    def save(self, raw: RawDocument, article: Article, line_keys: Iterable[str]) -> tuple[int, int]:
        """Store the raw document and its article; returns ``(article_id, revision)``. Raises
        :class:`AlreadyStored` when another process stored the same bytes meanwhile."""
        keys = list(line_keys)
        try:
            return self._save(raw, article, keys)
        except IntegrityError:
            # PostgreSQL lets two writers check at once; the unique key decides who stored it.
            if self.is_known(raw.locator, raw.content_hash):
                raise AlreadyStored(raw.locator) from None
            # Another writer added a row this one meant to add too (the outlet's identity, its
            # re-pass mark): saved again, the row is found and updated instead.
            return self._save(raw, article, keys)

    def _save(self, raw: RawDocument, article: Article, line_keys: Iterable[str]) -> tuple[int, int]:
        now = datetime.now(UTC)
        with self.engine.begin() as connection:
            # Checked again inside the write transaction: two ingests of one input read the same
            # file at once, and the second to write must find the first's work, not fail on it.
            if connection.execute(
                select(documents.c.id).where(
                    and_(documents.c.locator == raw.locator, documents.c.content_hash == raw.content_hash)
                )
            ).first():
                raise AlreadyStored(raw.locator)
            document_id = connection.execute(
                insert(documents)
                .values(
                    locator=raw.locator,
                    content_hash=raw.content_hash,
                    kind=raw.kind.value,
                    url=raw.url,
                    content_type=raw.content_type,
                    hints=json.dumps(dict(raw.hints)),
                    content=zlib.compress(raw.content, 6),
                    fetched_at=raw.fetched_at,
                    ingested_at=now,
                )
                .returning(documents.c.id)
            ).scalar_one()
            previous = connection.execute(
                select(func.max(articles.c.revision)).where(articles.c.locator == raw.locator)
            ).scalar()
            revision = (previous or 0) + 1
            connection.execute(
                update(articles).where(articles.c.locator == raw.locator).values(is_latest=False)
            )
            article_id = connection.execute(
                insert(articles)
                .values(
                    document_id=document_id,
                    locator=raw.locator,
                    revision=revision,
                    is_latest=True,
                    ingested_at=now,
                    **_article_values(article, now),
                )
                .returning(articles.c.id)
            ).scalar_one()
            self._save_lines(connection, article.outlet, raw.locator, line_keys)
            connection.execute(delete(skips).where(skips.c.locator == raw.locator))
            self._save_outlet(connection, article)
            if (
                article.outlet
                and not connection.execute(
                    select(repass_outlets.c.outlet).where(repass_outlets.c.outlet == article.outlet)
                ).first()
            ):
                connection.execute(insert(repass_outlets).values(outlet=article.outlet))
        return int(article_id), revision

    def _save_outlet(self, connection: Connection, article: Article) -> None:
        """Fold the article's outlet name and domain into its identity; when a surer name turns up
        (the site's own over a feed's title), every article of the outlet is shown by it."""
        if not article.outlet_key or not article.outlet:
            return
        key = article.outlet_key
        domain = key if not key.startswith("name:") else None
        row = connection.execute(select(outlets).where(outlets.c.key == key)).first()
        if row is None:
            connection.execute(
                insert(outlets).values(
                    key=key,
                    name=article.outlet,
                    rank=article.outlet_rank,
                    names=json.dumps([article.outlet], ensure_ascii=False),
                    domains=json.dumps([domain] if domain else []),
                )
            )
            return
        names, domains = json.loads(row.names), json.loads(row.domains)
        changes: dict[str, Any] = {}
        if article.outlet not in names:
            changes["names"] = json.dumps([*names, article.outlet], ensure_ascii=False)
        if domain and domain not in domains:
            changes["domains"] = json.dumps([*domains, domain])
        if article.outlet_rank > row.rank:
            changes.update(name=article.outlet, rank=article.outlet_rank)
        if changes:
            connection.execute(update(outlets).where(outlets.c.key == key).values(**changes))
        name = changes.get("name", row.name)
        # Every article of the outlet goes by the one name its identity has now.
        connection.execute(
            update(articles)
            .where(and_(articles.c.outlet_key == key, articles.c.outlet != name))
            .values(outlet=name)
        )

    def outlets(self) -> list[dict[str, Any]]:
        """Every outlet: its name, the names and domains folded into it, its articles, how many of
        them are wire copies or primary sources, and how often it was first to report a story."""
        from storyline.store.schema import story_articles

        with self.reader.connect() as connection:
            rows = connection.execute(select(outlets).order_by(outlets.c.name)).all()
            counts = {
                key: (int(total), int(wire or 0), int(primary or 0))
                for key, total, wire, primary in connection.execute(
                    select(
                        articles.c.outlet_key,
                        func.count(),
                        func.sum(func.cast(articles.c.agency.is_not(None), Integer)),
                        func.sum(func.cast(articles.c.primary_source, Integer)),
                    )
                    .where(articles.c.is_latest.is_(True))
                    .group_by(articles.c.outlet_key)
                )
            }
            # First to report: the outlet of each story's earliest dated article.
            first: dict[str, int] = {}
            earliest = (
                select(
                    story_articles.c.story_id,
                    articles.c.outlet_key,
                    func.row_number()
                    .over(
                        partition_by=story_articles.c.story_id,
                        order_by=(articles.c.published.is_(None), articles.c.published, articles.c.id),
                    )
                    .label("n"),
                )
                .join(articles, articles.c.id == story_articles.c.article_id)
                .where(articles.c.is_latest.is_(True))
                .subquery()
            )
            for key, n in connection.execute(
                select(earliest.c.outlet_key, func.count())
                .where(earliest.c.n == 1)
                .group_by(earliest.c.outlet_key)
            ):
                if key:
                    first[key] = int(n)
            unknown = counts.get(None, (0, 0, 0))
        out = [
            {
                "key": row.key,
                "name": row.name,
                "names": json.loads(row.names),
                "domains": json.loads(row.domains),
                "articles": counts.get(row.key, (0, 0, 0))[0],
                "wire_copies": counts.get(row.key, (0, 0, 0))[1],
                "primary_sources": counts.get(row.key, (0, 0, 0))[2],
                "first_to_report": first.get(row.key, 0),
            }
            for row in rows
        ]
        out.sort(key=lambda o: (-int(o["articles"]), str(o["name"])))
        if unknown[0]:
            out.append(
                {
                    "key": None,
                    "name": "(unknown outlet)",
                    "names": [],
                    "domains": [],
                    "articles": unknown[0],
                    "wire_copies": unknown[1],
                    "primary_sources": unknown[2],
                    "first_to_report": 0,
                }
            )
        return out

    def _save_lines(
        self, connection: Connection, outlet: str | None, locator: str, keys: Iterable[str]
    ) -> None:
        if not outlet:
            return
        existing = set(
            connection.execute(
                select(outlet_lines.c.line_key).where(
                    and_(outlet_lines.c.outlet == outlet, outlet_lines.c.locator == locator)
                )
            ).scalars()
        )
        rows = [{"outlet": outlet, "line_key": k, "locator": locator} for k in set(keys) - existing]
        if rows:
            connection.execute(insert(outlet_lines), rows)

    def replace_article(self, article_id: int, article: Article) -> None:
        """Re-processed text for the same document (e.g. after new furniture evidence)."""
        with self.engine.begin() as connection:
            connection.execute(
                update(articles)
                .where(articles.c.id == article_id)
                .values(**_article_values(article, datetime.now(UTC)))
            )

    def heal_dates(self) -> int:
        """Clear impossible dates an earlier version stored (``0001-01-01`` from a page template):
        they made grouping's date arithmetic overflow on every later ingest. Returns how many
        articles were healed; their date is gone, as if none had been given."""
        latest = datetime.now(UTC) + FUTURE_SLACK
        with self.engine.begin() as connection:
            healed = connection.execute(
                update(articles)
                .where(or_(articles.c.published < EARLIEST_DATE, articles.c.published > latest))
                .values(published=None, date_source=None)
            ).rowcount
            for column in ("first_seen", "last_seen"):
                c = story_rows.c[column]
                connection.execute(
                    update(story_rows).where(or_(c < EARLIEST_DATE, c > latest)).values({column: None})
                )
        return int(healed or 0)

    def record_failure(self, article_id: int, stage: str, reason: str) -> None:
        """A later stage failed on one article: keep why, count the attempts; it is retried on the
        next run and blocks nothing else."""
        now = datetime.now(UTC)
        key = and_(article_failures.c.article_id == article_id, article_failures.c.stage == stage)
        with self.engine.begin() as connection:
            attempts = connection.execute(select(article_failures.c.attempts).where(key)).scalar()
            if attempts is None:
                connection.execute(
                    insert(article_failures).values(
                        article_id=article_id, stage=stage, reason=reason[:2000], attempts=1, at=now
                    )
                )
            else:
                connection.execute(
                    update(article_failures)
                    .where(key)
                    .values(reason=reason[:2000], attempts=attempts + 1, at=now)
                )

    def clear_failures(self, article_ids: Sequence[int], stage: str) -> None:
        if not article_ids:
            return
        with self.engine.begin() as connection:
            connection.execute(
                delete(article_failures).where(
                    and_(article_failures.c.stage == stage, article_failures.c.article_id.in_(article_ids))
                )
            )

    def failures(self) -> list[tuple[int, str, str, int]]:
        """``(article_id, stage, reason, attempts)`` for every article a stage could not finish."""
        with self.reader.connect() as connection:
            rows = connection.execute(
                select(
                    article_failures.c.article_id,
                    article_failures.c.stage,
                    article_failures.c.reason,
                    article_failures.c.attempts,
                ).order_by(article_failures.c.article_id, article_failures.c.stage)
            ).all()
        return [(int(r[0]), str(r[1]), str(r[2]), int(r[3])) for r in rows]

    def record_skip(self, skip: Skip) -> None:
        try:
            with self.engine.begin() as connection:
                connection.execute(
                    delete(skips).where(and_(skips.c.locator == skip.locator, skips.c.code == skip.code))
                )
                connection.execute(
                    insert(skips).values(
                        locator=skip.locator, code=skip.code, message=skip.message, at=datetime.now(UTC)
                    )
                )
        except IntegrityError:
            # PostgreSQL: another ingest of the same input recorded this very skip meanwhile.
            log.info("skip of %s (%s) already recorded by another process", skip.locator, skip.code)

    # --- reads ----------------------------------------------------------------------------------

    def _line_pages(self, outlet: str) -> Any:
        """Lines of ``outlet``'s stored pages with the bytes of the page they are on: identical
        copies of one page (the same article saved in three folders) are one page of evidence."""
        return (
            select(
                outlet_lines.c.line_key, func.count(func.distinct(documents.c.content_hash)).label("pages")
            )
            .join(
                articles,
                and_(articles.c.locator == outlet_lines.c.locator, articles.c.is_latest.is_(True)),
            )
            .join(documents, documents.c.id == articles.c.document_id)
            .where(outlet_lines.c.outlet == outlet)
            .group_by(outlet_lines.c.line_key)
        )

    def line_counts(self, outlet: str | None, keys: Iterable[str]) -> dict[str, int]:
        """For each key, on how many different stored pages of ``outlet`` the line appears."""
        wanted = list(set(keys))
        if not outlet or not wanted:
            return {}
        counts: dict[str, int] = {}
        with self.reader.connect() as connection:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                query = self._line_pages(outlet).where(outlet_lines.c.line_key.in_(chunk))
                counts.update({key: int(count) for key, count in connection.execute(query)})
        return counts

    def frequent_lines(self, outlet: str, threshold: int) -> dict[str, int]:
        query = self._line_pages(outlet).having(
            func.count(func.distinct(documents.c.content_hash)) >= threshold
        )
        with self.reader.connect() as connection:
            return {key: int(count) for key, count in connection.execute(query)}

    def has_copy(self, outlet: str | None, content_hash: str) -> bool:
        """Whether a page with exactly these bytes is stored for ``outlet`` (at another locator)."""
        if not outlet:
            return False
        query = (
            select(articles.c.id)
            .join(documents, documents.c.id == articles.c.document_id)
            .where(and_(articles.c.outlet == outlet, documents.c.content_hash == content_hash))
            .limit(1)
        )
        with self.reader.connect() as connection:
            return connection.execute(query).first() is not None

    def pending_repass(self) -> list[str]:
        """Outlets that gained pages since their last furniture re-pass (kept in the store, so a
        run killed before its re-pass leaves the work for the next run)."""
        with self.reader.connect() as connection:
            return [str(o) for o in connection.execute(select(repass_outlets.c.outlet)).scalars()]

    def done_repass(self, outlet: str) -> None:
        with self.engine.begin() as connection:
            connection.execute(delete(repass_outlets).where(repass_outlets.c.outlet == outlet))

    def articles(
        self,
        *,
        outlet: str | None = None,
        latest_only: bool = True,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[StoredArticle]:
        query = select(articles).order_by(articles.c.id).offset(offset)
        if latest_only:
            query = query.where(articles.c.is_latest.is_(True))
        if outlet is not None:
            query = query.where(articles.c.outlet == outlet)
        if limit is not None:
            query = query.limit(limit)
        with self.reader.connect() as connection:
            stored = [_stored(row) for row in connection.execute(query)]
        return self._with_analyses(stored)

    def _with_analyses(self, stored: list[StoredArticle]) -> list[StoredArticle]:
        ids = [item.id for item in stored]
        found: dict[int, Analysis] = {}
        with self.reader.connect() as connection:
            for start in range(0, len(ids), 500):
                query = select(analyses).where(analyses.c.article_id.in_(ids[start : start + 500]))
                found.update({int(row.article_id): _analysis(row) for row in connection.execute(query)})
        return [replace(item, analysis=found.get(item.id)) for item in stored]

    def iter_articles(self, batch: int = 500) -> Iterator[StoredArticle]:
        """Every latest article, a batch at a time, for work over the whole store."""
        offset = 0
        while True:
            page = self.articles(limit=batch, offset=offset)
            if not page:
                return
            yield from page
            offset += batch

    def article(self, article_id: int) -> StoredArticle:
        with self.reader.connect() as connection:
            row = connection.execute(select(articles).where(articles.c.id == article_id)).first()
        if row is None:
            raise NotFound(f"no article with id {article_id}", remedy="list ids with `storyline articles`")
        return self._with_analyses([_stored(row)])[0]

    def raw_document(self, article_id: int) -> RawDocument:
        """The raw document an article was extracted from, with its content kind: the article's own
        (what extraction read it as, HTML or text), so extracting it again sniffs nothing."""
        query = (
            select(documents, articles.c.content_kind)
            .join(articles, articles.c.document_id == documents.c.id)
            .where(articles.c.id == article_id)
        )
        with self.reader.connect() as connection:
            row = connection.execute(query).first()
        if row is None:
            raise NotFound(f"no article with id {article_id}", remedy="list ids with `storyline articles`")
        return RawDocument(
            locator=row.locator,
            kind=SourceKind(row.kind),
            content=zlib.decompress(row.content),
            fetched_at=_aware(row.fetched_at),
            url=row.url,
            content_type=row.content_type,
            hints=json.loads(row.hints),
            content_kind=ContentKind(row.content_kind),
        )

    def article_ids_with_lines(self, outlet: str, keys: Sequence[str]) -> list[int]:
        if not keys:
            return []
        query = (
            select(articles.c.id)
            .join(
                outlet_lines,
                and_(outlet_lines.c.locator == articles.c.locator, outlet_lines.c.outlet == outlet),
            )
            .where(and_(articles.c.is_latest.is_(True), outlet_lines.c.line_key.in_(list(keys))))
            .distinct()
        )
        with self.reader.connect() as connection:
            return [int(i) for i in connection.execute(query).scalars()]

    # --- analyses -------------------------------------------------------------------------------

    def save_analysis(self, article_id: int, text: str, analysis: Analysis) -> None:
        values = {
            **analysis.to_record(),
            "text_hash": text_hash(text),
            "analyzed_at": datetime.now(UTC),
        }
        with self.engine.begin() as connection:
            connection.execute(delete(analyses).where(analyses.c.article_id == article_id))
            connection.execute(insert(analyses).values(article_id=article_id, **values))

    def analysis(self, article_id: int) -> Analysis | None:
        with self.reader.connect() as connection:
            row = connection.execute(select(analyses).where(analyses.c.article_id == article_id)).first()
        return _analysis(row) if row is not None else None

    def articles_needing_analysis(self, *, everything: bool = False) -> list[int]:
        """Latest articles with no analysis, or one computed from other text (compared in SQL, by hash)."""
        query = (
            select(articles.c.id)
            .outerjoin(analyses, analyses.c.article_id == articles.c.id)
            .where(articles.c.is_latest.is_(True))
            .order_by(articles.c.id)
        )
        if not everything:
            query = query.where(
                or_(
                    analyses.c.article_id.is_(None),
                    analyses.c.text_hash != articles.c.text_hash,
                    analyses.c.claims.is_(None),
                )
            )
        with self.reader.connect() as connection:
            return [int(i) for i in connection.execute(query).scalars()]

    # --- embeddings -----------------------------------------------------------------------------

    def cached_vectors(self, model: str, hashes: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        wanted = list(set(hashes))
        with self.reader.connect() as connection:
            for start in range(0, len(wanted), 500):
                query = select(embeddings.c.text_hash, embeddings.c.vector).where(
                    and_(embeddings.c.model == model, embeddings.c.text_hash.in_(wanted[start : start + 500]))
                )
                for key, blob in connection.execute(query):
                    found[key] = np.frombuffer(blob, dtype=np.float32)
        return found

    def save_vectors(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        if not vectors:
            return
        with self.engine.begin() as connection:
            existing = set(
                connection.execute(
                    select(embeddings.c.text_hash).where(
                        and_(embeddings.c.model == model, embeddings.c.text_hash.in_(list(vectors)))
                    )
                ).scalars()
            )
            rows = [
                {"model": model, "text_hash": key, "vector": vector.astype(np.float32).tobytes()}
                for key, vector in vectors.items()
                if key not in existing
            ]
            if rows:
                connection.execute(insert(embeddings), rows)

    def save_article_vector(self, article_id: int, model: str, vector: np.ndarray) -> None:
        with self.engine.begin() as connection:
            connection.execute(
                delete(article_vectors).where(
                    and_(article_vectors.c.article_id == article_id, article_vectors.c.model == model)
                )
            )
            connection.execute(
                insert(article_vectors).values(
                    article_id=article_id, model=model, vector=vector.astype(np.float32).tobytes()
                )
            )

    def article_vectors(self, model: str) -> dict[int, np.ndarray]:
        query = select(article_vectors.c.article_id, article_vectors.c.vector).where(
            article_vectors.c.model == model
        )
        with self.reader.connect() as connection:
            return {int(i): np.frombuffer(blob, dtype=np.float32) for i, blob in connection.execute(query)}

    def article_vectors_for(self, model: str, ids: Sequence[int]) -> dict[int, np.ndarray]:
        found: dict[int, np.ndarray] = {}
        with self.reader.connect() as connection:
            for start in range(0, len(ids), 500):
                query = select(article_vectors.c.article_id, article_vectors.c.vector).where(
                    and_(
                        article_vectors.c.model == model,
                        article_vectors.c.article_id.in_(list(ids[start : start + 500])),
                    )
                )
                found.update(
                    {int(i): np.frombuffer(blob, dtype=np.float32) for i, blob in connection.execute(query)}
                )
        return found

    def articles_by_ids(self, ids: Sequence[int]) -> list[StoredArticle]:
        """The articles with these ids, with their analyses, in the order given."""
        with self.reader.connect() as connection:
            rows = {
                int(row.id): _stored(row)
                for row in connection.execute(select(articles).where(articles.c.id.in_(list(ids))))
            }
        return self._with_analyses([rows[i] for i in ids if i in rows])

    def skips(self) -> list[Skip]:
        """Documents not ingested, then articles a later stage could not finish (``analyze-failed``,
        ``group-failed``: stored, and retried on the next ingest)."""
        with self.reader.connect() as connection:
            rows = connection.execute(select(skips).order_by(skips.c.id))
            found = [Skip(row.locator, row.code, row.message) for row in rows]
            failed = connection.execute(
                select(articles.c.locator, article_failures.c.stage, article_failures.c.reason)
                .join(articles, articles.c.id == article_failures.c.article_id)
                .order_by(article_failures.c.article_id)
            )
            found.extend(
                Skip(locator, f"{stage}-failed", f"{reason} (stored; retried on the next ingest)")
                for locator, stage, reason in failed
            )
        return found

    def counts(self) -> dict[str, int]:
        with self.reader.connect() as connection:
            return {
                "articles": int(
                    connection.execute(
                        select(func.count()).select_from(articles).where(articles.c.is_latest.is_(True))
                    ).scalar_one()
                ),
                "revisions": int(connection.execute(select(func.count()).select_from(articles)).scalar_one()),
                "documents": int(
                    connection.execute(select(func.count()).select_from(documents)).scalar_one()
                ),
                "skips": int(connection.execute(select(func.count()).select_from(skips)).scalar_one()),
            }


def _analysis(row: Row[Any]) -> Analysis:
    return Analysis.from_record(dict(row._mapping))


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _wal_mode(cursor: sqlite3.Cursor, lock_timeout: float) -> None:
    """Put the database in WAL mode, waiting up to ``lock_timeout`` for another process's lock.

    Turning a new file to WAL writes its header under an exclusive lock, and SQLite answers "database
    is locked" at once there instead of calling the busy handler: two ingests creating one store at
    the same moment made one of them fail (seen in CI). So retry here, as the busy handler would."""
    deadline = time.monotonic() + lock_timeout
    pause = 0.005
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.1)


def _sqlite_pragmas(engine: Engine, *, immediate: bool, lock_timeout: float) -> None:
    # pysqlite's own transaction handling defers BEGIN; take control so writers use BEGIN IMMEDIATE
    # (no lock upgrade deadlocks between two ingests) and readers a plain BEGIN: a read snapshot
    # under WAL that never waits for a writer.
    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        _wal_mode(cursor, lock_timeout)
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _article_values(article: Article, now: datetime) -> dict[str, Any]:
    return {
        "content_hash": article.content_hash,
        "url": article.url,
        "outlet": article.outlet,
        "title": article.title,
        "byline": article.byline,
        "published": article.published,
        "date_source": article.date_source.value if article.date_source else None,
        "title_derived": article.title_derived,
        "outlet_key": article.outlet_key,
        "agency": article.agency,
        "primary_source": article.primary_source,
        "language": article.language,
        "content_kind": article.content_kind.value,
        "text": article.text,
        "text_hash": text_hash(article.text),
        "blocks": json.dumps([[b.kind.value, b.text] for b in article.blocks], ensure_ascii=False),
        "removed": json.dumps([[r.text, r.reason, r.stage] for r in article.removed], ensure_ascii=False),
        "repairs": json.dumps(
            [[r.kind, r.before, r.after, r.offset] for r in article.repairs], ensure_ascii=False
        ),
        "word_count": article.word_count,
        "updated_at": now,
    }


def _stored(row: Row[Any]) -> StoredArticle:
    article = Article(
        locator=row.locator,
        content_hash=row.content_hash,
        title=row.title,
        blocks=tuple(Block(BlockKind(kind), text) for kind, text in json.loads(row.blocks)),
        url=row.url,
        outlet=row.outlet,
        byline=row.byline,
        published=_aware(row.published) if row.published else None,
        date_source=DateSource(row.date_source) if row.date_source else None,
        title_derived=bool(row.title_derived),
        outlet_key=row.outlet_key,
        agency=row.agency,
        primary_source=bool(row.primary_source),
        language=row.language,
        content_kind=ContentKind(row.content_kind),
        removed=tuple(Removal(*item) for item in json.loads(row.removed)),
        repairs=tuple(Repair(*item) for item in json.loads(row.repairs)),
    )
    return StoredArticle(
        id=int(row.id),
        revision=int(row.revision),
        is_latest=bool(row.is_latest),
        ingested_at=_aware(row.ingested_at),
        article=article,
    )


def _aware(value: datetime) -> datetime:
    # SQLite keeps no time zone; every time we store is UTC.
    return value if value.tzinfo else value.replace(tzinfo=UTC)
