"""A document's bounds in a worker (engines/limits.py): the deadline stops Python work in any thread
and leaves the thread usable; the address-space cap turns a runaway allocation into a named error
and the worker goes on; work stuck in native code, which no deadline reaches, is stopped by the
kernel and costs only its own item."""

from __future__ import annotations

import os
import re
import threading
import time

import pytest

from storyline.config import EngineConfig
from storyline.engines.limits import address_space, within_deadline
from storyline.engines.local import LocalEngine
from storyline.errors import TooLargeInMemory, TooSlow

MiB = 1024 * 1024


def _spin() -> int:
    while True:  # pure Python: the deadline's exception lands at the next instruction
        pass


def test_the_deadline_stops_python_work_and_the_thread_goes_on() -> None:
    started = time.monotonic()
    with pytest.raises(TooSlow, match=r"spinning took longer than 0\.5 s"):
        within_deadline(_spin, 0.5, "spinning")
    assert time.monotonic() - started < 5
    # Nothing is left pending: quick work under many short deadlines, then a pause past them.
    for _ in range(200):
        assert within_deadline(lambda: sum(range(1000)), 0.05, "adding") == 499500
    time.sleep(0.2)
    assert within_deadline(lambda: 7, 1.0, "answering") == 7


def test_the_deadline_works_in_a_thread_of_a_pool() -> None:
    # A Dask worker runs its tasks in threads, where SIGALRM cannot be used.
    outcome: list[object] = []

    def run() -> None:
        try:
            within_deadline(_spin, 0.3, "spinning")
        except TooSlow as exc:
            outcome.append(exc)
        outcome.append(within_deadline(lambda: "after", 1.0, "answering"))

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(10)
    assert not thread.is_alive()
    assert isinstance(outcome[0], TooSlow) and outcome[1] == "after"


def test_no_deadline_when_off() -> None:
    assert within_deadline(lambda: "done", 0, "anything") == "done"


def _allocate(size: int) -> tuple[str, int]:
    """In a worker: allocate ``size`` bytes under a deadline; what happened, and the worker's pid."""
    try:
        within_deadline(lambda: len(bytearray(size)), 30, "allocating")
    except TooLargeInMemory as exc:
        return exc.code, os.getpid()
    return "allocated", os.getpid()


def test_a_worker_past_its_address_space_names_the_document_and_goes_on() -> None:
    with LocalEngine(EngineConfig(workers=2, worker_memory_bytes=256 * MiB)) as engine:
        results = list(engine.map(_allocate, [MiB, 2048 * MiB, MiB, 2048 * MiB, MiB]))
    assert [code for code, _ in results] == [
        "allocated",
        "too-large-in-memory",
        "allocated",
        "too-large-in-memory",
        "allocated",
    ]
    assert len({pid for _, pid in results}) <= 2  # the same workers went on: none was lost


def _address_space_grew(_: int) -> int:
    return address_space()


def test_the_cap_is_on_growth_past_what_a_worker_inherits() -> None:
    # A worker forked from a large process (a web server with the embedder loaded) is not born over
    # its cap: the cap counts from the address space it starts with.
    before = address_space()
    with LocalEngine(EngineConfig(workers=2, worker_memory_bytes=64 * MiB)) as engine:
        (inherited,) = engine.map(_address_space_grew, [0])
    assert inherited >= before // 2


# Catastrophic backtracking inside the re module: native code that holds the interpreter lock and
# checks for no exception, so only the kernel's CPU limit ends it.
_STUCK = re.compile(r"(a+)+$")


def _match(n: int) -> str:
    text = "a" * 40 + "b" if n == 2 else "a" * 10
    return within_deadline(lambda: str(bool(_STUCK.match(text))), 1.0, "matching")


@pytest.mark.slow
def test_work_stuck_in_native_code_is_stopped_by_the_kernel_and_costs_its_item() -> None:
    started = time.monotonic()
    with LocalEngine(EngineConfig(workers=2, window=1)) as engine:
        results = list(engine.map(_match, range(5), lost=lambda n: f"lost {n}"))
    assert results == ["True", "True", "lost 2", "True", "True"]
    # Stopped at twice its deadline in CPU time, twice (once in flight, once alone): not hours.
    assert time.monotonic() - started < 60
