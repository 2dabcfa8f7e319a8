"""What differs between the backends the store runs on, in one place: how engines are opened
(SQLite's pragmas and its WAL retry), the locks two processes take turns by, where the centroid index
lives, and the full-text SQL (SQLite's FTS5 table, PostgreSQL's ``tsvector``).

:func:`dialect_for` picks one by the URL's backend name; nothing else in the code branches on it.
A server reached by any other SQLAlchemy URL gets :class:`Dialect` itself: no locks or index file
of its own, and the PostgreSQL full-text SQL (the one server-side full text the store speaks).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, func, select, text
from sqlalchemy.engine import URL, Connection, Row, make_url

from storyline.config import StoreConfig
from storyline.store.schema import articles

__all__ = ["Dialect", "PostgreSQL", "SQLite", "dialect_for", "without_nul"]

# Advisory lock keys (PostgreSQL): one for creating the tables, one for the analyse-and-group stage.
_MIGRATION_LOCK = 7410
_STAGE_LOCK = 7411
# Connections a store's engine may open past its pool of 5: no limit (-1). A server holds one store
# for its life, and a search holds a connection while it asks for a second (to refresh the index):
# with SQLAlchemy's default cap of 10 more, 50 concurrent searches each held one and all waited
# for a second until the 30 s pool timeout (measured: bench/api.py search p50 30 s). The server's
# worker threads (40) bound how many are open at once.
_OVERFLOW = -1


class Dialect:
    """A database server by URL: one engine for reads and writes, no locks of the store's own."""

    def __init__(self, url: URL) -> None:
        self.url = url

    def engines(self, config: StoreConfig) -> tuple[Engine, Engine | None]:
        """The writer and, where the backend needs one apart, the reader (None: the writer reads)."""
        return create_engine(config.url, pool_pre_ping=True, max_overflow=_OVERFLOW), None

    def migration_lock(self, connection: Connection) -> None:
        """Taken inside the transaction that creates or migrates the tables."""

    @property
    def index_path(self) -> Path | None:
        """Where grouping keeps its centroid index (None: rebuilt at each ingest)."""
        return None

    @contextmanager
    def stage_lock(self, engine: Engine) -> Iterator[None]:
        """Held while analysing and grouping, so two ingests into one store take turns."""
        yield

    # --- full text --------------------------------------------------------------------------------

    def search_migration(self, connection: Connection) -> None:
        """Schema v10: what full-text search needs on this backend, made once. Here: the searched
        document (title weighted A, text weighted D, English stemming) as a stored generated column
        with a GIN index on it. Not an expression index alone: ranking needs the vector of every
        match, and an expression index gives back none, so each match's text was parsed again
        (measured: 1.2 ms a match, 0.6 s for a query matching 600 of 2,000 articles)."""
        connection.exec_driver_sql(
            f"ALTER TABLE articles ADD COLUMN IF NOT EXISTS search_vector tsvector "
            f"GENERATED ALWAYS AS ({_pg_vector('')}) STORED"
        )
        connection.exec_driver_sql(
            "CREATE INDEX IF NOT EXISTS ix_articles_search ON articles USING GIN (search_vector)"
        )

    def count_matches(
        self, engine: Engine, connection: Connection, words: Sequence[str], *, index_batch: int
    ) -> int:
        """How many latest articles hold every one of ``words`` (no ranking: a pager's total)."""
        statement = text(f"SELECT count(*) FROM articles WHERE is_latest AND search_vector @@ {_PG_QUERY}")
        return int(connection.execute(statement, {"q": " ".join(words)}).scalar_one())

    def ranked_articles(
        self, engine: Engine, connection: Connection, words: Sequence[str], *, index_batch: int
    ) -> list[int]:
        """Ids of the latest articles holding every one of ``words``, best match first (ranked as
        :meth:`search` ranks)."""
        statement = text(
            f"SELECT id FROM articles WHERE is_latest AND search_vector @@ {_PG_QUERY} "
            f"ORDER BY {_PG_RANK} DESC, id DESC"
        )
        return [int(i) for i in connection.execute(statement, {"q": " ".join(words)}).scalars()]

    def search(
        self,
        engine: Engine,
        connection: Connection,
        words: Sequence[str],
        *,
        limit: int,
        offset: int = 0,
        snippet_tokens: int,
        index_batch: int,
    ) -> list[Row[Any]]:
        """Latest articles holding every one of ``words``, best first, ``limit`` from ``offset``:
        id, title, outlet, published, language, story_id and a snippet with the matches between
        ``[`` and ``]``.

        Through the GIN index of schema v10. Ranked as SQLite's bm25 ranks: by how densely the
        words occur (``ts_rank_cd``), a title match weighing four times a body match (weights D and
        A as 0.25 and 1.0, SQLite's 1.0 and 4.0), normalised by the document's length (flag 1:
        divided by 1 + log(length), as bm25 damps long documents); ties newest first, as on SQLite.
        The query is written inline (not joined in), so the planner sees the words and estimates
        their matches. Snippets are made for the page's rows only: ``ts_headline`` parses the text
        again."""
        return list(
            connection.execute(
                text(
                    "WITH hits AS ("
                    f"SELECT id, {_PG_RANK} AS rank "
                    f"FROM articles WHERE is_latest AND search_vector @@ {_PG_QUERY} "
                    "ORDER BY rank DESC, id DESC LIMIT :limit OFFSET :offset) "
                    "SELECT a.id, a.title, a.outlet, a.published, a.language, sa.story_id, "
                    f"ts_headline('{_PG_CONFIG}', a.text, {_PG_QUERY}, "
                    "'StartSel=[,StopSel=],MaxWords=' || :tokens) AS snippet "
                    "FROM hits JOIN articles a ON a.id = hits.id "
                    "LEFT JOIN story_articles sa ON sa.article_id = a.id "
                    "ORDER BY hits.rank DESC, a.id DESC"
                ),
                {"q": " ".join(words), "tokens": snippet_tokens, "limit": limit, "offset": offset},
            ).all()
        )


