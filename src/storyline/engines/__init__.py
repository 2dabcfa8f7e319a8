"""Engines: where the stages' heavy, independent work runs — in this process, in a pool of local
processes, or across a Dask cluster. The runner (``storyline.pipeline``) hands an engine a
module-level function (the stage work of ``pipeline/tasks.py``) and a stream of items and reads the
results back **in input order**, so every engine gives the same stored result; only where the work
ran differs. Engines know no stage: they import only the config, the errors and the version.

An engine keeps its workers for its whole life (models load once per worker, not once per batch)
and keeps at most ``window`` items in flight, so a folder of 100,000 files or a multi-GB archive
streams through in bounded memory. Choose one by name (``EngineConfig.name``): ``local`` (the
default) or ``dask`` / ``dask=tcp://host:8786``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Protocol, TypeVar

from storyline.config import EngineConfig
from storyline.errors import ConfigError

T = TypeVar("T")
R = TypeVar("R")


class Engine(Protocol):
    """Runs ``fn`` over items somewhere, yielding results in input order."""

    name: str
    # How many items run at once (processes, or the cluster's worker threads).
    workers: int

    def map(
        self, fn: Callable[[T], R], items: Iterable[T], lost: Callable[[T], R] | None = None
    ) -> Iterator[R]:
        """``fn(item)`` for each item, in input order. ``fn`` must be a module-level function and
        items picklable (they may cross a process or a network). An exception ``fn`` raises is
        raised here, at its item. An item whose worker process died under it (a crash in a native
        parser, the OOM killer) gives ``lost(item)`` instead, and the rest go on; without
        ``lost`` that raises."""
        ...

    def alive(self) -> bool:
        """Whether the engine can still take work: false once a cluster it joined is unreachable or
        its client closed (a long-running watcher then opens a new engine)."""
        ...

    def close(self) -> None:
        """Stop the workers this engine started (a cluster it only joined is left running)."""
        ...

    def abandon(self) -> None:
        """Stop at once, dropping the work in flight (a stop signal came while it ran): workers
        this engine started are ended without waiting for their tasks."""
        ...


def open_engine(config: EngineConfig) -> Engine:
    """The engine ``config`` names, started (close it, or use it as a context manager)."""
    name, _, address = config.name.partition("=")
    if name == "local":
        from storyline.engines.local import LocalEngine

        return LocalEngine(config)
    if name == "dask":
        from storyline.engines.dask import DaskEngine

        return DaskEngine(config, address or None)
    raise ConfigError(
        f"no engine named {config.name!r}",
        remedy="use --engine local, --engine dask (a local cluster) or --engine dask=tcp://HOST:PORT",
    )
