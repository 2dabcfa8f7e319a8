"""The digest of what changed in what a reader follows, from the API and `storyline digest`;
`storyline ingest` warning when most of a batch names no outlet."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from typer.testing import CliRunner

from storyline import readers
from storyline.cli import app
from storyline.readers import digest as digests
from tests.web.conftest import copy_store

runner = CliRunner()


def test_digest_lists_what_changed_in_each_follow(demo_db: Path, tmp_path: Path) -> None:
    db = copy_store(demo_db, tmp_path / "d.db")
    stories = readers.followed_stories(db, readers.follow(db, "cli-test", "query", "the"), limit=50).stories
    entity = next(s.entities[0].name for s in stories if s.entities)
    readers.follow(db, "cli-test", "entity", entity)
    found = digests.build(db, "cli-test", datetime.now(UTC) - timedelta(days=1))
    assert [s.follow.kind for s in found.sections] == ["query", "entity"]
    assert all(s.items for s in found.sections)  # the demo was ingested moments ago
    assert all(i.new_articles == len(i.story.articles) for s in found.sections for i in s.items)
    text = digests.markdown(found, "http://127.0.0.1:8000")
    assert "## “the”" in text and f"## {entity}" in text and "](http://127.0.0.1:8000/stories/" in text
    assert digests.build(db, "cli-test", datetime.now(UTC)).empty
    assert digests.build(db, "nobody", datetime.now(UTC)).sections == ()


def test_the_cli_follows_and_prints_the_digest(demo_db: Path, tmp_path: Path) -> None:
    db = str(copy_store(demo_db, tmp_path / "c.db"))
    made = runner.invoke(app, ["follow", "query", "storm", "--db", db])
    assert made.exit_code == 0 and "following query 'storm'" in made.output
    listed = json.loads(runner.invoke(app, ["follows", "--db", db, "--json"]).stdout)
    assert [f["value"] for f in listed] == ["storm"]
    markdown = runner.invoke(app, ["digest", "--db", db, "--since", "7d", "--format", "markdown"])
    assert markdown.exit_code == 0 and markdown.stdout.startswith("# What changed since")
    html = runner.invoke(app, ["digest", "--db", db, "--since", "2000-01-01", "--format", "html"])
    assert html.exit_code == 0 and "<h2>“storm”</h2>" in html.stdout
    bad = runner.invoke(app, ["digest", "--db", db, "--since", "yesterday-ish"])
    assert bad.exit_code != 0
    gone = runner.invoke(app, ["unfollow", str(listed[0]["id"]), "--db", db])
    assert gone.exit_code == 0


def test_ingest_warns_when_most_of_a_batch_has_no_outlet(tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    for number, place in enumerate(("Tarvik", "Holm", "Vesta")):
        (folder / f"{number}.txt").write_text(
            f"Ferry service to {place} resumes after storm\n\n"
            f"The ferry service to {place} island resumed on Monday after a storm closed the harbour for "
            "two days, the operator said. Passengers had waited in the terminal overnight.\n",
            encoding="utf-8",
        )
    result = runner.invoke(app, ["ingest", str(folder), "--db", str(tmp_path / "n.db")])
    assert result.exit_code == 0, result.output
    assert "3 of 3 articles have no outlet" in result.output
    assert "--outlet" in result.output and "--outlets" in result.output
    assert "storyline serve" in result.output  # the next command
    as_json = json.loads(
        runner.invoke(app, ["ingest", str(folder), "--db", str(tmp_path / "n.db"), "--json"]).stdout
    )
    assert as_json["unchanged"] == 3 and as_json["articles"] == 0
