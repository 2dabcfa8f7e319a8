"""The shapes of real news, end to end through the command line a user types."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.realinput.make_corpus import FURNITURE, KEEP_WORDS, make


def _cli(*args: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    done = subprocess.run(
        [sys.executable, "-m", "storyline.cli", *args], capture_output=True, text=True, env=env, timeout=600
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.mark.slow  # the whole CLI in child processes, each loading spaCy and the embedder
def test_real_shapes_through_the_cli(tmp_path: Path) -> None:
    expected = make(tmp_path / "in")
    db = str(tmp_path / "s.db")
    report = json.loads(_cli("ingest", str(tmp_path / "in"), "--db", db, "--json"))
    assert report["ingested"] == 4, report
    assert not [s for s in report["skipped"] if s["code"] == "internal-error"]
    stored = {Path(a["locator"]).name: a for a in json.loads(_cli("articles", "--db", db, "--json"))}
    for name, want in expected.items():
        got = stored[name]
        for piece in want.get("contains", []):  # type: ignore[attr-defined]
            assert piece in got["text"] + (got["title"] or ""), (name, piece)
        assert got["outlet"] == want["outlet"], (name, got["outlet"])
        published = got["published"][:10] if got["published"] else None
        assert published == want["published"], (name, got["published"])
        if "date_source" in want:
            assert got["date_source"] == want["date_source"]
        if "refused" in want:
            assert any(
                str(want["refused"]) in r["text"] and r["reason"].startswith("impossible date")
                for r in got["removed"]
            )
        if name.endswith(".html"):
            for line in FURNITURE:
                assert line not in got["text"], (name, line)
            assert "Science & Environment" not in got["text"]
    # Names and prefix compounds were left as written: no merged-word split anywhere.
    treasury = stored["treasury.txt"]
    assert not [r for r in treasury["repairs"] if r["before"] in KEEP_WORDS]
    # Grouping ran over the impossible dates, and every article is in a story.
    stories = json.loads(_cli("stories", "--db", db, "--json"))
    assert sum(len(s["articles"]) for s in stories) == 4
    # A second ingest into the same store works (the store is not poisoned) and changes nothing.
    again = json.loads(_cli("ingest", str(tmp_path / "in"), "--db", db, "--json"))
    assert again["ingested"] == 0 and again["unchanged"] == 4
