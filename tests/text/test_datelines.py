"""Datelines and address lines at the top of saved text, on ECB+'s real saved articles."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from storyline.config import ExtractConfig
from storyline.errors import NoArticle
from storyline.model import Article, DateSource, RawDocument, SourceKind
from storyline.text.datelines import byline_date, dateline, url_date, weekday_on_or_before
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
        # The first publication, not the update.
        ("First Posted: 04 / 11 / 12 09: 15 AM ET Updated: 06 / 02 / 12 10: 00 AM ET", (2012, 4, 11)),
        # Dotted dates are day first; a first number above 12 is a day; ISO order.
        ("Article posted on 09. 03. 2012", (2012, 3, 9)),
        ("On Wed, 17 / 05 / 2011 - 10: 42", (2011, 5, 17)),
        ("Released 2014 - 02 - 27 06: 10: 00 GMT", (2014, 2, 27)),
        ("Sunday, March 2 - 2014 at 09: 00", (2014, 3, 2)),
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
        # A stamp of when a copy was saved is not when it was published.
        "[downloaded on 4 March 2012]",
        "Posted 2 years, 41 days ago [retrieved on 4 March 2012]",
        # A screen size is no date, and a month and day alone have no year.
        "The phone has a 1920 x 1080 screen and ships on April 11.",
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
    # The older articles have no dateline: none may be dated from a sentence in the body, not even
    # those whose lead gives the event's full date ("on Saturday December 13 2008").
    for item in without:
        try:
            article = _extract(item["text"])
        except NoArticle:
            continue
        assert article.published is None and article.date_source is None, item["id"]


def test_a_first_line_that_only_starts_with_an_address_is_text() -> None:
    article = _extract(
        "https://example.com/news Breaking: fire closes the market\n\n"
        "Firefighters closed the covered market on Tuesday after a blaze in a bakery."
    )
    assert article.url is None
    assert "Breaking: fire closes the market" in (article.title or "") + article.text


def test_a_slashed_date_reads_as_the_address_says() -> None:
    # Under /2012/04/ the page's "05 / 04 / 2012" is 5 April, as its site writes dates day first.
    assert dateline("05 / 04 / 2012", address="http://blog.example.nl/2012/04/storm.html") == datetime(
        2012, 4, 5, tzinfo=UTC
    )
    assert dateline("05 / 04 / 2012") == datetime(2012, 5, 4, tzinfo=UTC)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("By Ann Keller - 03/14/19 07:20 AM EDT", (2019, 3, 14)),
        ("Ann Keller and Bo Lind, City Wire Published 9:40 PM EST Mar 13, 2019", (2019, 3, 13)),
        ("Ann Keller Mar 13, 2019, 4:02 pm", (2019, 3, 13)),
    ],
)
def test_byline_dates(line: str, expected: tuple[int, int, int]) -> None:
    assert byline_date(line) == datetime(*expected, tzinfo=UTC)


@pytest.mark.parametrize(
    "line",
    [
        # A caption under the headline: lower-case words say it is about something else.
        "The mayor speaks at the harbour on Tuesday, March 12, 2019, in Portside.",
        "In this March 28, 2016, file photo the old pier stands empty.",
        # A subheading that names a date is not a byline.
        "Harbour Council Votes To Close The Old Pier And Ferry Terminal Before May 3, 2019",
    ],
)
def test_captions_and_headlines_are_not_bylines(line: str) -> None:
    assert byline_date(line) is None


def test_a_weekday_is_the_last_such_day_on_or_before_publication() -> None:
    tuesday = datetime(2019, 3, 12, 15, 0, tzinfo=UTC)
    assert weekday_on_or_before("Tuesday", tuesday) == tuesday.date()
    assert weekday_on_or_before("monday", tuesday) == datetime(2019, 3, 11).date()
    assert weekday_on_or_before("Wednesday", tuesday) == datetime(2019, 3, 6).date()
    assert weekday_on_or_before("Tomorrow", tuesday) is None


@pytest.mark.parametrize(
    "text",
    [
        # The events of the story date nothing: a disappearance, an old crime, an old deal.
        "Search for the missing airliner goes on\n\nThe plane vanished on March 8, 2014, with 239 "
        "people on board, and the search resumed this week.",
        "Judge sentences former clerk\n\nThe clerk, who stole the funds on June 3, 2005, was "
        "sentenced to four years on Monday.",
        "Phone maker unveils its new handset\n\nThe handset has a 1920 x 1080 screen. It goes on "
        "sale on April 11, the company said.",
        # A download stamp at the top is not a dateline.
        "Harbour reopens after storm\n[downloaded on 4 March 2012]\n\nThe harbour reopened on Monday.",
    ],
)
def test_body_dates_never_date_the_article(text: str) -> None:
    article = _extract(text)
    assert article.published is None and article.date_source is None


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
    assert from_text.published is None and from_text.date_source is None
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


def _page(inner: str, url: str | None = None) -> Article:
    html = (
        "<html><head><title>Harbour council closes the old pier</title></head><body>"
        + inner
        + "</body></html>"
    )
    raw = RawDocument(
        locator="page.html",
        kind=SourceKind.FILE,
        content=html.encode(),
        fetched_at=datetime(2024, 1, 1, tzinfo=UTC),
        url=url,
    )
    return extract(raw, ExtractConfig())


_BODY = "".join(
    f"<p>Paragraph {n} of the report on the council vote to close the old pier for repairs.</p>"
    for n in range(6)
)


def test_a_page_is_dated_by_the_byline_under_its_headline() -> None:
    article = _page(
        "<nav><p>Wednesday, March 20, 2019</p></nav><article><h1>Harbour council closes the old pier</h1>"
        "<div>By Ann Keller - 03/14/19 07:20 AM EDT</div>"
        "<figure><figcaption>The mayor speaks at the pier on Tuesday, March 12, 2019.</figcaption></figure>"
        + _BODY
        + "<p>Correction, March 18, 2019: an earlier version misspelt a name.</p></article>"
    )
    assert article.published == datetime(2019, 3, 14, tzinfo=UTC)
    assert article.date_source is DateSource.DATELINE


def test_a_page_with_dates_only_in_captions_and_text_is_undated() -> None:
    article = _page(
        "<article><h1>Harbour council closes the old pier</h1>"
        "<figure><figcaption>The mayor speaks at the pier on Tuesday, March 12, 2019.</figcaption></figure>"
        + _BODY
        + "<p>The pier opened on June 3, 1911.</p></article>"
    )
    assert article.published is None and article.date_source is None


def test_a_page_with_no_dateline_is_dated_by_its_address() -> None:
    article = _page(
        "<article><h1>Harbour council closes the old pier</h1>" + _BODY + "</article>",
        url="https://news.example.com/2019/03/14/harbour-pier/",
    )
    assert article.published == datetime(2019, 3, 14, tzinfo=UTC)
    assert article.date_source is DateSource.ADDRESS
