"""Make the hostile-input corpus: every odd or malicious input the source readers must survive.

Nothing here is committed as data: the tests call these functions into a temporary folder, and
``python tests/hostile/make_corpus.py OUT`` makes the whole corpus by hand for a look. The bombs are
small on disk (gzip members of one compressed block repeated) and large only when inflated.
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import os
import random
import stat
import struct
import zlib
from pathlib import Path

# One article, long enough to pass extraction, used wherever a good document is needed.
ARTICLE = (
    "<html><head><title>Bridge reopens</title></head><body><article><h1>Bridge reopens</h1>"
    + "<p>The old river bridge reopened to traffic on Monday after eighteen months of repairs, "
    "the city council said, ending long detours for commuters and delivery drivers.</p>"
    * 3
    + "</article></body></html>"
)
MiB = 1024 * 1024
# A bomb is built from one compressed block of this many inflated bytes (~16 KB), repeated.
_BLOCK = 16 * MiB


def article(topic: str) -> str:
    """A distinct good article (a different headline and first sentence per topic)."""
    return ARTICLE.replace("Bridge reopens", f"{topic.title()} reopens").replace(
        "The old river bridge", f"The old {topic}"
    )


def one_member(prefix: bytes, filler: int, suffix: bytes = b"", byte: bytes = b" ") -> bytes:
    """A single gzip member inflating to ``prefix + byte * filler + suffix``, as a crawler writes one
    record. Built without compressing every byte: after a full flush deflate starts afresh, so the
    same block of input always compresses to the same bytes, which are repeated."""
    deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    parts = [deflate.compress(prefix) + deflate.flush(zlib.Z_FULL_FLUSH)]
    crc = zlib.crc32(prefix)
    whole, rest = divmod(filler, _BLOCK)
    if whole:
        chunk = byte * _BLOCK
        block = deflate.compress(chunk) + deflate.flush(zlib.Z_FULL_FLUSH)
        parts.append(block * whole)
        for _ in range(whole):
            crc = zlib.crc32(chunk, crc)
    tail = byte * rest + suffix
    parts.append(deflate.compress(tail) + deflate.flush())
    crc = zlib.crc32(tail, crc)
    size = len(prefix) + filler + len(suffix)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"
    return header + b"".join(parts) + struct.pack("<II", crc & 0xFFFFFFFF, size & 0xFFFFFFFF)


def gzip_bomb(path: Path, inflated: int) -> Path:
    """A ``.html.gz`` (one gzip member) that starts like a page and inflates to ``inflated`` bytes."""
    head = b"<html><body><p>"
    path.write_bytes(one_member(head, inflated - len(head)))
    return path


def _warc_record(url: str, body_length: int, date: str = "2026-11-07T18:00:00Z") -> tuple[bytes, bytes]:
    """(WARC + HTTP headers, the bytes that close the record) of an HTML response whose HTTP body is
    ``body_length`` bytes."""
    http = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
        + f"Content-Length: {body_length}\r\n\r\n".encode()
    )
    warc = (
        "WARC/1.0\r\nWARC-Type: response\r\n"
        f"WARC-Target-URI: {url}\r\nWARC-Date: {date}\r\n"
        "WARC-Record-ID: <urn:uuid:" + f"{abs(hash(url)):032x}"[:32] + ">\r\n"
        "Content-Type: application/http; msgtype=response\r\n"
        f"Content-Length: {len(http) + body_length}\r\n\r\n"
    ).encode()
    return warc + http, b"\r\n\r\n"


def warc_record(url: str, body: bytes) -> bytes:
    """One whole, uncompressed WARC response record."""
    head, tail = _warc_record(url, len(body))
    return head + body + tail


def warc_bomb(path: Path, inflated: int, *, good_after: bool = True) -> Path:
    """A ``.warc.gz`` whose first record's page inflates to ``inflated`` bytes, then (optionally) one
    good record, so a reader that skips the bomb record can be seen to go on."""
    head, tail = _warc_record("https://bomb.example/page", inflated)
    opening = b"<html><body><p>"
    # The bomb record is one gzip member, as a crawler writes it (warcio reads a member at a time).
    parts = [one_member(head + opening, inflated - len(opening), tail)]
    if good_after:
        parts.append(gzip.compress(warc_record("https://news.example/after", article("bridge").encode())))
    path.write_bytes(b"".join(parts))
    return path


def truncated_warc(path: Path, *, gzipped: bool) -> Path:
    """A WARC with one good record, then a record cut 200 bytes before its end (a partial download)."""
    good = warc_record("https://news.example/whole", article("bridge").encode())
    cut = warc_record("https://news.example/cut", article("tunnel").encode())
    if gzipped:
        # Each record its own gzip member, as crawlers write them; the second member is cut in half.
        member = gzip.compress(cut)
        data = gzip.compress(good) + member[: len(member) // 2]
    else:
        data = good + cut[:-200]
    path.write_bytes(data)
    return path


def long_header_warc(path: Path, length: int) -> Path:
    """A gzipped "WARC" whose first header line never ends (a bomb aimed at warcio's readline)."""
    path.write_bytes(one_member(b"WARC/1.0\r\nWARC-Type: ", length, byte=b"x"))
    return path


def huge_feed(path: Path, items: int) -> Path:
    """An RSS feed of ``items`` items each with a non-URL guid and no content or link."""
    body = "".join(
        f"<item><title>Item {n}</title><guid>urn:uuid:{n:08d}-0000-4000-8000-000000000000</guid></item>"
        for n in range(items)
    )
    path.write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Flood</title>{body}</channel></rss>',
        encoding="utf-8",
    )
    return path


