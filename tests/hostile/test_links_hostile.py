"""Symlinks out of the input folder (issue 26, item 1): a link is followed only to a file inside a
folder the user named; --follow-links allows more; /proc, /sys and /dev are never read; each refused
link is a named skip that names the link and its target."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import storyline
from storyline.config import PipelineConfig, SourceConfig
from storyline.errors import LinkOutsideInput
from storyline.model import IngestReport
from storyline.sources.paths import InputRoots
from tests.hostile import make_corpus as corpus


def ingest(inputs: list[Path], db: Path, **sources: Any) -> IngestReport:
    config = PipelineConfig(sources=SourceConfig(**sources), analyze_on_ingest=False)
    return storyline.ingest(inputs, db=db, config=config)


def skips(report: IngestReport) -> dict[str, tuple[str, str]]:
    """File name -> (skip code, message)."""
    return {Path(s.locator).name: (s.code, s.message) for s in report.skipped}


def stored(db: Path) -> list[str]:
    return sorted(Path(s.article.locator).name for s in storyline.articles(db=db))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-good.html").write_text(corpus.article("bridge"), encoding="utf-8")
    corpus.escaping_links(folder, "a-good.html")
    return folder


def test_links_out_of_the_folder_are_named_skips(folder: Path, tmp_path: Path) -> None:
    report = ingest([folder], tmp_path / "t.db")
    found = skips(report)
    assert {name: code for name, (code, _) in found.items()} == {
        "link-passwd.txt": "link-outside-input",
        "link-os-release.txt": "link-outside-input",
        "link-etc": "link-outside-input",
        "link-environ.txt": "system-path",
        "link-status.txt": "system-path",
        "link-up": "link-inside-input",
        "link-loop-a.html": "unreadable",
        "link-loop-b.html": "unreadable",
        "link-dangling.html": "unreadable",
    }
    # Each message names the link and where it leads.
    assert f"{folder}/link-passwd.txt -> /etc/passwd leads outside" in found["link-passwd.txt"][1]
    assert "--follow-links" in found["link-passwd.txt"][1]
    # /etc/os-release is itself a link on most systems (to ../usr/lib/os-release): the message names
    # the link's target and, when it differs, where it resolves to.
    os_release = found["link-os-release.txt"][1]
    assert f"{folder}/link-os-release.txt -> /etc/os-release " in os_release
    assert "leads outside the input folders" in os_release
    assert f"{folder}/link-environ.txt -> /proc/self/environ" in found["link-environ.txt"][1]
    assert "under /proc, which is never read" in found["link-environ.txt"][1]
    assert "-> link-loop-b.html is a symlink loop" in found["link-loop-a.html"][1]
    assert "-> link-nowhere.html is a broken symlink" in found["link-dangling.html"][1]
    # The link to a file inside the folder is read like the file.
    assert stored(tmp_path / "t.db") == ["a-good.html", "link-inside.html"]
    texts = " ".join(s.article.text for s in storyline.articles(db=tmp_path / "t.db"))
    assert "root:" not in texts and "PATH=" not in texts and "PRETTY_NAME" not in texts


def test_a_link_named_on_its_own_is_held_to_its_folder(folder: Path, tmp_path: Path) -> None:
    report = ingest([folder / "link-passwd.txt", folder / "link-inside.html"], tmp_path / "t.db")
    assert {name: code for name, (code, _) in skips(report).items()} == {
        "link-passwd.txt": "link-outside-input"
    }
    assert stored(tmp_path / "t.db") == ["link-inside.html"]


def test_a_link_into_another_named_folder_is_followed(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    (second / "page.html").write_text(corpus.article("harbour"), encoding="utf-8")
    (first / "linked.html").symlink_to(second / "page.html")
    report = ingest([first, second], tmp_path / "t.db")
    assert not report.skipped
    assert stored(tmp_path / "t.db") == ["linked.html", "page.html"]
    # Named alone, the first folder does not reach into the second.
    report = ingest([first], tmp_path / "u.db")
    assert [s.code for s in report.skipped] == ["link-outside-input"]


def test_follow_links_reads_outside_but_never_the_system(folder: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "page.html").write_text(corpus.article("ferry"), encoding="utf-8")
    (folder / "link-out.html").symlink_to(outside / "page.html")
    (folder / "link-outdir").symlink_to(outside)
    (folder / "link-etc").unlink()  # followed, it would read all of /etc
    (folder / "link-dev").symlink_to("/dev")
    (folder / "link-sys").symlink_to("/sys")
    report = ingest([folder], tmp_path / "t.db", follow_links=True)
    found = {name: code for name, (code, _) in skips(report).items()}
    for name in ("link-environ.txt", "link-status.txt", "link-dev", "link-sys"):
        assert found[name] == "system-path", name
    assert found.get("link-passwd.txt") != "link-outside-input"
    assert found["link-up"] == "link-inside-input"  # it holds the input: entering it would loop
    assert {"link-out.html", "page.html"} <= set(stored(tmp_path / "t.db"))  # page.html via link-outdir
    # A system file named outright is refused too.
    report = ingest([Path("/proc/self/environ"), Path("/proc/self")], tmp_path / "u.db", follow_links=True)
    assert [s.code for s in report.skipped] == ["system-path", "system-path"]


def test_a_link_swapped_in_after_the_check_is_caught(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Between the check and the open, a folder on the way becomes a link out: the descriptor
    is asked where it really points (Linux) and the file is refused."""
    if not Path("/proc/self/fd").is_dir():
        pytest.skip("no /proc/self/fd to ask")
    folder, outside = tmp_path / "in", tmp_path / "outside"
    (folder / "sub").mkdir(parents=True)
    outside.mkdir()
    (folder / "sub" / "page.html").write_text(corpus.article("bridge"), encoding="utf-8")
    (outside / "page.html").write_text("secret", encoding="utf-8")
    roots = InputRoots.of([str(folder)])
    checked = InputRoots.real_path

    def racing(self: InputRoots, path: Path | str) -> str:
        real = checked(self, path)
        (folder / "sub").rename(folder / "was-sub")
        (folder / "sub").symlink_to(outside)
        return real

    monkeypatch.setattr(InputRoots, "real_path", racing)
    with pytest.raises(LinkOutsideInput, match="leads outside the input folders"):
        roots.open_regular(folder / "sub" / "page.html")


def test_cli_follow_links_reaches_the_config(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from storyline.cli import app

    seen: list[PipelineConfig] = []

    def fake_ingest(paths: Any, db: Any = None, config: Any = None, on_progress: Any = None) -> IngestReport:
        seen.append(config)
        return IngestReport((), 0, (), ())

    monkeypatch.setattr(storyline, "ingest", fake_ingest)
    runner = CliRunner()
    for flags, follow in (([], False), (["--follow-links"], True)):
        result = runner.invoke(app, ["ingest", str(folder), "--db", str(tmp_path / "t.db"), "--json", *flags])
        assert result.exit_code == 0, result.output
        assert seen[-1].sources.follow_links is follow
