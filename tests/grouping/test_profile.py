"""What grouping compares of one article: its date (published, else its lead events') and the people
it leads with."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import numpy as np

from storyline.config import TermsConfig
from storyline.grouping.profile import profile
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
)


def _analysis(text: str, events: tuple[Event, ...] = (), entities: tuple[Entity, ...] = ()) -> Analysis:
    cut = text.index(".") + 1
    sentences = (Sentence(0, cut, text[:cut], BlockKind.PARAGRAPH, 0),)
    return Analysis("h", sentences, Genre.REPORT, 0.0, entities, events)


def test_an_undated_article_is_dated_by_the_full_date_its_lead_events_give() -> None:
    text = "HP agreed on Nov. 12, 2007 to buy EYP. Analysts were pleased."
    event = Event("acquisition", "buy", 0, ("HP",), time_text="Nov. 12, 2007", date="2007-11-12")
    undated = Article("a", "h", "HP buys EYP", (Block(BlockKind.PARAGRAPH, text),))
    placed = profile(1, undated, _analysis(text, (event,)), np.zeros(4, np.float32), TermsConfig())
    assert placed.date == datetime(2007, 11, 12, tzinfo=UTC) and placed.event_dated
    published = replace(undated, published=datetime(2007, 11, 13, tzinfo=UTC))
    dated = profile(1, published, _analysis(text, (event,)), np.zeros(4, np.float32), TermsConfig())
    assert dated.date == datetime(2007, 11, 13, tzinfo=UTC) and not dated.event_dated


def test_a_title_naming_no_one_leaves_the_lead_to_the_first_sentence() -> None:
    text = "Chargers tackle Jamal Williams was arrested on Sunday. Vincent Jackson was arrested in January."
    williams = Entity("Jamal Williams", EntityType.PERSON, (Mention("Jamal Williams", 16, 30),))
    jackson = Entity("Vincent Jackson", EntityType.PERSON, (Mention("Vincent Jackson", 55, 70),))
    article = Article("a", "h", "San Diego lineman arrested", (Block(BlockKind.PARAGRAPH, text),))
    found = profile(
        1, article, _analysis(text, entities=(williams, jackson)), np.zeros(4, np.float32), TermsConfig()
    )
    assert found.principals == ("williams",)
