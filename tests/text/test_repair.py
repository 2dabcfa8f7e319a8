"""The repair stage: every pass composed, each repair recorded where it landed, whitespace, correct
text never damaged. The passes have their own tests (test_mojibake.py, test_merged_words.py)."""

from __future__ import annotations

import pytest

from storyline.config import RepairConfig
from storyline.store import StoredArticle
from storyline.text.repair import repair_text

CONFIG = RepairConfig()


def test_seed_000_has_no_mojibake_left(seed_articles: dict[str, StoredArticle]) -> None:
    article = seed_articles["000"].article
    assert "â" not in article.text and "â" not in (article.title or "")
    for restored in ("Iran’s", "Russia–Iran", "positioning—often", "“bilateral relations”", "Moscow’s"):
        assert restored in article.text, restored
    assert "Beyond sectors" in article.text and "the moment" in article.text
    assert "Beyondsectors" not in article.text and "themoment" not in article.text


def test_every_repair_is_recorded_where_it_landed(seed_articles: dict[str, StoredArticle]) -> None:
    article = seed_articles["000"].article
    kinds = {r.kind for r in article.repairs}
    assert {"lossy-mojibake", "merged-words"} <= kinds
    # SEEDS.md counts 24 damaged places: 23 in the body and one in the headline.
    assert sum(r.kind.endswith("lossy-mojibake") for r in article.repairs) >= 24
    text = article.text
    for fix in article.repairs:
        if fix.offset >= 0:
            assert text[fix.offset : fix.offset + len(fix.after)] == fix.after, fix
    assert any(r.kind.startswith("title:") and r.after == "–" for r in article.repairs)


@pytest.mark.parametrize(
    "text",
    [
        "We ate pâté in a château near São Paulo.",
        "A Câmara dos Deputados votou ontem; România e Portugal.",
        "He told Sportsmail the Citroen Berlingo was parked outside Tynecastle.",
        "Key watchpoints include the flashpoints on the border.",
        "He said “no” — and walked out… (£5m, €3bn, 20°C).",
        "Naïve café owners into the night, onto the road, anon.",
    ],
)
def test_correct_text_is_never_changed(text: str) -> None:
    fixed = repair_text(text, CONFIG)
    assert fixed.text == text
    assert fixed.edits == ()


def test_emoji_joiners_are_kept() -> None:
    text = "Dianna E. Anderson 🏳️\u200d🌈 wrote"
    assert repair_text(text, CONFIG).text == text


@pytest.mark.parametrize(
    ("broken", "clean"),
    [
        ("two  spaces\u200b here ", "two spaces here"),
    ],
)
def test_whitespace(broken: str, clean: str) -> None:
    assert repair_text(broken, CONFIG).text == clean
