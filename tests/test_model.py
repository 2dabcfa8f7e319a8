"""The model's own helpers."""

from __future__ import annotations

from storyline.model import EntityTally, EntityType, top_entities


def test_top_entities_show_one_chip_per_name() -> None:
    # "Lào Cai" tallied as a person under "cai" and as a place under "lào cai" is one entity to a
    # reader: shown once, by its most salient tally.
    tallies = {
        "cai": EntityTally(3, 3.1, "Lào Cai", EntityType.PERSON),
        "lào cai": EntityTally(3, 2.7, "Lào Cai", EntityType.PLACE),
        "hanoi": EntityTally(1, 1.0, "Hanoi", EntityType.PLACE),
    }
    shown = top_entities(tallies, limit=2)
    assert [(e.name, e.type) for e in shown] == [("Lào Cai", EntityType.PERSON), ("Hanoi", EntityType.PLACE)]


def test_the_outlets_reporting_a_story_are_not_its_entities() -> None:
    # "NEW YORK (Reuters) - Oil prices fell...": the dateline's credit is tallied as an organisation
    # of the story; a chip "Reuters" on a Reuters story says nothing about what happened.
    tallies = {
        "reuters": EntityTally(1, 2.0, "Reuters", EntityType.ORGANISATION),
        "msci": EntityTally(1, 1.0, "MSCI", EntityType.ORGANISATION),
    }
    shown = top_entities(tallies, reporters=["Reuters", "Associated Press"])
    assert [e.name for e in shown] == ["MSCI"]
