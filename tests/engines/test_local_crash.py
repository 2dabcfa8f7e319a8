"""A worker process that dies (a segfault in a native parser, the OOM killer) costs its own item,
never the batch: the local engine finds the item that kills its worker and goes on."""

from __future__ import annotations

import os
import signal

from storyline.config import EngineConfig
from storyline.engines.local import LocalEngine


def _square_or_die(n: int) -> int:
    if n == 13:
        os.kill(os.getpid(), signal.SIGKILL)  # what the OOM killer does
    return n * n


def test_a_worker_killed_by_one_item_loses_only_that_item() -> None:
    with LocalEngine(EngineConfig(workers=2, window=2)) as engine:
        results = list(engine.map(_square_or_die, range(30), lost=lambda n: -n))
    assert results == [-13 if n == 13 else n * n for n in range(30)]


def test_the_pool_is_kept_between_maps() -> None:
    with LocalEngine(EngineConfig(workers=2)) as engine:
        first = set(engine.map(_pid, range(8)))
        second = set(engine.map(_pid, range(8)))
    # The same two worker processes served both calls: models load once per worker, not per batch.
    assert len(first | second) <= 2
    assert os.getpid() not in first | second


def _pid(_: int) -> int:
    return os.getpid()
