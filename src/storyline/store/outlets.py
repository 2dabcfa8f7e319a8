"""The store's outlets and the evidence of their page furniture: each outlet's identity (the names
and domains folded into it), the short lines seen on its pages, and the outlets awaiting a furniture
re-pass. The writes that come with saving a document (:func:`save_outlet`, :func:`save_lines`) run
inside the document's own transaction."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, Integer, and_, delete, func, insert, select, update
from sqlalchemy.engine import Connection

from storyline.model import Article
from storyline.store.schema import (
    articles,
    documents,
    follows,
    outlet_lines,
    outlets,
    repass_outlets,
    story_articles,
    story_briefs,
)

__all__ = ["OutletQueries", "mark_repass", "save_lines", "save_outlet"]


class OutletQueries:
    engine: Engine
    reader: Engine

    def outlets(self) -> list[dict[str, Any]]:
        """Every outlet: its name, the names and domains folded into it, its articles, how many of
        them are wire copies or primary sources, and how often it was first to report a story."""
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

    def outlet_names(self) -> list[tuple[str, str, int]]:
        """Each outlet's key, the name it is shown by and how sure that name is (its rank)."""
        with self.reader.connect() as connection:
            rows = connection.execute(select(outlets.c.key, outlets.c.name, outlets.c.rank)).all()
        return [(str(k), str(n), int(r)) for k, n, r in rows]

    def rename_outlet(self, key: str, name: str, rank: int) -> None:
        """Show the outlet ``key`` (and every article of it) by ``name`` from now on. The kept
        briefs of its stories cite it by its old name: they are dropped, to be made again."""
        with self.engine.begin() as connection:
            row = connection.execute(
                select(outlets.c.names, outlets.c.name).where(outlets.c.key == key)
            ).first()
            if row is None:
                return
            _refollow(connection, row.name, name)
            names = json.loads(row.names)
            connection.execute(
                update(outlets)
                .where(outlets.c.key == key)
                .values(
                    name=name,
                    rank=rank,
                    names=json.dumps(names if name in names else [*names, name], ensure_ascii=False),
                )
            )
            # A newer updated_at: pages cached under the store's stamp and the search index see it.
            connection.execute(
                update(articles)
                .where(articles.c.outlet_key == key)
                .values(outlet=name, updated_at=datetime.now(UTC))
            )
            mine = (
                select(story_articles.c.story_id)
                .join(articles, articles.c.id == story_articles.c.article_id)
                .where(articles.c.outlet_key == key)
            )
            connection.execute(delete(story_briefs).where(story_briefs.c.story_id.in_(mine)))

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


def save_outlet(connection: Connection, article: Article) -> None:
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


def _refollow(connection: Connection, old: str, new: str) -> None:
    """Readers who follow the outlet by its old name follow it by the new one (once each)."""
    for follow_id, who in connection.execute(
        select(follows.c.id, follows.c.reader).where(and_(follows.c.kind == "outlet", follows.c.value == old))
    ).all():
        already = connection.execute(
            select(follows.c.id).where(
                and_(follows.c.reader == who, follows.c.kind == "outlet", follows.c.value == new)
            )
        ).first()
        change = delete(follows) if already else update(follows).values(value=new)
        connection.execute(change.where(follows.c.id == follow_id))


def save_lines(connection: Connection, outlet: str | None, locator: str, keys: Iterable[str]) -> None:
    """Record which short lines (by key) stand on the page at ``locator`` of ``outlet``."""
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


def mark_repass(connection: Connection, outlet: str | None) -> None:
    """The outlet gained a page: its furniture evidence changed, so it awaits a re-pass."""
    if (
        outlet
        and not connection.execute(
            select(repass_outlets.c.outlet).where(repass_outlets.c.outlet == outlet)
        ).first()
    ):
        connection.execute(insert(repass_outlets).values(outlet=outlet))
