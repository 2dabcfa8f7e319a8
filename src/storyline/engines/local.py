"""The local engine: work in this process, or in a pool of processes kept for the engine's life."""

from __future__ import annotations

import logging
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

from storyline.config import EngineConfig

T = TypeVar("T")
R = TypeVar("R")

log = logging.getLogger(__name__)


class LocalEngine:
    """``workers`` processes, started on first use and kept until ``close``: each loads its models
    once (spaCy's import and load cost seconds, which a pool per batch paid again every batch).
    One worker means no pool at all: the work runs here, in order."""

    name = "local"

    def __init__(self, config: EngineConfig) -> None:
        self.workers = max(1, config.workers)
        self._window = max(1, config.window) * self.workers
        self._pool: ProcessPoolExecutor | None = None

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        if self.workers == 1:
            yield from map(fn, items)
            return
        pool = self._started()
        pending: deque[Future[R]] = deque()
        for item in items:
            pending.append(pool.submit(fn, item))
            # Bounded: a stream of 100,000 files never has more than the window read and waiting.
            if len(pending) >= self._window:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def _started(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # forkserver, not fork: this process may hold threads (ONNX Runtime's, a web server's)
            # that a forked child would inherit mid-lock; the server process is forked before any.
            context = multiprocessing.get_context("forkserver")
            self._pool = ProcessPoolExecutor(self.workers, mp_context=context)
            log.info("started %d local worker processes", self.workers)
        return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> LocalEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
