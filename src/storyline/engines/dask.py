"""The Dask engine: the same work as the local engine, on a Dask distributed cluster — a
LocalCluster on 127.0.0.1 started for this run, or an existing cluster's scheduler by address.

Only the independent, heavy work goes to the cluster (extraction, analysis, embedding: pure
functions of one chunk of documents). Storing, furniture evidence and story assignment stay in the
runner, one ordered consumer, so the stored result equals the local engine's.
"""

from __future__ import annotations

import logging
import multiprocessing
import socket
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from storyline.config import EngineConfig
from storyline.engines.limits import limit_worker
from storyline.errors import ConfigError, MissingDependency

T = TypeVar("T")
R = TypeVar("R")

log = logging.getLogger(__name__)

# How often a wait for a result also looks at the cluster's workers (a round trip to the scheduler).
_LOOK_EVERY_S = 2.0
_CLOSE_TIMEOUT_S = 10.0
_REMEDY = "check the address (tcp://HOST:8786) and that `dask scheduler` is running there"
# Dask starts a LocalCluster's workers by spawning fresh interpreters that import the caller's
# script again (Python's "spawn" start method, which Dask keeps because forking its event loop's
# threads is unsafe). A script that calls storyline at its top level then runs again in every
# worker, and each would start a cluster of its own.
_GUARD = (
    'in a Python script, call storyline under `if __name__ == "__main__":`: Dask starts its local '
    "workers by importing the script again (the storyline command needs nothing)"
)


