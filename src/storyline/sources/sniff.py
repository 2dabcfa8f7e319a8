"""What a document is and how its bytes decode, judged from the content first and the name second."""

from __future__ import annotations

import codecs
import json
import re
import zlib

from storyline.errors import BinaryInput, EmptyInput, TooLarge, UnsupportedInput
from storyline.model import ContentKind

_HEAD = 8192
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)["']""")
_HTML_MARKERS = re.compile(
    rb"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<article[\s>]|<p[\s>]|<div[\s>]", re.I
)
_FEED_ROOT = re.compile(rb"<(rss|feed|rdf:RDF)[\s>]", re.IGNORECASE)


def maybe_gunzip(content: bytes, limit: int) -> bytes:
    """Transparently open ``.gz`` content (saved pages often are), refusing to inflate past ``limit``."""
    if not content.startswith(b"\x1f\x8b"):
        return content
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = decompressor.decompress(content, limit + 1)
    except zlib.error as exc:
        raise BinaryInput(f"corrupt gzip data: {exc}", remedy="re-save or re-download the file") from exc
    if len(out) > limit:
        raise TooLarge(f"gzip content inflates past {limit} bytes", remedy="raise --max-bytes to accept it")
    return out


def is_gzip(content: bytes) -> bool:
    return content.startswith(b"\x1f\x8b")


def sniff(content: bytes, name: str = "") -> ContentKind:
    """Classify bytes as HTML, plain text, a feed, JSON Lines or WARC.

    Raises a named :class:`InputError` for empty and binary content.
    """
    if not content.strip():
        raise EmptyInput(
            "the document is empty", remedy="nothing to ingest; remove the file or re-download it"
        )
    head = content[:_HEAD]
    if head.startswith(b"WARC/"):
        return ContentKind.WARC
    if is_gzip(head):
        # A gzipped WARC is common (Common Crawl); peek at the first member.
        try:
            peek = _gunzip_prefix(content)
        except zlib.error:
            peek = b""
        if peek.startswith(b"WARC/"):
            return ContentKind.WARC
    _refuse_binary(head, name)
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<?xml") or stripped.startswith(b"<"):
        if _FEED_ROOT.search(head):
            return ContentKind.FEED
        if _HTML_MARKERS.search(head):
            return ContentKind.HTML
        if stripped.startswith(b"<?xml"):
            raise UnsupportedInput(
                "an XML document that is neither a feed nor a web page",
                remedy="storyline reads RSS/Atom feeds, HTML, text, JSON Lines and WARC",
            )
    if stripped.startswith(b"{") and _looks_like_jsonl(content):
        return ContentKind.JSONL
    if _HTML_MARKERS.search(head) and re.search(rb"</(p|div|article|body)>", head, re.I):
        return ContentKind.HTML
    return ContentKind.TEXT


def _gunzip_prefix(content: bytes) -> bytes:
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    return decompressor.decompress(content[: 1 << 16], 64)


def _looks_like_jsonl(content: bytes) -> bool:
    first = content.lstrip().split(b"\n", 1)[0]
    try:
        return isinstance(json.loads(first), dict)
    except ValueError:
        return False


def _refuse_binary(head: bytes, name: str) -> None:
    import filetype

    kind = filetype.guess(head)
    if kind is not None and not kind.mime.startswith("text/"):
        raise BinaryInput(
            f"binary content ({kind.mime}), not a news document",
            remedy="storyline reads HTML, text, feeds, JSON Lines and WARC",
        )
    if b"\x00" in head and not _is_utf16(head):
        raise BinaryInput(
            "binary content (NUL bytes), not a news document",
            remedy="storyline reads HTML, text, feeds, JSON Lines and WARC",
        )


def _is_utf16(head: bytes) -> bool:
    return head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))


def declared_charset(content: bytes) -> str | None:
    """The charset the document declares about itself (BOM, XML declaration, ``<meta charset>``)."""
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if content.startswith(bom):
            return name
    head = content[:_HEAD]
    match = _XML_ENCODING.search(head) or _META_CHARSET.search(head)
    if match:
        name = match.group(1).decode("ascii", "replace").lower()
        try:
            return codecs.lookup(name).name
        except LookupError:
            return None
    return None


def decode(content: bytes, http_charset: str | None = None) -> tuple[str, str]:
    """Decode bytes to text, returning ``(text, charset)``.

    Order of trust: the HTTP header, the document's own declaration, strict UTF-8 (most of the web),
    then charset-normalizer's detection. A declaration that fails to decode is ignored rather than
    trusted, because mislabelled pages are common.
    """
    candidates = [c for c in (http_charset, declared_charset(content)) if c]
    for charset in candidates:
        try:
            text = content.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
        # Browsers treat a declared latin-1 as windows-1252; so do we, or curly quotes turn into C1 controls.
        if codecs.lookup(charset).name in ("iso8859-1", "ascii"):
            text = content.decode("cp1252", errors="replace")
            charset = "cp1252"
        return text, charset
    try:
        return content.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    matches = from_bytes(content[: 1 << 20])
    best = matches.best()
    charset = best.encoding if best is not None else "cp1252"
    # Mostly-ASCII text fits several legacy code pages equally well (cp1250 ranks above cp1252 on
    # coherence); like browsers, prefer Western windows-1252 unless it reads worse.
    if best is not None and any(m.encoding == "cp1252" and m.chaos <= best.chaos for m in matches):
        charset = "cp1252"
    if charset in ("latin_1", "iso8859_1", "ascii"):
        charset = "cp1252"
    return content.decode(charset, errors="replace"), charset
