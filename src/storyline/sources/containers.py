"""Documents that hold other documents: RSS/Atom feeds, JSON Lines exports, WARC archives.

Each yields one :class:`RawDocument` per entry (``locator`` = container + ``#`` + entry key) or a
:class:`Skip` for an entry it cannot read, so one bad entry never loses the rest.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Protocol

from storyline.config import SourceConfig
from storyline.errors import (
    BadUrl,
    EmptyInput,
    FetchError,
    InputError,
    MalformedArchive,
    MalformedFeed,
    MalformedRecord,
    TooLarge,
    TooManyItems,
    TruncatedRecord,
    UnsupportedInput,
)
from storyline.model import RawDocument, Skip, SourceKind
from storyline.sources.sniff import typed
from storyline.sources.web import Fetcher
from storyline.urls import is_url, parse_url, stored_url

log = logging.getLogger(__name__)


class Readable(Protocol):
    """What :func:`expand_warc` needs of a stream: a file, a GzipFile, a BytesIO."""

    def read(self, size: int = -1, /) -> bytes: ...


# Below this many words an item is a teaser, and the linked page holds the article.
_TEASER_WORDS = 80


@dataclass(frozen=True, slots=True)
class Teaser:
    """A feed item that carries only a teaser: its page, at ``link``, holds the article."""

    locator: str
    key: str
    link: str
    hints: dict[str, str]

    def document(self, page: RawDocument) -> RawDocument | Skip:
        """The item as a document made of its fetched ``page``."""
        return typed(
            RawDocument(
                locator=self.locator,
                kind=SourceKind.FEED,
                content=page.content,
                fetched_at=page.fetched_at,
                url=page.url,
                content_type=page.content_type,
                hints=self.hints,
            )
        )

    def failed(self, exc: InputError) -> Skip:
        return Skip(self.locator, exc.code, f"feed item is a teaser and its page failed: {exc}")


def expand_feed(
    raw: RawDocument,
    fetcher: Fetcher | None,
    sources: SourceConfig | None = None,
    seen: Callable[[str], bool] | None = None,
) -> Iterator[RawDocument | Skip]:
    """One document per feed item, at most ``max_feed_items`` of them; items whose locator ``seen``
    knows (a watched feed polled again) are passed over before their page is fetched. Teasers'
    pages are fetched one by one, in feed order (a watcher fetches several hosts at once:
    storyline.pipeline.feedpages)."""
    config = sources or SourceConfig()
    failures = 0  # teaser fetches failed in a row
    unfetched: list[str] = []
    fetch_links = fetcher is not None and fetcher.config.fetch_feed_links
    for item in feed_items(raw, config, seen, fetch_links=fetch_links):
        if not isinstance(item, Teaser):
            yield item
            continue
        assert fetcher is not None
        if failures >= config.max_feed_fetch_failures:
            unfetched.append(item.key)
            continue
        try:
            page = fetcher.fetch(item.link)
        except InputError as exc:
            failures += 1
            yield item.failed(exc)
            continue
        failures = 0
        yield item.document(page)
    if unfetched:
        yield unfetched_skip(raw.locator, unfetched, config.max_feed_fetch_failures)


def unfetched_skip(feed_locator: str, keys: list[str], failures: int) -> Skip:
    """The one skip that stands for the teasers not fetched after ``failures`` failed in a row."""
    return Skip(
        feed_locator,
        FetchError.code,
        f"{len(keys)} teaser item(s) not fetched after {failures} pages failed in a row "
        f"(first: {keys[0][:200]})",
    )


def feed_items(
    raw: RawDocument,
    sources: SourceConfig,
    seen: Callable[[str], bool] | None = None,
    *,
    fetch_links: bool = True,
) -> Iterator[RawDocument | Skip | Teaser]:
    """The feed's items in feed order, at most ``max_feed_items``, those ``seen`` knows passed over:
    a document for an item that carries its article, a :class:`Teaser` for one whose page must be
    fetched (with ``fetch_links``), or a skip.

    An item is fetched only when its link is an http(s) URL: feedparser turns every RSS ``guid`` into a
    ``link`` (``isPermaLink`` defaults to true), and a ``urn:uuid:`` taken as a link is one refused
    fetch per item. Items with neither content nor a fetchable link become one summarised skip.
    """
    import feedparser

    cap = sources.max_feed_items
    parsed = feedparser.parse(raw.content)
    entries = list(parsed.entries)
    if parsed.bozo and not entries:
        reason = getattr(parsed, "bozo_exception", "unreadable XML")
        raise MalformedFeed(f"malformed feed: {reason}", remedy="check the feed in a validator")
    if not entries:
        raise MalformedFeed("the feed has no items", remedy="nothing to ingest from this feed yet")
    feed_title = str(parsed.feed.get("title", "")) or None
    feed_site = _site_link(parsed.feed.get("link"), raw.locator)
    contentless: list[str] = []
    for index, entry in enumerate(entries[:cap]):
        key = str(entry.get("id") or entry.get("link") or index)
        locator = f"{raw.locator}#{key}"
        if seen is not None and seen(locator):
            continue
        html = _entry_html(entry)
        try:
            link = _fetchable_link(entry)
        except BadUrl as exc:  # this item alone: the items after it are still read
            yield Skip(locator, exc.code, f"the feed item's link is malformed: {exc}")
            continue
        hints = {
            "title": entry.get("title"),
            "author": entry.get("author"),
            "published": _entry_date(entry),
            # The feed names its site and section ("Meridian Wire – Top News") and links the site.
            "feed_title": feed_title,
            "feed_site": feed_site,
            "url": link,
        }
        clean_hints = {k: str(v) for k, v in hints.items() if v}
        if fetch_links and link and _words(html) < _TEASER_WORDS:
            yield Teaser(locator, key, link, clean_hints)
            continue
        if not html.strip():
            contentless.append(key)
            continue
        yield typed(
            RawDocument(
                locator=locator,
                kind=SourceKind.FEED,
                content=html.encode("utf-8"),
                fetched_at=raw.fetched_at,
                url=link,
                content_type="text/html; charset=utf-8",
                hints=clean_hints,
            )
        )
    if contentless:
        yield Skip(
            raw.locator,
            EmptyInput.code,
            f"{len(contentless)} feed item(s) have no content and no fetchable link "
            f"(first: {contentless[0][:200]})",
        )
    if len(entries) > cap:
        yield Skip(
            raw.locator,
            TooManyItems.code,
            f"the feed has {len(entries)} items; only the first {cap} were read "
            "(raise SourceConfig.max_feed_items to read more)",
        )


def _fetchable_link(entry: Any) -> str | None:
    """The item's link in canonical form when it is an http(s) URL (:class:`BadUrl` when that is
    malformed), else None."""
    link = entry.get("link")
    return parse_url(str(link)).text if link and is_url(str(link)) else None


def _site_link(link: object, locator: str) -> str | None:
    """The feed's link to its site, a hint for naming the outlet: dropped (and logged) when it
    cannot be read, since no item is lost with it."""
    if not link:
        return None
    try:
        return stored_url(str(link))
    except BadUrl as exc:
        log.warning("%s: the feed's site link is not used: %s", locator, exc)
        return None


def _entry_html(entry: Any) -> str:
    for content in entry.get("content", []) or []:
        value = content.get("value")
        if value:
            return str(value)
    return str(entry.get("summary", "") or "")


def _entry_date(entry: Any) -> str | None:
    for key in ("published", "updated", "created"):
        value = entry.get(key)
        if not value:
            continue
        try:
            return parsedate_to_datetime(str(value)).isoformat()
        except (TypeError, ValueError):
            return str(value)
    return None


def _words(html: str) -> int:
    return len(html.split())


_JSON_TEXT_KEYS = ("html", "content", "text", "body", "article")
_JSON_HINT_KEYS = {
    "title": ("title", "headline"),
    "author": ("author", "byline", "authors"),
    "published": ("published", "date", "published_at", "pubdate", "datePublished"),
    "outlet": ("outlet", "source", "site", "sitename", "publisher"),
    "url": ("url", "link"),
}


def expand_jsonl(raw: RawDocument) -> Iterator[RawDocument | Skip]:
    """One article per line; a broken line is a named skip, the other lines still count."""
    for number, line in enumerate(io.BytesIO(raw.content), start=1):
        if not line.strip():
            continue
        locator = f"{raw.locator}#{number}"
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise MalformedRecord("the line is JSON but not an object")
            yield typed(_record_document(record, locator, raw))
        except BadUrl as exc:
            yield Skip(locator, exc.code, f"line {number}: {exc}")
        except (ValueError, MalformedRecord) as exc:
            yield Skip(locator, MalformedRecord.code, f"line {number}: {exc}")


def _record_document(record: dict[str, Any], locator: str, raw: RawDocument) -> RawDocument:
    body_key = next(
        (k for k in _JSON_TEXT_KEYS if isinstance(record.get(k), str) and record[k].strip()), None
    )
    if body_key is None:
        raise MalformedRecord(f"no text field (one of {', '.join(_JSON_TEXT_KEYS)})")
    hints: dict[str, str] = {}
    for hint, keys in _JSON_HINT_KEYS.items():
        for key in keys:
            value = record.get(key)
            if isinstance(value, list):
                value = ", ".join(str(v) for v in value)
            if value:
                hints[hint] = stored_url(str(value)) if hint == "url" else str(value)
                break
    is_html = body_key == "html" or str(record[body_key]).lstrip().startswith("<")
    return RawDocument(
        locator=locator,
        kind=SourceKind.JSONL,
        content=str(record[body_key]).encode("utf-8"),
        fetched_at=raw.fetched_at,
        url=hints.get("url"),
        content_type="text/html; charset=utf-8" if is_html else "text/plain; charset=utf-8",
        hints=hints,
    )


def expand_warc(
    raw: RawDocument, stream: Readable, sources: SourceConfig | None = None
) -> Iterator[RawDocument | Skip]:
    """Every HTML ``response`` record of an inflated WARC ``stream``, read record by record.

    Bounded three ways, each a named skip: a record's payload over ``max_bytes`` (``too-large``, the
    archive goes on), the whole inflated stream over ``max_archive_bytes`` (``too-large``, the archive
    stops), and a header line over ``max_header_line_bytes`` (``malformed-warc``). A record cut short by
    the end of the file is ``truncated``, never stored as if whole. ``stream`` must already be inflated
    (the caller wraps a ``.warc.gz`` in :class:`gzip.GzipFile`), so every byte is counted.
    """
    from warcio.archiveiterator import ArchiveIterator

    config = sources or SourceConfig()
    budget = _Budget(stream, config.max_archive_bytes)
    records = ArchiveIterator(budget)
    # warcio buffers a header line until it sees a newline; a "line" of gigabytes is a bomb. Its reader
    # is swapped for one that refuses long lines before a single record is read (warcio reads lazily).
    records.reader = _line_capped_reader(budget, config.max_header_line_bytes)
    try:
        for record in records:
            try:
                document = _warc_document(record, raw, config.max_bytes)
            except TruncatedRecord as exc:
                # A record can only be cut short by the end of the file: nothing follows it.
                yield Skip(_record_locator(record, raw), exc.code, str(exc))
                return
            if document is not None:
                yield document
    except InputError as exc:
        yield Skip(raw.locator, exc.code, str(exc))
    except Exception as exc:  # warcio raises bare exceptions (and EOFError) on broken archives
        yield Skip(
            raw.locator,
            MalformedArchive.code,
            f"archive unreadable past this point: {type(exc).__name__}: {exc}",
        )


def _warc_document(record: Any, raw: RawDocument, max_bytes: int) -> RawDocument | Skip | None:
    """The record as a document, a named skip, or None for a record that is not an HTML response."""
    if record.rec_type != "response":
        return None
    locator = _record_locator(record, raw)
    try:
        url = stored_url(record.rec_headers.get_header("WARC-Target-URI") or "")
    except BadUrl as exc:
        return Skip(locator, exc.code, f"the record's target URI is malformed: {exc}")
    content_type = record.http_headers.get_header("Content-Type") if record.http_headers else None
    if content_type and "html" not in content_type.lower():
        return None
    encoding = (record.http_headers.get_header("Content-Encoding") or "") if record.http_headers else ""
    if encoding.strip().lower() not in _BOUNDED_ENCODINGS:
        # warcio inflates brotli in one call per block with no output bound: one block can be a bomb.
        return Skip(locator, UnsupportedInput.code, f"content encoding {encoding!r} is not read from WARC")
    try:
        content = record.content_stream().read(max_bytes + 1)
    except EOFError as exc:
        raise TruncatedRecord(
            "the archive ends inside this record", remedy="it is not stored as if whole"
        ) from exc
    too_large = len(content) > max_bytes
    # Read what is left of the record (in blocks, never whole) to learn whether it is all there.
    remainder = record.raw_stream
    try:
        while remainder.read(_BLOCK):
            pass
    except EOFError as exc:
        raise TruncatedRecord(
            "the archive ends inside this record", remedy="it is not stored as if whole"
        ) from exc
    if getattr(remainder, "limit", 0) > 0:
        raise TruncatedRecord(
            f"the record is {remainder.limit} bytes short of its declared length",
            remedy="it is not stored as if whole",
        )
    if too_large:
        return Skip(
            locator,
            TooLarge.code,
            f"the record is over the {max_bytes}-byte cap (raise --max-bytes if it really is one page)",
        )
    date = record.rec_headers.get_header("WARC-Date")
    return typed(
        RawDocument(
            locator=locator,
            kind=SourceKind.WARC,
            content=content,
            fetched_at=_parse_iso(date) or raw.fetched_at,
            url=url or None,
            content_type=content_type,
        )
    )


def _record_locator(record: Any, raw: RawDocument) -> str:
    return f"{raw.locator}#{record.rec_headers.get_header('WARC-Target-URI') or ''}"


# Content encodings warcio inflates a block at a time with zlib (at most ~1000x a 16 KB block).
_BOUNDED_ENCODINGS = frozenset({"", "identity", "gzip", "x-gzip", "deflate"})
_BLOCK = 64 * 1024


class _Budget:
    """A read-only stream that counts what it hands out and refuses to go past ``limit`` bytes."""

    def __init__(self, stream: Readable, limit: int) -> None:
        self._stream = stream
        self._limit = limit
        self._count = 0

    def read(self, size: int = -1) -> bytes:
        room = self._limit - self._count + 1
        want = room if size is None or size < 0 else min(size, room)
        # read1 hands over what one inflation step gives: a GzipFile's plain read() would lose the
        # whole records before a cut in the same call, raising EOFError for all of it.
        read = getattr(self._stream, "read1", self._stream.read)
        try:
            data: bytes = read(want)
        except EOFError as exc:
            # warcio takes EOFError for a clean end of the archive: it is named here instead.
            raise TruncatedRecord(
                "the archive ends inside a compressed block (a partial download?)",
                remedy="the records before the cut are kept; re-download the file for the rest",
            ) from exc
        self._count += len(data)
        if self._count > self._limit:
            raise TooLarge(
                f"the archive inflates past {self._limit} bytes; records after this point are not read",
                remedy="raise SourceConfig.max_archive_bytes if it really is that big",
            )
        return data

    def tell(self) -> int:
        return self._count


def _line_capped_reader(stream: _Budget, cap: int) -> Any:
    from warcio.bufferedreaders import DecompressingBufferedReader

    class LineCappedReader(DecompressingBufferedReader):  # type: ignore[misc]
        def readline(self, length: int | None = None) -> bytes:
            capped = length is None or length < 0 or length > cap
            limit = cap if capped else int(length or 0)
            # warcio's own readline may return early at a block boundary when given a length, so
            # the line is gathered here piece by piece up to the limit.
            pieces: list[bytes] = []
            got = 0
            while got < limit:
                piece: bytes = super().readline(limit - got)
                if not piece:
                    break
                pieces.append(piece)
                got += len(piece)
                if piece.endswith(b"\n"):
                    break
            line = b"".join(pieces)
            if capped and got >= cap and not line.endswith(b"\n"):
                raise MalformedArchive(
                    f"a header line longer than {cap} bytes: not a WARC record",
                    remedy="check the archive with `warcio check`",
                )
            return line

    # Bigger blocks than warcio's 16 KB: draining a large record costs a quarter of the calls.
    return LineCappedReader(stream, block_size=_BLOCK)


def _parse_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
