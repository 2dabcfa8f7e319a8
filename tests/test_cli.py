"""The CLI is a thin wrapper: check its JSON shapes and its human output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from storyline.cli import app
from tests.conftest import DEMO, DEMO_OUTLETS, ROOT, TRUTH

runner = CliRunner()


def test_help_is_instant_and_lists_commands() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, storyline.cli; print('torch' in sys.modules, 'trafilatura' in sys.modules)",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["False", "False"]  # nothing heavy imported just to parse arguments
    help_text = runner.invoke(app, ["--help"]).output
    for command in ("ingest", "articles", "show", "skips"):
        assert command in help_text


def test_ingest_articles_show_json(tmp_path: Path) -> None:
    """The JSON of ingest, articles and show carries the demo's true values (demo/truth.json)."""
    truth = json.loads(TRUTH.read_text(encoding="utf-8"))
    db = str(tmp_path / "t.db")
    result = runner.invoke(app, ["ingest", str(DEMO), "--db", db, "--json", "--outlets", str(DEMO_OUTLETS)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["ingested"] == 36 and report["revised"] == 0 and report["unchanged"] == 0
    assert len(report["article_ids"]) == 36
    skipped = sorted((s["locator"].split("/corpus/", 1)[1], s["code"]) for s in report["skipped"])
    assert skipped == sorted((s["path"], s["reason"]) for s in truth["skips"])

    listing = json.loads(runner.invoke(app, ["articles", "--db", db, "--json"]).stdout)
    assert len(listing) == 36

    def listed(path: str) -> dict[str, Any]:
        file_part, _, url = path.partition("#")
        found = [
            item
            for item in listing
            if item["locator"].split("#", 1)[0].endswith(file_part) and (not url or item["url"] == url)
        ]
        assert len(found) == 1, path
        return found[0]

    for expected in truth["articles"]:
        item = listed(expected["path"])
        where = expected["path"]
        assert item["title"] == expected["title"], where
        assert item["outlet"] == expected["outlet"], where
        assert item["language"] == expected["language"], where
        assert item["genre"] == expected["genre"], where
        # Every saved page is HTML; a text file is text; a JSON Lines record is what its field holds.
        kind = (
            "html"
            if where.startswith(("pages/", "feeds/")) or "html-in-jsonl" in expected["flaws"]
            else "text"
        )
        assert item["content_kind"] == kind, where
        if item["published"] is not None:  # a text file that states no date has none
            assert item["published"][:10] == expected["published"][:10], where
        else:
            assert where.startswith("text/") and item["date_source"] is None, where
        # The flaws the corpus was built with are repaired, and the repairs say so.
        kinds = {r["kind"] for r in item["repairs"]}
        for flaw in ("lossy-mojibake", "merged-words"):
            assert (flaw in kinds) == (flaw in expected["flaws"]), (where, flaw, kinds)
        if where.startswith("pages/"):  # every saved page had a template, removed with its reasons
            assert item["removed"] and all(r["reason"] and r["stage"] for r in item["removed"]), where
        for phrase in expected["must_not_contain"]:
            assert phrase not in item["text"], (where, phrase)

    first = listed(truth["articles"][0]["path"])
    one = json.loads(runner.invoke(app, ["show", str(first["id"]), "--db", db, "--json"]).stdout)
    assert one["id"] == first["id"] and one["title"] == truth["articles"][0]["title"]
    assert one["text"] == first["text"] and one["removed"] == first["removed"]


def test_show_prints_headings_removed_and_repairs(tmp_path: Path) -> None:
    db = str(tmp_path / "t.db")
    runner.invoke(
        app, ["ingest", str(DEMO / "text/lakeside-observer"), "--db", db, "--outlets", str(DEMO_OUTLETS)]
    )
    listing = json.loads(runner.invoke(app, ["articles", "--db", db, "--json"]).stdout)
    target = next(a for a in listing if a["repairs"])
    result = runner.invoke(app, ["show", str(target["id"]), "--db", db, "--removed", "--repairs"])
    assert result.exit_code == 0
    assert "Removed (" in result.output and "Repairs (" in result.output
    assert "lossy-mojibake" in result.output
    assert "Previous Article" in result.output  # listed as removed, with its reason


def test_missing_article_is_a_clear_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "storyline.cli", "show", "999", "--db", str(tmp_path / "t.db")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    assert "no article with id 999" in result.stderr and "storyline articles" in result.stderr


def test_article_text_is_not_interpreted_as_markup(tmp_path: Path) -> None:
    page = tmp_path / "in" / "markup.txt"
    page.parent.mkdir()
    body = "The [bold red]council[/bold red] met on Monday to debate the budget for the coming year. " * 4
    page.write_text("Markup headline\n\n" + body, encoding="utf-8")
    db = str(tmp_path / "t.db")
    runner.invoke(app, ["ingest", str(page.parent), "--db", db])
    result = runner.invoke(app, ["show", "1", "--db", db])
    assert "[bold red]council[/bold red]" in result.output


def test_an_undated_story_is_undated_in_json_and_text(tmp_path: Path) -> None:
    """A text that writes no publication date: a null date and a separate ``seen`` time, never the
    ingest time as its first_seen."""
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "harbour.txt").write_text(
        "Harbour reopens after the storm\n\nThe harbour of Portside reopened to ferries on Monday after "
        "the storm damaged two piers, the port authority said. Repairs to the second pier will take "
        "a month, engineers said, and freight will use the north quay until then.\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "u.db")
    assert runner.invoke(app, ["ingest", str(folder), "--db", db]).exit_code == 0
    listed = json.loads(runner.invoke(app, ["stories", "--db", db, "--json"]).stdout)
    assert len(listed) == 1
    story = listed[0]
    assert story["first_seen"] is None and story["last_seen"] is None and story["dated"] is False
    assert story["seen"]["first"] and story["seen"]["last"]
    assert story["articles"][0]["published"] is None
    human = runner.invoke(app, ["stories", "--db", db]).output
    assert "undated" in human
