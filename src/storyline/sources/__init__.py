"""Sources: files, folders, feeds, JSON Lines, WARC and URLs, turned into a stream of
:class:`RawDocument` (or :class:`Skip`) one at a time, so memory stays flat on any size of input.

Every reader is bounded: a file is read to at most ``max_bytes + 1`` whatever ``stat`` says, gzip is
inflated in a stream up to the same cap, WARC archives are streamed with a cap per record and on the
whole stream, and special files (FIFOs, devices, sockets) are refused by their type without being
opened for reading. A symlink is followed only inside the folders the user named, and nothing under
/proc, /sys or /dev is read (see paths.py).
"""

from __future__ import annotations

import gzip
import logging
import os
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from storyline.config import FetchConfig, SourceConfig
from storyline.errors import BinaryInput, InputError, NotFound, NotNews, TooLarge, Unreadable
from storyline.model import ContentKind, RawDocument, Skip, SourceKind
from storyline.sources.containers import expand_feed, expand_jsonl, expand_warc
from storyline.sources.paths import InputRoots, safe_locator, walk
from storyline.sources.sniff import is_gzip, sniff
from storyline.sources.web import Fetcher, is_url

__all__ = ["Fetcher", "count_inputs", "iter_documents", "safe_locator"]

log = logging.getLogger(__name__)

_HEAD = 8192
# Compressed bytes read to see what a gzip file holds (8 KB inflated needs far less).
_PEEK = 64 * 1024


def iter_documents(
    inputs: Iterable[str | Path],
    sources: SourceConfig,
    fetch: FetchConfig,
) -> Iterator[RawDocument | Skip]:
    """Every document named by ``inputs`` (files, folders walked recursively, URLs), containers opened.

    Never raises for one bad input: it yields a :class:`Skip` and goes on.
    """
    named = [str(item) for item in inputs]
    roots = InputRoots.of((text for text in named if not is_url(text)), sources.follow_links)
    with Fetcher(fetch) as fetcher:
        for text in named:
            if is_url(text):
                try:
                    yield from _expand(fetcher.fetch(text), fetcher, sources)
                except InputError as exc:
                    yield Skip(text, exc.code, str(exc))
                except Exception as exc:  # a bug on one URL must not end the batch either
                    log.exception("unexpected failure fetching %s", text)
                    yield Skip(text, "internal-error", f"{type(exc).__name__}: {exc} (please report this)")
                continue
            path = Path(text)
            if not os.path.lexists(path):
                yield Skip(safe_locator(path), NotFound.code, f"no such file or folder: {safe_locator(path)}")
                continue
            for entry in walk(path, roots, sources.include_hidden):
                if isinstance(entry, Skip):
                    yield entry
                    continue
                try:
                    yield from _read_file(entry, fetcher, sources, roots)
                except Exception as exc:  # a reader's bug on one file must not end the walk
                    log.exception("unexpected failure reading %s", safe_locator(entry))
                    yield Skip(
                        safe_locator(entry),
                        "internal-error",
                        f"{type(exc).__name__}: {exc} (please report this)",
                    )


def count_inputs(inputs: Iterable[str | Path], sources: SourceConfig) -> int:
    """How many files and URLs ``inputs`` names (for a progress bar); walks names only, reads nothing."""
    named = [str(item) for item in inputs]
    roots = InputRoots.of((text for text in named if not is_url(text)), sources.follow_links)
    total = 0
    for text in named:
        if is_url(text):
            total += 1
        elif os.path.lexists(text):
            total += sum(1 for _ in walk(Path(text), roots, sources.include_hidden))
        else:
            total += 1
    return total


