"""The store's documents and articles: saving a raw document with the article extracted from it (one
transaction each, revisions kept), reading articles back with their analyses, and the documents
that were skipped."""

from __future__ import annotations

import json
import logging
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime

from sqlalchemy import Connection, Engine, and_, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from storyline.errors import NotFound
from storyline.model import (
    EARLIEST_DATE,
    FUTURE_SLACK,
    Analysis,
    Article,
    ContentKind,
    RawDocument,
    Skip,
    SourceKind,
)
from storyline.store.outlets import mark_repass, save_lines, save_outlet
from storyline.store.records import (
    AlreadyStored,
    StoredArticle,
    analysis_of,
    article_values,
    aware,
    stored_article,
)
from storyline.store.schema import analyses, article_failures, articles, documents, skips, stories

__all__ = ["DocumentQueries"]

log = logging.getLogger(__name__)


class DocumentQueries:
    engine: Engine
    reader: Engine

    # --- writes ------------------------------------------------------------------------------------

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

    def save_many(
        self, items: Iterable[tuple[RawDocument, Article, Iterable[str]]], batch: int = 1000
    ) -> int:
        """Store many new documents and their articles, ``batch`` to a transaction (a bulk import,
        or a benchmark's corpus: one transaction a document costs a commit each). Documents already
        stored are passed over. Returns how many were stored."""
        stored = 0
        pending = list[tuple[RawDocument, Article, list[str]]]()

        def flush() -> None:
            nonlocal stored
            with self.engine.begin() as connection:
                for raw, article, keys in pending:
                    try:
                        with connection.begin_nested():
                            self._save_in(connection, raw, article, keys, datetime.now(UTC))
                    except AlreadyStored:
                        continue
                    stored += 1
            pending.clear()

        for raw, article, keys in items:
            pending.append((raw, article, list(keys)))
            if len(pending) >= batch:
                flush()
        if pending:
            flush()
        return stored

    def _save(self, raw: RawDocument, article: Article, line_keys: Iterable[str]) -> tuple[int, int]:
        with self.engine.begin() as connection:
            return self._save_in(connection, raw, article, line_keys, datetime.now(UTC))

    def _save_in(
        self,
        connection: Connection,
        raw: RawDocument,
        article: Article,
        line_keys: Iterable[str],
        now: datetime,
    ) -> tuple[int, int]:
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
        connection.execute(update(articles).where(articles.c.locator == raw.locator).values(is_latest=False))
        article_id = connection.execute(
            insert(articles)
            .values(
                document_id=document_id,
                locator=raw.locator,
                revision=revision,
                is_latest=True,
                ingested_at=now,
                **article_values(article, now),
            )
            .returning(articles.c.id)
        ).scalar_one()
        save_lines(connection, article.outlet, raw.locator, line_keys)
        connection.execute(delete(skips).where(skips.c.locator == raw.locator))
        save_outlet(connection, article)
        mark_repass(connection, article.outlet)
        return int(article_id), revision

    def replace_article(self, article_id: int, article: Article) -> None:
        """Re-processed text for the same document (e.g. after new furniture evidence)."""
        with self.engine.begin() as connection:
            connection.execute(
                update(articles)
                .where(articles.c.id == article_id)
                .values(**article_values(article, datetime.now(UTC)))
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
                c = stories.c[column]
                connection.execute(
                    update(stories).where(or_(c < EARLIEST_DATE, c > latest)).values({column: None})
                )
        return int(healed or 0)

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

    # --- reads -------------------------------------------------------------------------------------

    def articles(
        self,
        *,
        outlet: str | None = None,
        latest_only: bool = True,
        limit: int | None = None,
        offset: int = 0,
        after: int | None = None,
    ) -> list[StoredArticle]:
        """Articles in id order; ``after``: only those with a larger id (keyset paging: the index
        finds where the page starts, however many come before it)."""
        query = select(articles).order_by(articles.c.id).offset(offset)
        if after is not None:
            query = query.where(articles.c.id > after)
        if latest_only:
            query = query.where(articles.c.is_latest.is_(True))
        if outlet is not None:
            query = query.where(articles.c.outlet == outlet)
        if limit is not None:
            query = query.limit(limit)
        with self.reader.connect() as connection:
            stored = [stored_article(row) for row in connection.execute(query)]
        return self._with_analyses(stored)

    def _with_analyses(self, stored: list[StoredArticle]) -> list[StoredArticle]:
        ids = [item.id for item in stored]
        found: dict[int, Analysis] = {}
        with self.reader.connect() as connection:
            for start in range(0, len(ids), 500):
                query = select(analyses).where(analyses.c.article_id.in_(ids[start : start + 500]))
                found.update({int(row.article_id): analysis_of(row) for row in connection.execute(query)})
        return [replace(item, analysis=found.get(item.id)) for item in stored]

    def iter_articles(self, batch: int = 500) -> Iterator[StoredArticle]:
        """Every latest article, a batch at a time, for work over the whole store (each batch
        found by its first id, not by skipping the ones before it)."""
        after = 0
        while True:
            page = self.articles(limit=batch, after=after)
            if not page:
                return
            yield from page
            after = page[-1].id

    def article(self, article_id: int) -> StoredArticle:
        with self.reader.connect() as connection:
            row = connection.execute(select(articles).where(articles.c.id == article_id)).first()
        if row is None:
            raise NotFound(f"no article with id {article_id}", remedy="list ids with `storyline articles`")
        return self._with_analyses([stored_article(row)])[0]

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
            fetched_at=aware(row.fetched_at),
            url=row.url,
            content_type=row.content_type,
            hints=json.loads(row.hints),
            content_kind=ContentKind(row.content_kind),
        )

    def articles_by_ids(self, ids: Sequence[int]) -> list[StoredArticle]:
        """The articles with these ids, with their analyses, in the order given."""
        with self.reader.connect() as connection:
            rows = {
                int(row.id): stored_article(row)
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
