"""Datelines and address lines at the top of saved text, on ECB+'s real saved articles."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from storyline.config import ExtractConfig
from storyline.errors import NoArticle
from storyline.model import Article, RawDocument, SourceKind
from storyline.text.datelines import dateline, url_date
from storyline.text.extract import extract
from tests.conftest import DATASETS, need


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # Formats as they stand in ECB+'s saved articles (spaces around ":" and "/" included).
        ("Posted: Nov 27, 2005 8: 20 AM ET Last Updated: Nov 27, 2005 8: 10 PM ET", (2005, 11, 27)),
        ("8 / 2 / 13 at 1: 30 PM", (2013, 8, 2)),
        ("Last Updated: Monday, 28 November 2005, 02: 24 GMT", (2005, 11, 28)),
        ("Published: 09th June 2013", (2013, 6, 9)),
        ("2 A. M. FEB. 4, 2009", (2009, 2, 4)),
        ("Reuters Sep 18, 2013", (2013, 9, 18)),
        ("Posted 12/25/98", (1998, 12, 25)),
        ("TUESDAY, OCTOBER 11, 2011", (2011, 10, 11)),
    ],
)
def test_datelines(line: str, expected: tuple[int, int, int]) -> None:
    assert dateline(line) == datetime(*expected, tzinfo=UTC)


@pytest.mark.parametrize(
    "line",
    [
        "The attack happened on May 3, 2013.",
        "Trial is set for June 17 for 26 - year - old Christopher Kenyon Simpson",
        "Lindsay Lohan checks into Betty Ford Center",
        "13/32/2013",
        "Election Day: November 6, 2012",  # a headline
        "Version 1.2.30",
        "10.1.1.24 down",
        "Dec 1, 2099",  # the future
    ],
)
def test_sentences_are_not_datelines(line: str) -> None:
    assert dateline(line) is None


def test_address_dates() -> None:
    assert url_date("http: / / articles. latimes. com / 2013 / may / 03 / local / x") == datetime(
        2013, 5, 3, tzinfo=UTC
    )
    assert url_date("https://www.itv.com/news/story/2013-07-21/wellington-fire/") == datetime(
        2013, 7, 21, tzinfo=UTC
    )
    assert url_date("http://variety.com/2013/film/news/ellen") is None


def _extract(text: str) -> Article:
    raw = RawDocument(
        locator="item",
        kind=SourceKind.JSONL,
        content=text.encode("utf-8"),
        fetched_at=datetime(2026, 1, 1, tzinfo=UTC),
        content_type="text/plain; charset=utf-8",
    )
    return extract(raw, ExtractConfig())


def test_saved_articles_give_address_date_and_title() -> None:
    data = need(DATASETS / "stories-ecbplus.jsonl")
    items = [json.loads(line) for line in data.read_text(encoding="utf-8").splitlines()]
    with_address = [i for i in items if i["text"].startswith("http")]
    without = [i for i in items if not i["text"].startswith("http")]
    assert len(with_address) > 250 and len(without) > 250
    dated = titled = 0
    for item in with_address:
        try:
            article = _extract(item["text"])
        except NoArticle:
            continue
        # The address line is metadata: it becomes the URL and leaves the text.
        assert article.url and article.url.startswith("http") and " " not in article.url
        assert not article.text.startswith("http")
        dated += article.published is not None
        titled += article.title is not None
    # Measured: 257 of 283 dated, 264 titled; the rest state no date or open with a sentence.
    assert dated >= 250 and titled >= 255, (dated, titled)
    # The older articles state no date: none may be read from a sentence in the body.
    for item in without:
        try:
            assert _extract(item["text"]).published is None
        except NoArticle:
            continue


def test_a_first_line_that_only_starts_with_an_address_is_text() -> None:
    article = _extract(
        "https://example.com/news Breaking: fire closes the market\n\n"
        "Firefighters closed the covered market on Tuesday after a blaze in a bakery."
    )
    assert article.url is None
    assert "Breaking: fire closes the market" in (article.title or "") + article.text
