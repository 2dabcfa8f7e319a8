"""The one database gateway: every query storyline makes goes through :class:`Store`.

SQLite by default (WAL, one writer inside ``BEGIN IMMEDIATE``), PostgreSQL by URL; what differs
between them is in :mod:`storyline.store.dialect`. Each document is saved in its own transaction, so
a killed ingest loses at most the document in flight and a rerun resumes where it stopped.

:class:`Store` is composed of one class of queries per subject, each in its own module: documents
and articles (:mod:`.documents`), outlets and their furniture evidence (:mod:`.outlets`), analyses,
vectors and failures (:mod:`.analyses`), stories (:mod:`.stories`), watched feeds (:mod:`.feeds`),
search (:mod:`.search`) and readers' follows, visits and warm briefs (:mod:`.readers`). Every method returns records (of :mod:`storyline.model` or the
store's own), never rows. The store imports no stage.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import InterfaceError, OperationalError

from storyline.config import StoreConfig
from storyline.store.analyses import AnalysisQueries
from storyline.store.dialect import Dialect, dialect_for, without_nul
from storyline.store.documents import DocumentQueries
from storyline.store.feeds import FeedItem, FeedQueries, FeedState
from storyline.store.migrations import migrate, up_to_date
from storyline.store.outlets import OutletQueries
from storyline.store.readers import ReaderQueries
from storyline.store.records import AlreadyStored, StoredArticle, text_hash
from storyline.store.search import SearchQueries

log = logging.getLogger(__name__)

# A wait for the stage lock this long is said: it is another runner's analysis and grouping.
_LOCK_WAIT_SAID_S = 2.0

__all__ = ["AlreadyStored", "FeedItem", "FeedState", "Store", "StoredArticle", "text_hash", "unavailable"]


class Store(DocumentQueries, OutletQueries, AnalysisQueries, FeedQueries, SearchQueries, ReaderQueries):
    """Open with :meth:`open`; use as a context manager. (The story queries come in through
    :class:`~storyline.store.search.SearchQueries`, which builds on them.)"""

    def __init__(self, engine: Engine, reader: Engine | None = None) -> None:
        # Writes go through ``engine`` (SQLite: BEGIN IMMEDIATE, one writer at a time); reads
        # through ``reader`` (SQLite: a deferred BEGIN, a snapshot under WAL), so a reader never
        # waits on a writer.
        self.engine = engine
        self.reader = reader or engine
        self.dialect: Dialect = dialect_for(engine.url)

    @property
    def index_path(self) -> Path | None:
        """Where grouping keeps its centroid index beside a SQLite file (None for other stores:
        they rebuild it at each ingest)."""
        return self.dialect.index_path

    @classmethod
    def open(cls, config: StoreConfig | None = None) -> Store:
        config = config or StoreConfig()
        engine, reader = dialect_for(config.url).engines(config)
        for each in {engine, reader or engine}:
            without_nul(each)
        # Check the schema through the reader first: migrating takes the write lock, and a store
        # that is up to date must open while another process is writing to it.
        with (reader or engine).connect() as connection:
            current = up_to_date(connection)
        store = cls(engine, reader)
        if not current:
            with engine.begin() as connection:
                store.dialect.migration_lock(connection)
                migrate(connection)
        return store

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
        sees the first's stories instead of founding duplicates of them (the lock is the
        dialect's: a file lock beside a SQLite file, an advisory lock on PostgreSQL)."""
        asked = time.monotonic()
        with self.dialect.stage_lock(self.engine):
            waited = time.monotonic() - asked
            if waited >= _LOCK_WAIT_SAID_S:
                log.warning(
                    "waited %.1f s for another runner's analysis and grouping of this store (the "
                    "stage lock): runners into one store take turns there (docs/scaling.md)",
                    waited,
                )
            yield


def unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` says the store could not be reached or its connection was lost (a server
    restarting, a network gone, a file locked beyond the timeout): a condition to wait out, not a
    fault of the work that was under way."""
    return isinstance(exc, OperationalError | InterfaceError)
