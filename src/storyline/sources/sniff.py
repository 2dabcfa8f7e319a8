"""What a document is and how its bytes decode, judged from the content first and the name second."""

from __future__ import annotations

import codecs
import json
import re
import zlib
from dataclasses import dataclass, replace

from storyline.errors import BinaryInput, EmptyInput, InputError, NotNews, TooLarge, UnsupportedInput
from storyline.model import ContentKind, RawDocument, Repair, Skip

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
    wide = _bom_charset(head) or _wide_unicode(head)
    if wide is not None and wide != "utf-8-sig":
        # UTF-16/32 markup has a zero byte between every letter: judge the characters instead.
        head = head[: len(head) // 4 * 4].decode(wide, errors="ignore").lstrip("\ufeff").encode("utf-8")
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
    if stripped.startswith(b"{") and _looks_like_jsonl(head if wide else content):
        return ContentKind.JSONL
    if _HTML_MARKERS.search(head) and re.search(rb"</(p|div|article|body)>", head, re.I):
        return ContentKind.HTML
    if stripped[:1] in (b"{", b"[") and _is_json(content):
        # A whole JSON document (a results file, a truth table beside the news) read as text became
        # a story titled "{".
        raise NotNews(
            "a JSON document, not JSON Lines of articles",
            remedy='write one article a line as JSON Lines ({"title": ..., "text": ...}) to ingest it',
        )
    if _is_settings(head):
        raise NotNews(
            "a settings file (only '#' comments and 'name = value' lines), not a news text",
            remedy="pass it where it belongs (e.g. --outlets FILE), or give the file prose if it is news",
        )
    return ContentKind.TEXT


def typed(raw: RawDocument) -> RawDocument | Skip:
    """``raw`` with its content kind (:func:`sniff`, once, here: extraction reads it from the
    document), or a named skip for empty, binary or unreadable content."""
    try:
        return replace(raw, content_kind=sniff(raw.content, raw.locator))
    except InputError as exc:
        return Skip(raw.locator, exc.code, str(exc))


def _gunzip_prefix(content: bytes) -> bytes:
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    return decompressor.decompress(content[: 1 << 16], 64)


def _is_json(content: bytes) -> bool:
    try:
        json.loads(content)
    except ValueError:
        return False
    return True


_SETTING_LINE = re.compile(rb"^\s*(?:#.*|;.*|[\w.\-]+(?:\s+[\w.\-]+)?\s*[=:]\s*\S.*)?$")


def _is_settings(head: bytes) -> bool:
    """Only comments and "name = value" lines, at least two of them settings: an outlets list, an
    .env or an ini file under a .txt name. A news text has sentences; its "Updated: ..." line has
    prose around it."""
    lines = head.splitlines()
    if len(lines) > 1 and not head.endswith(b"\n"):
        lines = lines[:-1]  # the head may cut its last line
    settings = [line for line in lines if line.strip() and not line.lstrip().startswith((b"#", b";"))]
    return (
        len(settings) >= 2
        and all(_SETTING_LINE.match(line) for line in lines)
        and all(b"=" in line or len(line) < 80 for line in settings)
    )


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
    if _control_share(head) > _BINARY_CONTROLS and not _is_utf16(head):
        raise BinaryInput(
            "binary content (NUL bytes), not a news document",
            remedy="storyline reads HTML, text, feeds, JSON Lines and WARC",
        )


# Share of control bytes (NUL and other C0 controls but tab, line ends, form feed and escape) above
# which content is binary: random or compressed bytes have about 10 %, text a stray few per 10,000
# (a NUL pasted in, a NUL-padded tail, which is not counted).
_BINARY_CONTROLS = 0.01
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")


def _control_share(head: bytes) -> float:
    if b"\x00" not in head:
        return 0.0  # without a NUL nothing here is binary (legacy text may hold other controls)
    body = head.rstrip(b"\x00")
    return len(_CONTROL_BYTES.findall(body)) / len(body) if body else 1.0


def _is_utf16(head: bytes) -> bool:
    """UTF-16 or UTF-32, with or without a byte-order mark (their zero bytes are not binary)."""
    bom = _bom_charset(head)
    return bom in ("utf-16", "utf-32") or (bom is None and _wide_unicode(head) is not None)


def declared_charset(content: bytes) -> str | None:
    """The charset the document declares about itself (BOM, XML declaration, ``<meta charset>``)."""
    bom = _bom_charset(content)
    if bom is not None:
        return bom
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
    """Decode bytes to text, returning ``(text, charset)``; see :func:`decode_document`."""
    decoded = decode_document(content, http_charset)
    return decoded.text, decoded.charset


@dataclass(frozen=True, slots=True)
class DecodeFix:
    """Bytes that did not decode in the document's charset, and what stands for them in the text.

    ``offset`` is where ``after`` starts in :attr:`Decoded.text`; ``before`` is the bytes' repr
    (``b'\\x93'``), since they have no text of their own.
    """

    offset: int
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class Decoded:
    """A document's text, the charset it was read in, and every byte that needed help on the way."""

    text: str
    charset: str
    fixes: tuple[DecodeFix, ...] = ()
    # NUL and other C0 controls (not tab, line feed, carriage return, form feed) taken out.
    controls_removed: int = 0


def decode_document(content: bytes, http_charset: str | None = None) -> Decoded:
    """Decode a document's bytes the way a reader of its language would see them.

    Order of trust: a byte-order mark, UTF-16/32 told by its zero bytes, the HTTP header and the
    document's own declaration (a declaration that fails to decode is ignored: mislabelled pages
    are common), UTF-8, UTF-8 with a few bad bytes (each bad run decoded on its own and reported
    in ``fixes``), then the legacy code page the text reads best in (:mod:`storyline.sources.legacy`).
    Control characters no text holds are removed wherever they are, and counted.
    """
    text, charset, fixes = _decode(content, http_charset)
    clean, removed = _strip_controls(text)
    if removed and fixes:
        fixes = _shift_fixes(text, fixes)
    return Decoded(clean, charset, fixes, removed)


def decoding_repairs(decoded: Decoded, text: str) -> tuple[Repair, ...]:
    """The decoding's fixes as repairs of ``text`` (an article made from ``decoded.text``).

    Extraction moves and drops lines, so each fix is found again by its context on its own line;
    a fix whose line left the article (or whose context is not unique) is not reported, since it
    changed nothing the reader sees. Removed control characters are one repair at offset 0 with an
    empty ``after`` (they have no place left in the text).
    """
    repairs: list[Repair] = []
    kind = f"decode:{decoded.charset}"
    for fix in decoded.fixes:
        offset = _find_again(decoded.text, fix, text)
        if offset is not None:
            repairs.append(Repair(kind, fix.before, fix.after, offset))
    if decoded.controls_removed:
        count = decoded.controls_removed
        repairs.append(Repair("decode:controls", f"{count} control character{'s' * (count != 1)}", "", 0))
    return tuple(repairs)


def _find_again(source: str, fix: DecodeFix, text: str) -> int | None:
    end = fix.offset + len(fix.after)
    line_start = max(source.rfind("\n", 0, fix.offset), source.rfind("\r", 0, fix.offset)) + 1
    line_end = min(
        (i for i in (source.find("\n", end), source.find("\r", end)) if i >= 0), default=len(source)
    )
    for width in (24, 12, 6):
        # Extraction strips each line's ends, so a context that reaches one is stripped too.
        start, stop = max(line_start, fix.offset - width), min(line_end, end + width)
        left = source[start : fix.offset].lstrip() if start == line_start else source[start : fix.offset]
        right = source[end:stop].rstrip() if stop == line_end else source[end:stop]
        needle = left + fix.after + right
        first = text.find(needle)
        if first >= 0 and text.find(needle, first + 1) < 0:
            return first + len(left)
    return None


def _decode(content: bytes, http_charset: str | None) -> tuple[str, str, tuple[DecodeFix, ...]]:
    bom = _bom_charset(content)
    if bom is not None:
        return content.decode(bom, errors="replace"), bom, ()
    # UTF-16/32 before anything else: ASCII in UTF-16 is also valid UTF-8, NULs and all.
    wide = _wide_unicode(content) if b"\x00" in content[:_HEAD] else None
    if wide is not None:
        return content.decode(wide, errors="replace"), wide, ()
    for charset in (c for c in (http_charset, declared_charset(content)) if c):
        try:
            name = codecs.lookup(charset).name
        except LookupError:
            continue
        if name == "utf-8":
            break  # a UTF-8 declaration: the UTF-8 path below, with its per-region fallback
        if name.startswith(("utf-16", "utf-32")):
            # Readable ASCII markup cannot be UTF-16; browsers read such a declaration as UTF-8.
            continue
        try:
            text = content.decode(name)
        except UnicodeDecodeError:
            continue
        # Browsers treat a declared latin-1 as windows-1252; so do we, or curly quotes turn into C1 controls.
        if name in ("iso8859-1", "ascii"):
            return content.decode("cp1252", errors="replace"), "cp1252", ()
        return text, name, ()
    try:
        return content.decode("utf-8"), "utf-8", ()
    except UnicodeDecodeError:
        pass
    mostly = _mostly_utf8(content)
    if mostly is not None:
        return mostly[0], "utf-8", mostly[1]
    from storyline.sources.legacy import guess_legacy

    charset = guess_legacy(content)
    return content.decode(charset, errors="replace"), charset, ()


def _bom_charset(content: bytes) -> str | None:
    # UTF-32 LE's mark starts with UTF-16 LE's, so it is checked first.
    for bom, name in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if content.startswith(bom):
            return name
    return None


def _wide_unicode(content: bytes) -> str | None:
    """UTF-16 or UTF-32 without a byte-order mark, told by where the zero bytes fall.

    Text in one script puts the same high byte in every code unit: zero for ASCII and Latin-1 (and
    for spaces and digits in any script), so one byte position of each unit is often zero and the
    other almost never. The decoded text must then read as text (printable, no controls).
    """
    head = content[: _HEAD * 2]
    for width, names in ((4, ("utf-32-le", "utf-32-be")), (2, ("utf-16-le", "utf-16-be"))):
        units = len(head) // width
        if units < 8:
            continue
        zeros = [
            sum(1 for i in range(pos, units * width, width) if head[i] == 0) / units for pos in range(width)
        ]
        # Little-endian: the high bytes (last positions) are zero; big-endian: the first.
        for name, high, low in ((names[0], zeros[-1], zeros[0]), (names[1], zeros[0], zeros[-1])):
            if high >= _WIDE_HIGH_ZEROS and low <= _WIDE_LOW_ZEROS and _reads_as_text(head, name, width):
                return name
    return None


# In UTF-16 text at least a tenth of code units are ASCII (spaces, digits, punctuation) whatever the
# script; a zero low byte is a rare character (U+0100, U+0400...), so 2 % allows for a few of them.
_WIDE_HIGH_ZEROS = 0.1
_WIDE_LOW_ZEROS = 0.02


def _reads_as_text(head: bytes, name: str, width: int) -> bool:
    try:
        text = head[: len(head) // width * width].decode(name)
    except UnicodeDecodeError:
        return False
    if not text:
        return False
    odd = sum(1 for c in text if not (c.isprintable() or c in "\t\n\r\f"))
    return odd / len(text) <= 0.01


def _mostly_utf8(content: bytes) -> tuple[str, tuple[DecodeFix, ...]] | None:
    """UTF-8 with a few bad runs of bytes: each run decoded on its own, the rest left as UTF-8.

    One pasted Windows-1252 quote must not turn a whole UTF-8 file into mojibake. It is UTF-8 when
    its valid multi-byte characters far outnumber the bad runs; otherwise it is a legacy code page.
    """
    # One pass: every bad byte becomes a lone surrogate (U+DC80-U+DCFF), found again below.
    escaped = content.decode("utf-8", errors="surrogateescape")
    runs = list(_ESCAPED.finditer(escaped))
    wide = sum(1 for c in escaped if c > "\x7f") - sum(len(run.group()) for run in runs)
    if wide < _UTF8_EVIDENCE * len(runs):
        return None
    fallback = _fallback_code_page(_ESCAPED.sub("", escaped))
    text: list[str] = []
    fixes: list[DecodeFix] = []
    length = previous = 0
    for run in runs:
        text.append(escaped[previous : run.start()])
        length += run.start() - previous
        raw = bytes(ord(c) - 0xDC00 for c in run.group())
        after = _decode_run(raw, fallback)
        fixes.append(DecodeFix(length, repr(raw), after))
        text.append(after)
        length += len(after)
        previous = run.end()
    text.append(escaped[previous:])
    return "".join(text), tuple(fixes)


_ESCAPED = re.compile("[\udc80-\udcff]+")
# Valid non-ASCII characters needed per bad run to call a file UTF-8: a legacy file almost never
# forms valid UTF-8 sequences by chance, so a few to one is already clear.
_UTF8_EVIDENCE = 4


def _fallback_code_page(valid: str) -> str:
    """The legacy code page of the script the rest of the text is written in."""
    letters = [c for c in valid if c.isalpha() and not c.isascii()]
    if not letters:
        return "cp1252"
    cyrillic = sum("\u0400" <= c <= "\u04ff" for c in letters)
    greek = sum("\u0370" <= c <= "\u03ff" for c in letters)
    central = sum(c in "ąćęłńśźżĄĆĘŁŃŚŹŻčďěňřšťůžČĎĚŇŘŠŤŮŽőűŐŰ" for c in letters)
    turkish = sum(c in "ğıİşĞŞ" for c in letters)
    share = {"cp1251": cyrillic, "cp1253": greek, "cp1250": central, "cp1254": turkish}
    best = max(share, key=lambda k: share[k])
    return best if share[best] * 2 > len(letters) else "cp1252"


def _decode_run(raw: bytes, code_page: str) -> str:
    """A bad run read in the fallback code page, or U+FFFD where that reads as junk.

    A run that is a cut-off UTF-8 character (``\\xe2\\x80``) would read as mojibake (``â€``) in
    any code page: it becomes U+FFFD, as does a byte the code page leaves undefined.
    """
    if len(raw) > 1 and 0xC2 <= raw[0] <= 0xF4 and all(0x80 <= b <= 0xBF for b in raw[1:]):
        return "\ufffd"
    text = raw.decode(code_page, errors="replace")
    return "".join(c if c.isprintable() else "\ufffd" for c in text)


_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _strip_controls(text: str) -> tuple[str, int]:
    """NUL and the other C0 controls (and DEL) out of the text; tab, line ends and form feed stay."""
    clean, count = _CONTROLS.subn("", text)
    return clean, count


def _shift_fixes(text: str, fixes: tuple[DecodeFix, ...]) -> tuple[DecodeFix, ...]:
    """Move fix offsets to where they land once controls before them are removed."""
    shifted = []
    for fix in fixes:
        removed = len(_CONTROLS.findall(text, 0, fix.offset))
        shifted.append(DecodeFix(fix.offset - removed, fix.before, fix.after))
    return tuple(shifted)
