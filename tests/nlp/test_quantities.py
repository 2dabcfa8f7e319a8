"""Figures read with what they count (nlp/quantities.py), on sentences written for these tests in
the shapes real news gives them."""

from __future__ import annotations

import pytest

from storyline.lang import ENGLISH
from storyline.model import Article, Block, BlockKind, Quantity, Scope
from storyline.nlp.analyze import analyze
from storyline.nlp.quantities import compatible, slot_key, value_of


def _figures(text: str) -> list[Quantity]:
    article = Article(locator="t", content_hash="t", title=None, blocks=(Block(BlockKind.PARAGRAPH, text),))
    claims = analyze(article).claims or ()
    return [q for c in claims for q in c.quantities]


@pytest.mark.parametrize(
    ("written", "value"),
    [("6. 1", 6.1), ("1, 500", 1500), ("twenty-three", 23), ("2 1/2", 2.5), ("a dozen", 12), ("1,200", 1200)],
)
def test_numbers_as_real_text_writes_them(written: str, value: float) -> None:
    assert value_of(written, ENGLISH) == pytest.approx(value)


def test_a_magnitude_spaced_by_tokenisation_is_a_magnitude_not_a_toll() -> None:
    figures = _figures("A 5. 8 magnitude earthquake struck the coast, killing at least 1, 200 people.")
    by_thing = {q.thing: q for q in figures}
    assert by_thing["magnitude"].value == pytest.approx(5.8)
    assert by_thing["death"].value == 1200 and by_thing["death"].scope is Scope.AT_LEAST


def test_the_toll_and_a_venue_count_are_both_deaths() -> None:
    figures = _figures("The death toll climbed to 57, with 31 killed at the stadium.")
    assert [(q.value, q.thing) for q in figures] == [(57, "death"), (31, "death")]


def test_names_years_ages_and_ranks_are_not_counts() -> None:
    figures = _figures("The 41-year-old pilot of Flight 212 was ranked No. 3 in 2009 and joined in 1998.")
    assert figures == []


def test_money_scales_and_currencies() -> None:
    figures = _figures("Northfield offered $75m for the striker, while Easton bid $90 million.")
    assert [(q.value, q.thing) for q in figures] == [(75_000_000, "usd"), (90_000_000, "usd")]


def test_different_things_counted_are_different_slots() -> None:
    sites, raiders = _figures("Four sites were hit and six raiders died.")
    assert slot_key(sites, ENGLISH) != slot_key(raiders, ENGLISH)


def test_scopes_reconcile_rounded_and_bounded_figures() -> None:
    def q(value: float, scope: Scope = Scope.EXACT) -> Quantity:
        return Quantity(str(value), value, scope=scope, thing="death")

    assert compatible(q(40, Scope.ABOUT), q(43))
    assert compatible(q(12, Scope.AT_LEAST), q(14))
    assert not compatible(q(12, Scope.AT_LEAST), q(10))
    assert not compatible(q(127), q(129))
    assert compatible(q(3000, Scope.ABOUT), q(2950))
