"""What changed since a reader's last visit: new articles and the brief's figures that moved."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from storyline.model import Brief, BriefSentence, Citation, Quantity, Scope, Story, StoryArticle
from storyline.readers.visits import changes, figures, visit_of

# The figures each sentence's claims state, as the analysis reads them (nlp/quantities.py).
_STATED = {
    "At least 12 people died when the bus crashed.": (
        Quantity("At least 12 people", 12.0, scope=Scope.AT_LEAST, thing="people", verb="die"),
    ),
    "At least 14 people died when the bus crashed.": (
        Quantity("At least 14 people", 14.0, scope=Scope.AT_LEAST, thing="people", verb="die"),
    ),
    "The road was closed for 3 hours.": (Quantity("3 hours", 3.0, thing="hour", verb="close"),),
}


def _stated(sentence: BriefSentence) -> Sequence[Quantity]:
    return _STATED.get(sentence.text, ())


def _story(*ids: int) -> Story:
    articles = tuple(
        StoryArticle(id=i, outlet="Wire", title=f"a{i}", source=None, published=None, score=1.0) for i in ids
    )
    return Story(id=7, title="Crash", thread=None, first_seen=None, last_seen=None, articles=articles)


def _brief(*sentences: str) -> Brief:
    said = tuple(BriefSentence(s, (Citation(1, "Wire", "a1", 0, 0, len(s)),)) for s in sentences)
    return Brief("story", 7, "Crash", "short", ("Wire",), None, None, said)


def test_figures_are_what_the_brief_counts() -> None:
    found = figures(
        _brief("At least 12 people died when the bus crashed.", "The road was closed for 3 hours."), _stated
    )
    assert found == {"people": "At least 12 people", "hour": "3 hours"}


def test_first_visit_marks_nothing_then_new_articles_and_moved_figures_are_marked() -> None:
    before = _brief("At least 12 people died when the bus crashed.")
    assert not changes(None, _story(1, 2), before, _stated).any
    seen = visit_of(_story(1, 2), before, _stated)
    now = changes(seen, _story(1, 2, 3), _brief("At least 14 people died when the bus crashed."), _stated)
    assert now.new_articles == frozenset({3})
    assert [(unit, "14" in after, "12" in was) for unit, was, after in now.figures] == [
        ("people", True, True)
    ]
    assert now.last_seen is not None and now.last_seen <= datetime.now(UTC)
    same = changes(visit_of(_story(1, 2, 3), before, _stated), _story(1, 2, 3), before, _stated)
    assert not same.any
