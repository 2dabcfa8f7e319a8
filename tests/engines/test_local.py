"""The local engine: results in input order, a bounded window on any stream, errors raised at their
item, one worker running inline and more running in a pool kept across calls."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import closing

import pytest

from storyline.config import EngineConfig
from storyline.engines import open_engine
from storyline.engines.local import LocalEngine


def _square(n: int) -> int:
    return n * n


def _pid(_: int) -> int:
    return os.getpid()


def _fail_on_three(n: int) -> int:
    if n == 3:
        raise ValueError(f"item {n} is bad")
    return n


class _Counted:
    """A long stream that records how far it was read."""

    def __init__(self, length: int) -> None:
        self.length = length
        self.read = 0

    def __iter__(self) -> Iterator[int]:
        for n in range(self.length):
            self.read = n + 1
            yield n


def test_results_come_back_in_input_order() -> None:
    with LocalEngine(EngineConfig(workers=2, window=3)) as engine:
        assert list(engine.map(_square, range(200))) == [n * n for n in range(200)]


def test_in_flight_work_is_bounded_by_the_window() -> None:
    stream = _Counted(100_000)
    with LocalEngine(EngineConfig(workers=2, window=2)) as engine:
        results = engine.map(_square, stream)
        for taken, value in enumerate(results):
            # Reading result k needs at most window * workers items read ahead of it.
            assert value == taken * taken
            assert stream.read <= taken + 1 + 2 * 2
            if taken == 50:
                break
    assert stream.read < 100


def test_an_error_in_the_work_is_raised_at_its_item() -> None:
    with LocalEngine(EngineConfig(workers=2)) as engine:
        seen: list[int] = []
        with pytest.raises(ValueError, match="item 3 is bad"):
            for value in engine.map(_fail_on_three, range(10)):
                seen.append(value)
        assert seen == [0, 1, 2]
        # The pool survives a failed task: the next call works.
        assert list(engine.map(_square, range(4))) == [0, 1, 4, 9]


def test_one_worker_runs_inline() -> None:
    stream = _Counted(10)
    with LocalEngine(EngineConfig(workers=1)) as engine:
        pids = engine.map(_pid, stream)
        assert next(pids) == os.getpid()
        assert stream.read == 1  # inline: nothing read ahead
        assert set(pids) == {os.getpid()}
    with pytest.raises(ValueError, match="item 3 is bad"):
        list(LocalEngine(EngineConfig(workers=1)).map(_fail_on_three, range(10)))


def test_the_pool_is_kept_across_calls() -> None:
    # Models load once per worker: two calls run on the same processes, none of them this one.
    with closing(open_engine(EngineConfig(name="local", workers=2))) as engine:
        first = set(engine.map(_pid, range(40)))
        second = set(engine.map(_pid, range(40)))
    assert os.getpid() not in first | second
    assert len(first | second) <= 2  # a pool per call would have started more