class DaskEngine:
    """Tasks on a Dask cluster, results read back in submission order, at most ``window`` tasks
    per worker in flight (the cluster never holds a whole 100,000-file folder).

    ``connect_timeout`` bounds how long reaching a scheduler, and finding a worker on it, may take."""

    name = "dask"

    def __init__(
        self, config: EngineConfig, address: str | None = None, *, connect_timeout: float = 20.0
    ) -> None:
        try:
            import distributed
        except ImportError as exc:
            raise MissingDependency("dask[distributed]", "dask") from exc
        # distributed is untyped: its classes are used through Any.
        Client: Any = distributed.Client
        LocalCluster: Any = distributed.LocalCluster
        self._cluster: Any = None
        self._client: Any = None
        where = address or "a new local cluster"
        if not address and getattr(multiprocessing.current_process(), "_inheriting", False):
            # This process is one of those workers, importing the caller's script: stop here,
            # before it starts clusters of its own, with what the caller has to change.
            raise ConfigError(
                "a Dask worker started while importing the script that starts it", remedy=_GUARD
            )
        try:
            if address:
                # A refused or unroutable address fails here in a moment, with the socket's own
                # reason; Client alone retries silently until its timeout, then says only that.
                _probe(address, connect_timeout)
                self._client = Client(address, timeout=connect_timeout)
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
        except (OSError, TimeoutError, ValueError) as exc:
            self.close()
            message = str(exc) or type(exc).__name__
            remedy = _REMEDY if address else "check that this machine can listen on 127.0.0.1"
            raise ConfigError(
                f"could not use the Dask scheduler at {where}: {message}", remedy=remedy
            ) from exc
        except RuntimeError as exc:
            # "Nanny failed to start": a LocalCluster's worker process died while starting, in
            # practice because it re-ran an unguarded script (see _GUARD).
            self.close()
            if address:
                raise
            raise ConfigError(f"the workers of {where} could not start ({exc})", remedy=_GUARD) from exc
        try:
            self._wait_for_a_worker(where, connect_timeout)
            self._check_workers()
            if self._cluster is not None:
                # Workers this run started are ours to bound (engines/limits.py); a cluster it only
                # joined is bounded by whoever runs it (docs/cluster.md).
                self._client.run(limit_worker, config.worker_memory_bytes)
        except BaseException:
            self.close()
            raise
        threads = sum(self._client.nthreads().values())
        self.workers = max(1, threads)
        self._window = max(1, config.window) * self.workers
        self._where = where
        self._no_worker_s = config.no_worker_timeout_s
        self._known: set[str] = set(self._client.nthreads())
        self._paused: set[str] = set()
        self._looked = time.monotonic()
        log.info("Dask engine on %s with %d worker threads", self._client.scheduler.address, threads)

    def _wait_for_a_worker(self, where: str, timeout: float) -> None:
        # A scheduler with no worker takes tasks and never runs them: wait a little for one to
        # join, then say so rather than hang.
        try:
            self._client.wait_for_workers(1, timeout=timeout)
        except TimeoutError as exc:
            raise ConfigError(
                f"the Dask scheduler at {where} has no workers (none joined in {timeout:g} s)",
                remedy="start workers with `dask worker SCHEDULER_ADDRESS --nthreads 1` (see docs/cluster.md)",
            ) from exc

    def _check_workers(self) -> None:
        """Every worker must run this storyline: the tasks are storyline's own functions, sent by
        name, and a worker without the package (or with another version) would fail each task or,
        worse, compute something else than this runner stores."""
        from storyline._version import __version__

        found: dict[str, Any] = self._client.run(_worker_version, on_error="return")
        wrong = {
            worker: version
            if isinstance(version, str)
            else f"cannot run storyline ({type(version).__name__})"
            for worker, version in found.items()
            if version != __version__
        }
        if wrong:
            worker, what = sorted(wrong.items())[0]
            raise ConfigError(
                f"{len(wrong)} Dask worker(s) do not run storyline {__version__}: {worker} has {what}",
                remedy="install the same storyline version and models on every worker (see docs/cluster.md)",
            )

    def map(
        self, fn: Callable[[T], R], items: Iterable[T], lost: Callable[[T], R] | None = None
    ) -> Iterator[R]:
        pending: deque[tuple[T, Any]] = deque()
        try:
            for item in items:
                # pure=False: two equal chunks (a re-run) are still two tasks; Dask must not merge them.
                pending.append((item, self._client.submit(fn, item, pure=False)))
                if len(pending) >= self._window:
                    yield self._result(*pending.popleft(), lost)
            while pending:
                yield self._result(*pending.popleft(), lost)
        finally:
            # Stopped early (an error, or the consumer stopped reading): the tasks still in flight
            # are cancelled, not left running on a cluster that may be shared.
            if pending:
                self._client.cancel([future for _, future in pending])

    def _result(self, item: T, future: Any, lost: Callable[[T], R] | None) -> Any:
        from distributed import KilledWorker

        try:
            return self._wait(future)
        except KilledWorker:
            # Dask already retried the task on other workers; each one it ran on died.
            if lost is None:
                raise
            log.error("Dask workers died on one task; its items are recorded as lost")
            return lost(item)
        finally:
            future.release()

    def _wait(self, future: Any) -> Any:
        """The future's result; meanwhile, workers that leave or join are logged, and a cluster
        left with no worker for ``no_worker_timeout_s`` is an error (its tasks would wait for ever)."""
        from distributed import TimeoutError as DaskTimeout

        alone_since: float | None = None
        while True:
            try:
                result = future.result(timeout=_LOOK_EVERY_S)
            except (DaskTimeout, TimeoutError):
                running, paused = self._look_at_workers(force=True)
                if running:
                    alone_since = None
                    continue
                now = time.monotonic()
                alone_since = alone_since or now
                if now - alone_since >= self._no_worker_s:
                    # A worker over its memory target pauses, and a paused worker runs nothing: for
                    # the run, a cluster of paused workers is a cluster without workers.
                    what = (
                        f"only paused workers ({paused}, over their memory target)" if paused else "no worker"
                    )
                    raise ConfigError(
                        f"the Dask cluster at {self._where} has had {what} for "
                        f"{self._no_worker_s:g} s: its tasks cannot run",
                        remedy="start workers (`dask worker SCHEDULER_ADDRESS --nthreads 1`) or give "
                        "the workers more memory (--memory-limit 2GiB); see docs/cluster.md",
                    ) from None
                continue
            self._look_at_workers()
            return result

    def _look_at_workers(self, *, force: bool = False) -> tuple[int, int]:
        """Log the workers that left (killed, e.g. over their memory limit, or lost), joined
        (restarted by a nanny, added) or paused since the last look; returns how many run and how
        many are paused. At most every few seconds unless ``force``: asking is a round trip."""
        now = time.monotonic()
        if not force and now - self._looked < _LOOK_EVERY_S:
            return len(self._known) - len(self._paused), len(self._paused)
        self._looked = now
        workers = self._client.scheduler_info()["workers"]
        current = set(workers)
        paused = {a for a, info in workers.items() if str(info.get("status", "running")) != "running"}
        for gone in sorted(self._known - current):
            log.warning(
                "Dask worker %s left the cluster (killed, e.g. over its memory limit, or lost): %d now",
                gone,
                len(current),
            )
        for new in sorted(current - self._known):
            log.warning(
                "Dask worker %s joined (a restart by its nanny, or a new worker): %d now", new, len(current)
            )
        for stopped in sorted(paused - self._paused):
            log.warning(
                "Dask worker %s paused (over its memory target): it runs no task until it frees memory",
                stopped,
            )
        self._known, self._paused = current, paused
        return len(current) - len(paused), len(paused)

    def alive(self) -> bool:
        client = self._client
        if client is None or client.status != "running":
            return False
        address = client.scheduler.address if client.scheduler else None
        try:
            if address:
                _probe(address, _LOOK_EVERY_S)
        except (OSError, ValueError):
            return False
        return True

    def abandon(self) -> None:
        # The cluster's tasks are the scheduler's to drop once the client is gone; close is bounded.
        self.close()

    def close(self) -> None:
        # A cluster this engine only joined is someone else's: disconnect, never shut it down.
        client, cluster = self._client, self._cluster
        self._client = self._cluster = None
        # Bounded: closing a client whose scheduler is gone must not hang the watcher that replaces it.
        try:
            if client is not None:
                client.close(timeout=_CLOSE_TIMEOUT_S)
            if cluster is not None:
                cluster.close(timeout=_CLOSE_TIMEOUT_S)
        except Exception as exc:  # already broken: what is left of it is dropped
            log.debug("closing the Dask client failed: %s", exc, exc_info=True)

    def __enter__(self) -> DaskEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _worker_version() -> str:
    """storyline's version on a worker (run there by ``Client.run``)."""
    from storyline._version import __version__

    return __version__


def _probe(address: str, timeout: float) -> None:
    """Raise ValueError for an address Dask cannot parse, OSError when nothing answers on a TCP
    or TLS address's port (other schemes are left to Dask)."""
    from distributed.comm.addressing import parse_address, parse_host_port

    scheme, location = parse_address(address)
    if scheme not in ("tcp", "tls"):
        return
    host, port = parse_host_port(location)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as exc:
        raise OSError(f"nothing answers at {host}:{port} ({exc.strerror or exc})") from exc
