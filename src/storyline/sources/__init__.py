"""Sources: files, folders, feeds, JSON Lines, WARC and URLs, turned into a stream of
:class:`RawDocument` (or :class:`Skip`) one at a time, so memory stays flat on any size of input."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from storyline.config import FetchConfig, SourceConfig
from storyline.errors import InputError, NotFound, TooLarge
from storyline.model import ContentKind, RawDocument, Skip, SourceKind
from storyline.sources.containers import expand_feed, expand_jsonl, expand_warc
from storyline.sources.sniff import is_gzip, maybe_gunzip, sniff
from storyline.sources.web import Fetcher, is_url

__all__ = ["Fetcher", "count_inputs", "iter_documents"]


def iter_documents(
    inputs: Iterable[str | Path],
    sources: SourceConfig,
    fetch: FetchConfig,
) -> Iterator[RawDocument | Skip]:
    """Every document named by ``inputs`` (files, folders walked recursively, URLs), containers opened.

    Never raises for one bad input: it yields a :class:`Skip` and goes on.
    """
    with Fetcher(fetch) as fetcher:
        for item in inputs:
            text = str(item)
            if is_url(text):
                try:
                    yield from _expand(fetcher.fetch(text), fetcher, sources)
                except InputError as exc:
                    yield Skip(text, exc.code, str(exc))
                continue
            path = Path(text)
            if not path.exists():
                yield Skip(text, NotFound.code, f"no such file or folder: {text}")
                continue
            for file in _walk(path, sources):
                yield from _read_file(file, fetcher, sources)


def count_inputs(inputs: Iterable[str | Path], sources: SourceConfig) -> int:
    """How many files and URLs ``inputs`` names (for a progress bar); walks names only, reads nothing."""
    total = 0
    for item in inputs:
        text = str(item)
        if is_url(text):
            total += 1
        elif Path(text).exists():
            total += sum(1 for _ in _walk(Path(text), sources))
        else:
            total += 1
    return total


def _walk(path: Path, sources: SourceConfig) -> Iterator[Path]:
    if path.is_file():
        yield path
        return
    # os.walk is lazy: a folder of millions of files is never listed in memory at once. Sorting each
    # directory keeps ingest order (and so story assignment) deterministic.
    for root, dirs, files in os.walk(path):
        if not sources.include_hidden:
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            files = [f for f in files if not f.startswith(".")]
        dirs.sort()
        for name in sorted(files):
            yield Path(root) / name


def _read_file(path: Path, fetcher: Fetcher, sources: SourceConfig) -> Iterator[RawDocument | Skip]:
    locator = str(path)
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            head = handle.read(8192)
            if head.startswith(b"WARC/") or (is_gzip(head) and _is_warc_gz(path)):
                handle.seek(0)
                stub = RawDocument(locator, SourceKind.FILE, b"", _mtime(path))
                # WARC archives are streamed record by record, so they are exempt from the size cap.
                yield from expand_warc(stub, handle)
                return
            if size > sources.max_bytes:
                raise TooLarge(
                    f"{size} bytes is over the {sources.max_bytes}-byte cap",
                    remedy="raise --max-bytes if this really is one article",
                )
            content = head + handle.read()
        content = maybe_gunzip(content, sources.max_bytes)
    except InputError as exc:
        yield Skip(locator, exc.code, str(exc))
        return
    except OSError as exc:
        yield Skip(locator, "unreadable", f"cannot read the file: {exc.strerror or exc}")
        return
    raw = RawDocument(locator=locator, kind=SourceKind.FILE, content=content, fetched_at=_mtime(path))
    yield from _expand(raw, fetcher, sources)


def _expand(raw: RawDocument, fetcher: Fetcher, sources: SourceConfig) -> Iterator[RawDocument | Skip]:
    try:
        kind = sniff(raw.content, raw.locator)
        if kind is ContentKind.FEED:
            yield from expand_feed(raw, fetcher)
        elif kind is ContentKind.JSONL:
            yield from expand_jsonl(raw)
        elif kind is ContentKind.WARC:
            yield from expand_warc(raw)
        else:
            yield raw
    except InputError as exc:
        yield Skip(raw.locator, exc.code, str(exc))


def _is_warc_gz(path: Path) -> bool:
    import gzip
    import zlib

    try:
        with gzip.open(path, "rb") as handle:
            return handle.read(5) == b"WARC/"
    except (OSError, EOFError, zlib.error):
        return False


def _mtime(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
