"""Speculation in the news sense (docs/annotation.md; issue 11): each case was a false alarm or a
miss on real news."""

from __future__ import annotations

import os
from typing import Any

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


def _every_pattern_searched(sentence: str) -> list[str]:
    from storyline.lang import ENGLISH
    from storyline.nlp.hedges import _cues

    return [cue for cue, pattern in _cues(ENGLISH).patterns.items() if pattern.search(sentence)]


def test_cue_pre_check_finds_what_searching_every_pattern_finds(demo_articles: dict[str, Any]) -> None:
    """Patterns are searched only where a string their every match holds is in the sentence: the
    same cues as searching them all, on real sentences, in capitals, and with the characters that
    case-insensitive matching takes for ASCII letters (dotless i, long s)."""
    from storyline.nlp.hedges import _cues_in

    sentences = [line.strip() for a in demo_articles.values() for line in a.article.text.split(".")]
    sentences = [s for s in sentences if s]
    sentences += [s.upper() for s in sentences]
    sentences += [
        "Officials said it MAY rain. Is it?",
        "ıt ıs belıeved that the mınıster mıght resıgn",  # dotless i: "might" to the regex
        "Some 2,500 people; ſome ſay it was ſuſpected",  # long s: "some", "say"
        "It remains to be seen whether talks in Doha can revolve around a ceasefire",
    ]
    assert len(sentences) > 200
    for sentence in sentences:
        assert _cues_in(sentence) == _every_pattern_searched(sentence), sentence


def test_case_insensitive_lookalikes_are_all_known() -> None:
    """The pre-check lowercases the sentence; the only characters that case-insensitive matching
    takes for an ASCII character while their lower() is something else are the ones it falls back on."""
    import re
    import sys

    from storyline.nlp.hedges import _UNLOWERED

    ascii_class = re.compile("[\\x20-\\x7e]", re.IGNORECASE)
    for code in range(128, sys.maxunicode + 1):
        char = chr(code)
        if not ascii_class.fullmatch(char):
            continue
        lower = char.lower()
        if not (len(lower) == 1 and lower.isascii() and re.fullmatch(re.escape(lower), char, re.IGNORECASE)):
            assert _UNLOWERED.match(char), hex(code)


def test_cue_order_is_the_same_in_every_process() -> None:
    """Cues of equal weight ("i think" and "maybe" are both strong) come in one order, not in the
    order of a set of strings, which changes with the process's hash seed."""
    import subprocess
    import sys

    sentence = "But I think I played one of the best matches, maybe in my career."
    code = f"from storyline.nlp.hedges import score; print(score({sentence!r}).cues)"
    seen = {
        subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in range(6)
    }
    assert len(seen) == 1, seen


def test_one_resource_holds_both_strong_lists() -> None:
    """The strong hedges the weights were cross-validated with and those news scoring adds are the
    two sections of one file; no cue is both strong and left out of news."""
    from storyline.lang import ENGLISH
    from storyline.nlp.hedges import _cues

    cues = _cues(ENGLISH)
    assert "may" in cues.fitted_strong and "alleged" not in cues.fitted_strong
    assert cues.strong[: len(cues.fitted_strong)] == cues.fitted_strong and "alleged" in cues.strong
    assert not set(cues.strong) & cues.not_news
