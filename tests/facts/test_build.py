"""Facts across articles (facts/build.py): paraphrases from different outlets are one fact with
their voices; wire copies count once; figures of one slot that differ are a conflict."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from storyline.config import FactConfig
from storyline.facts.build import story_facts
from storyline.facts.source import Source
from storyline.model import Article, Block, BlockKind
from storyline.nlp.analyze import analyze
from storyline.nlp.embed import get_embedder


def _source(n: int, outlet: str | None, *paragraphs: str, copy_of: int | None = None, day: int = 1) -> Source:
    article = Article(
        locator=f"a{n}",
        content_hash=f"h{n}",
        title=None,
        blocks=tuple(Block(BlockKind.PARAGRAPH, p) for p in paragraphs),
        outlet=outlet,
        published=datetime(2026, 3, day, tzinfo=UTC),
    )
    analysis = analyze(article)
    vectors = get_embedder().embed([s.text for s in analysis.sentences])
    return Source(n, article, analysis, np.asarray(vectors), copy_of)


def test_two_outlets_stating_one_thing_are_one_fact_with_two_voices() -> None:
    a = _source(
        1,
        "Coast Herald",
        "A ferry carrying 212 passengers ran aground off Pelican Island on Tuesday morning.",
        "The coastguard said all passengers were taken off safely by lifeboats.",
    )
    b = _source(
        2,
        "Bay Times",
        "A passenger ferry with 212 people on board ran aground near Pelican Island on Tuesday.",
        "Local fishermen helped to tow the lifeboats back to the harbour.",
    )
    found = story_facts([a, b])
    top = found.facts[0]
    assert top.support == 2 and set(top.voices) == {"Coast Herald", "Bay Times"}
    assert {c.citation.article_id for c in top.claims} == {1, 2}
    singles = [f for f in found.facts if f.support == 1]
    assert singles, "the fishermen and the coastguard sentences stay apart"


def test_a_wire_copy_adds_no_voice() -> None:
    text = "The central bank raised its main interest rate by half a point to 4.5 percent on Thursday."
    a = _source(1, "Daily Ledger", text)
    b = _source(2, "Evening Post", text, copy_of=1)
    (fact,) = [f for f in story_facts([a, b]).facts if len(f.claims) > 1]
    assert fact.support == 1 and fact.voices == ("Daily Ledger",)


def test_flat_figures_of_one_slot_that_differ_are_a_conflict_and_days_apart_an_update() -> None:
    a = _source(1, "Coast Herald", "The storm killed 14 people in the fishing villages of the north coast.")
    b = _source(2, "Bay Times", "The storm killed 17 people in fishing villages along the north coast.")
    (conflict,) = story_facts([a, b]).conflicts
    assert conflict.thing == "death" and [q.value for q, _ in conflict.sides] == [14, 17]
    later = _source(
        3, "Bay Times", "The storm killed 17 people in fishing villages along the north coast.", day=3
    )
    (update,) = story_facts([a, later], FactConfig()).conflicts
    assert update.update and [q.value for q, _ in update.sides] == [14, 17]


def test_two_sentences_that_each_give_both_figures_are_no_dispute() -> None:
    a = _source(
        1,
        "Coast Herald",
        "The new vaccine protected 91.4 percent of children, against 88.1 percent for the old one.",
    )
    b = _source(
        2,
        "Bay Times",
        "Of the children given the old vaccine, 88.1 percent were protected, and 91.4 percent with the new.",
    )
    assert [c for c in story_facts([a, b]).conflicts if not c.update] == []


def test_a_fraction_of_one_figure_is_a_dispute_though_its_digits_are_in_both() -> None:
    a = _source(1, "Coast Herald", "He was sentenced to 2 years, with 9 months to serve in that case.")
    b = _source(2, "Bay Times", "He was sentenced to 2 1/2 years, with 9 months to serve in that case.")
    (conflict,) = [c for c in story_facts([a, b]).conflicts if not c.update]
    assert [q.value for q, _ in conflict.sides] == [2, 2.5]


def test_sums_of_money_for_different_things_are_no_dispute() -> None:
    a = _source(
        1, "Coast Herald", "Analysts say Halden's $13.9 billion takeover of Norvik is a good move for both."
    )
    b = _source(
        2, "Bay Times", "Combined, Norvik and Halden's services arm had about $39 billion in revenue."
    )
    assert [c for c in story_facts([a, b]).conflicts if not c.update] == []


def test_two_disputes_of_one_slot_about_two_happenings_stay_two() -> None:
    sunday = [
        _source(1, "Coast Herald", "The quake near the town of Dargahan on Sunday injured two people."),
        _source(
            2, "Bay Times", "The quake struck near the town of Dargahan on Sunday, injuring five people."
        ),
    ]
    september = [
        _source(3, "Gulf News", "A 6.1 quake in September near the port of Bandar Abbas injured 40 people."),
        _source(4, "Daily Ledger", "That quake near Bandar Abbas in September injured almost 50 people."),
    ]
    disputes = [c for c in story_facts(sunday + september).conflicts if not c.update]
    assert sorted(sorted(q.value for q, _ in c.sides) for c in disputes) == [[2, 5], [40, 50]]


def test_a_chain_of_loose_links_makes_no_dispute_of_its_ends() -> None:
    # Sunday's two injured and September's 40 are each at odds with a claim that names no time
    # ("five people"), but not with each other (two times): they are never one dispute.
    sources = [
        _source(1, "Coast Herald", "The quake near the town of Dargahan on Sunday injured two people."),
        _source(2, "Gulf News", "The quake near the town of Dargahan injured five people, officials said."),
        _source(3, "Bay Times", "The quake near the town of Dargahan in September injured 40 people."),
    ]
    disputes = [c for c in story_facts(sources).conflicts if not c.update]
    assert disputes, "the claim with no time is at odds with one of them"
    for conflict in disputes:
        assert not {2, 40} <= {q.value for q, _ in conflict.sides}


def test_another_happening_or_other_names_are_no_dispute() -> None:
    school = _source(
        1, "Coast Herald", "Israeli shelling of a UN school in Jabaliya killed 40 people, the UN said."
    )
    another = _source(
        2, "Bay Times", "Three people were killed when Israeli shelling hit another UN school in Gaza City."
    )
    assert [c for c in story_facts([school, another]).conflicts if not c.update] == []
    ana = _source(3, "Gulf News", "Police said Ana Ruiz, the driver, was fined 300 dollars for speeding.")
    ben = _source(4, "Daily Ledger", "Police said Ben Ortiz, the driver, was fined 500 dollars for speeding.")
    assert [c for c in story_facts([ana, ben]).conflicts if not c.update] == []


def test_claims_at_odds_on_two_figures_tell_two_happenings() -> None:
    a = _source(
        1, "Coast Herald", "A magnitude 6.1 quake struck the island, injuring 40 people, officials said."
    )
    b = _source(
        2, "Bay Times", "A magnitude 5.2 quake struck the island, injuring three people, officials said."
    )
    assert [c for c in story_facts([a, b]).conflicts if not c.update] == []


def test_credits_and_quote_fragments_are_no_claims() -> None:
    a = _source(
        1,
        "Coast Herald",
        "(Reporting by Ana Lopes; Editing by Tom Reed)",
        "“The science is the easy part.",
        "The harbour reopened to shipping on Monday after the storm.",
    )
    texts = [c.claim.text for f in story_facts([a]).facts for c in f.claims]
    assert not any("Reporting by" in t or "science" in t for t in texts)