# Malformed URLs, each a bad-url skip of its own record: a bare ACE prefix, an unclosed IPv6 bracket, a
# label over 63 characters, a port out of range, an IPv4 part that is not octal, an ideographic space.
BAD_URLS = (
    "http://xn--/a",
    "http://[::1/b",
    "http://" + "a" * 64 + ".example/c",
    "http://news.example:99999/d",
    "http://08.0.0.1/e",
    "http://news\u3000example/f",
)


def _paragraphs(topic: str) -> str:
    return (
        f"<p>The old {topic} reopened to traffic on Monday after eighteen months of repairs, "
        "the city council said, ending long detours for commuters and delivery drivers.</p>"
    ) * 4


def bad_url_export(path: Path) -> Path:
    """A JSON Lines export: one record per malformed URL, then a good record."""
    records = [{"url": url, "html": article(f"record {n}")} for n, url in enumerate(BAD_URLS)]
    records.append({"url": "https://news.example/good", "html": article("export")})
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return path


def nul_export(path: Path) -> Path:
    """A JSON Lines export whose title and outlet hold NUL (an internal-error skip on PostgreSQL,
    which refuses NUL in text, while SQLite stored it): stored without it on both."""
    record = {
        "url": "https://news.example/nul",
        "title": "Harbour\u0000 reopens",
        "outlet": "Harbour\u0000 Gazette",
        "html": article("harbour"),
    }
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    return path


def bad_links_feed(path: Path) -> Path:
    """An RSS feed whose items carry their whole text: one per malformed link, then a good item."""
    links = [*BAD_URLS, "https://news.example/feed-good"]
    items = "".join(
        f"<item><title>Item {n}</title><guid>item-{n}</guid><link>{html.escape(link)}</link>"
        f"<description>{html.escape(_paragraphs(f'bridge {n}'))}</description></item>"
        for n, link in enumerate(links)
    )
    path.write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Bad links</title><link>http://[::1</link>'
        f"{items}</channel></rss>",
        encoding="utf-8",
    )
    return path


_WORDS = (
    "the council said bridge river traffic officials repairs commuters drivers monday minister "
    "report budget week harbour town residents police station court judge water power plant"
).split()


def long_page(path: Path, size: int, *, seed: int = 1) -> Path:
    """An article page of ``size`` bytes, all of it main text: distinct paragraphs of news words
    (none repeats, so no line looks like a template). 19 MB of it took 310 s and 2.4 GB; 200 MB ran
    for over 30 minutes at 3.2 GB and stored nothing."""
    draw = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        out.write(
            "<html><head><title>A very long page</title></head><body><article><h1>A very long page</h1>"
        )
        written, n = 0, 0
        while written < size:
            words = " ".join(draw.choice(_WORDS) for _ in range(60))
            paragraph = f"<p>Paragraph {n}: {words.capitalize()}.</p>\n"
            written += out.write(paragraph)
            n += 1
        out.write("</article></body></html>")
    return path


def fifo(path: Path) -> Path:
    os.mkfifo(path)
    return path


def zero_symlink(path: Path) -> Path:
    """A symlink named like a page that points at /dev/zero (endless, and stat says 0 bytes)."""
    path.symlink_to("/dev/zero")
    return path


