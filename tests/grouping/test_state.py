"""StoryState: what adding, removing and absorbing articles does to a story, its title and leading
entities, and its round trip through the stored record."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from storyline.config import StoryConfig
from storyline.grouping.state import StoryState
from storyline.model import EntityType, StoryRecord
from tests.grouping.builders import DIM, article, day, story, unit


def test_add_sums_vectors_counts_entities_and_spans_dates() -> None:
    a = article(1, ["quake"], vector=unit(1.0), people=["bachelet"], date=day(3))
    b = article(2, ["quake"], vector=unit(0.0, 1.0), people=["bachelet"], places=["chile"], date=day(1))
    state = story(7, [a, b])
    assert state.size == 2
    np.testing.assert_allclose(state.total, [1.0, 1.0, 0.0, 0.0])
    # Articles naming it, summed salience.
    assert state.entities == {"bachelet": [2.0, 2.0], "chile": [1.0, 1.0]}
    assert state.names["chile"] == ("Chile", EntityType.PLACE)
    assert (state.first, state.last) == (day(1), day(3))
    assert [m.id for m in state.members] == [1, 2]


def test_add_keeps_only_the_latest_members_but_counts_every_article() -> None:
    state = story(1, [article(n, ["quake"]) for n in range(1, 6)], keep=3)
    assert state.size == 5
    assert [m.id for m in state.members] == [3, 4, 5]
    np.testing.assert_allclose(state.total, 5 * unit(1.0))


def test_the_longest_name_of_an_entity_is_kept() -> None:
    state = story(1, [article(1, ["visit"], people=["raisi"])])
    longer = replace(
        article(2, ["visit"], people=["raisi"]), names={"raisi": ("Ebrahim Raisi", EntityType.PERSON)}
    )
    state.add(longer, 30)
    assert state.names["raisi"] == ("Ebrahim Raisi", EntityType.PERSON)


def test_remove_undoes_add() -> None:
    a = article(1, ["quake"], vector=unit(1.0), people=["bachelet"], date=day(1))
    b = article(2, ["quake"], vector=unit(0.0, 1.0), places=["chile"], date=day(5))
    state = story(1, [a, b])
    state.remove(b)
    assert state.size == 1
    np.testing.assert_allclose(state.total, unit(1.0), atol=1e-6)
    # An entity no article names any more is gone.
    assert state.entities == {"bachelet": [1.0, 1.0]}
    # Every article is at hand, so the date span shrinks to what is left.
    assert (state.first, state.last) == (day(1), day(1))
    assert [m.id for m in state.members] == [1]


def test_remove_keeps_the_span_when_not_every_article_is_at_hand() -> None:
    state = story(1, [article(n, ["quake"], date=day(n)) for n in range(1, 5)], keep=2)
    state.remove(state.members[-1])
    # Articles 1 and 2 are not in ``members``: the earliest date cannot be recomputed.
    assert (state.first, state.last) == (day(1), day(4))


def test_absorb_adds_everything_of_the_other_story() -> None:
    keep = story(1, [article(1, ["quake"], people=["bachelet"], date=day(2))])
    keep.apart = {9}
    gone = story(
        2, [article(3, ["quake"], people=["bachelet"], date=day(6)), article(2, ["quake"], date=day(0))]
    )
    gone.apart = {8}
    keep.absorb(gone, keep=2)
    assert keep.size == 3
    np.testing.assert_allclose(keep.total, 3 * unit(1.0))
    assert keep.entities["bachelet"] == [2.0, 2.0]
    assert (keep.first, keep.last) == (day(0), day(6))
    assert keep.apart == {8, 9}
    # The latest ``keep`` members by id, whichever story they came from.
    assert [m.id for m in keep.members] == [2, 3]


def test_title_is_the_title_of_the_article_closest_to_the_centroid() -> None:
    state = story(
        1,
        [
            article(1, ["a"], vector=unit(1.0, 0.2), title="Typical"),
            article(2, ["a"], vector=unit(1.0, -0.1), title=None),
            article(3, ["a"], vector=unit(0.0, 1.0), title="Odd one out"),
            article(4, ["a"], vector=unit(1.0, 0.0)),
        ],
    )
    assert state.title() == "Typical"
    assert story(2, [article(5, ["a"])]).title() is None


def test_leading_entities_are_those_half_the_articles_name_most_salient_first() -> None:
    config = StoryConfig()
    many = [f"p{n}" for n in range(config.thread_leading + 2)]
    members = [
        article(1, ["x"], people=["raisi", "putin", *many]),
        article(2, ["x"], people=["raisi", "putin", *many]),
        article(3, ["x"], people=["raisi", "lone"]),
    ]
    state = story(1, members)
    leading = state.leading(config)
    assert leading[0] == "raisi"  # named by all three: the most salience
    assert "lone" not in leading  # named by one of three
    assert len(leading) == config.thread_leading
    # A story about fewer things when only all its articles' names count.
    assert state.leading(replace(config, leading_share=1.0)) == ["raisi"]


def test_principals_are_those_half_the_recent_articles_lead_with() -> None:
    state = story(
        1,
        [
            article(1, ["x"], principals=["klitschko"]),
            article(2, ["x"], principals=["klitschko", "thompson"]),
            article(3, ["x"], principals=["rahman"]),
        ],
    )
    assert state.principals(StoryConfig()) == {"klitschko"}
    # At a lower share, one article of three is enough.
    loose = replace(StoryConfig(), principal_share=0.3)
    assert state.principals(loose) == {"klitschko", "thompson", "rahman"}
    # No name half of them lead with: the most common ones speak for the story.
    split = story(
        2, [article(4, ["x"], principals=["a"]), article(5, ["x"], principals=["b"]), article(6, ["x"])]
    )
    assert split.principals(StoryConfig()) == {"a", "b"}


def test_record_round_trip_keeps_what_grouping_needs() -> None:
    state = story(
        5,
        [
            article(1, ["quake"], vector=unit(1.0), people=["bachelet"], date=day(1), title="Quake in Chile"),
            article(2, ["quake"], vector=unit(1.0, 1.0), places=["chile"], date=day(2)),
        ],
    )
    state.apart = {11}
    record = state.record()
    assert record.id == 5 and record.size == 2 and record.title == "Quake in Chile"
    assert record.apart == frozenset({11})
    assert record.entities["chile"].type is EntityType.PLACE
    back = StoryState.from_record(record)
    np.testing.assert_array_equal(back.total, state.total)
    assert back.total.dtype == np.float32 and back.total.flags.writeable
    assert (back.size, back.entities, back.first, back.last, back.apart) == (
        state.size,
        state.entities,
        state.first,
        state.last,
        state.apart,
    )
    assert back.names == {k: v for k, v in state.names.items() if k in state.entities}
    # Its articles are read later, when an article is first compared with it.
    assert back.members == [] and not back.loaded
    assert back.record() == replace(record, title=None)


def test_stored_entities_round_trip_through_their_dict() -> None:
    record = story(
        1, [article(1, ["x"], people=["bachelet"]), article(2, ["x"], people=["bachelet"])]
    ).record()
    stored = record.entities_to_dict()
    assert stored == {"bachelet": [2.0, 2.0, "Bachelet", "person"]}
    assert StoryRecord.entities_from_dict(stored) == record.entities


def test_a_story_rebuilt_from_its_articles_matches_one_grown_article_by_article() -> None:
    members = [article(n, ["x"], vector=unit(1.0, n), people=["p"], date=day(n)) for n in range(1, 4)]
    grown = StoryState(1, np.zeros(DIM, np.float32))
    for item in members:
        grown.add(item, 30)
    rebuilt = StoryState.of_articles(1, DIM, members, 30)
    assert rebuilt.record() == grown.record()
