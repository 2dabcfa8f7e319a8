"""The scorers of bench/briefs_quality.py on a small hand-made story: each section's right, wrong and
unknown verdicts as the module's docstring defines them (no data set needed, so these run always)."""

from __future__ import annotations

import sys
from typing import Any

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))

import briefs_quality as bq

LEAD_1 = "Police arrested a man in Leeds on Friday over the fire at the depot."
LEAD_2 = "A man was arrested on Friday in Leeds over the depot fire, police said."
FIVE = "Five people died in the fire at the depot."
SEVEN = "Seven people died when the depot burned down."
KITCHEN_1 = "The fire started in the kitchen of the depot canteen."
KITCHEN_3 = "Firefighters said the blaze began in the canteen kitchen."
MAY = "He may have acted alone, a neighbour said."
OTHER = "The depot was built in 1962 by a local firm."
NAME = "The man was named as John Smith, aged 41."
BOTH = "John Smith, 41, started the fire in the canteen kitchen, police said."


def label() -> dict[str, Any]:
    def s(article: str, text: str) -> dict[str, str]:
        return {"article": article, "text": text}

    return {
        "story": "x",
        "articles": ["a1", "a2", "a3"],
        "lead": {"fact": "man arrested", "sentences": [s("a1", LEAD_1), s("a2", LEAD_2)]},
        "speculative": [{**s("a3", MAY), "cue": "may have"}],
        "contradictions": [
            {
                "kind": "figure",
                "subject": "dead",
                "sides": [{**s("a1", FIVE), "value": "5"}, {**s("a2", SEVEN), "value": "7"}],
            }
        ],
        "facts": [
            {"fact": "man arrested", "sentences": [s("a1", LEAD_1), s("a2", LEAD_2)]},
            {"fact": "five dead", "sentences": [s("a1", FIVE)]},
            {"fact": "seven dead", "sentences": [s("a2", SEVEN)]},
            {"fact": "kitchen", "sentences": [s("a1", KITCHEN_1), s("a3", KITCHEN_3), s("a2", BOTH)]},
            {"fact": "name", "sentences": [s("a3", NAME), s("a2", BOTH)]},
        ],
        "events": [
            {"kind": "arrest", "actor": "police", "place": "Leeds", "date": "2008-12-12", **s("a1", LEAD_1)},
            {"kind": "fire", "actor": "fire", "place": None, "date": None, **s("a1", FIVE)},
        ],
    }


def said(article: str, text: str) -> bq.Said:
    return bq.Said(article, text)


def item(*cited: tuple[str, str]) -> bq.Item:
    return bq.Item([said(a, t) for a, t in cited])


def verdicts(run: bq.Run, outlets: dict[str, str | None] | None = None) -> bq.Verdicts:
    return bq.score_run(run, bq.Labels(label(), outlets))


def test_lead_and_its_citations() -> None:
    right = verdicts(bq.Run(lead=item(("a2", LEAD_2), ("a1", LEAD_1))))
    assert right.items["lead"] == ["right"] and right.items["lead cites half"] == ["right"]
    wrong = verdicts(bq.Run(lead=item(("a1", FIVE))))
    assert wrong.items["lead"] == ["wrong"] and wrong.items["lead cites half"] == ["wrong"]
    # One of the two articles that state the lead is half of them.
    assert verdicts(bq.Run(lead=item(("a1", LEAD_1)))).items["lead cites half"] == ["right"]
    missing = verdicts(bq.Run())
    assert missing.scores["lead"].wrong == 1 and missing.scores["lead"].labelled == 1


def test_developments_real_and_new() -> None:
    run = bq.Run(
        lead=item(("a1", LEAD_1)),
        developments=[
            item(("a2", LEAD_2)),  # restates the lead
            item(("a1", KITCHEN_1)),  # a new fact
            item(("a3", KITCHEN_3)),  # the same fact again
            item(("a3", MAY)),  # speculative
            item(("a1", OTHER)),  # not labelled: cannot be decided
            item(("a3", NAME)),  # another new fact
        ],
    )
    out = verdicts(run)
    assert out.items["developments"] == ["wrong", "right", "wrong", "wrong", "unknown", "right"]
    assert out.scores["developments"].adds_new == 0
    # Restating a shown fact while stating a new one is wrong, and counted apart.
    again = verdicts(
        bq.Run(lead=item(("a1", LEAD_1)), developments=[item(("a1", KITCHEN_1)), item(("a2", BOTH))])
    )
    assert again.items["developments"] == ["right", "wrong"] and again.scores["developments"].adds_new == 1


