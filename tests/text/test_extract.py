"""Extraction on the demo corpus (every format) and the seeds."""

from __future__ import annotations

from typing import Any

import pytest

from storyline.model import Block, BlockKind
from storyline.store import StoredArticle


def _fold(text: str) -> str:
    """Lossy mojibake erased which quote or dash stood there: compare those glyphs as one."""
    return text.translate(
        str.maketrans({"‘": "'", "’": "'", "“": "'", "”": "'", '"': "'", "–": "-", "—": "-"})
    )


def _source(path: str) -> str:
    from tests.conftest import DEMO

    return (DEMO / path.split("#", 1)[0]).read_bytes().decode("utf-8", "replace")


def test_every_demo_article_is_ingested(
    truth: dict[str, Any], demo_articles: dict[str, StoredArticle]
) -> None:
    missing = [item["path"] for item in truth["articles"] if item["path"] not in demo_articles]
    assert not missing, f"not ingested: {missing}"


def test_metadata_matches_truth(truth: dict[str, Any], demo_articles: dict[str, StoredArticle]) -> None:
    for item in truth["articles"]:
        article = demo_articles[item["path"]].article
        assert article.title == item["title"], item["path"]
        assert article.language == item["language"], item["path"]
        if article.content_kind.value == "text" and item["published"][:10] not in _source(item["path"]):
            continue  # a text file that states no date has none to find
        assert article.published is not None, item["path"]
        assert article.published.date().isoformat() == item["published"][:10], item["path"]


def test_outlet_names_from_site_metadata(
    truth: dict[str, Any], demo_articles: dict[str, StoredArticle]
) -> None:
    outlets = {o["name"] for o in truth["outlets"]}
    for item in truth["articles"]:
        if item["path"].startswith(("pages/", "feeds/", "exports/")):
            outlet = demo_articles[item["path"]].article.outlet or ""
            # A feed's title may carry a section ("Meridian Wire – Top News"): the outlet name must lead.
            assert any(outlet.startswith(name) for name in outlets), (item["path"], outlet)


def test_clean_text_keeps_the_article_and_drops_the_page(
    truth: dict[str, Any], demo_articles: dict[str, StoredArticle]
) -> None:
    for item in truth["articles"]:
        text = demo_articles[item["path"]].article.text
        fold = _fold if "lossy-mojibake" in item["flaws"] else str
        for phrase in item["must_contain"]:
            assert fold(phrase) in fold(text), (item["path"], phrase)
        for phrase in item["must_not_contain"]:
            assert phrase not in text, (item["path"], phrase)


def test_page_template_is_recorded_as_removed(demo_articles: dict[str, StoredArticle]) -> None:
    key = "pages/capital-dispatch/amaral-meireles-belem-palace-talks.html"
    removed = {r.text: r.reason for r in demo_articles[key].article.removed}
    assert removed.get("Accept all") == "cookie notice"
    assert removed.get("Leave a comment") == "comments prompt"
    assert "Five films to watch this weekend" in removed


def test_headings_and_lists_kept_apart(demo_articles: dict[str, StoredArticle]) -> None:
    kinds = {block.kind for stored in demo_articles.values() for block in stored.article.blocks}
    assert {BlockKind.HEADING, BlockKind.LIST_ITEM, BlockKind.PARAGRAPH} <= kinds
    html_list = demo_articles["pages/harbor-courier/iceland-rate-cut-what-it-means.html"].article
    assert any(block.kind is BlockKind.LIST_ITEM for block in html_list.blocks)


def test_seed_headings_are_headings(seed_articles: dict[str, StoredArticle]) -> None:
    analysis = seed_articles["000"].article
    assert analysis.title and analysis.title.startswith("Russia–Iran Diplomacy in Moscow")
    headings = [b.text for b in analysis.blocks if b.kind is BlockKind.HEADING]
    assert "What to watch next" in headings
    assert len(headings) >= 8
    speculative = seed_articles["003"].article
    headings = [b.text for b in speculative.blocks if b.kind is BlockKind.HEADING]
    assert "Why Is Araghchi in Moscow Now?" in headings
    assert "Conclusion" in headings
    assert sum(b.kind is BlockKind.LIST_ITEM for b in speculative.blocks) >= 10
    # No heading is a sentence and no sentence is a heading.
    for stored in seed_articles.values():
        for block in stored.article.blocks:
            if block.kind is BlockKind.HEADING:
                assert len(block.text.split()) <= 14


