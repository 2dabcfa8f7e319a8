"""The core facts of an article's lead and when two articles' core facts conflict."""

from __future__ import annotations

from datetime import UTC, datetime

from storyline.config import EvidenceConfig
from storyline.grouping.evidence import NO_CORE, EventCore, conflicts, event_core, figures, figures_conflict
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


def test_figures_read_counts_and_magnitudes_not_times_years_or_tolls() -> None:
    found = figures(
        "A strong 5.6 -magnitude earthquake hit at 13: 36 GMT; 23 Somali pirates were caught in 2008, "
        "five people died, and the 26-year-old captain waited 2 hours. Magnitude of 4. 6 reported."
    )
    assert ("magnitude", 5.6) in found and ("magnitude", 4.6) in found
    assert ("pirates", 23.0) in found
    # Clock times, years, ages, durations and casualty tolls (which rise as a story goes on) count nothing.
    assert not {thing for thing, _ in found} & {"gmt", "people", "year", "hours", "died"}
    assert not any(value in (13.0, 36.0, 2008.0, 26.0) for _, value in found)


def test_figures_conflict_only_on_one_thing_with_no_value_in_common() -> None:
    pirates = frozenset({("pirates", 23.0)})
    assert figures_conflict(pirates, frozenset({("pirates", 26.0)}))
    assert not figures_conflict(pirates, frozenset({("pirates", 23.0), ("ships", 2.0)}))
    assert not figures_conflict(pirates, frozenset({("ships", 3.0)}))
    # Two agencies' magnitudes of one quake differ a little; two quakes' differ more.
    assert not figures_conflict(frozenset({("magnitude", 5.9)}), frozenset({("magnitude", 6.1)}))
    assert figures_conflict(frozenset({("magnitude", 5.6)}), frozenset({("magnitude", 5.9)}))
    assert not figures_conflict(frozenset(), pirates)


def test_conflicts_need_both_sides_and_a_fact_absent_from_the_whole_of_the_other() -> None:
    banstead = EventCore(places=frozenset({"banstead"}), years=frozenset({2008}), all_years=frozenset({2008}))
    leeds = EventCore(places=frozenset({"leeds"}), years=frozenset({2013}), all_years=frozenset({2013}))
    kinds, places, years, counts = conflicts(banstead, leeds, {"banstead": 1.0}, {"leeds": 1.0})
    assert (kinds, places, years, counts) == (False, True, True, False)
    # A follow-up naming the first story's place and year in passing is not in conflict with it.
    later = EventCore(places=frozenset({"leeds"}), years=frozenset({2013}), all_years=frozenset({2008, 2013}))
    assert conflicts(banstead, later, {"banstead": 1.0}, {"leeds": 1.0, "banstead": 1.0}) == (False,) * 4
    assert conflicts(NO_CORE, leeds, {}, {}) == (False,) * 4


def test_event_core_reads_the_lead_and_the_events_it_reports() -> None:
    text = "Police arrested 23 pirates off Aden. The navy said more arrests would follow in 2009. Background."
    ends = [text.index("Aden.") + 5, text.index("follow in 2009.") + 15, len(text)]
    starts = [0, ends[0] + 1, ends[1] + 1]
    sentences = tuple(
        Sentence(a, b, text[a:b], BlockKind.PARAGRAPH, n)
        for n, (a, b) in enumerate(zip(starts, ends, strict=True))
    )
    aden = Entity("Aden", EntityType.PLACE, (Mention("Aden", text.index("Aden"), text.index("Aden") + 4),))
    events = (
        Event("arrest", "arrested", 0, ("Police",)),
        Event("statement", "said", 1, ("navy",)),
        Event("attack", "attack", 2, ("navy",)),
    )
    analysis = Analysis("h", sentences, Genre.REPORT, 0.0, (aden,), events)
    article = Article(
        "a",
        "h",
        "Pirates caught",
        (Block(BlockKind.PARAGRAPH, text),),
        published=datetime(2009, 1, 2, tzinfo=UTC),
    )
    core = event_core(article, analysis, EvidenceConfig())
    assert core.kinds == {"arrest"} and core.all_kinds == {"arrest", "attack"}
    assert core.places == {"aden"} and core.years == {2009}
    assert ("pirates", 23.0) in core.figures
