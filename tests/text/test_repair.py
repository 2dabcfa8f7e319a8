"""Repairs: lossy and classic mojibake, merged words, whitespace; correct text never damaged."""

from __future__ import annotations

import json

import pytest

from storyline.config import QuoteStyle, RepairConfig
from storyline.store import StoredArticle
from storyline.text.repair import repair_text, spelling_variety
from tests.conftest import DATASETS, SEEDS, need

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


# Words that real clean text holds and that an earlier version split (issue 10): names, closed
# compounds, prefix and suffix coinages, a typo. Each is tried inside a sentence and at its start.
NEVER_SPLIT = [
    "Bethan",
    "Foran",
    "Sheerin",
    "Oldknow",
    "Sportsmail",
    "drawcard",
    "Tournon",
    "Nordyke",
    "Maynor",
    "postelection",
    "underspend",
    "superphone",
    "blogland",
    "theselves",
    "photosharing",
    "steamfields",
    "longrunning",
    "funnybooks",
    "watchpoints",
    "nonstarter",
    "antigovernment",
    "midseason",
    "multiyear",
    "interagency",
    "subsector",
    "overthinking",
    "cofounder",
    "preorder",
    "reopen",
    "whereof",
    "wherewith",
    "whereby",
    "into",
    "anon",
]


@pytest.mark.parametrize("word", NEVER_SPLIT)
def test_names_and_compounds_are_never_split(word: str) -> None:
    for text in (f"{word} said the plan was ready.", f"The report by {word} was read.", f"{word}."):
        fixed = repair_text(text, CONFIG)
        assert fixed.text == text, fixed.edits


@pytest.mark.parametrize(
    "text",
    [
        "See http://example.com/themoment and www.inthemoment.org today.",
        "Write to themoment@example.com or follow @themoment and #beyondsectors now.",
        # ECB+ spaces out the punctuation of addresses.
        "http: / / www. theverge. com / news / gangmember - guilty",
        "index. php? module=news&action=viewstory&id=1",
        "Source: mybroadband. co. za",
    ],
)
def test_addresses_handles_and_hashtags_are_never_split(text: str) -> None:
    assert repair_text(text, CONFIG).text == text


def test_emoji_joiners_are_kept() -> None:
    text = "Dianna E. Anderson 🏳️\u200d🌈 wrote"
    assert repair_text(text, CONFIG).text == text


def test_the_seeds_merges_are_split() -> None:
    text = (need(SEEDS) / "000_5fe706e8a23a5933.txt").read_text(encoding="utf-8")
    fixed = repair_text(text, CONFIG).text
    assert "Beyond sectors" in fixed and "the moment" in fixed
    assert "Beyondsectors" not in fixed and "themoment" not in fixed


@pytest.mark.parametrize(
    ("broken", "clean"),
    [
        ("Iranâs foreign minister", "Iran’s foreign minister"),
        ("the RussiaâIran partnership", "the Russia–Iran partnership"),
        ("strategic positioningâoften without", "strategic positioning—often without"),
        ("an extra Â£2,100 a year", "an extra £2,100 a year"),
        ("said Ron OâBrien, 2010â2015", "said Ron O’Brien, 2010–2015"),
        ("talks lasted themoment officialssaid", "talks lasted the moment officials said"),
        ("Beyondsectors, trade grew.", "Beyond sectors, trade grew."),
        ("Beyondthe headline, the bank was cautious.", "Beyond the headline, the bank was cautious."),
        ("it went withthe flow", "it went with the flow"),
        ("Governmentofficials said", "Government officials said"),
        ("a lifetime ofeverything.", "a lifetime of everything."),
        ("a single shell whichkilled three", "a single shell which killed three"),
        ("cafÃ© in SÃ£o Paulo", "café in São Paulo"),
        ("two  spaces\u200b here ", "two spaces here"),
    ],
)
def test_repairs(broken: str, clean: str) -> None:
    assert repair_text(broken, CONFIG).text == clean


@pytest.mark.parametrize(
    "text",
    [
        "Le pâté du château, à la Câmara; ÂNGELO e Ângela em România.",
        "Hâlâ bekliyoruz, dedi Âdem.",
        "SÃO PAULO e NÃO.",
    ],
)
def test_real_words_with_a_circumflex_or_tilde_are_kept(text: str) -> None:
    assert repair_text(text, CONFIG).text == text


@pytest.mark.parametrize(
    ("broken", "clean"),
    [
        # A lost ellipsis before a no-break space or a space: ftfy alone makes ⦠ of it.
        ("wait for itâ¦\xa0and then", "wait for it…\xa0and then"),
        ("wait for itâ¦ and then", "wait for it… and then"),
        ("the Appleâ¢ Watch", "the Apple™ Watch"),
        ("â¢ first point", "• first point"),
        # Two lost marks in a row: both restored (which pair they were is a guess).
        ("He said âIt was wrong,ââ Will Moy said.", "He said “It was wrong,”’ Will Moy said."),
    ],
)
def test_lost_symbols_never_leave_a_stray_mark(broken: str, clean: str) -> None:
    fixed = repair_text(broken, CONFIG).text
    assert fixed == clean
    assert "⦠" not in fixed and "â" not in fixed


