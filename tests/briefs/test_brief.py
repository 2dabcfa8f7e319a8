"""Story briefs on the demo corpus (truth.json lists its discrepancies) and on the seeds."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import storyline
from storyline.briefs.format import escape, markdown
from storyline.model import Brief, BriefSentence, Citation, Discrepancy
from storyline.store import StoredArticle


def _all_briefs(db: Path) -> list[Brief]:
    return [storyline.brief_story(s.id, db, length="long") for s in storyline.stories(db)]


def _check_faithful(db: Path, brief: Brief) -> None:
    cache: dict[int, StoredArticle] = {}
    for sentence in brief.sentences():
        for n, citation in enumerate(sentence.citations):
            stored = cache.setdefault(citation.article_id, storyline.get_article(citation.article_id, db))
            cited = stored.article.text[citation.start : citation.end]
            assert stored.analysis is not None
            assert stored.analysis.sentences[citation.sentence].text == cited
            if n == 0:
                # The brief's sentence is the first cited source's own, verbatim.
                assert cited == sentence.text


def test_every_brief_sentence_is_in_the_article_it_cites(demo_db: Path, seeds_db: Path) -> None:
    for db in (demo_db, seeds_db):
        for brief in _all_briefs(db):
            assert brief.lead
            _check_faithful(db, brief)


def test_demo_discrepancies_match_the_truth(demo_db: Path, truth: dict[str, Any]) -> None:
    briefs = _all_briefs(demo_db)
    found = [d for brief in briefs for d in brief.discrepancies]
    updated = [d for brief in briefs for d in brief.updates]
    for expected in truth["discrepancies"]:
        wanted = [v.lower() for v in expected["values"]]
        if expected["kind"] == "revision":
            # A figure the later report revises itself is no disagreement between sources.
            values = [{v.lower() for v, _ in d.sides} for d in found]
            assert not any(all(any(w in v for v in side) for w in wanted) for side in values), values
            continue
        # A toll that rose between reports of different days is an update, never a disagreement.
        shown = updated if expected["kind"] == "update" else found
        values = [{v.lower() for v, _ in d.sides} for d in shown]
        assert any(all(any(w in v for v in side) for w in wanted) for side in values), (expected, values)
    # Both sides of a discrepancy come from different outlets.
    for d in found:
        outlets = [set(s.outlets) for _, s in d.sides]
        assert len(set().union(*outlets)) >= 2


def test_demo_brief_leads_with_what_happened(demo_db: Path) -> None:
    by_title = {b.title or "": b for b in _all_briefs(demo_db)}
    landslide = next(b for t, b in by_title.items() if "landslide" in t.lower())
    assert "landslide" in landslide.lead[0].text.lower()
    assert len(landslide.outlets) >= 4
    # Facts most outlets report cite several outlets.
    assert any(len(s.outlets) >= 2 for s in landslide.lead + landslide.developments + landslide.agreed)


def test_timeline_in_time_order_and_thread(demo_db: Path) -> None:
    for brief in _all_briefs(demo_db):
        whens = [e.when or "~" for e in brief.timeline]
        assert whens == sorted(whens)
        if brief.thread:
            assert any(r.reason == "this story" for r in brief.thread)
            assert len(brief.thread) >= 2
            firsts = [r.first_seen for r in brief.thread if r.first_seen]
            assert firsts == sorted(firsts)


def test_seed_brief(seeds_db: Path, seed_articles: dict[str, StoredArticle]) -> None:
    stories = storyline.stories(seeds_db)
    araghchi = next(s for s in stories if seed_articles["000"].id in {a.id for a in s.articles})
    brief = storyline.brief_story(araghchi.id, seeds_db)
    lead = brief.lead[0].text
    assert "Putin" in lead and "Araghchi" in lead and "Moscow" in lead
    # 003's claims are speculation, kept apart and labelled with their cues.
    from_003 = [s for s in brief.speculation if s.citations[0].article_id == seed_articles["003"].id]
    assert from_003 and all(s.cues for s in from_003)
    assert not any(s.citations[0].article_id == seed_articles["003"].id and s.hedged for s in brief.lead)
    titles = next(d for d in brief.discrepancies if d.kind == "title" and "Araghchi" in d.subject)
    values = " | ".join(v for v, _ in titles.sides).lower()
    assert "foreign minister" in values and "former deputy foreign minister" in values
    # Claims only one source makes are marked.
    assert brief.single_source
    assert brief.thread and len(brief.thread) == 2
    # The seeds say no date: neither story of the thread is listed under one (this story's entry
    # once showed the day it was ingested, beside its undated neighbour).
    assert [ref.first_seen for ref in brief.thread] == [None, None]


def test_markdown_escapes_untrusted_text() -> None:
    evil = "Click [here](http://evil.example) <script>alert(1)</script> *now*"
    sentence = BriefSentence(evil, (Citation(1, "Outlet <b>", None, 0, 0, len(evil)),))
    brief = Brief(
        kind="story",
        id=1,
        title="A <i>title</i>",
        length="medium",
        outlets=("Outlet <b>",),
        first_seen=datetime(2026, 1, 1, tzinfo=UTC),
        last_seen=None,
        lead=(sentence,),
        discrepancies=(Discrepancy("number", "hour", (("three hours", sentence), ("four hours", sentence))),),
    )
    out = markdown(brief)
    assert "<script>" not in out and "<b>" not in out and "<i>" not in out
    assert "](http" not in out
    assert escape("a_b*c") == "a\\_b\\*c"
    assert json.loads(json.dumps(brief.to_dict()))["lead"][0]["text"] == evil


def test_cli_brief(demo_db: Path) -> None:
    from typer.testing import CliRunner

    from storyline.cli import app

    runner = CliRunner()
    latest = runner.invoke(app, ["brief", "--db", str(demo_db), "--format", "json", "--count", "3"])
    assert latest.exit_code == 0, latest.output
    data = json.loads(latest.output)
    assert len(data) == 3 and all(item["lead"][0]["citations"] for item in data)
    story_id = data[0]["id"]
    md = runner.invoke(app, ["brief", f"s{story_id}", "--db", str(demo_db), "--format", "markdown"])
    assert md.exit_code == 0 and md.output.startswith("## ")
    text = runner.invoke(app, ["brief", str(story_id), "--db", str(demo_db), "--length", "long"])
    assert text.exit_code == 0 and "Key developments" in text.output
    article = runner.invoke(
        app, ["brief", "a1", "--db", str(demo_db), "--length", "short", "--format", "json"]
    )
    assert article.exit_code == 0 and len(json.loads(article.output)["lead"]) == 1
    bad = runner.invoke(app, ["brief", "x1", "--db", str(demo_db)])
    assert bad.exit_code != 0
    briefing = runner.invoke(app, ["brief", "--db", str(demo_db), "--format", "markdown"])
    assert briefing.exit_code == 0 and briefing.output.startswith("# Briefing")


def test_no_outlet_is_a_party_to_its_own_story(demo_db: Path) -> None:
    """A wire's dateline credit ("BRASÍLIA, Oct 27 (Meridian Wire) — X and Y agreed") parses as a
    subject; the outlet that reports an event is never listed as taking part in it."""
    for story in storyline.stories(demo_db):
        brief = storyline.brief_story(story.id, demo_db)
        reporters = {a.outlet for a in story.articles} | set(story.outlets)
        for entry in brief.timeline:
            assert not set(entry.actors) & reporters, (story.title, entry)


def test_a_sentence_is_shown_once_in_each_list(demo_db: Path, seeds_db: Path, tmp_path: Path) -> None:
    # A sentence holding several hedged claims (seen on a real Reuters page) was listed under
    # "Speculation" once per claim: the same sentence three times.
    export = tmp_path / "markets.jsonl"
    text = (
        "NEW YORK (Reuters) - Oil prices fell sharply on Tuesday on oversupply concerns, while a gauge "
        "of stocks across the globe rose for a seventh straight session. The benchmark index was little "
        "changed. While the dollar was supported by recent economic data, the greenback may be in for "
        "some weakness, said Juan Perez, a trader at Tempus Inc. “Central banks cannot provide that much "
        "to incentivize stocks any higher, thus risk-appetite is muted and the buck may continue to lose "
        "based on the fact that the American economy is indeed slower and the Fed’s ability to satisfy "
        "anyone is in question,” Perez said. The next round of tariffs is due to start in mid-December."
    )
    record = {"url": "https://www.reuters.com/article/markets", "title": "Oil falls", "text": text}
    export.write_text(json.dumps(record) + "\n", encoding="utf-8")
    db = tmp_path / "markets.db"
    storyline.ingest([export], db=db)
    for path in (db, demo_db, seeds_db):
        for brief in _all_briefs(path):
            for items in (brief.agreed, brief.single_source, brief.speculation):
                shown = [(s.citations[0].article_id, s.citations[0].sentence) for s in items]
                assert len(shown) == len(set(shown)), brief.title


def test_agreed_facts_already_shown_above_are_marked_not_repeated_as_new(demo_db: Path) -> None:
    marked = 0
    for brief in _all_briefs(demo_db):
        shown = {
            s.text: kind
            for kind, items in (("lead", brief.lead), ("development", brief.developments))
            for s in items
        }
        for s in brief.agreed:
            assert s.above == shown.get(s.text, ""), (s.text, s.above)
            marked += bool(s.above)
            if s.above:
                assert f"(the {s.above} above)" in markdown(brief)
        # The mark travels with the brief as JSON.
        assert [BriefSentence.from_dict(s.to_dict()) for s in brief.agreed] == list(brief.agreed)
    assert marked, "the demo's landslide lead is reported by several outlets"
