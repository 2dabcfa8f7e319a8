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
