"""Discrepancies and citations an editor can trust (issue 11): each case here was a false alarm or
a miscitation on real news before it was fixed. Figures are read by nlp/quantities.py (its cases are
tests/nlp/test_quantities.py) and compared by the facts layer (tests/facts/)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import numpy as np

from storyline.briefs.brief import brief_story
from storyline.briefs.compare import title_conflict
from storyline.briefs.format import markdown, text
from storyline.config import BriefConfig
from storyline.facts.source import Source
from storyline.model import (
    Analysis,
    Article,
    Block,
    BlockKind,
    Entity,
    EntityType,
    Event,
    Genre,
    Mention,
    Sentence,
    Story,
    StoryArticle,
    ThreadRef,
)


def test_titles_whole_words_synonyms_and_co_held_roles() -> None:
    assert not title_conflict("chief executive", "CEO")
    assert not title_conflict("Chief Executive Officer", "chief executive")
    assert not title_conflict("founder", "chief executive")
    assert not title_conflict("spokeswoman", "spokesperson")
    # The seed discrepancy still stands.
    assert title_conflict("Foreign Minister", "former deputy foreign minister")
    assert title_conflict("President", "king")


# --- whole briefs built from small sources (no database, no model) ---------------------------------


def _source(article_id: int, outlet: str, lines: list[str], entities: tuple[Entity, ...] = (),
            events: tuple[Event, ...] = (), vectors: np.ndarray | None = None,
            kinds: list[BlockKind] | None = None) -> Source:  # fmt: skip
    blocks = tuple(
        Block(k, t) for t, k in zip(lines, kinds or [BlockKind.PARAGRAPH] * len(lines), strict=True)
    )
    article = Article(f"a{article_id}", f"h{article_id}", f"Title {article_id}", blocks, outlet=outlet,
                      published=datetime(2026, 1, 1, tzinfo=UTC))  # fmt: skip
    sentences, at = [], 0
    for n, block in enumerate(blocks):
        sentences.append(Sentence(at, at + len(block.text), block.text, block.kind, n))
        at += len(block.text) + 2
    if vectors is None:
        vectors = np.eye(len(lines), 8, dtype=np.float32)
    analysis = Analysis(article.content_hash, tuple(sentences), Genre.REPORT, 0.0, entities, events)
    return Source(article_id, article, analysis, vectors)


def _story(*ids: int) -> Story:
    return Story(1, "A story", None, None, None,
                 tuple(StoryArticle(i, None, None, f"a{i}", None, 1.0) for i in ids))  # fmt: skip


def _person(name: str, title: str, text: str) -> Entity:
    start = text.index(name)
    return Entity(name, EntityType.PERSON, (Mention(name, start, start + len(name)),), (title,))


def test_a_title_inside_another_word_is_no_title() -> None:
    first = "President Barack Obama spoke to reporters in Washington on Monday."
    second = "Barack Obama joked: I'm ta-king Michelle with me to the dinner tonight."
    sources = [
        _source(1, "Outlet A", [first], (_person("Barack Obama", "President", first),)),
        _source(2, "Outlet B", [second], (_person("Barack Obama", "king", second),)),
    ]
    brief = brief_story(_story(1, 2), sources)
    assert brief.discrepancies == ()


def test_a_close_embedding_alone_is_not_a_citation() -> None:
    same = np.zeros((1, 8), np.float32)
    same[0, 0] = 1.0
    a = _source(1, "Outlet A", ["The blast killed 11 people in Kabul on Monday morning."], vectors=same)
    b = _source(2, "Outlet B", ["The blast killed 14 people in Kabul on Monday morning."], vectors=same)
    brief = brief_story(_story(1, 2), [a, b])
    assert all(len(s.citations) == 1 for s in brief.sentences())


def test_agreement_says_articles_when_one_outlet() -> None:
    same = np.zeros((1, 8), np.float32)
    same[0, 0] = 1.0
    line = "Officials in Lisbon said the bridge would reopen to traffic next week."
    filler = "The city council met in Lisbon to discuss the repair budget for the year."
    vec = np.zeros((2, 8), np.float32)
    vec[0, 0] = vec[1, 1] = 1.0
    sources = [_source(i, "Only Outlet", [line, filler], vectors=vec) for i in (1, 2, 3)]
    brief = brief_story(_story(1, 2, 3), sources)
    assert brief.agreed
    for rendered in (markdown(brief), text(brief)):
        assert "two or more sources" not in rendered
        assert "Reported by two or more articles" in rendered


def test_timeline_has_real_actors_and_no_navigation() -> None:
    menu = "Home | News | Attack on Titan | Sport | Weather"
    line = "Police arrested John Smith in Leeds on Friday, officials said."
    smith = _person("John Smith", "", line)
    smith = Entity(smith.name, smith.type, smith.mentions, ())
    events = (
        Event("attack", "Attack", 0, ("Titan",), time_text=None),
        Event("arrest", "arrested", 1, ("Police", "John Smith"), place="Leeds", time_text="Friday"),
        Event("arrest", "arrested", 2, ("Police",), time_text="Friday"),  # no named party
    )
    src = _source(1, "Outlet A", [menu, line, "Police arrested a man on Friday in the city centre."],
                  entities=(smith,), events=events, kinds=[BlockKind.LIST_ITEM, BlockKind.PARAGRAPH, BlockKind.PARAGRAPH])  # fmt: skip
    brief = brief_story(_story(1), [src], BriefConfig())
    assert [(e.kind, e.sentence.text) for e in brief.timeline] == [("arrest", line)]


def test_timeline_shows_who_did_what_not_what_befell_someone() -> None:
    passive = "Zurana Horton was shot outside the school on Friday afternoon."
    hedged = "The case may soon be closed after police arrested Andrew Lopez on Tuesday."
    horton = Entity("Zurana Horton", EntityType.PERSON, (Mention("Zurana Horton", 0, 13),))
    lopez = Entity(
        "Andrew Lopez",
        EntityType.PERSON,
        (Mention("Andrew Lopez", hedged.index("Andrew"), hedged.index("Andrew") + 12),),
    )
    events = (
        Event("shooting", "shot", 0, ("Zurana Horton",), time_text="Friday"),
        Event("arrest", "arrested", 1, ("police", "Andrew Lopez"), time_text="Tuesday"),
    )
    src = _source(1, "Outlet A", [passive, hedged], entities=(horton, lopez), events=events)
    src = Source(src.article_id, src.article,
                 Analysis(src.analysis.content_hash,
                          (src.analysis.sentences[0], replace(src.analysis.sentences[1], hedge=0.8)),
                          Genre.REPORT, 0.0, src.analysis.entities, events),
                 src.vectors)  # fmt: skip
    assert brief_story(_story(1), [src]).timeline == ()


def test_a_past_event_is_not_dated_by_its_report() -> None:
    # "arrested ... in 2005" in a 2026 report was stamped with the report's date.
    line = "Police arrested John Smith in Leeds in 2005, officials said."
    smith = _person("John Smith", "", line)
    events = (Event("arrest", "arrested", 0, ("Police", "John Smith"), place="Leeds", time_text="2005"),)
    src = _source(1, "Outlet A", [line], entities=(smith,), events=events)
    (entry,) = brief_story(_story(1), [src], BriefConfig()).timeline
    assert entry.when is None


def test_a_thread_of_this_story_alone_is_not_shown() -> None:
    lines = ["Rui Valadares met Helena Amaral in Brasilia on Monday, officials said."]
    sources = [_source(1, "Outlet A", lines)]
    alone = replace(_story(1), thread=7)
    brief = brief_story(alone, sources)
    # A single-article story whose thread has no other live story listed "this story" alone.
    assert brief.thread == ()
    assert "same thread" not in markdown(brief) and "same thread" not in text(brief)
    other = ThreadRef(9, "Earlier talks", datetime(2025, 12, 1, tzinfo=UTC), "same people")
    brief = brief_story(replace(alone, related=(other,)), sources)
    assert [r.story for r in brief.thread] == [9, 1]
    assert "In the same thread" in markdown(brief)


def test_a_lead_that_points_back_gives_way_to_one_that_stands_alone() -> None:
    lines = [
        "This comes after police said the protesters inside the university had no option but to surrender.",
        "Police in Hong Kong surrounded the Polytechnic University on Monday, officials said.",
    ]
    (lead,) = brief_story(_story(1), [_source(1, "Outlet A", lines)]).lead
    assert lead.text == lines[1]
    # With nothing else to open with, the sentence still leads: a brief always has a lead.
    (lead,) = brief_story(_story(1), [_source(1, "Outlet A", lines[:1])]).lead
    assert lead.text == lines[0]
