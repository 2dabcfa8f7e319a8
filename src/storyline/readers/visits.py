"""What changed in a story since a reader's last visit: the articles that are new to them and the
figures of its brief that moved (a death toll that rose, a count one outlet corrected).

Pure functions over records: the store keeps the visits (:class:`~storyline.store.readers.Visit`),
:mod:`storyline.readers` opens it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from storyline.briefs.compare import quantities
from storyline.model import Brief, Story
from storyline.store.readers import Visit

__all__ = ["Changes", "changes", "figures", "visit_of"]


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


def figures(brief: Brief) -> dict[str, str]:
    """What the brief counts, by unit ("people", "hour", "km"): the figures as written, " / " between the
    ones sources give when they differ. Only the brief's own sentences are read, so a figure
    changes here exactly when what a reader is shown changes."""
    found: dict[str, list[str]] = {}
    sentences = (
        brief.lead
        + brief.developments
        + brief.agreed
        + tuple(s for d in brief.discrepancies for _, s in d.sides)
    )
    for sentence in sentences:
        for quantity in quantities(sentence.text):
            said = found.setdefault(quantity.unit, [])
            if quantity.text not in said:
                said.append(quantity.text)
    return {unit: " / ".join(sorted(values)) for unit, values in sorted(found.items())}


def changes(previous: Visit | None, story: Story, brief: Brief | None) -> Changes:
    """What is new in ``story`` (and its ``brief``) since ``previous``; nothing on a first visit."""
    if previous is None:
        return Changes(None, frozenset(), ())
    now = {a.id for a in story.articles}
    moved: list[tuple[str, str, str]] = []
    if brief is not None:
        current = figures(brief)
        for unit, value in current.items():
            before = previous.figures.get(unit)
            if before is not None and before != value:
                moved.append((unit, before, value))
    return Changes(previous.seen_at, frozenset(now - previous.articles), tuple(moved))


def visit_of(story: Story, brief: Brief | None) -> Visit:
    """The visit to remember now: the story's articles and the brief's figures."""
    return Visit(
        story.id,
        frozenset(a.id for a in story.articles),
        figures(brief) if brief is not None else {},
        datetime.now(UTC),
    )
