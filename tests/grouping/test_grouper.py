"""The grouper on hand-made profiles: joining or starting a story, the time window, local repair
(moves and merges), the centroid index, eviction and thread links."""

from __future__ import annotations

import numpy as np

from storyline.config import StoryConfig
from storyline.grouping.grouper import Grouper
from storyline.grouping.profile import ArticleProfile
from tests.grouping.builders import DIM, article, counter, day, story, unit

QUAKE = ["quake", "chile", "santiago", "magnitude"]
REHAB = ["rehab", "lohan", "court", "judge"]


def test_an_article_joins_the_story_it_is_like_or_starts_one() -> None:
    grouper = Grouper(StoryConfig(), DIM)
    new_story = counter(1)
    first = grouper.place(article(1, QUAKE, vector=unit(1.0), date=day(0)), new_story)
    assert (first.story, first.new, first.score) == (1, True, 1.0)
    joined = grouper.place(article(2, QUAKE[:3], vector=unit(1.0, 0.1), date=day(1)), new_story)
    assert (joined.story, joined.new) == (1, False)
    assert StoryConfig().join_threshold <= joined.score < 1.0
    other = grouper.place(article(3, REHAB, vector=unit(0.0, 1.0), date=day(1)), new_story)
    assert (other.story, other.new) == (2, True)
    assert {sid: s.size for sid, s in grouper.stories.items()} == {1: 2, 2: 1}
    assert [m.id for m in grouper.stories[1].members] == [1, 2]


def test_an_article_far_outside_a_storys_time_window_starts_another() -> None:
    config = StoryConfig(window_days=10)
    grouper = Grouper(config, DIM)
    new_story = counter(1)
    grouper.place(article(1, QUAKE, date=day(0)), new_story)
    assert grouper.place(article(2, QUAKE, date=day(9)), new_story).story == 1
    # Ten days after the story's last article is still within; thirty are not.
    assert grouper.place(article(3, QUAKE, date=day(19)), new_story).story == 1
    late = grouper.place(article(4, QUAKE, date=day(50)), new_story)
    assert late.new and late.story == 2
    # An undated article can join any story.
    assert grouper.place(article(5, QUAKE), new_story).story in (1, 2)


def test_an_article_leading_with_other_people_starts_its_own_story() -> None:
    grouper = Grouper(StoryConfig(), DIM)
    new_story = counter(1)
    words = ["visit", "moscow", "iran", "talks"]
    grouper.place(article(1, words, people=["raisi"], principals=["raisi"]), new_story)
    grouper.place(article(2, words, people=["raisi"], principals=["raisi"]), new_story)
    # The same words, but another official's visit: he is never named in the story, nor Raisi in it.
    other = grouper.place(article(3, words, people=["abdollahian"], principals=["abdollahian"]), new_story)
    assert other.new


def test_a_bridging_article_merges_two_wholly_alike_stories() -> None:
    a = story(1, [article(1, QUAKE, date=day(0))])
    b = story(2, [article(2, QUAKE, date=day(1))])
    grouper = Grouper(StoryConfig(), DIM, [a, b])
    placed = grouper.place(article(3, QUAKE, date=day(1)), counter(10))
    assert not placed.new and placed.story in (1, 2)
    assert placed.merges == ((1, 2),)
    assert placed.touched == {1, 2}
    assert list(grouper.stories) == [1]
    assert grouper.stories[1].size == 3


def test_stories_kept_apart_by_hand_are_never_merged() -> None:
    a = story(1, [article(1, QUAKE, date=day(0))])
    b = story(2, [article(2, QUAKE, date=day(1))])
    a.apart, b.apart = {2}, {1}
    grouper = Grouper(StoryConfig(), DIM, [a, b])
    placed = grouper.place(article(3, QUAKE, date=day(1)), counter(10))
    assert placed.merges == ()
    assert sorted(grouper.stories) == [1, 2]


def test_an_article_that_fits_a_neighbouring_story_better_moves_there() -> None:
    stray = article(2, REHAB, vector=unit(0.0, 1.0))
    a = story(1, [article(1, QUAKE, vector=unit(1.0)), stray])
    b = story(2, [article(3, REHAB, vector=unit(0.0, 1.0)), article(4, REHAB, vector=unit(0.0, 1.0))])
    grouper = Grouper(StoryConfig(), DIM, [a, b])
    placed = grouper.place(article(5, REHAB, vector=unit(0.0, 1.0)), counter(10))
    assert placed.story == 2
    assert placed.moves == ((2, 1, 2),)
    assert placed.touched == {1, 2}
    assert [m.id for m in grouper.stories[1].members] == [1]
    assert sorted(m.id for m in grouper.stories[2].members) == [2, 3, 4, 5]
    assert (grouper.stories[1].size, grouper.stories[2].size) == (1, 4)


def test_an_article_pinned_by_hand_never_moves() -> None:
    stray = article(2, REHAB, vector=unit(0.0, 1.0), pinned=True)
    a = story(1, [article(1, QUAKE, vector=unit(1.0), pinned=True), stray])
    b = story(2, [article(3, REHAB, vector=unit(0.0, 1.0)), article(4, REHAB, vector=unit(0.0, 1.0))])
    grouper = Grouper(StoryConfig(), DIM, [a, b])
    placed = grouper.place(article(5, REHAB, vector=unit(0.0, 1.0)), counter(10))
    assert placed.moves == ()
    assert [m.id for m in grouper.stories[1].members] == [1, 2]


