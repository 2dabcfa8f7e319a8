"""The grouper's centroid index saved beside the store, with a stamp saying which stories it
describes: building the index anew costs seconds per ten thousand stories at every ingest, and a
saved one is used only while its stamp matches the stories' (any change to a story changes it)."""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def usearch_index() -> Any:
    """usearch's ``Index`` class, loaded after onnxruntime when that is installed: with usearch
    2.26's compiled module loaded first, importing onnxruntime 1.31 kills the process (SIGSEGV).
    The pipeline loads the embedder before grouping anyway; this keeps any other order (a test, a
    worker that groups before it embeds) from crashing."""
    with contextlib.suppress(ImportError):
        import onnxruntime  # noqa: F401
    from usearch.index import Index

    return Index


def index_stamp(story_stamp: str, dim: int, window_days: float) -> str:
    """What a saved index must have been saved with to be used: the stories' stamp (see
    ``Store.story_stamp``), the vectors' width and the join window (which decides what is indexed)."""
    return f"{story_stamp}:{dim}:{window_days}"


def _stamp_path(path: Path) -> Path:
    return path.with_name(path.name + ".stamp")


def load_index(path: Path, stamp: str, dim: int) -> Any:
    """The usearch index saved at ``path`` if its stamp is ``stamp`` and its width ``dim``; None
    when there is none, it is stale or it cannot be read (the grouper then builds one)."""
    Index = usearch_index()
    if not path.exists():
        return None
    stamp_file = _stamp_path(path)
    if not stamp_file.exists() or stamp_file.read_text(encoding="utf-8") != stamp:
        return None
    try:
        index = Index.restore(str(path))
    except (OSError, RuntimeError, ValueError):
        return None  # unreadable: build anew
    return index if index is not None and index.ndim == dim else None


def save_index(index: Any, path: Path, stamp: str) -> None:
    """Save a usearch ``index`` (a grouper's :attr:`~storyline.grouping.grouper.Grouper.index`) at
    ``path`` under ``stamp``; a failure is only logged (the index is a cache: the stories are saved,
    and the next ingest builds it again)."""
    stamp_file = _stamp_path(path)
    try:
        # The stamp goes first and comes back last, and each file is swapped in whole: a run
        # killed part way leaves an index no stamp vouches for, which the next run rebuilds.
        stamp_file.unlink(missing_ok=True)
        index.save(str(path) + ".tmp")
        os.replace(str(path) + ".tmp", path)
        stamp_file.with_suffix(".tmp").write_text(stamp, encoding="utf-8")
        os.replace(stamp_file.with_suffix(".tmp"), stamp_file)
    except (OSError, RuntimeError) as exc:  # usearch reports an unwritable path as RuntimeError
        log.warning("could not save the story index at %s (%s); the next ingest rebuilds it", path, exc)