def escaping_links(folder: Path, inside: str) -> dict[str, Path]:
    """Symlinks in ``folder``: out of it (to /etc/passwd and /etc/os-release, this process's environment and status, a
    system folder, the parent folder), to the file ``inside`` it, in a loop, and to nothing."""
    links = {
        "link-passwd": ("link-passwd.txt", "/etc/passwd"),
        "link-os-release": ("link-os-release.txt", "/etc/os-release"),
        "link-environ": ("link-environ.txt", "/proc/self/environ"),
        "link-status": ("link-status.txt", "/proc/self/status"),
        "link-etc": ("link-etc", "/etc"),
        "link-up": ("link-up", ".."),
        "link-inside": ("link-inside.html", inside),
        "link-loop-a": ("link-loop-a.html", "link-loop-b.html"),
        "link-loop-b": ("link-loop-b.html", "link-loop-a.html"),
        "link-dangling": ("link-dangling.html", "link-nowhere.html"),
    }
    made = {}
    for key, (name, target) in links.items():
        (folder / name).symlink_to(target)
        made[key] = folder / name
    return made


def non_utf8_name(folder: Path, body: str) -> Path:
    """A file whose name holds a byte that is not UTF-8 (Latin-1 é), as old archives and Samba give."""
    raw = os.fsencode(folder) + b"/caf\xe9-" + b"news.html"
    with open(raw, "wb") as handle:
        handle.write(body.encode("utf-8"))
    return Path(os.fsdecode(raw))


def unreadable_folder(path: Path, body: str) -> Path:
    """A folder with a page in it and no permissions at all."""
    path.mkdir()
    (path / "hidden-page.html").write_text(body, encoding="utf-8")
    path.chmod(0)
    return path


def make_all(
    out: Path, *, bomb_bytes: int = 1024 * MiB, feed_items: int = 50_000, page_bytes: int = 0
) -> dict[str, Path]:
    """Every case in ``out``: bombs inflating to ``bomb_bytes``, a feed of ``feed_items`` items, a
    page whose text is longer than any article, good pages around the bad ones, and (when
    ``page_bytes`` is given) a page of that many bytes of text."""
    out.mkdir(parents=True, exist_ok=True)
    made = {
        "a-good": out / "a-good.html",
        "gzip-bomb": gzip_bomb(out / "gzip-bomb.html.gz", bomb_bytes),
        "warc-bomb": warc_bomb(out / "warc-bomb.warc.gz", bomb_bytes),
        "truncated-warc": truncated_warc(out / "truncated.warc", gzipped=False),
        "truncated-warc-gz": truncated_warc(out / "truncated-gz.warc.gz", gzipped=True),
        "long-header-warc": long_header_warc(out / "long-header.warc.gz", 64 * MiB),
        "huge-feed": huge_feed(out / "huge-feed.xml", feed_items),
        "bad-url-export": bad_url_export(out / "bad-urls.jsonl"),
        "bad-links-feed": bad_links_feed(out / "bad-links-feed.xml"),
        "nul-export": nul_export(out / "nul.jsonl"),
        "fifo": fifo(out / "fifo.html"),
        "zero": zero_symlink(out / "zero.html"),
        "non-utf8": non_utf8_name(out, article("harbour")),
        "unreadable": unreadable_folder(out / "locked", article("ferry")),
        # 11 million characters of text: over ExtractConfig.max_page_text_chars (10,000,000).
        "too-long": long_page(out / "too-long.html", 11 * MiB),
        "z-good": out / "z-good.html",
    }
    if page_bytes:
        made["huge-page"] = long_page(out / "huge-page.html", page_bytes)
    made |= escaping_links(out, "a-good.html")
    made["a-good"].write_text(article("bridge"), encoding="utf-8")
    made["z-good"].write_text(article("station"), encoding="utf-8")
    return made


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path, help="folder to make the corpus in (created)")
    parser.add_argument("--bomb-mib", type=int, default=1024, help="inflated size of each bomb, MiB")
    parser.add_argument(
        "--page-mib", type=int, default=19, help="size of the huge page of text, MiB (0: none)"
    )
    args = parser.parse_args()
    made = make_all(args.out, bomb_bytes=args.bomb_mib * MiB, page_bytes=args.page_mib * MiB)
    for name, path in made.items():
        mode = os.lstat(path).st_mode
        kind = "link" if stat.S_ISLNK(mode) else "folder" if stat.S_ISDIR(mode) else "file"
        print(f"{name:18} {kind:6} {os.fsencode(path).decode('utf-8', 'backslashreplace')}")


if __name__ == "__main__":
    main()