class PostgreSQL(Dialect):
    """PostgreSQL: advisory locks make two processes take turns (SQLite's BEGIN IMMEDIATE and
    file lock do it there)."""

    def migration_lock(self, connection: Connection) -> None:
        # Two processes opening a new store at once must not both create its tables.
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")

    @contextmanager
    def stage_lock(self, engine: Engine) -> Iterator[None]:
        with engine.connect() as connection:
            connection.exec_driver_sql(f"SELECT pg_advisory_lock({_STAGE_LOCK})")
            connection.commit()
            try:
                yield
            finally:
                connection.exec_driver_sql(f"SELECT pg_advisory_unlock({_STAGE_LOCK})")
                connection.commit()


class SQLite(Dialect):
    """SQLite: WAL, one writer at a time inside ``BEGIN IMMEDIATE`` and readers on a snapshot; an
    OS file lock for the stage; the centroid index and an FTS5 search table beside the file."""

    @property
    def _file(self) -> Path | None:
        # The database file; None for an in-memory store (one process's alone).
        database = self.url.database
        if not database or database == ":memory:":
            return None
        return Path(database).expanduser()

    def engines(self, config: StoreConfig) -> tuple[Engine, Engine | None]:
        if not config.url.startswith("sqlite:///"):
            return super().engines(config)
        Path(config.url.removeprefix("sqlite:///")).expanduser().parent.mkdir(parents=True, exist_ok=True)
        pool = {"max_overflow": _OVERFLOW} if ":memory:" not in config.url else {}
        engine = create_engine(config.url, connect_args={"timeout": config.lock_timeout}, **pool)
        _sqlite_pragmas(engine, immediate=True, lock_timeout=config.lock_timeout)
        reader = create_engine(config.url, connect_args={"timeout": config.lock_timeout}, **pool)
        _sqlite_pragmas(reader, immediate=False, lock_timeout=config.lock_timeout)
        return engine, reader

    @property
    def index_path(self) -> Path | None:
        path = self._file
        return None if path is None else path.with_name(path.name + ".stories.usearch")

    @contextmanager
    def stage_lock(self, engine: Engine) -> Iterator[None]:
        # Released by the OS if the process dies.
        path = self._file
        if path is None:
            yield
            return
        import fcntl

        with open(path.with_name(path.name + ".lock"), "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def search_migration(self, connection: Connection) -> None:
        # The FTS5 table is made lazily at the first search; one made before v10 has no stemming:
        # dropped here, rebuilt (with the Porter stemmer) at the next search.
        connection.exec_driver_sql("DROP TABLE IF EXISTS article_search")
        connection.exec_driver_sql("DROP TABLE IF EXISTS article_search_state")

    def count_matches(
        self, engine: Engine, connection: Connection, words: Sequence[str], *, index_batch: int
    ) -> int:
        _refresh_index(engine, index_batch)
        statement = text(
            "SELECT count(*) FROM article_search JOIN articles a ON a.id = article_search.rowid "
            "WHERE article_search MATCH :match AND a.is_latest"
        )
        return int(connection.execute(statement, {"match": _fts_query(words)}).scalar_one())

    def ranked_articles(
        self, engine: Engine, connection: Connection, words: Sequence[str], *, index_batch: int
    ) -> list[int]:
        _refresh_index(engine, index_batch)
        statement = text(
            "SELECT rowid FROM article_search WHERE article_search MATCH :match "
            f"ORDER BY bm25(article_search, {_TITLE_WEIGHT}, 1.0), rowid DESC"
        )
        return [int(i) for i in connection.execute(statement, {"match": _fts_query(words)}).scalars()]

    def search(
        self,
        engine: Engine,
        connection: Connection,
        words: Sequence[str],
        *,
        limit: int,
        offset: int = 0,
        snippet_tokens: int,
        index_batch: int,
    ) -> list[Row[Any]]:
        _refresh_index(engine, index_batch)
        return list(
            connection.execute(
                text(
                    "SELECT a.id, a.title, a.outlet, a.published, a.language, sa.story_id, "
                    "snippet(article_search, 1, '[', ']', ' … ', :tokens) AS snippet "
                    "FROM article_search JOIN articles a ON a.id = article_search.rowid "
                    "LEFT JOIN story_articles sa ON sa.article_id = a.id "
                    "WHERE article_search MATCH :match AND a.is_latest "
                    f"ORDER BY bm25(article_search, {_TITLE_WEIGHT}, 1.0), a.id DESC LIMIT :limit OFFSET :offset"
                ),
                {"match": _fts_query(words), "tokens": snippet_tokens, "limit": limit, "offset": offset},
            ).all()
        )


def dialect_for(url: str | URL) -> Dialect:
    """The dialect of the store at ``url``, by its backend name."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return SQLite(parsed)
    if backend == "postgresql":
        return PostgreSQL(parsed)
    return Dialect(parsed)


# --- PostgreSQL: full text -----------------------------------------------------------------------

# English stemming, as SQLite's Porter tokenizer: "strikes" finds "strike" on both backends.
_PG_CONFIG = "english"
_PG_QUERY = f"websearch_to_tsquery('{_PG_CONFIG}', :q)"
# Rank of a match: cover density, title (A) 1.0 and text (D) 0.25, normalised by length (flag 1).
_PG_RANK = f"ts_rank_cd('{{0.25, 0.5, 0.75, 1.0}}', search_vector, {_PG_QUERY}, 1)"


def _pg_vector(prefix: str) -> str:
    """The searched document: the title (weight A) and the text (weight D), stored in
    ``articles.search_vector`` (schema v10)."""
    return (
        f"(setweight(to_tsvector('{_PG_CONFIG}'::regconfig, coalesce({prefix}title, '')), 'A') || "
        f"setweight(to_tsvector('{_PG_CONFIG}'::regconfig, {prefix}text), 'D'))"
    )


# --- SQLite: opening ------------------------------------------------------------------------------


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


def without_nul(engine: Engine) -> None:
    """Every string bound to a statement of ``engine`` loses its NUL characters, whatever the
    backend: PostgreSQL refuses NUL in text (a JSON Lines title or outlet holding one was an
    internal-error skip there, and a search for one a server error) while SQLite stored it, and no
    text means anything by one. Done here, once, so both backends store the same."""

    @event.listens_for(engine, "before_cursor_execute", retval=True)
    def _strip(
        _connection: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool
    ) -> tuple[str, Any]:
        return statement, _no_nul(parameters)


def _no_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "") if "\x00" in value else value
    if isinstance(value, dict):
        return {key: _no_nul(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_no_nul(item) for item in value)
    return value


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


# --- SQLite: the FTS5 search table ------------------------------------------------------------------


# bm25 weight of a word in the title against one in the body: a headline names what the article is
# about, the body also what it mentions in passing.
_TITLE_WEIGHT = 4.0

# The FTS5 tokenizer: the Porter stemmer over unicode61, so "attacks" finds "attack" and "attacked".
# A table made with another tokenizer (by an older version) is dropped and rebuilt at the next search.
_TOKENIZER = "porter unicode61 remove_diacritics 2"


def _fts_query(words: Sequence[str]) -> str:
    # FTS5 query syntax (quotes, NEAR, column filters, *) is never passed through from a user; each
    # word is quoted, so any input is a plain "all these words" query.
    return " ".join('"' + w.replace('"', "") + '"' for w in words)


def _refresh_index(engine: Engine, batch_size: int) -> None:
    """Bring the FTS5 index (``article_search``, rowid = article id) up to date: articles changed
    since the last refresh are (re)indexed; the high-water mark (latest ``updated_at`` seen) is
    kept in ``article_search_state``. Done lazily, at the first search after articles change, so
    a search never misses an article and ingest pays nothing for it."""
    with engine.begin() as connection:
        made = connection.execute(
            text("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'article_search'")
        ).scalar()
        if made is not None and _TOKENIZER not in made:
            connection.execute(text("DROP TABLE article_search"))
            connection.execute(text("DELETE FROM article_search_state"))
        connection.execute(
            text(
                "CREATE VIRTUAL TABLE IF NOT EXISTS article_search USING fts5("
                f"title, body, tokenize = '{_TOKENIZER}')"
            )
        )
        connection.execute(
            text(
                "CREATE TABLE IF NOT EXISTS article_search_state (id INTEGER PRIMARY KEY, mark TEXT NOT NULL)"
            )
        )
        mark = connection.execute(text("SELECT mark FROM article_search_state WHERE id = 1")).scalar()
        newest = connection.execute(select(func.max(articles.c.updated_at))).scalar()
        # A mark written before instants were read back aware (schema v8) is naive UTC.
        seen = datetime.fromisoformat(mark) if mark is not None else None
        if seen is not None and seen.tzinfo is None:
            seen = seen.replace(tzinfo=UTC)
        if newest is None or (seen is not None and newest <= seen):
            return
        changed = select(articles.c.id, articles.c.title, articles.c.text).order_by(articles.c.id)
        if seen is not None:
            changed = changed.where(articles.c.updated_at > seen)
        batch: list[dict[str, Any]] = []
        for row in connection.execute(changed):
            batch.append({"id": int(row.id), "title": row.title or "", "body": row.text})
            if len(batch) >= batch_size:
                _index(connection, batch)
                batch = []
        _index(connection, batch)
        connection.execute(
            text("INSERT OR REPLACE INTO article_search_state (id, mark) VALUES (1, :mark)"),
            {"mark": newest.isoformat()},
        )


def _index(connection: Connection, batch: list[dict[str, Any]]) -> None:
    if not batch:
        return
    connection.execute(text("DELETE FROM article_search WHERE rowid = :id"), [{"id": b["id"]} for b in batch])
    connection.execute(
        text("INSERT INTO article_search (rowid, title, body) VALUES (:id, :title, :body)"), batch
    )