def _read_file(
    path: Path, fetcher: Fetcher, sources: SourceConfig, roots: InputRoots
) -> Iterator[RawDocument | Skip]:
    locator = safe_locator(path)
    if path.suffix.lower() in sources.code_suffixes:
        error = NotNews(
            f"a {path.suffix} file is program source or configuration, not a news document",
            remedy="storyline reads HTML, text, feeds, JSON Lines and WARC; rename it to .txt if it is news",
        )
        yield Skip(locator, error.code, str(error))
        return
    try:
        with roots.open_regular(path) as handle:
            status = os.fstat(handle.fileno())
            fetched_at = _mtime(status.st_mtime)
            head = handle.read(_HEAD)
            handle.seek(0)
            gzipped = is_gzip(head)
            if gzipped:
                head = _gunzip_head(handle)
                handle.seek(0)
            if head.startswith(b"WARC/"):
                stub = RawDocument(locator, SourceKind.FILE, b"", fetched_at)
                # A WARC holds many pages: streamed record by record, each record and the whole
                # inflated stream capped (see expand_warc).
                stream = gzip.GzipFile(fileobj=handle, mode="rb") if gzipped else handle
                yield from expand_warc(stub, stream, sources)
                return
            if status.st_size > sources.max_bytes:
                # A size stat reports for a regular file is at least what is there: over the cap is
                # refused unread (under it proves nothing, so the read below is capped anyway).
                raise TooLarge(
                    f"{status.st_size} bytes is over the {sources.max_bytes}-byte cap",
                    remedy="raise --max-bytes if this really is one article",
                )
            content = _read_capped(handle, sources.max_bytes, gzipped)
    except InputError as exc:
        yield Skip(locator, exc.code, str(exc))
        return
    except OSError as exc:
        yield Skip(locator, Unreadable.code, f"cannot read the file: {exc.strerror or exc}")
        return
    raw = RawDocument(locator=locator, kind=SourceKind.FILE, content=content, fetched_at=fetched_at)
    yield from _expand(raw, fetcher, sources)


def _mtime(seconds: float) -> datetime:
    """A file's modification time; the time of reading when the file system holds an impossible one
    (some allow years past 9999, which datetime cannot hold)."""
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (ValueError, OverflowError, OSError):
        return datetime.now(UTC)


def _gunzip_head(handle: BinaryIO) -> bytes:
    """The first inflated bytes of a gzip file; as much as there is of a cut or corrupt one."""
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(handle.read(_PEEK), _HEAD)
    except zlib.error:
        return b""


def _read_capped(handle: BinaryIO, limit: int, gzipped: bool) -> bytes:
    """At most ``limit`` bytes of the file (inflated if gzip), or :class:`TooLarge`; never more read."""
    if not gzipped:
        content = handle.read(limit + 1)
        if len(content) > limit:
            raise TooLarge(
                f"over the {limit}-byte cap", remedy="raise --max-bytes if this really is one article"
            )
        return content
    try:
        # GzipFile inflates in a stream (and reads every member of a multi-member file), so a bomb
        # costs at most limit + 1 bytes of memory.
        with gzip.GzipFile(fileobj=handle, mode="rb") as unzipped:
            content = unzipped.read(limit + 1)
    except (OSError, EOFError, zlib.error) as exc:
        raise BinaryInput(f"corrupt gzip data: {exc}", remedy="re-save or re-download the file") from exc
    if len(content) > limit:
        raise TooLarge(f"gzip content inflates past {limit} bytes", remedy="raise --max-bytes to accept it")
    return content


def _expand(raw: RawDocument, fetcher: Fetcher, sources: SourceConfig) -> Iterator[RawDocument | Skip]:
    try:
        kind = sniff(raw.content, raw.locator)
        if kind is ContentKind.FEED:
            yield from expand_feed(raw, fetcher, sources)
        elif kind is ContentKind.JSONL:
            yield from expand_jsonl(raw)
        elif kind is ContentKind.WARC:
            yield from _expand_warc_bytes(raw, sources)
        else:
            yield replace(raw, content_kind=kind)
    except InputError as exc:
        yield Skip(raw.locator, exc.code, str(exc))


def _expand_warc_bytes(raw: RawDocument, sources: SourceConfig) -> Iterator[RawDocument | Skip]:
    """A WARC that arrived as bytes (a URL): streamed through the same caps as a WARC file."""
    import io

    stream = io.BytesIO(raw.content)
    yield from expand_warc(raw, gzip.GzipFile(fileobj=stream) if is_gzip(raw.content) else stream, sources)
