"""Malformed hosts and legacy address spellings (issue 26, item 2): one parser reads every URL; a
malformed one is a ``bad-url`` skip of that URL alone, in a batch, a redirect chain, a feed, a JSON
Lines export, the command line and the Python API; the private-address check judges the address the
spelling means; link-local and metadata addresses need ``--allow-address`` even with
``--allow-private``. Pages and feeds come from hostile_server.py on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from typer.testing import CliRunner

import storyline
from storyline.config import FetchConfig, PipelineConfig
from storyline.errors import BadUrl, ConfigError, Forbidden
from storyline.model import IngestReport
from storyline.sources.web import AddressPolicy, Fetcher, _check_address, parse_url
from tests.hostile import make_corpus as corpus
from tests.hostile.conftest import fake_dns, hits

LONG_LABEL = "a" * 64

# Each spelling and what it means (None: malformed, a bad-url skip).
SPELLINGS = {
    "http://0177.0.0.1/x": "http://127.0.0.1/x",
    "http://127.000.000.001/": "http://127.0.0.1/",
    "http://0x7f.1/": "http://127.0.0.1/",
    "http://0x7F.0.0.1/": "http://127.0.0.1/",
    "http://2130706433/": "http://127.0.0.1/",
    "http://127.1/": "http://127.0.0.1/",
    "http://①②⑦.0.0.1/": "http://127.0.0.1/",
    "http://１２７.０.０.１/": "http://127.0.0.1/",
    "http://127。0。0。1/": "http://127.0.0.1/",
    "http://[::1]/": "http://[::1]/",
    "http://[0:0:0:0:0:0:0:1]:8080/": "http://[::1]:8080/",
    "http:\\\\127.0.0.1\\x": "http://127.0.0.1/x",
    "http:/\\news.example\\a\\b?q=\\": "http://news.example/a/b?q=\\",
    "http://news.example\\@127.0.0.1/": "http://news.example/@127.0.0.1/",
    "  HTTP://News.Example:80/a\tb\n ": "http://news.example/ab",
    "https://Bücher.example:443": "https://xn--bcher-kva.example/",
    "http://my_host.example/": "http://my_host.example/",
    "http://news.example./": "http://news.example./",
    "http://news.example/a b\x01c": "http://news.example/a%20b%01c",
    "http://xn--bcher-kva.example/": "http://xn--bcher-kva.example/",
    "http://xn--/": None,
    "http://xn--zz.example/": None,
    "http://[::1/": None,
    "http://[::1]x/": None,
    "http://[::g]/": None,
    f"http://{LONG_LABEL}.example/": None,
    "http://" + ".".join(["abcdefghij"] * 24) + "/": None,
    "http:///x": "http://x/",  # the standard skips every slash before the host
    "http://:80/": None,
    "http://news.example:0/": None,
    "http://news.example:65536/": None,
    "http://news.example:99999999999999999999/": None,
    "http://news.example:８０/": None,
    "http://news.example:-1/": None,
    "http://08.0.0.1/": None,
    "http://256.0.0.1/": None,
    "http://1.2.3.4.5/": None,
    "http://4294967296/": None,
    "http://0x1g.example.0x/": None,
    "http://a..b/": None,
    "http://exa mple.com/": None,
    "http://%zz/": None,
    "http://%00.example/": None,
    "http://\u200d.example/": None,
    "http://💩.example/": None,
}


@pytest.mark.parametrize(("text", "meant"), SPELLINGS.items(), ids=[repr(k)[:40] for k in SPELLINGS])
def test_every_spelling_is_read_as_a_browser_reads_it_or_named_bad(text: str, meant: str | None) -> None:
    if meant is None:
        with pytest.raises(BadUrl):
            parse_url(text)
    else:
        assert parse_url(text).text == meant


def test_the_private_check_judges_the_address_meant() -> None:
    strict, private = AddressPolicy(), AddressPolicy(allow_private=True)
    for text in ("http://0177.0.0.1/x", "http://①②⑦.0.0.1/", "http://0x7f.1/", "http://2130706433/"):
        with pytest.raises(Forbidden, match=r"127\.0\.0\.1 is not a public address"):
            _check_address(parse_url(text), strict)
        _check_address(parse_url(text), private)


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://0251.0376.0251.0376/",  # 169.254.169.254 in octal
        "http://[fd00:ec2::254]/",
        "http://100.100.100.200/",
        "http://[::ffff:169.254.169.254]/",
        "http://[fe80::1%25eth0]/",
    ],
)
def test_metadata_addresses_need_allow_address_even_with_allow_private(url: str) -> None:
    parsed = parse_url(url)
    with pytest.raises(Forbidden, match="--allow-address"):
        _check_address(parsed, AddressPolicy(allow_private=True))
    assert parsed.address is not None
    named = str(parsed.address).split("%")[0]
    _check_address(parsed, AddressPolicy.of(FetchConfig(allow_addresses=(named,))))


def test_allow_address_opens_one_private_address_only() -> None:
    policy = AddressPolicy.of(FetchConfig(allow_addresses=("10.0.0.5", "fd12::/16")))
    _check_address(parse_url("http://10.0.0.5/"), policy)
    _check_address(parse_url("http://012.0.0.5/"), policy)  # the same address, in octal
    _check_address(parse_url("http://[fd12::1]/"), policy)
    with pytest.raises(Forbidden, match="--allow-private"):
        _check_address(parse_url("http://10.0.0.6/"), policy)
    with pytest.raises(ConfigError, match="not an IP address"):
        Fetcher(FetchConfig(allow_addresses=("not-an-address",)))


def config(**fetch: Any) -> PipelineConfig:
    return PipelineConfig(
        fetch=FetchConfig(**{"respect_robots": False, "timeout_s": 2, **fetch}), analyze_on_ingest=False
    )


def outcomes(report: IngestReport) -> list[tuple[str, str]]:
    return [(s.locator.rsplit("/", 1)[-1], s.code) for s in report.skipped]


def test_bad_urls_in_a_batch_cost_only_themselves(server: str, tmp_path: Path) -> None:
    port = server.rsplit(":", 1)[1]
    inputs = [
        f"http://{server}/article/first",
        "http://xn--/x",
        "http://[::1",
        f"http://{LONG_LABEL}.example/",
        "http://news.example:99999/",
        f"http://0177.0.0.1:{port}/article/octal",
        f"http://{server}/article/last",
    ]
    before = hits(server)
    report = storyline.ingest(inputs, db=tmp_path / "t.db", config=config(allow_addresses=("127.0.0.1",)))
    assert [s.code for s in report.skipped] == ["bad-url"] * 4
    assert "has a malformed host label" in report.skipped[0].message
    assert "no closing ]" in report.skipped[1].message
    assert "over 63 characters" in report.skipped[2].message
    assert "not a port" in report.skipped[3].message
    urls = sorted(str(s.article.url) for s in storyline.articles(db=tmp_path / "t.db"))
    # The octal spelling is 127.0.0.1, which --allow-address named: fetched, under its real address.
    assert urls == [f"http://{server}/article/{name}" for name in ("first", "last", "octal")]
    assert hits(server) - before == 3
    # Not allowed, the octal spelling is refused as the loopback address it is, and never reached.
    before = hits(server)
    report = storyline.ingest(inputs[-2:-1], db=tmp_path / "u.db", config=config())
    assert [s.code for s in report.skipped] == ["forbidden"]
    assert "127.0.0.1 is not a public address" in report.skipped[0].message
    assert hits(server) == before


def redirect(server: str, location: str) -> str:
    return f"http://{server}/redirect?to={quote(location, safe='')}"


def test_a_malformed_or_private_redirect_is_a_skip_of_that_document(server: str, tmp_path: Path) -> None:
    port = server.rsplit(":", 1)[1]
    inputs = [
        redirect(server, "http://xn--/x"),
        redirect(server, "http://[::1\u202e\x1b[2J"),
        redirect(server, "http:\\\\" + LONG_LABEL + ".example\\"),
        redirect(server, f"http://0177.0.0.2:{port}/article/octal"),
        redirect(server, "http://169.254.169.254/latest/meta-data/"),
        redirect(server, f"//127.0.0.1:{port}/article/scheme-relative"),
        redirect(server, "\\article\\backslashed"),
        f"http://{server}/article/after",
    ]
    report = storyline.ingest(inputs, db=tmp_path / "t.db", config=config(allow_addresses=("127.0.0.1",)))
    assert [s.code for s in report.skipped] == ["bad-url", "bad-url", "bad-url", "forbidden", "forbidden"]
    assert all("redirects to a malformed address" in s.message for s in report.skipped[:3])
    # Control and bidi characters from the server's Location are shown escaped, never raw.
    assert "\\u202e\\x1b[2J" in report.skipped[1].message
    assert "\x1b" not in report.skipped[1].message and "\u202e" not in report.skipped[1].message
    assert "127.0.0.2 is not a public address" in report.skipped[3].message
    assert "link-local or cloud metadata" in report.skipped[4].message
    urls = sorted(str(s.article.url) for s in storyline.articles(db=tmp_path / "t.db"))
    assert urls == [f"http://{server}/article/{name}" for name in ("after", "backslashed", "scheme-relative")]


def test_a_feed_item_with_a_bad_link_is_a_skip_of_that_item(server: str, tmp_path: Path) -> None:
    before = hits(server)
    report = storyline.ingest(
        [f"http://{server}/bad-links-feed"], db=tmp_path / "t.db", config=config(allow_private=True)
    )
    assert outcomes(report) == [
        ("bad-links-feed#item-1", "bad-url"),
        ("bad-links-feed#item-2", "bad-url"),
        ("bad-links-feed#item-5", "forbidden"),
    ]
    names = sorted(str(s.article.url).rsplit("/", 1)[1] for s in storyline.articles(db=tmp_path / "t.db"))
    assert names == ["circled", "first", "last", "octal"]  # later items are still ingested
    assert hits(server) - before == 5  # the feed and its four good pages; nothing else was asked


def test_a_feed_file_with_bad_links_keeps_its_other_items(tmp_path: Path) -> None:
    feed = corpus.bad_links_feed(tmp_path / "feed.xml")
    report = storyline.ingest([feed], db=tmp_path / "t.db", config=config())
    assert outcomes(report) == [(f"feed.xml#item-{n}", "bad-url") for n in range(len(corpus.BAD_URLS))]
    assert "has an IPv6 address with no closing ]" in report.skipped[1].message
    urls = [str(s.article.url) for s in storyline.articles(db=tmp_path / "t.db")]
    assert urls == ["https://news.example/feed-good"]  # the item after the bad ones is still read


def test_json_lines_and_warc_records_with_bad_urls_are_skips_of_that_record(tmp_path: Path) -> None:
    export = corpus.bad_url_export(tmp_path / "export.jsonl")
    with export.open("a", encoding="utf-8") as more:
        more.write(json.dumps({"url": "ftp://[broken", "html": corpus.article("station")}) + "\n")
        more.write(json.dumps({"url": "http://0177.0.0.1/c", "html": corpus.article("harbour")}) + "\n")
    archive = tmp_path / "crawl.warc"
    archive.write_bytes(
        corpus.warc_record("http://[::1/page", corpus.article("ferry").encode())
        + corpus.warc_record("https://news.example/warc", corpus.article("market").encode())
    )
    report = storyline.ingest([export, archive], db=tmp_path / "t.db", config=config())
    bad = len(corpus.BAD_URLS)
    assert [(s.locator.removeprefix(f"{tmp_path}/"), s.code) for s in report.skipped] == [
        *((f"export.jsonl#{n}", "bad-url") for n in range(1, bad + 1)),
        (f"export.jsonl#{bad + 2}", "bad-url"),  # ftp://[broken: no reader after this one could split it
        ("crawl.warc#http://[::1/page", "bad-url"),  # the locator keeps the URI as the archive gives it
    ]
    urls = sorted(str(s.article.url) for s in storyline.articles(db=tmp_path / "t.db"))
    # Stored in canonical form: the octal spelling says what it is.
    assert urls == ["http://127.0.0.1/c", "https://news.example/good", "https://news.example/warc"]


def test_a_name_resolving_to_the_metadata_address_is_refused_with_allow_private(
    server: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    port = server.rsplit(":", 1)[1]
    fake_dns(monkeypatch, lambda n: ["169.254.169.254"])
    report = storyline.ingest(
        [f"http://metadata.test:{port}/article/x"], db=tmp_path / "t.db", config=config(allow_private=True)
    )
    assert [s.code for s in report.skipped] == ["forbidden"]
    assert "--allow-address 169.254.169.254" in report.skipped[0].message


@pytest.mark.slow  # the whole pipeline, understanding included (~15 s)
def test_cli_bad_url_between_folders_is_one_skip(tmp_path: Path) -> None:
    """The issue's case: `storyline ingest seeds "http://0177.0.0.1/x" seeds-copy` stored nothing."""
    from storyline.cli import app

    seeds, copy = tmp_path / "seeds", tmp_path / "seeds-copy"
    seeds.mkdir()
    copy.mkdir()
    (seeds / "bridge.html").write_text(corpus.article("bridge"), encoding="utf-8")
    (copy / "tunnel.html").write_text(corpus.article("tunnel"), encoding="utf-8")
    db = tmp_path / "t.db"
    result = CliRunner().invoke(
        app,
        ["ingest", str(seeds), "http://0177.0.0.1/x", "http://xn--/", str(copy), "--db", str(db), "--json"],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [(s["locator"], s["code"]) for s in report["skipped"]] == [
        ("http://0177.0.0.1/x", "forbidden"),
        ("http://xn--/", "bad-url"),
    ]
    assert report["ingested"] == 2


def test_cli_allow_address_reaches_the_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from storyline.cli import app

    seen: list[PipelineConfig] = []

    def fake_ingest(paths: Any, db: Any = None, config: Any = None, on_progress: Any = None) -> IngestReport:
        seen.append(config)
        return IngestReport((), 0, (), ())

    monkeypatch.setattr(storyline, "ingest", fake_ingest)
    flags = ["--allow-address", "169.254.169.254", "--allow-address", "10.0.0.0/8", "--allow-private"]
    result = CliRunner().invoke(app, ["ingest", "http://x.example/", "--db", str(tmp_path / "t.db"), *flags])
    assert result.exit_code == 0, result.output
    assert seen[0].fetch.allow_addresses == ("169.254.169.254", "10.0.0.0/8")
    assert seen[0].fetch.allow_private


def test_a_page_naming_a_malformed_address_for_itself_is_kept_without_it(tmp_path: Path) -> None:
    """A canonical link, og:url or first line that is no URL is the page's claim, not the page: the
    page is stored without it; a good one is stored in canonical form."""
    folder = tmp_path / "in"
    folder.mkdir()
    heads = {
        "canonical.html": '<link rel="canonical" href="http://[::1/x">',
        "og.html": '<meta property="og:url" content="http://xn--/y">',
        "good.html": '<link rel="canonical" href="HTTP://News.Example:80/good">',
    }
    for n, (name, head) in enumerate(heads.items()):
        page = corpus.article(f"bridge {n}").replace("<head>", f"<head>{head}")
        (folder / name).write_text(page, encoding="utf-8")
    report = storyline.ingest([folder], db=tmp_path / "t.db", config=config())
    assert not report.skipped and len(report.ingested) == 3
    urls = {Path(s.article.locator).name: s.article.url for s in storyline.articles(db=tmp_path / "t.db")}
    assert urls == {"canonical.html": None, "og.html": None, "good.html": "http://news.example/good"}