@pytest.mark.parametrize(
    ("broken", "clean"),
    [
        # Intact curly quotes elsewhere set the house style, whatever the spelling says.
        (
            "The colour of the “centre” was grey. He said âyesâ and left.",
            "The colour of the “centre” was grey. He said “yes” and left.",
        ),
        (
            "He said ‘no’ to the plan. Then âmaybeâ, they said.",
            "He said ‘no’ to the plan. Then ‘maybe’, they said.",
        ),
        # Straight quotes used as quotes do too ('Mama' June).
        (
            "Reality star 'Mama' June and 'Sugar Bear' said âweâre fineâ today.",
            "Reality star 'Mama' June and 'Sugar Bear' said ‘we’re fine’ today.",
        ),
        # Intact spaced dashes set the spaced dash.
        (
            "The team – all of them – agreed. The vote â a close one â passed.",
            "The team – all of them – agreed. The vote – a close one – passed.",
        ),
        # Ranges and two names take an en dash, words an em dash, whatever the house style.
        ("in 2010â2015 the RussiaâIran trade grew", "in 2010–2015 the Russia–Iran trade grew"),
        ("strategic positioningâoften without", "strategic positioning—often without"),
        # A quote within a quote takes the other kind; a quote opening a sentence starts afresh
        # (the quote opened after a colon is the British press's: single marks).
        (
            "She said: âIt was a âvery good dayâ for us. âWe won.",
            "She said: ‘It was a “very good day” for us. ‘We won.",
        ),
        (
            "She said âIt was a âvery good dayâ for us.â Then âWe won.â",
            "She said “It was a ‘very good day’ for us.” Then “We won.”",
        ),
    ],
)
def test_lossy_marks_follow_context_and_house_style(broken: str, clean: str) -> None:
    assert repair_text(broken, CONFIG).text == clean


def test_quote_style_follows_the_texts_spelling() -> None:
    british = "The Labour councillor said: âWe favour the centre.â Mr Smith agreed."
    assert spelling_variety(british) == "british"
    assert (
        repair_text(british, CONFIG).text
        == "The Labour councillor said: ‘We favour the centre.’ Mr Smith agreed."
    )
    american = "The defense analyst said âwe favor the center.â Mr. Smith agreed."
    assert (
        repair_text(american, CONFIG).text
        == "The defense analyst said “we favor the center.” Mr. Smith agreed."
    )
    forced = RepairConfig(quote_style=QuoteStyle.DOUBLE)
    assert repair_text("He said âyesâ.", forced).text == "He said “yes”."


def test_ftfy_negative_cases_are_left_alone() -> None:
    cases = json.loads((need(DATASETS / "mojibake-ftfy") / "negative.json").read_text(encoding="utf-8"))
    # Encoding repairs only: whitespace normalisation changes some of these on purpose.
    config = RepairConfig(split_merged_words=False, normalize_whitespace=False)
    changed = [
        c["original"]
        for c in cases
        if c.get("expect") == "pass" and repair_text(c["original"], config).text != c["original"]
    ]
    # One ftfy negative case is ambiguous for every system (ftfy itself changes it).
    assert len(changed) <= 1, changed


def test_lossy_dataset_is_mostly_restored_and_no_stray_marks_left() -> None:
    path = need(DATASETS / "mojibake-lossy.jsonl")
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    config = RepairConfig(split_merged_words=False, normalize_whitespace=False)
    outputs = [repair_text(item["broken"], config).text for item in items]
    assert sum("â" in text or "Â" in text for text in outputs) == 0
    exact = sum(text == item["clean"] for text, item in zip(outputs, items, strict=True)) / len(items)
    assert exact >= 0.85  # measured 0.917 (bench/repair.py)
    assert not any("⦠" in text for text in outputs)


def test_clean_real_text_gets_at_most_one_split_per_100k_words() -> None:
    """Issue 10: a repair that damages correct text is worse than none. bench/repair.py --clean
    prints each edit; here only the merged-word splits are counted (measured: 2 in 319k words)."""
    import sys

    from storyline.text.extract import detect_language
    from tests.conftest import ROOT

    sys.path.insert(0, str(ROOT / "bench"))
    import repair as bench

    texts = bench.clean_texts(need(DATASETS))
    if not texts:
        pytest.skip(f"no clean texts under {DATASETS}")
    words = splits = 0
    for _, text in texts:
        words += len(text.split())
        english = detect_language(text) in (None, "en")
        for block in text.split("\n"):
            splits += sum(e.kind == "merged-words" for e in repair_text(block, CONFIG, english=english).edits)
    assert splits * 100_000 / words <= 1.0, splits
