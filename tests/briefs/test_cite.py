"""A brief cites each source once: a copy (syndicated, or a wire story run word for word) is named
beside its original ("also carried by"), never cited as a source of its own (issue 23)."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from storyline.briefs.brief import brief_story
from storyline.briefs.cite import cited_sentence
from storyline.briefs.format import markdown, text
from storyline.facts.source import Source
from storyline.model import Article, Block, BlockKind, Story, StoryArticle
from storyline.nlp.analyze import analyze
from storyline.nlp.embed import get_embedder

LEAD = (
    "A ferry carrying 212 passengers ran aground off Pelican Island on Tuesday morning, the coastguard said."
)
PARAPHRASE = "A passenger ferry with 212 people on board ran aground near Pelican Island on Tuesday, the coastguard said."
MORE = "The coastguard said all passengers were taken off safely by lifeboats before noon."


def _source(
    n: int, outlet: str, *paragraphs: str, copy_of: int | None = None, agency: str | None = None, day: int = 1
) -> Source:
    article = Article(
        locator=f"a{n}",
        content_hash=f"h{n}",
        title=f"Title {n}",
        blocks=tuple(Block(BlockKind.PARAGRAPH, p) for p in paragraphs),
        outlet=outlet,
        published=datetime(2026, 3, day, tzinfo=UTC),
        agency=agency,
    )
    analysis = analyze(article)
    vectors = get_embedder().embed([s.text for s in analysis.sentences])
    return Source(n, article, analysis, np.asarray(vectors), copy_of)


def _story(sources: list[Source]) -> Story:
    members = tuple(
        StoryArticle(
            s.article_id,
            s.article.outlet,
            s.article.title,
            s.article.locator,
            s.article.published,
            1.0,
            s.duplicate_of,
            agency=s.article.agency,
        )
        for s in sources
    )
    return Story(1, "Ferry aground", None, None, None, members)


def test_the_lead_cites_the_original_and_names_its_copy() -> None:
    original = _source(1, "Meridian Wire", LEAD, MORE, agency="Meridian Wire")
    copy = _source(2, "Capital Dispatch", LEAD, MORE, copy_of=1, agency="Meridian Wire", day=2)
    other = _source(3, "Bay Times", PARAPHRASE, day=2)
    story = _story([original, copy, other])
    brief = brief_story(story, [copy, original, other])
    (lead,) = brief.lead
    cited = [c.article_id for c in lead.citations]
    # Two independent sources, cited once each; the copy is named, not cited.
    assert sorted(cited) == [1, 3], cited
    assert [c.article_id for c in lead.carried_by] == [2]
    assert lead.text == LEAD
    assert len(set(lead.outlets)) == story.independent_sources == 2
    assert "also carried by Capital Dispatch" in text(brief)
    assert "also carried by Capital Dispatch" in markdown(brief)
    # Nowhere in the brief is the copy cited beside its original.
    for sentence in brief.sentences():
        ids = {c.article_id for c in sentence.citations}
        assert not {1, 2} <= ids, sentence
    assert brief.to_dict()["lead"][0]["carried_by"][0]["article_id"] == 2


def _one_line(
    n: int, outlet: str, line: str, copy_of: int | None = None, agency: str | None = None
) -> Source:
    return _source(n, outlet, line, copy_of=copy_of, agency=agency)


def test_a_copy_cited_first_gives_way_to_its_original() -> None:
    sources = [
        _one_line(1, "Meridian Wire", LEAD),
        _one_line(2, "Capital Dispatch", LEAD.replace("morning", "morning local time"), copy_of=1),
    ]
    index = {s.article_id: n for n, s in enumerate(sources)}
    sentence = cited_sentence(sources, index, [sources[1].citation(0), sources[0].citation(0)])
    assert [c.article_id for c in sentence.citations] == [1]
    assert [c.article_id for c in sentence.carried_by] == [2]
    # The words shown are the original's.
    assert sentence.text == LEAD


def test_copies_of_an_original_not_cited_stand_for_it_once() -> None:
    sources = [
        _one_line(1, "Meridian Wire", MORE),
        _one_line(2, "Capital Dispatch", LEAD, copy_of=1),
        _one_line(3, "Bay Times", LEAD, copy_of=2),
        _one_line(4, "Coast Herald", PARAPHRASE),
    ]
    index = {s.article_id: n for n, s in enumerate(sources)}
    sentence = cited_sentence(sources, index, [s.citation(0) for s in sources[1:]])
    assert [c.article_id for c in sentence.citations] == [2, 4]
    assert [c.outlet for c in sentence.carriers] == ["Bay Times"]


def test_a_wire_story_run_word_for_word_is_a_copy_and_one_outlets_two_articles_are_not() -> None:
    sources = [
        _one_line(1, "Meridian Wire", LEAD, agency="Meridian Wire"),
        # Not found to be a copy (the rest of the article was edited), the same wire sentence.
        _one_line(2, "Capital Dispatch", LEAD, agency="Meridian Wire"),
        # An outlet's own follow-up repeating its own sentence is its own article.
        _one_line(3, "Bay Times", LEAD),
        _one_line(4, "Bay Times", LEAD),
    ]
    index = {s.article_id: n for n, s in enumerate(sources)}
    sentence = cited_sentence(sources, index, [s.citation(0) for s in sources])
    assert [c.article_id for c in sentence.citations] == [1, 3, 4]
    assert [c.article_id for c in sentence.carried_by] == [2]
    # A wire sentence another outlet reworded is no copy.
    reworded = [sources[0], _one_line(5, "Capital Dispatch", PARAPHRASE, agency="Meridian Wire")]
    index = {s.article_id: n for n, s in enumerate(reworded)}
    sentence = cited_sentence(reworded, index, [s.citation(0) for s in reworded])
    assert [c.article_id for c in sentence.citations] == [1, 5] and not sentence.carried_by
