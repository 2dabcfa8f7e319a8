"""Documents that hold other documents: RSS/Atom feeds, JSON Lines exports, WARC archives.

Each yields one :class:`RawDocument` per entry (``locator`` = container + ``#`` + entry key) or a
:class:`Skip` for an entry it cannot read, so one bad entry never loses the rest.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, BinaryIO

from storyline.errors import InputError, MalformedFeed, MalformedRecord
from storyline.model import RawDocument, Skip, SourceKind
from storyline.sources.web import Fetcher

# Below this many words an item is a teaser, and the linked page holds the article.
_TEASER_WORDS = 80


def expand_feed(raw: RawDocument, fetcher: Fetcher | None) -> Iterator[RawDocument | Skip]:
    import feedparser

    parsed = feedparser.parse(raw.content)
    entries = list(parsed.entries)
    if parsed.bozo and not entries:
        reason = getattr(parsed, "bozo_exception", "unreadable XML")
        raise MalformedFeed(f"malformed feed: {reason}", remedy="check the feed in a validator")
    if not entries:
        raise MalformedFeed("the feed has no items", remedy="nothing to ingest from this feed yet")
    feed_title = str(parsed.feed.get("title", "")) or None
    for index, entry in enumerate(entries):
        key = str(entry.get("id") or entry.get("link") or index)
        locator = f"{raw.locator}#{key}"
        html = _entry_html(entry)
        link = entry.get("link")
        hints = {
            "title": entry.get("title"),
            "author": entry.get("author"),
            "published": _entry_date(entry),
            # The feed names its site and section ("Meridian Wire – Top News") and links the site.
            "feed_title": feed_title,
            "feed_site": parsed.feed.get("link"),
            "url": link,
        }
        clean_hints = {k: str(v) for k, v in hints.items() if v}
        if fetcher is not None and link and fetcher.config.fetch_feed_links and _words(html) < _TEASER_WORDS:
            try:
                page = fetcher.fetch(str(link))
            except InputError as exc:
                yield Skip(locator, exc.code, f"feed item is a teaser and its page failed: {exc}")
                continue
            yield RawDocument(
                locator=locator,
                kind=SourceKind.FEED,
                content=page.content,
                fetched_at=page.fetched_at,
                url=page.url,
                content_type=page.content_type,
                hints=clean_hints,
            )
            continue
        if not html.strip():
            yield Skip(locator, "empty", "feed item has no content and no fetchable link")
            continue
        yield RawDocument(
            locator=locator,
            kind=SourceKind.FEED,
            content=html.encode("utf-8"),
            fetched_at=raw.fetched_at,
            url=str(link) if link else None,
            content_type="text/html; charset=utf-8",
            hints=clean_hints,
        )


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
            yield _record_document(record, locator, raw)
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
                hints[hint] = str(value)
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


def expand_warc(raw: RawDocument, stream: BinaryIO | None = None) -> Iterator[RawDocument | Skip]:
    """Every HTML ``response`` record of a WARC (gzipped or not), streamed record by record."""
    from warcio.archiveiterator import ArchiveIterator

    source = stream if stream is not None else io.BytesIO(raw.content)
    try:
        for record in ArchiveIterator(source):
            if record.rec_type != "response":
                continue
            url = record.rec_headers.get_header("WARC-Target-URI") or ""
            content_type = record.http_headers.get_header("Content-Type") if record.http_headers else None
            if content_type and "html" not in content_type.lower():
                continue
            date = record.rec_headers.get_header("WARC-Date")
            fetched = _parse_iso(date) or raw.fetched_at
            yield RawDocument(
                locator=f"{raw.locator}#{url}",
                kind=SourceKind.WARC,
                content=record.content_stream().read(),
                fetched_at=fetched,
                url=url or None,
                content_type=content_type,
            )
    except Exception as exc:  # warcio raises bare exceptions on truncated archives
        yield Skip(raw.locator, "malformed-warc", f"archive unreadable past this point: {exc}")


def _parse_iso(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
