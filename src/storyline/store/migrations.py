"""Migrations: each schema version's step, and running the ones a store has not had.

Apart from the tables (store/schema.py) because some steps need the backend's own SQL
(store/dialect.py) or read stored pages again (store/instants.py), and those modules need the
tables: with the steps beside the tables the three imported each other.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import Connection, insert, inspect, select

from storyline.store.dialect import dialect_for
from storyline.store.instants import heal_offsets
from storyline.store.schema import (
    analyses,
    article_failures,
    article_terms,
    article_vectors,
    articles,
    documents,
    embeddings,
    feed_items,
    feeds,
    follows,
    metadata,
    minhash_bands,
    minhashes,
    outlet_lines,
    outlets,
    repass_outlets,
    schema_version,
    skips,
    stories,
    story_articles,
    story_briefs,
    story_links,
    story_visits,
)

__all__ = ["MIGRATIONS", "migrate", "up_to_date"]


def _v1(connection: Connection) -> None:
    metadata.create_all(connection, tables=[documents, articles, skips, outlet_lines])


def _v2(connection: Connection) -> None:
    metadata.create_all(connection, tables=[analyses, embeddings, article_vectors])


def _v3(connection: Connection) -> None:
    metadata.create_all(
        connection, tables=[stories, story_articles, story_links, article_terms, minhashes, minhash_bands]
    )


def _v4(connection: Connection) -> None:
    # Where the publication date came from, and whether the title was derived from the text.
    # Stores made before v4 get the columns; new ones already have them from v1's create_all.
    have = {column["name"] for column in inspect(connection).get_columns("articles")}
    if "date_source" not in have:
        connection.exec_driver_sql("ALTER TABLE articles ADD COLUMN date_source VARCHAR(16)")
    for name, kind in (
        ("title_derived", "BOOLEAN NOT NULL DEFAULT FALSE"),
        ("outlet_key", "TEXT"),
        ("agency", "TEXT"),
        ("primary_source", "BOOLEAN NOT NULL DEFAULT FALSE"),
    ):
        if name not in have:
            connection.exec_driver_sql(f"ALTER TABLE articles ADD COLUMN {name} {kind}")
    metadata.create_all(connection, tables=[article_failures, outlets, repass_outlets])


def _v5(connection: Connection) -> None:
    # Stores made before analyses recorded a cut on long texts (a fresh store has the column from _v2).
    if "analysed_chars" not in {c["name"] for c in inspect(connection).get_columns("analyses")}:
        connection.exec_driver_sql("ALTER TABLE analyses ADD COLUMN analysed_chars INTEGER")


def _v6(connection: Connection) -> None:
    metadata.create_all(connection, tables=[feeds])


def _v7(connection: Connection) -> None:
    # Claims (the facts layer) for analyses made before them: null until the article is analysed again.
    if "claims" not in {c["name"] for c in inspect(connection).get_columns("analyses")}:
        connection.exec_driver_sql("ALTER TABLE analyses ADD COLUMN claims TEXT")


def _v8(connection: Connection) -> None:
    # SQLite stores before v8 dropped the offset of a page's publication time (see Instant): move
    # those instants to UTC, reading the offset back from the raw page (store/instants.py).
    heal_offsets(connection)


def _v9(connection: Connection) -> None:
    metadata.create_all(connection, tables=[feed_items])


def _v10(connection: Connection) -> None:
    # Full text: PostgreSQL's search scanned every row running to_tsvector (24-31 s at 11,008
    # articles): a stored tsvector with a GIN index now; both backends stem English words. The SQL
    # is the dialect's.
    dialect_for(connection.engine.url).search_migration(connection)


def _v11(connection: Connection) -> None:
    # Readers: follows, story visits and the briefs kept warm for them.
    metadata.create_all(connection, tables=[follows, story_visits, story_briefs])


def _v12(connection: Connection) -> None:
    # Why a watched feed's item was skipped (a fresh store has the column from _v9's create_all).
    if "reason" not in {c["name"] for c in inspect(connection).get_columns("feed_items")}:
        connection.exec_driver_sql("ALTER TABLE feed_items ADD COLUMN reason TEXT")


def _v13(connection: Connection) -> None:
    # The newest change to articles by an index (see schema.py), for stores made before it.
    connection.exec_driver_sql("CREATE INDEX IF NOT EXISTS ix_articles_updated_at ON articles (updated_at)")


MIGRATIONS: tuple[Callable[[Connection], None], ...] = (
    _v1,
    _v2,
    _v3,
    _v4,
    _v5,
    _v6,
    _v7,
    _v8,
    _v9,
    _v10,
    _v11,
    _v12,
    _v13,
)


def up_to_date(connection: Connection) -> bool:
    """Whether the schema needs no migration: read-only, so a reader can check it without taking
    the write lock (which a running ingest may hold)."""
    from sqlalchemy import inspect

    if not inspect(connection).has_table(schema_version.name):
        return False
    current = connection.execute(
        select(schema_version.c.version).order_by(schema_version.c.version.desc())
    ).first()
    return current is not None and current[0] >= len(MIGRATIONS)


def migrate(connection: Connection) -> int:
    """Bring the schema up to date; returns the version now in force."""

    schema_version.create(connection, checkfirst=True)
    current = connection.execute(
        select(schema_version.c.version).order_by(schema_version.c.version.desc())
    ).first()
    done = current[0] if current else 0
    for version, step in enumerate(MIGRATIONS, start=1):
        if version <= done:
            continue
        step(connection)
        connection.execute(insert(schema_version).values(version=version, applied_at=datetime.now(UTC)))
        done = version
    return done
