"""Type and charset are judged from the content, not the file name."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from storyline.errors import BinaryInput, EmptyInput, UnsupportedInput
from storyline.model import ContentKind
from storyline.sources.sniff import decode, sniff
from tests.conftest import DEMO


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("pages/harbor-courier/kirkby-town-win-northern-cup.html", ContentKind.HTML),
        ("text/lakeside-observer/rescuers-search-vietnam-landslide.txt", ContentKind.TEXT),
        ("feeds/meridian-wire-rss.xml", ContentKind.FEED),
        ("feeds/eastbridge-post-atom.xml", ContentKind.FEED),
        ("exports/clippings.jsonl", ContentKind.JSONL),
    ],
)
def test_demo_files_are_recognised(path: str, kind: ContentKind) -> None:
    assert sniff((DEMO / path).read_bytes()) is kind


def test_bad_files_are_named() -> None:
    with pytest.raises(EmptyInput):
        sniff((DEMO / "text/empty.txt").read_bytes())
    with pytest.raises(BinaryInput, match="image/png"):
        sniff((DEMO / "pages/chart.png").read_bytes())
    with pytest.raises(BinaryInput):
        sniff((DEMO / "pages/broken-upload.html").read_bytes())
    with pytest.raises(UnsupportedInput):
        sniff(b'<?xml version="1.0"?><invoice><total>3</total></invoice>')


def test_content_wins_over_the_extension(tmp_path: Path) -> None:
    page = (DEMO / "pages/harbor-courier/kirkby-town-win-northern-cup.html").read_bytes()
    assert sniff(page, "saved.txt") is ContentKind.HTML
    assert sniff(b"Just a line of text.\nAnd another one.", "story.html") is ContentKind.TEXT
    assert sniff(b"WARC/1.0\r\nWARC-Type: warcinfo\r\n") is ContentKind.WARC


def test_charsets() -> None:
    declared = (DEMO / "pages/northgate-ledger/fernhall-breach-regulator-inquiry.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        declared.decode("utf-8")
    text, charset = decode(declared)
    assert charset == "cp1252" and "£" in text
    undeclared = (DEMO / "text/bayline-daily/fernhall-raises-hack-toll.txt").read_bytes()
    text, charset = decode(undeclared)
    assert charset == "cp1252" and "£40 account credit" in text
    no_meta = (DEMO / "pages/capital-dispatch/eight-week-tb-regimen-matches-standard.html").read_bytes()
    assert decode(no_meta)[1] == "utf-8"
    assert decode("Grüße".encode("utf-16"))[0] == "Grüße"


def test_gzipped_pages_are_read(tmp_path: Path) -> None:
    import storyline

    page = (DEMO / "pages/harbor-courier/kirkby-town-win-northern-cup.html").read_bytes()
    (tmp_path / "page.html.gz").write_bytes(gzip.compress(page))
    report = storyline.ingest([tmp_path / "page.html.gz"], db=tmp_path / "t.db")
    assert len(report.ingested) == 1
    assert "Kirkby" in (storyline.articles(db=tmp_path / "t.db")[0].article.title or "")


def test_sources_give_every_document_its_content_kind(tmp_path: Path) -> None:
    """Sniffed once, by the source: each file, feed item and JSON Lines record carries what it is."""
    from storyline.config import FetchConfig, SourceConfig
    from storyline.model import RawDocument, Skip
    from storyline.sources import iter_documents

    inputs = [
        DEMO / "pages/harbor-courier/kirkby-town-win-northern-cup.html",
        DEMO / "text/lakeside-observer/rescuers-search-vietnam-landslide.txt",
        DEMO / "exports/clippings.jsonl",
    ]
    # Feed items are read from their own content (no page fetched for a teaser).
    fetch = FetchConfig(fetch_feed_links=False)
    documents = [d for d in iter_documents(inputs, SourceConfig(), fetch) if isinstance(d, RawDocument)]
    kinds = {d.locator.rsplit("/", 1)[-1]: d.content_kind for d in documents}
    assert kinds["kirkby-town-win-northern-cup.html"] is ContentKind.HTML
    assert kinds["rescuers-search-vietnam-landslide.txt"] is ContentKind.TEXT
    records = [d for d in documents if "clippings.jsonl#" in d.locator]
    assert records and all(d.content_kind in (ContentKind.HTML, ContentKind.TEXT) for d in records)
    feed = list(iter_documents([DEMO / "feeds/meridian-wire-rss.xml"], SourceConfig(), fetch))
    items = [d for d in feed if isinstance(d, RawDocument)]
    assert items and all(d.content_kind is not None for d in items)
    # An entry whose bytes are binary is a named skip at the source, before extraction.
    binary = tmp_path / "bad.jsonl"
    binary.write_text('{"title": "x", "text": "\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005"}\n')
    (skip,) = iter_documents([binary], SourceConfig(), fetch)
    assert isinstance(skip, Skip) and skip.code == "binary", skip


def test_program_source_beside_the_news_is_a_named_skip(tmp_path: Path) -> None:
    """A folder of news often holds the script that fetched it: a .py file reads as plain text, and
    became a story titled "#!/usr/bin/env python3"."""
    import storyline

    news = tmp_path / "news"
    news.mkdir()
    (news / "fetch_news.py").write_text("#!/usr/bin/env python3\nimport json\nprint('hello')\n")
    (news / "settings.yaml").write_text("feeds:\n  - https://example.org/feed.xml\n")
    story = DEMO / "text/lakeside-observer/rescuers-search-vietnam-landslide.txt"
    (news / "landslide.txt").write_bytes(story.read_bytes())
    # The demo folder's own truth table and outlets list sit beside its news the same way.
    (news / "truth.json").write_bytes((DEMO.parent / "truth.json").read_bytes())
    (news / "outlets.txt").write_bytes((DEMO.parent / "outlets.txt").read_bytes())
    report = storyline.ingest([news], db=tmp_path / "t.db")
    assert len(report.ingested) == 1
    skipped = {s.locator.rsplit("/", 1)[-1]: s for s in report.skipped}
    assert set(skipped) == {"fetch_news.py", "settings.yaml", "truth.json", "outlets.txt"}
    assert all(s.code == "not-news" for s in skipped.values())
    assert "rename it to .txt" in skipped["fetch_news.py"].message
    assert "--outlets" in skipped["outlets.txt"].message


def test_a_json_document_or_a_settings_file_beside_the_news_is_not_news() -> None:
    from storyline.errors import NotNews

    # The demo folder's truth table and outlets list became stories titled "{" and "# The demo ...".
    with pytest.raises(NotNews, match="JSON document"):
        sniff(b'{\n  "outlets": [\n    {"name": "Meridian Wire"}\n  ]\n}\n', "truth.json")
    with pytest.raises(NotNews, match="settings file"):
        sniff(b"# outlets of the folders\nbayline-daily = Bayline Daily\nlakeside = The Lakeside Observer\n")
    # News with header lines is still text, and one JSON object a line is JSON Lines.
    news = b"Title: Port strike ends\nDate: 2026-10-19\n\nDock workers returned to work on Monday after a deal.\n"
    assert sniff(news) is ContentKind.TEXT
    assert sniff(b'{"title": "Port strike ends", "text": "Dock workers returned."}\n') is ContentKind.JSONL
