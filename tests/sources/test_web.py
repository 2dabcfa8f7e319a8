"""Fetching over HTTP against a real server on 127.0.0.1, started by the test and stopped by its PID."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import storyline
from storyline.config import FetchConfig, PipelineConfig
from storyline.errors import Forbidden
from storyline.sources.web import AddressPolicy, Fetcher, _check_address, parse_url
from tests.conftest import DEMO

PAGE = DEMO / "pages/harbor-courier/kirkby-town-win-northern-cup.html"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = tmp_path_factory.mktemp("site")
    (root / "news").mkdir()
    (root / "private").mkdir()
    (root / "news" / "cup-final.html").write_bytes(PAGE.read_bytes())
    (root / "private" / "secret.html").write_bytes(PAGE.read_bytes())
    (root / "news" / "huge.html").write_bytes(b"<html><body><p>" + b"word " * 400_000 + b"</p></body></html>")
    (root / "robots.txt").write_text("User-agent: *\nDisallow: /private/\n", encoding="utf-8")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    # A teaser-only feed whose items link to pages on this server: storyline fetches the full pages.
    (root / "feed.xml").write_text(
        f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Test Wire</title>
        <item><title>Cup final</title><link>{base}/news/cup-final.html</link><description>Short teaser.</description>
        <pubDate>Sat, 07 Nov 2026 18:00:00 GMT</pubDate></item>
        <item><title>Gone</title><link>{base}/news/missing.html</link><description>Teaser.</description></item>
        </channel></rss>""",
        encoding="utf-8",
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(root)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.05)
        yield base
    finally:
        with contextlib.suppress(ProcessLookupError):  # already gone is fine
            os.kill(server.pid, signal.SIGTERM)
        server.wait(timeout=10)


def _config(**fetch: object) -> PipelineConfig:
    return PipelineConfig(fetch=FetchConfig(**{"allow_private": True, **fetch}))  # type: ignore[arg-type]


def test_loopback_is_refused_unless_allowed(site: str, tmp_path: Path) -> None:
    report = storyline.ingest([f"{site}/news/cup-final.html"], db=tmp_path / "t.db")
    assert [s.code for s in report.skipped] == ["forbidden"]
    assert "--allow-private" in report.skipped[0].message
    report = storyline.ingest([f"{site}/news/cup-final.html"], db=tmp_path / "t.db", config=_config())
    assert len(report.ingested) == 1
    article = storyline.articles(db=tmp_path / "t.db")[0].article
    assert article.locator == f"{site}/news/cup-final.html"
    assert article.outlet == "The Harbor Courier"


def test_private_addresses_and_other_schemes_are_refused() -> None:
    for url in (
        "http://127.0.0.1/",
        "http://10.1.2.3/x",
        "http://[::1]/",
        "http://169.254.169.254/latest/meta-data/",
        # IPv4 embedded in IPv6: NAT64, IPv4-compatible, IPv4-mapped, SIIT, 6to4, Teredo, local NAT64
        "http://[64:ff9b::7f00:1]/",
        "http://[::7f00:1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:0:a00:1]/",
        "http://[2002:7f00:1::]/",
        "http://[2002:c0a8:101::1]/",
        "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/",
        "http://[64:ff9b:1::5db8:d822]/",
        "http://[fe80::1%25eth0]/",
        "http://0.0.0.0/",
        "http://100.64.0.1/",
    ):
        with pytest.raises(Forbidden):
            _check_address(parse_url(url), AddressPolicy(allow_private=False))
    with pytest.raises(Forbidden):
        parse_url("file:///etc/passwd")
    # Public addresses, including a public IPv4 inside NAT64 and 6to4, pass.
    for url in ("http://93.184.216.34/", "http://[64:ff9b::5db8:d822]/", "http://[2002:5db8:d822::1]/"):
        _check_address(parse_url(url), AddressPolicy(allow_private=False))


def test_robots_txt_is_honoured(site: str, tmp_path: Path) -> None:
    report = storyline.ingest([f"{site}/private/secret.html"], db=tmp_path / "t.db", config=_config())
    assert [s.code for s in report.skipped] == ["forbidden"]
    assert "robots.txt" in report.skipped[0].message
    report = storyline.ingest(
        [f"{site}/private/secret.html"], db=tmp_path / "t.db", config=_config(respect_robots=False)
    )
    assert len(report.ingested) == 1


def test_size_cap_and_missing_pages(site: str, tmp_path: Path) -> None:
    report = storyline.ingest(
        [f"{site}/news/huge.html", f"{site}/news/nope.html"],
        db=tmp_path / "t.db",
        config=_config(max_bytes=100_000),
    )
    assert [s.code for s in report.skipped] == ["too-large", "fetch-failed"]
    assert "HTTP 404" in report.skipped[1].message


def test_unreachable_host_is_a_skip(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens here once the socket closes
    report = storyline.ingest(
        [f"http://127.0.0.1:{port}/a.html"], db=tmp_path / "t.db", config=_config(timeout_s=2)
    )
    assert [s.code for s in report.skipped] == ["fetch-failed"]


def test_feed_url_with_teasers_fetches_the_pages(site: str, tmp_path: Path) -> None:
    report = storyline.ingest([f"{site}/feed.xml"], db=tmp_path / "t.db", config=_config())
    assert len(report.ingested) == 1
    assert [s.code for s in report.skipped] == ["fetch-failed"]
    article = storyline.articles(db=tmp_path / "t.db")[0].article
    assert article.url == f"{site}/news/cup-final.html"
    assert article.word_count > 100


def test_user_agent_is_sent(site: str) -> None:
    with Fetcher(FetchConfig(allow_private=True)) as fetcher:
        assert fetcher._headers["User-Agent"].startswith("storyline/")
        raw = fetcher.fetch(f"{site}/news/cup-final.html")
    assert raw.content == PAGE.read_bytes()
