"""Datelines and address lines at the top of saved text, on ECB+'s real saved articles."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from storyline.config import ExtractConfig
from storyline.errors import NoArticle
from storyline.model import Article, DateSource, RawDocument, SourceKind
from storyline.text.datelines import dateline, text_date, url_date
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
    # The older articles have no dateline: none may be read as one from a sentence in the body. A
    # few give the event's full date in their lead ("on Saturday December 13 2008"): that is a date
    # from the text, and marked so.
    from_text = 0
    for item in without:
        try:
            article = _extract(item["text"])
        except NoArticle:
            continue
        assert article.date_source in (None, DateSource.TEXT), item["id"]
        from_text += article.date_source is DateSource.TEXT
    assert 3 <= from_text <= 15, from_text


def test_a_first_line_that_only_starts_with_an_address_is_text() -> None:
    article = _extract(
        "https://example.com/news Breaking: fire closes the market\n\n"
        "Firefighters closed the covered market on Tuesday after a blaze in a bakery."
    )
    assert article.url is None
    assert "Breaking: fire closes the market" in (article.title or "") + article.text


@pytest.mark.parametrize(
    ("lead", "body", "expected"),
    [
        # A full date in the lead is the event's.
        (
            ["Riot police clashed with protesters on Saturday, March 8, 2014, in the capital."],
            "",
            "2014-03-08",
        ),
        # Day first, as British outlets write it.
        (["The ferry sank on 14 February 2012 off the coast."], "", "2012-02-14"),
        # A month and day resolved against the one year the text states.
        (
            ["The verdict came on Nov. 13 after a week of deliberation."],
            "He was arrested in 2011.",
            "2011-11-13",
        ),
        # A weekday beside the date picks the year it falls on among the years stated.
        (
            ["Israeli forces on Tuesday (6 January) shelled the school."],
            "Since 2008 ... in 2009 talks",
            "2009-01-06",
        ),
    ],
)
def test_text_dates_from_the_lead(lead: list[str], body: str, expected: str) -> None:
    found = text_date(lead, " ".join(lead) + " " + body)
    assert found is not None and found.date().isoformat() == expected


@pytest.mark.parametrize(
    ("lead", "body"),
    [
        # A weekday alone says nothing without a reference date.
        (["The minister resigned on Monday after the report."], ""),
        # A birth date is a life's, not the news's.
        (["The actress, born on April 22, 1923, in Nashville, died in a hospital."], "In 2008 she"),
        # Background years before the latest year the text states.
        (["In a case that began on October 10, 1972, the court ruled."], "The ruling in 2008 ends it."),
        # A month and day with several candidate years and no weekday: unsure, so undated.
        (["The crash happened on December 2 near the airport."], "in 2005 and again in 2008"),
        # "may" the verb is no month.
        (["Officials may 3 times revise the figure."], "in 2010"),
    ],
)
def test_text_dates_refused_when_unsure(lead: list[str], body: str) -> None:
    assert text_date(lead, " ".join(lead) + " " + body) is None


def test_an_impossible_metadata_date_is_refused_and_recorded() -> None:
    html = (
        "<html><head><title>Council approves the new bridge</title>"
        '<meta property="article:published_time" content="0001-01-01T00:00:00Z"></head><body><article>'
        + "".join(
            f"<p>Paragraph {n} of the report on the council vote about the new bridge.</p>" for n in range(6)
        )
        + "</article></body></html>"
    )
    raw = RawDocument(
        locator="page.html",
        kind=SourceKind.FILE,
        content=html.encode(),
        fetched_at=datetime(2024, 1, 1, tzinfo=UTC),
    )
    article = extract(raw, ExtractConfig())
    assert article.published is None and article.date_source is None
    assert any("impossible date refused (metadata)" in r.reason for r in article.removed)


def test_date_sources_are_recorded() -> None:
    dated = _extract("Storm closes the port\nPosted: March 3, 2019\nThe storm closed the port for a day.")
    assert dated.date_source is DateSource.DATELINE
    from_text = _extract(
        "Storm closes the port\n\nThe storm closed the port on March 3, 2019, officials said."
    )
    assert from_text.date_source is DateSource.TEXT and from_text.published is not None
    undated = _extract("Storm closes the port\n\nThe storm closed the port on Monday, officials said.")
    assert undated.published is None and undated.date_source is None


def test_untitled_text_gets_a_derived_title() -> None:
    article = _extract(
        "The storm closed the port for a day and ferries were cancelled, officials said on Monday. "
        "Traders said the losses would run into millions.\n\nA second paragraph follows here."
    )
    assert article.title_derived
    assert (
        article.title
        == "The storm closed the port for a day and ferries were cancelled, officials said on Monday."
    )
    titled = _extract("Storm closes the port\n\nThe storm closed the port for a day, officials said.")
    assert titled.title == "Storm closes the port" and not titled.title_derived
