"""The local engine: work in this process, or in a pool of processes kept for the engine's life."""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from storyline.config import EngineConfig
from storyline.engines.limits import limit_worker

T = TypeVar("T")
R = TypeVar("R")

log = logging.getLogger(__name__)


class LocalEngine:
    """``workers`` processes, started on first use and kept until ``close``: each loads its models
    once (spaCy's import and load cost seconds, which a pool per batch paid again every batch), and
    each is capped at ``worker_memory_bytes`` of address space. One worker means no pool at all: the
    work runs here, in order, under each document's deadline but no memory cap of its own."""

    name = "local"

    def __init__(self, config: EngineConfig) -> None:
        self.workers = max(1, config.workers)
        self._window = max(1, config.window) * self.workers
        self._memory = config.worker_memory_bytes
        self._pool: ProcessPoolExecutor | None = None

    def map(
        self, fn: Callable[[T], R], items: Iterable[T], lost: Callable[[T], R] | None = None
    ) -> Iterator[R]:
        if self.workers == 1:
            yield from map(fn, items)
            return
        pending: deque[tuple[T, Future[R]]] = deque()
        for item in items:
            pending.append((item, self._submit(fn, item)))
            # Bounded: a stream of 100,000 files never has more than the window read and waiting.
            if len(pending) >= self._window:
                yield from self._head(fn, pending, lost)
        while pending:
            yield from self._head(fn, pending, lost)

    def _head(
        self, fn: Callable[[T], R], pending: deque[tuple[T, Future[R]]], lost: Callable[[T], R] | None
    ) -> Iterator[R]:
        """The oldest item's result. A worker that dies (a segfault in a parser, the kernel's OOM
        killer) breaks the whole pool and every task in it: the pool is started again and the
        tasks in flight are run again one at a time, so the one that kills its worker is found
        and given ``lost(item)``, while the others get their results."""
        future = pending[0][1]
        try:
            result = future.result()
        except BrokenProcessPool:
            if lost is None:
                raise
            self._restart()
            suspects = [item for item, _ in pending]
            pending.clear()
            for suspect in suspects:
                try:
                    yield self._started().submit(fn, suspect).result()
                except BrokenProcessPool:
                    log.error("a worker process died on one task; its items are recorded as lost")
                    self._restart()
                    yield lost(suspect)
            return
        pending.popleft()
        yield result

    def _submit(self, fn: Callable[[T], R], item: T) -> Future[R]:
        try:
            return self._started().submit(fn, item)
        except BrokenProcessPool as exc:
            # A worker died since the last result: the item waits its turn like the others in
            # flight, and is run again when the head of the queue finds the pool broken.
            failed: Future[R] = Future()
            failed.set_exception(exc)
            return failed

    def _started(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # fork, not forkserver or spawn: those run the caller's main script again in every
            # worker, which breaks a plain script that calls storyline.ingest without an
            # `if __name__ == "__main__":` guard. Workers only parse, embed and extract, and make
            # their own ONNX session (nlp/embed.py keys sessions by process), so no lock or thread
            # pool of this process is used in them.
            context = multiprocessing.get_context("fork")
            self._pool = ProcessPoolExecutor(
                self.workers,
                mp_context=context,
                initializer=_start_worker,
                initargs=(os.getpid(), self._memory),
            )
            log.info("started %d local worker processes", self.workers)
        return self._pool

    def _restart(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = None

    def alive(self) -> bool:
        # A broken pool is started again at the next task: this engine never needs replacing.
        return True

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def abandon(self) -> None:
        pool, self._pool = self._pool, None
        if pool is None:
            return
        # Their tasks are dropped: a worker deep in one document would hold close() up to the
        # document's deadline. Nothing of theirs is stored but by the runner, so nothing is lost
        # that the next run does not do again. SIGKILL, not SIGTERM: a worker forked from the
        # watcher inherits its Python handler for SIGTERM, which only sets a (copied) stop event.
        processes: dict[int, multiprocessing.Process] = getattr(pool, "_processes", None) or {}
        for process in list(processes.values()):
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)

    def __enter__(self) -> LocalEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _start_worker(parent: int, memory_bytes: int) -> None:
    """Run in each worker as it starts: its bounds (engines/limits.py), and its end with the runner."""
    limit_worker(memory_bytes)
    _die_with_parent(parent)


def _die_with_parent(parent: int) -> None:
    """The kernel kills this worker when the runner dies (kill -9, the OOM killer). Otherwise
    orphaned workers would live on, holding the runner's stdout open (a caller waiting for its
    output waits for ever) and the models' memory."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: workers end when their next read finds no runner
        return
    if os.getppid() != parent:  # the runner died before the request took effect
        os._exit(1)