def test_extraction_reads_the_kind_the_source_gave() -> None:
    """The content kind a source recorded decides how a document is read (it is not sniffed again);
    a document built without one is sniffed."""
    from datetime import UTC, datetime

    from storyline.config import ExtractConfig
    from storyline.model import ContentKind, RawDocument, SourceKind
    from storyline.text.extract import extract

    page = (
        b"<html><body><article><h1>Harbour bridge reopens</h1>"
        b"<p>The harbour bridge reopened to traffic on Monday after three weeks of repairs.</p>"
        b"<p>Engineers replaced two expansion joints and resurfaced the whole deck, the city said.</p>"
        b"<p>Buses will return to their usual routes from Tuesday morning, the transport office added.</p>"
        b"</article></body></html>"
    )
    raw = RawDocument("page.html", SourceKind.FILE, page, datetime(2026, 1, 2, tzinfo=UTC))
    assert extract(raw, ExtractConfig()).content_kind is ContentKind.HTML
    told = RawDocument(
        "page.html", SourceKind.FILE, page, datetime(2026, 1, 2, tzinfo=UTC), content_kind=ContentKind.TEXT
    )
    as_text = extract(told, ExtractConfig())
    assert as_text.content_kind is ContentKind.TEXT and "<p>" in as_text.text


@pytest.mark.parametrize(
    ("text", "title"),
    [
        # Not cut at a title's abbreviation, a rank, "No." or inside a decimal written with a space.
        (
            "Portside Gov. Ann Keller on Tuesday ordered the old pier closed for two years of repairs after "
            "the storm. Engineers agreed with her.",
            "Portside Gov. Ann Keller on Tuesday ordered the old pier closed for two years of repairs "
            "after the storm.",
        ),
        (
            "The boy was found by police Const. Ann Lee of the harbour unit. He was cold but unhurt, "
            "the family said.",
            "The boy was found by police Const. Ann Lee of the harbour unit.",
        ),
        (
            "A 6. 1 - magnitude quake shook the island. Ten people were hurt, officials said on the radio "
            "that night.",
            "A 6. 1 - magnitude quake shook the island.",
        ),
        (
            "Ferry No. 7 ran aground off the north quay on Sunday. All forty passengers were taken off "
            "safely by the coastguard.",
            "Ferry No. 7 ran aground off the north quay on Sunday.",
        ),
    ],
)
def test_a_derived_title_is_a_whole_sentence(text: str, title: str) -> None:
    from storyline.text.extract import _derived_title

    assert _derived_title([Block(BlockKind.PARAGRAPH, text)]) == (title, True)


def test_a_first_line_that_stops_at_an_abbreviation_runs_on() -> None:
    from storyline.text.extract import _derived_title

    blocks = [
        Block(BlockKind.PARAGRAPH, "Harbour rescue praised by Supt."),
        Block(BlockKind.PARAGRAPH, "Jo Marsh of the coastguard"),
        Block(BlockKind.PARAGRAPH, "The rescue took four hours in a rising sea, the coastguard said."),
    ]
    assert _derived_title(blocks) == ("Harbour rescue praised by Supt. Jo Marsh of the coastguard", True)


def test_a_long_first_sentence_is_shortened_openly_never_at_an_abbreviation() -> None:
    from storyline.text.extract import _derived_title

    text = (
        "The long debate over the future of the harbour, which has divided the town for a decade, ended on "
        "Tuesday when Gov. Ann Keller signed the order."
    )
    title, derived = _derived_title([Block(BlockKind.PARAGRAPH, text)])
    assert derived and title is not None and title.endswith(" …")
    assert not title.removesuffix(" …").endswith(".")
