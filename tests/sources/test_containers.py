"""Feeds, JSON Lines and WARC: one document per entry, one bad entry never loses the rest."""

from __future__ import annotations

import io
import json
from pathlib import Path

import storyline
from tests.conftest import DEMO

ARTICLE = (
    "<html><head><title>Bridge reopens</title></head><body><article><h1>Bridge reopens</h1>"
    + "<p>The old river bridge reopened to traffic on Monday after eighteen months of repairs, "
    "the city council said, ending long detours for commuters and delivery drivers.</p>"
    * 3
    + "</article></body></html>"
)


def test_feed_items_become_articles(tmp_path: Path) -> None:
    report = storyline.ingest([DEMO / "feeds"], db=tmp_path / "t.db")
    assert len(report.ingested) == 7 and not report.skipped
    stored = storyline.articles(db=tmp_path / "t.db")
    assert all("#" in s.article.locator and s.article.url for s in stored)
    assert all(s.article.published is not None and s.article.byline for s in stored)


def test_malformed_and_empty_feeds_are_named_skips(tmp_path: Path) -> None:
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    (feeds / "broken.xml").write_text("<rss><channel><title>Half a feed</rss></channel>", encoding="utf-8")
    (feeds / "empty.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>',
        encoding="utf-8",
    )
    report = storyline.ingest([feeds], db=tmp_path / "t.db")
    assert {s.code for s in report.skipped} == {"malformed-feed"}
    assert len(report.skipped) == 2


def test_jsonl_bad_line_is_skipped_and_the_rest_kept(tmp_path: Path) -> None:
    good = {"url": "https://example.org/a", "title": "Bridge reopens", "html": ARTICLE, "outlet": "City News"}
    lines = [
        json.dumps(good),
        "{not json",
        json.dumps({"title": "no body"}),
        json.dumps(good | {"url": "https://example.org/b"}),
    ]
    (tmp_path / "export.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = storyline.ingest([tmp_path / "export.jsonl"], db=tmp_path / "t.db")
    assert len(report.ingested) == 2
    assert sorted(s.locator.rsplit("#", 1)[1] for s in report.skipped) == ["2", "3"]
    assert {s.code for s in report.skipped} == {"malformed-record"}
    assert {a.article.outlet for a in storyline.articles(db=tmp_path / "t.db")} == {"City News"}


def test_warc_responses_become_articles(tmp_path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "crawl.warc.gz"
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for url, body, ctype in (
            ("https://news.example/bridge", ARTICLE.encode(), "text/html; charset=utf-8"),
            ("https://news.example/logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "image/png"),
        ):
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers)
            )
    report = storyline.ingest([path], db=tmp_path / "t.db")
    assert len(report.ingested) == 1
    stored = storyline.articles(db=tmp_path / "t.db")[0].article
    assert stored.url == "https://news.example/bridge" and stored.outlet == "news.example"


def test_feed_guid_is_a_link_only_when_it_is_a_url(tmp_path: Path) -> None:
    items = (
        # A permalink guid that is a URL is the item's link: fetched (and here refused, loopback).
        "<item><title>One</title><guid>http://127.0.0.1/one</guid></item>"
        # Opaque guids are ids, never fetched: together they make one skip, not one each.
        + "".join(f"<item><title>N{n}</title><guid>urn:uuid:{n}</guid></item>" for n in range(5))
        + '<item><title>Two</title><guid isPermaLink="false">tag:example.org,2026:2</guid>'
        "<description>" + "Words of a full item body. " * 20 + "</description></item>"
    )
    (tmp_path / "feed.xml").write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>{items}</channel></rss>',
        encoding="utf-8",
    )
    report = storyline.ingest([tmp_path / "feed.xml"], db=tmp_path / "t.db")
    assert sorted(s.code for s in report.skipped) == ["empty", "forbidden"]
    empty = next(s for s in report.skipped if s.code == "empty")
    assert empty.message.startswith("5 feed item(s) have no content and no fetchable link")
    assert len(report.ingested) == 1
    assert storyline.articles(db=tmp_path / "t.db")[0].article.url is None
