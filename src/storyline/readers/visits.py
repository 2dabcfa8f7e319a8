"""What changed in a story since a reader's last visit: the articles that are new to them and the
figures of its brief that moved (a death toll that rose, a count one outlet corrected).

Pure functions over records: the store keeps the visits (:class:`~storyline.store.readers.Visit`),
:mod:`storyline.readers` opens it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from storyline.model import Brief, BriefSentence, Quantity, Story
from storyline.store.readers import Visit

__all__ = ["Changes", "Stated", "changes", "figures", "visit_of"]

# The figures a brief sentence states: those of the claims (storyline.nlp.claims) its words were
# cut from, each read with what it counts (nlp/quantities.py). The caller reads them from the
# stored analyses (readers.visit_story); a test may give them directly.
Stated = Callable[[BriefSentence], Sequence[Quantity]]


@dataclass(frozen=True, slots=True)
class Changes:
    """Since the last visit (None: a first visit, where nothing is marked new)."""

    last_seen: datetime | None
    new_articles: frozenset[int]
    # (what is counted, as it was, as it is now), e.g. ("people", "12 people", "14 people")
    figures: tuple[tuple[str, str, str], ...]

    @property
    def any(self) -> bool:
        return bool(self.new_articles or self.figures)


def figures(brief: Brief, stated: Stated) -> dict[str, str]:
    """What the brief counts, by what is counted ("people", "hour", "death"): the figures as
    written, " / " between the ones sources give when they differ. Only the brief's own sentences
    are read, so a figure changes here exactly when what a reader is shown changes."""
    found: dict[str, list[str]] = {}
    sentences = (
        brief.lead
        + brief.developments
        + brief.agreed
        + tuple(s for d in brief.discrepancies for _, s in d.sides)
    )
    for sentence in sentences:
        for quantity in stated(sentence):
            if not quantity.thing:
                continue
            said = found.setdefault(quantity.thing, [])
            if quantity.text not in said:
                said.append(quantity.text)
    return {unit: " / ".join(sorted(values)) for unit, values in sorted(found.items())}


def changes(previous: Visit | None, story: Story, brief: Brief | None, stated: Stated) -> Changes:
    """What is new in ``story`` (and its ``brief``) since ``previous``; nothing on a first visit."""
    if previous is None:
        return Changes(None, frozenset(), ())
    now = {a.id for a in story.articles}
    moved: list[tuple[str, str, str]] = []
    if brief is not None:
        current = figures(brief, stated)
        for unit, value in current.items():
            before = previous.figures.get(unit)
            if before is not None and before != value:
                moved.append((unit, before, value))
    return Changes(previous.seen_at, frozenset(now - previous.articles), tuple(moved))


def visit_of(story: Story, brief: Brief | None, stated: Stated) -> Visit:
    """The visit to remember now: the story's articles and the brief's figures."""
    return Visit(
        story.id,
        frozenset(a.id for a in story.articles),
        figures(brief, stated) if brief is not None else {},
        datetime.now(UTC),
    )
