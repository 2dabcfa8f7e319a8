"""Hostile servers and names: a bomb in the content encoding, DNS rebinding, names that resolve to
private addresses. The server is hostile_server.py on 127.0.0.1, started and stopped by the test;
DNS answers are faked by replacing ``socket.getaddrinfo`` for made-up names only."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import storyline
from storyline.config import FetchConfig, PipelineConfig
from storyline.errors import FetchError, Stopped
from storyline.sources.web import Fetcher
from tests.hostile.conftest import fake_dns, hits

HERE = Path(__file__).resolve().parent


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """An HTTPS hostile_server.py with a self-signed certificate for the name pinned.test only."""
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is not installed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    request = ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=pinned.test"]
    subprocess.run(
        [
            openssl,
            *request,
            "-addext",
            "subjectAltName=DNS:pinned.test",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    process = subprocess.Popen(
        [sys.executable, str(HERE / "hostile_server.py"), "0.3", str(cert), str(key)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip(), cert
    finally:
        with contextlib.suppress(ProcessLookupError):  # already gone is fine
            os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


def config(**fetch: Any) -> PipelineConfig:
    return PipelineConfig(
        fetch=FetchConfig(**{"respect_robots": False, "timeout_s": 2, **fetch}), analyze_on_ingest=False
    )


def test_rebinding_name_connects_to_the_address_it_checked(
    server: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    port = server.rsplit(":", 1)[1]
    # First answer public (what a check sees), every later one 127.0.0.1 (what a second lookup for
    # the connection would get).
    lookups = fake_dns(monkeypatch, lambda n: ["93.184.216.34"] if n == 0 else ["127.0.0.1"])
    before = hits(server)
    report = storyline.ingest([f"http://rebind.test:{port}/echo-host"], db=tmp_path / "t.db", config=config())
    assert lookups == ["rebind.test"]  # one lookup: the connection went to the checked address
    assert [s.code for s in report.skipped] == ["fetch-failed"]  # 93.184.216.34 is not reachable here
    assert hits(server) == before  # and nothing reached the local server


def test_name_resolving_to_loopback_or_mixed_answers_is_refused(
    server: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    port = server.rsplit(":", 1)[1]
    fake_dns(monkeypatch, lambda n: ["93.184.216.34", "127.0.0.1"] if n % 2 else ["127.0.0.1"])
    before = hits(server)
    report = storyline.ingest(
        [f"http://local.test:{port}/echo-host", f"http://mixed.test:{port}/echo-host"],
        db=tmp_path / "t.db",
        config=config(),
    )
    assert [s.code for s in report.skipped] == ["forbidden", "forbidden"]
    assert all("--allow-private" in s.message for s in report.skipped)
    assert hits(server) == before


def test_pinned_connection_keeps_the_host_header(
    server: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    port = server.rsplit(":", 1)[1]
    fake_dns(monkeypatch, lambda n: ["127.0.0.1"])
    report = storyline.ingest(
        [f"http://pinned.test:{port}/echo-host"], db=tmp_path / "t.db", config=config(allow_private=True)
    )
    assert len(report.ingested) == 1 and not report.skipped
    article = storyline.articles(db=tmp_path / "t.db")[0].article
    assert f"pinned.test:{port}" in article.text


def test_gzip_content_encoding_bomb_is_capped(server: str, tmp_path: Path) -> None:
    report = storyline.ingest(
        [f"http://{server}/gzip-bomb"],
        db=tmp_path / "t.db",
        config=config(allow_private=True, max_bytes=2**20),
    )
    assert [s.code for s in report.skipped] == ["too-large"]


def test_feed_of_failing_teasers_stops_fetching_after_a_run_of_failures(server: str, tmp_path: Path) -> None:
    items = "".join(
        f"<item><title>T{n}</title><link>http://{server}/missing-{n}</link><description>Teaser.</description></item>"
        for n in range(40)
    )
    (tmp_path / "feed.xml").write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Dead</title>{items}</channel></rss>',
        encoding="utf-8",
    )
    before = hits(server)
    report = storyline.ingest(
        [tmp_path / "feed.xml"], db=tmp_path / "t.db", config=config(allow_private=True)
    )
    assert [s.code for s in report.skipped] == ["fetch-failed"] * 11
    assert report.skipped[-1].message.startswith("30 teaser item(s) not fetched after 10 pages failed")
    assert hits(server) - before == 10


def test_pinned_tls_connection_verifies_the_url_host(
    tls_server: tuple[str, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    port, cert = tls_server
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust the test certificate (httpx reads this)
    fake_dns(monkeypatch, lambda n: ["127.0.0.1"])
    report = storyline.ingest(
        [f"https://pinned.test:{port}/echo-host", f"https://127.0.0.1:{port}/echo-host"],
        db=tmp_path / "t.db",
        config=config(allow_private=True),
    )
    # By name: SNI and the certificate check use pinned.test although the socket went to 127.0.0.1.
    assert len(report.ingested) == 1
    assert f"pinned.test:{port}" in storyline.articles(db=tmp_path / "t.db")[0].article.text
    # By address: the certificate does not name 127.0.0.1, and verification is not switched off.
    assert [s.code for s in report.skipped] == ["fetch-failed"]
    assert "CERTIFICATE_VERIFY_FAILED" in report.skipped[0].message


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_a_fetch_under_way_stops_within_a_second_of_its_cancel_event(
    scheme: str,
    server: str,
    tls_server: tuple[str, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A page dripping one byte every 0.3 s never trips the read timeout; a watcher told to stop
    must not wait for the 60 s deadline (reads wait in slices, a timed-out TLS read made again)."""
    if scheme == "https":
        port, cert = tls_server
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
        fake_dns(monkeypatch, lambda n: ["127.0.0.1"])
        url = f"https://pinned.test:{port}/drip"
    else:
        url = f"http://{server}/drip"
    cancel = threading.Event()
    fetcher = Fetcher(FetchConfig(allow_private=True, respect_robots=False), cancel=cancel)
    threading.Timer(1.5, cancel.set).start()
    started = time.monotonic()
    with fetcher, pytest.raises(Stopped):
        fetcher.fetch(url)
    assert 1.4 < time.monotonic() - started < 2.6


def test_a_slow_server_still_times_out_with_a_cancel_event_unset() -> None:
    """Slicing the reads keeps the per-read timeout: a server that sends nothing is given up on."""
    import socket as sockets

    with sockets.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/"
        fetcher = Fetcher(
            FetchConfig(allow_private=True, respect_robots=False, timeout_s=1.2), cancel=threading.Event()
        )
        started = time.monotonic()
        with fetcher, pytest.raises(FetchError, match="timed out"):
            fetcher.fetch(url)
    assert 1.1 < time.monotonic() - started < 3.0
