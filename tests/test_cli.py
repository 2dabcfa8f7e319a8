"""The CLI is a thin wrapper: check its JSON shapes and its human output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from storyline.cli import app
from tests.conftest import DEMO, DEMO_OUTLETS, ROOT

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
    db = str(tmp_path / "t.db")
    result = runner.invoke(app, ["ingest", str(DEMO), "--db", db, "--json", "--outlets", str(DEMO_OUTLETS)])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["ingested"] == 36 and len(report["skipped"]) == 3
    assert {s["code"] for s in report["skipped"]} == {"empty", "binary"}

    listing = json.loads(runner.invoke(app, ["articles", "--db", db, "--json"]).stdout)
    assert len(listing) == 36
    for item in listing:
        for key in (
            "id",
            "url",
            "locator",
            "outlet",
            "title",
            "published",
            "language",
            "text",
            "removed",
            "repairs",
        ):
            assert key in item
        assert all(set(r) >= {"text", "reason"} for r in item["removed"])
        assert all(set(r) >= {"kind", "before", "after"} for r in item["repairs"])
    assert any(item["repairs"] for item in listing)
    pages = [item for item in listing if "/pages/" in item["locator"]]
    assert pages and all(item["removed"] for item in pages)  # every saved page had a template

    one = json.loads(runner.invoke(app, ["show", str(listing[0]["id"]), "--db", db, "--json"]).stdout)
    assert one["text"] == listing[0]["text"]


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
