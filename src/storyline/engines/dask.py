"""The Dask engine: the same work as the local engine, on a Dask distributed cluster — a
LocalCluster on 127.0.0.1 started for this run, or an existing cluster's scheduler by address.

Only the independent, heavy work goes to the cluster (extraction, analysis, embedding: pure
functions of one chunk of documents). Storing, furniture evidence and story assignment stay in the
runner, one ordered consumer, so the stored result equals the local engine's.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from storyline.config import EngineConfig
from storyline.errors import ConfigError, MissingDependency

T = TypeVar("T")
R = TypeVar("R")

log = logging.getLogger(__name__)


class DaskEngine:
    """Tasks on a Dask cluster, results read back in submission order, at most ``window`` tasks
    per worker in flight (the cluster never holds a whole 100,000-file folder)."""

    name = "dask"

    def __init__(self, config: EngineConfig, address: str | None = None) -> None:
        try:
            import distributed
        except ImportError as exc:
            raise MissingDependency("dask[distributed]", "dask") from exc
        # distributed is untyped: its classes are used through Any.
        Client: Any = distributed.Client
        LocalCluster: Any = distributed.LocalCluster
        self._cluster: Any = None
        try:
            if address:
                self._client: Any = Client(address, timeout="20s")
            else:
                # Bound to loopback: a LocalCluster's scheduler and workers accept tasks (code) from
                # anyone who can reach them, so they never listen on a public interface. One thread
                # per worker process: spaCy and the embedder hold the GIL for most of their work.
                self._cluster = LocalCluster(
                    n_workers=config.workers,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    dashboard_address=None,
                    silence_logs=logging.WARNING,
                )
                self._client = Client(self._cluster)
        except (OSError, TimeoutError) as exc:
            self.close()
            raise ConfigError(
                f"could not reach the Dask scheduler at {address or 'a new local cluster'}: {exc}",
                remedy="check the address (tcp://HOST:8786) and that `dask scheduler` is running there",
            ) from exc
        threads = sum(self._client.nthreads().values())
        self.workers = max(1, threads)
        self._window = max(1, config.window) * self.workers
        log.info("Dask engine on %s with %d worker threads", self._client.scheduler.address, threads)

    def map(
        self, fn: Callable[[T], R], items: Iterable[T], lost: Callable[[T], R] | None = None
    ) -> Iterator[R]:
        pending: deque[tuple[T, Any]] = deque()
        for item in items:
            # pure=False: two equal chunks (a re-run) are still two tasks; Dask must not merge them.
            pending.append((item, self._client.submit(fn, item, pure=False)))
            if len(pending) >= self._window:
                yield self._result(*pending.popleft(), lost)
        while pending:
            yield self._result(*pending.popleft(), lost)

    @staticmethod
    def _result(item: T, future: Any, lost: Callable[[T], R] | None) -> Any:
        from distributed import KilledWorker

        try:
            return future.result()
        except KilledWorker:
            # Dask already retried the task on other workers; each one it ran on died.
            if lost is None:
                raise
            log.error("Dask workers died on one task; its items are recorded as lost")
            return lost(item)
        finally:
            future.release()

    def close(self) -> None:
        # A cluster this engine only joined is someone else's: disconnect, never shut it down.
        client, cluster = getattr(self, "_client", None), self._cluster
        if client is not None:
            client.close()
        if cluster is not None:
            cluster.close()
        self._cluster = None

    def __enter__(self) -> DaskEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
