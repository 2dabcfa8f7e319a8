"""The feeds file of `storyline watch`: a text file of feed URLs (each optionally with its own poll
interval) or a feed reader's OPML export; read again when it changes."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from storyline.errors import ConfigError
from storyline.sources.web import is_url

__all__ = ["FeedSpec", "modified", "read_feed_list", "reread"]

log = logging.getLogger("storyline.pipeline.watch")

# A feeds file is a short list of addresses: anything larger is not one.
_MAX_LIST_BYTES = 4 * 1024 * 1024
_COMMENT = re.compile(r"(?:^|\s)#.*")


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """One feed to watch; ``interval_s`` is its own poll interval when the feeds file gives one."""

    url: str
    interval_s: float | None = None


def read_feed_list(path: Path) -> list[FeedSpec]:
    """The feeds a file names: an OPML export of a feed reader, or a text file of feed URLs, one a
    line, each optionally followed by its own poll interval in seconds; ``#`` starts a comment."""
    try:
        with path.open("rb") as handle:
            content = handle.read(_MAX_LIST_BYTES + 1)
    except OSError as exc:
        raise ConfigError(
            f"cannot read the feeds file {path}: {exc.strerror or exc}", remedy="check the path"
        ) from exc
    if len(content) > _MAX_LIST_BYTES:
        raise ConfigError(
            f"{path} is over {_MAX_LIST_BYTES} bytes; not a feeds file", remedy="check the path"
        )
    head = content[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    specs = (
        _opml_feeds(content, path)
        if head.startswith(b"<") and b"<opml" in head
        else _text_feeds(content, path)
    )
    if not specs:
        raise ConfigError(f"{path} names no feed", remedy="put one http(s) feed URL on each line")
    return list({spec.url: spec for spec in specs}.values())  # a feed listed twice is polled once


def _text_feeds(content: bytes, path: Path) -> list[FeedSpec]:
    specs = []
    for number, raw_line in enumerate(content.decode("utf-8", "replace").splitlines(), start=1):
        # `#` begins a comment at the start of a line or after a space (a URL may hold a fragment).
        line = _COMMENT.sub("", raw_line).strip()
        if not line:
            continue
        fields = line.split()
        if not is_url(fields[0]) or len(fields) > 2:
            raise ConfigError(
                f"{path} line {number}: {line[:200]!r} is not a feed URL",
                remedy="write one http(s) URL a line, optionally followed by its interval in seconds",
            )
        interval = None
        if len(fields) == 2:
            try:
                interval = float(fields[1])
            except ValueError:
                interval = -1.0
            if not interval >= 1:
                raise ConfigError(
                    f"{path} line {number}: interval {fields[1]!r} is not a number of seconds ≥ 1",
                    remedy="write e.g. `https://example.org/feed.xml 600`",
                )
        specs.append(FeedSpec(fields[0], interval))
    return specs


def _opml_feeds(content: bytes, path: Path) -> list[FeedSpec]:
    from lxml import etree

    # No entities, no network, no huge trees: an OPML file is from elsewhere and must not be able to
    # read local files or inflate itself.
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=False)
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError as exc:
        raise ConfigError(
            f"{path} is not readable OPML: {exc}", remedy="re-export it from the feed reader"
        ) from exc
    specs = []
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if not url:
            continue  # a folder of feeds, not a feed
        if not is_url(url):
            log.warning("%s: skipped feed %r (only http and https feeds are polled)", path, url[:200])
            continue
        specs.append(FeedSpec(url))
    return specs


def modified(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None


def reread(feeds: Path, specs: list[FeedSpec]) -> list[FeedSpec]:
    """The feeds file read again after an edit; the list in force when the edit leaves it unreadable."""
    try:
        fresh = read_feed_list(feeds)
    except ConfigError as exc:
        log.warning(
            "%s changed but cannot be read (%s); still watching the %d feed(s) it named",
            feeds,
            exc,
            len(specs),
        )
        return specs
    log.info("%s changed: now watching %d feed(s)", feeds, len(fresh))
    return fresh