def test_agreed_presence_and_precision() -> None:
    run = bq.Run(
        agreed=[
            item(("a1", KITCHEN_1), ("a3", KITCHEN_3)),  # one fact, two articles
            item(("a1", FIVE), ("a2", SEVEN)),  # two different facts
            item(("a1", FIVE), ("a2", SEVEN), ("a3", OTHER)),  # one cited sentence not labelled
            item(("a3", MAY), ("a1", KITCHEN_1)),  # speculative
            item(("a1", LEAD_1), ("a2", LEAD_2)),  # the lead, stated by two articles
            item(("a1", KITCHEN_1), ("a1", FIVE)),  # no other article cited
        ]
    )
    out = verdicts(run)
    assert out.items["agreed"] == ["right", "wrong", "unknown", "wrong", "right", "unknown"]
    assert out.items["agreed presence"] == ["right"]
    # Three articles of two outlets are not three independent sources: presence is not scored.
    two = verdicts(bq.Run(), {"a1": "bbc.co.uk", "a2": "bbc.co.uk", "a3": None})
    assert "agreed presence" not in two.items
    assert verdicts(bq.Run()).items["agreed presence"] == ["wrong"]


def test_single_source() -> None:
    run = bq.Run(
        single_source=[item(("a1", KITCHEN_1)), item(("a1", FIVE)), item(("a1", OTHER)), item(("a2", LEAD_2))]
    )
    assert verdicts(run).items["single-source"] == ["wrong", "right", "unknown", "wrong"]


def test_discrepancies() -> None:
    run = bq.Run(
        discrepancies=[
            [[said("a1", FIVE)], [said("a2", SEVEN)]],  # the labelled contradiction
            [[said("a1", FIVE), said("a2", SEVEN)], [said("a3", OTHER)]],  # both values on one side
            [[said("a1", KITCHEN_1)], [said("a3", KITCHEN_3)]],  # no contradiction
        ]
    )
    out = verdicts(run)
    assert out.items["discrepancies"] == ["right", "wrong", "wrong"]
    assert out.scores["discrepancies"].found == 1 and out.scores["discrepancies"].labelled == 1


def test_timeline_dates() -> None:
    run = bq.Run(
        timeline=[
            bq.Entry(said("a1", LEAD_1), "2008-12-12T09:00:00+00:00"),  # same day
            bq.Entry(said("a1", FIVE), "2008-12-12"),  # dated against a null label
            bq.Entry(said("a3", NAME), None),  # no labelled event
        ]
    )
    out = verdicts(run)
    assert out.items["timeline"] == ["right", "wrong", "unknown"]
    assert out.scores["timeline"].found == 1 and out.scores["timeline"].labelled == 2
    assert out.scores["timeline"].dated == 2


@pytest.mark.parametrize(
    ("ours", "labelled", "agree"),
    [
        ("2008-12-16", "2008-12-16", True),
        ("2008-12-15", "2008-12-16", False),
        ("2008-12", "2008-12-16", True),
        ("2008-12-16", "2008-12", True),
        ("2008-11-30", "2008-12", False),
        (None, None, True),
        ("2008-12-16", None, False),
        (None, "2008-12-16", False),
        ("2008", None, False),
    ],
)
def test_dates_agree(ours: str | None, labelled: str | None, agree: bool) -> None:
    assert bq.dates_agree(ours, labelled) is agree


def test_citations_support() -> None:
    run = bq.Run(
        lead=item(("a1", LEAD_1), ("a2", LEAD_2), ("a2", SEVEN), ("a3", OTHER), ("a3", LEAD_1)),
    )
    # The lead fact; another labelled fact; not labelled; the same text (a syndicated copy).
    assert verdicts(run).items["citations"] == ["right", "wrong", "unknown", "right"]


def test_outlets_from_the_address_line() -> None:
    assert bq.outlet_of("http: / / articles. latimes. com / 2013 / may / 03\nLohan") == "latimes.com"
    assert bq.outlet_of("http: / / news. bbc. co. uk / 2 / hi / 1.stm\nText") == "bbc.co.uk"
    assert bq.outlet_of("Tara Reid entered rehab.") is None
    lab = bq.Labels(label(), {"a1": "bbc.co.uk", "a2": "bbc.co.uk", "a3": None})
    assert lab.sources == 2
