"""The database gateway: opening a store, migrations, and the stage lock two processes take turns by."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import inspect, text

from storyline.config import StoreConfig
from storyline.store import Store
from storyline.store.migrations import MIGRATIONS


def test_migrations_are_recorded_and_run_once(tmp_path: Path) -> None:
    config = StoreConfig.for_path(tmp_path / "t.db")
    with Store.open(config) as store:
        tables = set(inspect(store.engine).get_table_names())
        assert {"documents", "articles", "skips", "outlet_lines", "schema_version"} <= tables
    with Store.open(config) as store, store.engine.connect() as connection:
        versions = connection.execute(text("select version from schema_version")).scalars().all()
        assert versions == list(range(1, len(MIGRATIONS) + 1))


def test_an_up_to_date_store_opens_again_on_any_backend(store_url: str) -> None:
    for _ in range(2):
        with Store.open(StoreConfig(url=store_url)) as store:
            assert store.counts() == {"articles": 0, "revisions": 0, "documents": 0, "skips": 0}
    with Store.open(StoreConfig(url=store_url)) as store, store.engine.connect() as connection:
        versions = connection.execute(text("select version from schema_version")).scalars().all()
    assert versions == list(range(1, len(MIGRATIONS) + 1))


def test_the_stage_lock_makes_two_stores_take_turns(store: Store, store_url: str) -> None:
    order: list[str] = []

    def second() -> None:
        with Store.open(StoreConfig(url=store_url)) as other, other.stage_lock():
            order.append("second")

    with store.stage_lock():
        waiting = threading.Thread(target=second)
        waiting.start()
        waiting.join(1.0)  # it waits for the lock this store holds
        order.append("first")
    waiting.join(30)
    assert order == ["first", "second"]
