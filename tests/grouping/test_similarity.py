"""The similarity of two articles: term cosines, embedding cosine, the time bonus and the penalty
for leading with different people."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from storyline.config import StoryConfig
from storyline.grouping.similarity import different_people, lead_conflicts, similarity_matrix, sparse_dot
from storyline.grouping.terms import Terms
from tests.grouping.builders import article, day, story, terms, unit


def _weights(
    embedding_weight: float, *, time_weight: float = 0.0, conflict_penalty: float = 0.0
) -> StoryConfig:
    """StoryConfig with these weights: no time bonus and no conflict penalty unless given."""
    return replace(
        StoryConfig(),
        embedding_weight=embedding_weight,
        time_weight=time_weight,
        conflict_penalty=conflict_penalty,
    )


def _dense(t: Terms, width: int = 1 << 22) -> np.ndarray:
    out = np.zeros(width, np.float32)
    out[t.ids] = t.weights
    return out


def test_sparse_dot_equals_the_dense_product() -> None:
    a = [terms(["quake", "chile", "santiago"]), terms(["rehab", "lohan"]), Terms.empty()]
    b = [terms(["quake", "chile"]), terms(["lohan", "court", "judge", "rehab"])]
    expected = np.array([[_dense(x) @ _dense(y) for y in b] for x in a], np.float32)
    result = sparse_dot(a, b)
    assert result.shape == (3, 2)
    np.testing.assert_allclose(result, expected, atol=1e-6)
    # Two shared words of three and two: 2 / sqrt(3 * 2).
    assert result[0, 0] == pytest.approx(2 / np.sqrt(6), abs=1e-6)
    assert result[1, 0] == 0.0 and result[2, 1] == 0.0


def test_sparse_dot_of_empty_vectors_is_zero() -> None:
    np.testing.assert_array_equal(
        sparse_dot([Terms.empty()], [Terms.empty(), Terms.empty()]), np.zeros((1, 2))
    )


def test_identical_articles_score_one_and_unrelated_ones_zero() -> None:
    a = article(1, ["quake", "chile"], vector=unit(1.0))
    same = article(2, ["quake", "chile"], vector=unit(1.0))
    other = article(3, ["rehab", "lohan"], vector=unit(0.0, 1.0))
    sims = similarity_matrix([a], [same, other], _weights(0.5))
    np.testing.assert_allclose(sims, [[1.0, 0.0]], atol=1e-6)


def test_similarity_weighs_words_names_and_embedding() -> None:
    # Same words, different names, orthogonal embeddings: (1 + 0 + w * 0) / (2 + w).
    a = article(1, ["quake"], names=["chile"], vector=unit(1.0))
    b = article(2, ["quake"], names=["peru"], vector=unit(0.0, 1.0))
    assert similarity_matrix([a], [b], _weights(0.5))[0, 0] == pytest.approx(1 / 2.5)
    # Different words and names, one embedding: (0 + 0 + w) / (2 + w).
    c = article(3, ["rehab"], vector=unit(1.0))
    assert similarity_matrix([a], [c], _weights(2.0))[0, 0] == pytest.approx(2 / 4)


def test_articles_published_together_get_a_bonus_falling_to_nothing() -> None:
    base = article(1, ["quake"], vector=unit(1.0), date=day(0))
    same_day = article(2, ["rehab"], vector=unit(0.0, 1.0), date=day(0))
    days_later = article(3, ["rehab"], vector=unit(0.0, 1.0), date=day(3.5))
    weeks_later = article(4, ["rehab"], vector=unit(0.0, 1.0), date=day(20))
    undated = article(5, ["rehab"], vector=unit(0.0, 1.0))
    sims = similarity_matrix(
        [base],
        [same_day, days_later, weeks_later, undated],
        replace(_weights(0.5, time_weight=0.1), time_scale_days=7.0),
    )
    np.testing.assert_allclose(sims, [[0.1, 0.05, 0.0, 0.0]], atol=1e-6)


def test_lead_conflicts_mark_two_articles_each_leading_with_someone_the_other_never_names() -> None:
    thompson = article(1, ["fight"], people=["klitschko", "thompson"], principals=["thompson"])
    rahman = article(2, ["fight"], people=["klitschko", "rahman"], principals=["rahman"])
    # Leads with Klitschko, whom the others name: no conflict.
    klitschko = article(3, ["fight"], people=["klitschko"], principals=["klitschko"])
    nobody = article(4, ["fight"], people=["klitschko"])
    result = lead_conflicts([thompson, rahman], [thompson, rahman, klitschko, nobody])
    np.testing.assert_array_equal(result, [[0, 1, 0, 0], [1, 0, 0, 0]])


def test_a_lead_conflict_costs_the_penalty() -> None:
    a = article(1, ["fight", "title"], people=["thompson"], principals=["thompson"])
    b = article(2, ["fight", "title"], people=["rahman"], principals=["rahman"])
    plain = similarity_matrix([a], [b], _weights(0.5))[0, 0]
    penalised = similarity_matrix([a], [b], _weights(0.5, conflict_penalty=0.1))[0, 0]
    assert penalised == pytest.approx(plain - 0.1)


def test_the_defaults_are_story_configs() -> None:
    # One set of weights: what grouping uses is what StoryConfig says, time bonus and penalty included.
    a = article(1, ["fight"], people=["thompson"], principals=["thompson"], vector=unit(1.0), date=day(0))
    b = article(2, ["fight"], people=["rahman"], principals=["rahman"], vector=unit(1.0), date=day(0))
    config = StoryConfig()
    expected = 1.0 + config.time_weight - config.conflict_penalty
    assert similarity_matrix([a], [b], config)[0, 0] == pytest.approx(expected)


def test_empty_sides_give_an_empty_matrix() -> None:
    assert similarity_matrix([], [article(1, ["x"])], StoryConfig()).shape == (0, 1)
    assert similarity_matrix([article(1, ["x"])], [], StoryConfig()).shape == (1, 0)


def test_different_people_needs_both_sides_to_miss_the_others_principals() -> None:
    raisi = story(1, [article(1, ["visit"], people=["raisi"], principals=["raisi"])])
    # Leads with Amir-Abdollahian, never named in the story, and never names Raisi: another event.
    config = StoryConfig()
    assert different_people(["abdollahian"], {"abdollahian": 1.0}, raisi, config)
    # Names Raisi too: the same event may be told through another person.
    assert not different_people(["abdollahian"], {"abdollahian": 1.0, "raisi": 1.0}, raisi, config)
    # Leads with no one: nothing to tell them apart.
    assert not different_people([], {}, raisi, config)
