"""Hostile input to the source readers, made by make_corpus.py into temporary folders: every case is a
named skip (or a capped read), memory stays bounded, nothing hangs, and the files after a bad one are
still read.

Bombs, special files and the unreadable folder run through ``storyline.ingest`` in a child process
under a hard address-space limit and a timeout (capped_ingest.py), so a regression fails one test
instead of eating the machine or hanging the suite.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

import storyline
from storyline.config import FetchConfig, PipelineConfig, SourceConfig
from tests.hostile import make_corpus as corpus

HERE = Path(__file__).resolve().parent
MiB = corpus.MiB
# The child ingests with extraction loaded but no NLP: ~200 MB resident. A reader that held a bomb
# whole would be at 1 GiB or more (or die at the address-space limit first).
RSS_CAP_MB = 500


def capped_ingest(
    inputs: list[Path], db: Path, timeout: float = 60, unprivileged: bool = False, **spec: Any
) -> dict[str, Any]:
    """Ingest in a child under a 2 GiB address-space limit; fail the test on a hang or a crash.

    ``unprivileged``: when the tests run as root (containers), the child runs without the two
    capabilities that let root read any file, so permission checks apply to it as to a user.
    """
    payload = json.dumps({"inputs": [str(p) for p in inputs], "db": str(db), **spec})
    # The child imports the same storyline as this process (the checkout's src, or what PYTHONPATH names).
    source = Path(storyline.__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(source), "HOME": str(db.parent)}
    prefix: list[str] = []
    if unprivileged and os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without util-linux setpriv to drop the read-anything capability")
        caps = "-dac_override,-dac_read_search"
        prefix = [setpriv, "--bounding-set", caps, "--inh-caps", caps]
    try:
        done = subprocess.run(
            [*prefix, sys.executable, str(HERE / "capped_ingest.py"), payload],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            cwd=db.parent,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"ingest of {inputs} hung for {timeout} s")
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def codes(result: dict[str, Any]) -> dict[str, str]:
    """File name (last path part of the locator) -> skip code."""
    return {Path(locator.split("#", 1)[0]).name: code for locator, code, _ in result["skips"]}


def test_special_files_are_refused_unopened_and_later_files_still_read(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-good.html").write_text(corpus.article("bridge"), encoding="utf-8")
    corpus.fifo(folder / "m-fifo.html")
    corpus.zero_symlink(folder / "n-zero.html")
    (folder / "o-link.html").symlink_to(folder / "a-good.html")  # a symlink to a regular file is read
    (folder / "p-dangling.html").symlink_to(folder / "nowhere.html")
    (folder / "q-proc.txt").symlink_to("/proc/self/smaps")  # never read (test_links_hostile.py)
    (folder / "r-linked-folder").symlink_to(tmp_path, target_is_directory=True)  # a loop, not entered
    (folder / "z-good.html").write_text(corpus.article("station"), encoding="utf-8")
    started = time.monotonic()
    result = capped_ingest([folder], tmp_path / "t.db", sources={"max_bytes": 300})
    # max_bytes 300 is below an article's size: the good pages are too-large, which proves they were
    # reached after the FIFO and /dev/zero.
    assert codes(result) == {
        "a-good.html": "too-large",
        "m-fifo.html": "special-file",
        "n-zero.html": "system-path",
        "o-link.html": "too-large",
        "p-dangling.html": "unreadable",
        "q-proc.txt": "system-path",
        "r-linked-folder": "link-inside-input",
        "z-good.html": "too-large",
    }
    assert time.monotonic() - started < 30
    result = capped_ingest([folder], tmp_path / "u.db", sources={"follow_links": True})
    # Following links anywhere still never reads /dev or /proc, nor enters a folder holding the input.
    assert sorted(codes(result).values()) == [
        "link-inside-input",
        "special-file",
        "system-path",
        "system-path",
        "unreadable",
    ]
    assert [Path(loc).name for loc in result["locators"]] == ["a-good.html", "o-link.html", "z-good.html"]
    assert result["max_rss_mb"] < RSS_CAP_MB


def test_a_special_file_named_directly_is_refused(tmp_path: Path) -> None:
    result = capped_ingest(
        [corpus.fifo(tmp_path / "pipe"), corpus.zero_symlink(tmp_path / "zero.txt")], tmp_path / "t.db"
    )
    assert codes(result) == {"pipe": "special-file", "zero.txt": "system-path"}


def test_non_utf8_file_name_is_stored_under_a_stable_escaped_name(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    corpus.non_utf8_name(folder, corpus.article("harbour"))
    (folder / "z-after.html").write_text(corpus.article("station"), encoding="utf-8")
    config = PipelineConfig(analyze_on_ingest=False)
    first = storyline.ingest([folder], db=tmp_path / "t.db", config=config)
    assert not first.skipped and len(first.ingested) == 2
    names = sorted(Path(s.article.locator).name for s in storyline.articles(db=tmp_path / "t.db"))
    assert names == ["caf\\xe9-news.html", "z-after.html"]
    # The same name on the next run: recognised as unchanged, not a crash and not a new article.
    again = storyline.ingest([folder], db=tmp_path / "t.db", config=config)
    assert again.unchanged == 2 and not again.skipped and not again.ingested


def test_unreadable_folder_is_a_named_skip(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-good.html").write_text(corpus.article("bridge"), encoding="utf-8")
    locked = corpus.unreadable_folder(folder / "locked", corpus.article("ferry"))
    (folder / "z-good.html").write_text(corpus.article("station"), encoding="utf-8")
    try:
        result = capped_ingest([folder], tmp_path / "t.db", unprivileged=True)
    finally:
        locked.chmod(0o755)
    assert [(Path(loc).name, code) for loc, code, _ in result["skips"]] == [("locked", "unreadable")]
    assert "permission" in result["skips"][0][2].lower()
    assert [Path(loc).name for loc in result["locators"]] == ["a-good.html", "z-good.html"]


def test_gzip_bomb_is_capped_in_a_stream(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    corpus.gzip_bomb(folder / "bomb.html.gz", 1024 * MiB)  # 1 MB on disk
    (folder / "z-good.html").write_text(corpus.article("station"), encoding="utf-8")
    result = capped_ingest([folder], tmp_path / "t.db")
    assert codes(result) == {"bomb.html.gz": "too-large"}
    assert "inflates past" in result["skips"][0][2]
    assert [Path(loc).name for loc in result["locators"]] == ["z-good.html"]
    assert result["max_rss_mb"] < RSS_CAP_MB


def test_warc_bomb_record_is_capped_and_the_next_record_read(tmp_path: Path) -> None:
    path = corpus.warc_bomb(tmp_path / "bomb.warc.gz", 64 * MiB)
    result = capped_ingest([path], tmp_path / "t.db", sources={"max_bytes": MiB})
    assert [(loc.rsplit("#", 1)[1], code) for loc, code, _ in result["skips"]] == [
        ("https://bomb.example/page", "too-large")
    ]
    assert [loc.rsplit("#", 1)[1] for loc in result["locators"]] == ["https://news.example/after"]
    assert result["max_rss_mb"] < RSS_CAP_MB


def test_warc_bomb_stream_is_capped_as_a_whole(tmp_path: Path) -> None:
    path = corpus.warc_bomb(tmp_path / "bomb.warc.gz", 1024 * MiB)
    result = capped_ingest([path], tmp_path / "t.db", sources={"max_archive_bytes": 64 * MiB})
    assert [(Path(loc).name, code) for loc, code, _ in result["skips"]] == [("bomb.warc.gz", "too-large")]
    assert "inflates past" in result["skips"][0][2]
    assert result["max_rss_mb"] < RSS_CAP_MB


@pytest.mark.parametrize("gzipped", [False, True])
def test_truncated_warc_record_is_not_stored_as_whole(tmp_path: Path, gzipped: bool) -> None:
    path = corpus.truncated_warc(tmp_path / ("cut.warc.gz" if gzipped else "cut.warc"), gzipped=gzipped)
    config = PipelineConfig(analyze_on_ingest=False)
    report = storyline.ingest([path], db=tmp_path / "t.db", config=config)
    assert [s.code for s in report.skipped] == ["truncated"]
    stored = [s.article.locator.rsplit("#", 1)[1] for s in storyline.articles(db=tmp_path / "t.db")]
    assert stored == ["https://news.example/whole"]


def test_endless_warc_header_line_is_refused(tmp_path: Path) -> None:
    path = corpus.long_header_warc(tmp_path / "line.warc.gz", 256 * MiB)
    result = capped_ingest([path], tmp_path / "t.db")
    assert codes(result) == {"line.warc.gz": "malformed-warc"}
    assert "header line longer" in result["skips"][0][2]
    assert result["max_rss_mb"] < RSS_CAP_MB


def test_huge_feed_of_guids_gives_two_skips_not_one_per_item(tmp_path: Path) -> None:
    path = corpus.huge_feed(tmp_path / "flood.xml", 3000)
    config = PipelineConfig(
        sources=SourceConfig(max_feed_items=1000),
        fetch=FetchConfig(timeout_s=1),
        analyze_on_ingest=False,
    )
    report = storyline.ingest([path], db=tmp_path / "t.db", config=config)
    # No guid is fetched (urn:uuid is not a URL), so no "forbidden" per item.
    assert sorted(s.code for s in report.skipped) == ["empty", "too-many-items"]
    messages = {s.code: s.message for s in report.skipped}
    assert messages["empty"].startswith("1000 feed item(s)")
    assert "3000 items; only the first 1000" in messages["too-many-items"]


@pytest.mark.slow  # the whole generated hostile corpus (bombs, 6000 feed items...) in one ingest
def test_whole_hostile_corpus_in_one_ingest(tmp_path: Path) -> None:
    """make_corpus.make_all as a user would meet it: one folder, every case, one run."""
    # 6000 feed items: over the default cap of 5000, and quick to parse (50,000 take feedparser ~10 s).
    made = corpus.make_all(tmp_path / "in", bomb_bytes=256 * MiB, feed_items=6000)
    try:
        result = capped_ingest(
            [tmp_path / "in"], tmp_path / "t.db", timeout=120, sources={"max_archive_bytes": 64 * MiB}
        )
    finally:
        made["unreadable"].chmod(0o755)
    found = codes(result)
    assert found["fifo.html"] == "special-file"
    assert found["zero.html"] == "system-path"
    assert (
        found["link-passwd.txt"] == found["link-os-release.txt"] == found["link-etc"] == "link-outside-input"
    )
    assert found["link-environ.txt"] == found["link-status.txt"] == "system-path"
    assert found["link-up"] == "link-inside-input"
    assert found["link-loop-a.html"] == found["link-dangling.html"] == "unreadable"
    bad_urls = [code for locator, code, _ in result["skips"] if Path(locator).name.startswith("bad-")]
    assert bad_urls == ["bad-url"] * 2 * len(corpus.BAD_URLS)
    assert found["gzip-bomb.html.gz"] == "too-large"
    assert found["warc-bomb.warc.gz"] == "too-large"
    assert found["truncated.warc"] == "truncated"
    assert found["truncated-gz.warc.gz"] == "truncated"
    assert found["long-header.warc.gz"] == "malformed-warc"
    assert found["huge-feed.xml"] == "too-many-items"
    assert found["too-long.html"] == "too-long"
    names = {Path(loc.split("#", 1)[0]).name for loc in result["locators"]}
    assert {"a-good.html", "caf\\xe9-news.html", "z-good.html", "truncated.warc", "link-inside.html"} <= names
    assert {"bad-urls.jsonl", "bad-links-feed.xml"} <= names  # the good record after the bad ones
    assert "nul.jsonl" in names and "nul.jsonl" not in found  # NUL in its title: stored, not a skip
    assert result["max_rss_mb"] < RSS_CAP_MB


@pytest.fixture(scope="module")
def hostile_server(server: str) -> str:
    return f"http://{server}"


def test_dripping_server_is_cut_off_at_the_deadline(hostile_server: str, tmp_path: Path) -> None:
    config = PipelineConfig(
        fetch=FetchConfig(allow_private=True, respect_robots=False, timeout_s=5, deadline_s=1.5),
        analyze_on_ingest=False,
    )
    started = time.monotonic()
    report = storyline.ingest(
        [f"{hostile_server}/drip", f"{hostile_server}/echo-host"], db=tmp_path / "t.db", config=config
    )
    elapsed = time.monotonic() - started
    assert [s.code for s in report.skipped] == ["deadline"]
    assert "1.5 s deadline" in report.skipped[0].message
    assert len(report.ingested) == 1  # the next URL gets its own deadline
    # Without the deadline the drip would hold the fetch for days (100 KB, a byte at a time). The
    # bound is loose on purpose: it shows the deadline acted, not how fast a loaded machine is.
    assert elapsed < 30


def test_a_reader_failure_on_one_file_is_a_skip_and_the_walk_goes_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fault injection: whatever a reader raises on one file, the files after it are read."""
    import storyline.sources as sources

    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.html", "b.html", "c.html"):
        (folder / name).write_text(corpus.article(name[0] + " street"), encoding="utf-8")
    real = sources._read_file

    def failing(path: Path, *args: Any) -> Any:
        if path.name == "b.html":
            raise RuntimeError("injected")
        return real(path, *args)

    monkeypatch.setattr(sources, "_read_file", failing)
    report = storyline.ingest([folder], db=tmp_path / "t.db", config=PipelineConfig(analyze_on_ingest=False))
    assert [(Path(s.locator).name, s.code) for s in report.skipped] == [("b.html", "internal-error")]
    assert len(report.ingested) == 2