def test_with_more_stories_than_candidates_the_index_finds_the_right_one() -> None:
    dim = 64
    rng = np.random.default_rng(3)
    vectors = rng.standard_normal((40, dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    states = [
        story(n + 1, [article(n + 1, [f"word{n}", f"term{n}"], vector=vectors[n])], dim=dim)
        for n in range(40)
    ]
    grouper = Grouper(StoryConfig(candidates=4), dim, states)
    placed = grouper.place(article(100, ["word23", "term23"], vector=vectors[23]), counter(1000))
    assert (placed.story, placed.new) == (24, False)


def test_stories_not_seen_for_long_leave_the_index_then_memory() -> None:
    # Few members per story keep the thousand placements below quick.
    config = StoryConfig(window_days=10, thread_window_days=180, members=2)
    old = story(1, [article(1, REHAB, date=day(0))])
    quiet = story(2, [article(2, ["election", "ballot"], date=day(195))])
    busy = story(3, [article(3, QUAKE, date=day(200))])
    grouper = Grouper(config, DIM, [old, quiet, busy])
    # Kept for threads at first, and the quiet story can still be joined.
    assert sorted(grouper.stories) == [1, 2, 3]
    assert 2 in grouper._index
    new_story = counter(10)
    # Eviction runs every thousand placements; these move the newest date to day 210.
    for n in range(1000):
        grouper.place(article(1000 + n, QUAKE, date=day(210)), new_story)
    # Last seen 210 days before the newest article: past the thread window, gone from memory.
    assert 1 not in grouper.stories
    # Fifteen days: past the join window, out of the index, but still there for threads.
    assert 2 in grouper.stories and 2 not in grouper._index
    assert 3 in grouper.stories and 3 in grouper._index


def test_stories_of_one_subject_beyond_one_storys_span_are_threaded() -> None:
    def report(article_id: int, when: int, words: list[str]) -> ArticleProfile:
        return article(article_id, words, people=["horton"], date=day(when))

    crime = ["shooting", "brooklyn", "horton", "mother", "gang", "crossfire"]
    killing = story(1, [report(1, 0, crime), report(2, 1, crime)])
    # The trial, months later: the same subject, too far from the killing to be its story.
    trial = story(2, [report(3, 170, [*crime, "trial"]), report(4, 171, [*crime, "jury"])])
    other = story(3, [article(5, REHAB, date=day(170))])
    much_later = story(4, [report(6, 1000, crime)])
    config = StoryConfig(thread_window_days=730)
    grouper = Grouper(config, DIM, [killing, trial, other, much_later])
    [(pool, links)] = grouper.subjects([1])
    assert set(pool) == {1, 2, 3}
    assert [(link.a, link.b) for link in links] == [(1, 2)]
    assert links[0].reason() == "shared actors: Horton"
    assert [(link.a, link.b) for link in grouper.thread_links(2)] == [(1, 2)]
    assert grouper.thread_links(3) == [] and grouper.thread_links(99) == []
    # The two stories stay two: their articles are too far apart in time to be one story.
    repair = grouper.consolidate([1, 2], counter(10))
    assert not repair.merges and not repair.moves


def test_a_repair_merges_two_halves_of_one_event_and_splits_a_story_holding_two() -> None:
    fire = ["fire", "waitrose", "banstead", "blaze", "store"]
    quake = ["quake", "qeshm", "island", "magnitude"]
    # One fire reported as two stories; one story holding a fire report and a quake report.
    first = story(1, [article(1, fire, date=day(0)), article(2, fire[:4], date=day(0))])
    second = story(2, [article(3, fire, date=day(1))])
    mixed = story(3, [article(4, quake, vector=unit(0.0, 1.0), date=day(1)), article(5, fire, date=day(1))])
    grouper = Grouper(StoryConfig(), DIM, [first, second, mixed])
    repair = grouper.consolidate([1, 2, 3], counter(10))
    story_of = {m.id: sid for sid, s in grouper.stories.items() for m in s.members}
    assert story_of[1] == story_of[2] == story_of[3] == story_of[5]
    assert story_of[4] != story_of[1]
    assert (1, 2) in repair.merges and (5, 3, 1) in repair.moves
    assert repair.touched >= {1, 2, 3}


def test_a_repair_leaves_pinned_articles_and_stories_kept_apart_by_hand() -> None:
    fire = ["fire", "waitrose", "banstead", "blaze", "store"]
    first = story(1, [article(1, fire, date=day(0))])
    second = story(2, [article(2, fire, date=day(0), pinned=True)])
    second.apart.add(1)
    grouper = Grouper(StoryConfig(), DIM, [first, second])
    repair = grouper.consolidate([1, 2], counter(10))
    assert not repair.merges and not repair.moves
    assert {sid: s.size for sid, s in grouper.stories.items()} == {1: 1, 2: 1}
