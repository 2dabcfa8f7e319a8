"""Speculation in the news sense (docs/annotation.md; issue 11): each case was a false alarm or a
miss on real news."""

from __future__ import annotations

import pytest

from storyline.nlp.hedges import score


@pytest.mark.parametrize(
    "sentence",
    [
        "The convoy travelled some 2,500 km across the desert to reach the camp.",  # approximate figure
        "Many residents fled their homes as the water rose through the night.",  # plain quantifier
        "She was one of the first people to reach the scene of the crash.",  # not a weasel in news
        "The court set a deadline of May 10 for the defence to file its papers.",  # the month
        "The hearing was adjourned until May when the judge will hear witnesses.",
        "Motorists could be seen abandoning their cars on the flooded motorway.",  # ability
        "Police could find no witnesses to the assault despite weeks of appeals.",
        "Officers found a suspicious device in bushes near the bank on Friday.",  # plain description
        "Gomes appeared in court today, accused in the deaths of two women.",  # appear = show up
        "Court records indicate he was arrested in 2005 for assault and battery.",
        "The FLDS, with an estimated 10,000 members, is based in Colorado City.",
    ],
)
def test_not_speculation_in_news(sentence: str) -> None:
    result = score(sentence)
    assert not result.hedged, result


@pytest.mark.parametrize(
    "sentence",
    [
        "The fire is being treated as potentially suspicious, police said on Sunday.",
        "As many as 55,000 civilians are said to be moving southwards in the state.",
        "Apple claims the battery will last up to eight hours on a single charge.",
        "The talks may revolve around the pension question, diplomats said.",
        "The minister is expected to resign before the end of the week.",
        "The outage appears to be related to a failure on a submarine cable.",
        "He reportedly checked into a clinic in Malibu late on Thursday.",
    ],
)
def test_speculation_in_news(sentence: str) -> None:
    result = score(sentence)
    assert result.hedged, result
    assert result.cues
