"""Furniture leaves the text of plain text and HTML alike, and every removal is reported."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from storyline.config import ExtractConfig, FurnitureConfig
from storyline.lines import classify_line, line_key
from storyline.model import Article, Block, BlockKind
from storyline.store import StoredArticle
from storyline.text.furniture import OutletEvidence, remove_furniture
from tests.conftest import DATASETS, need


def test_seed_004_furniture_removed_and_reported(seed_articles: dict[str, StoredArticle]) -> None:
    article = seed_articles["004"].article
    for line in ("No time to read?", "Get a summary", "Previous Article", "Next Article"):
        assert line not in article.text
    removed = [(r.text, r.reason) for r in article.removed]
    assert ("No time to read?", "summary prompt") in removed
    assert ("Previous Article", "previous/next link") in removed
    unrelated = [text for text, reason in removed if reason.startswith("unrelated headline")]
    assert len(unrelated) == 2
    assert all(text not in article.text for text in unrelated)
    assert "Shoigu" in article.text and article.text.rstrip().endswith("world.")


def test_demo_text_files_lose_their_furniture(
    truth: dict[str, Any], demo_articles: dict[str, StoredArticle]
) -> None:
    for item in truth["articles"]:
        if not item["path"].startswith("text/"):
            continue
        article = demo_articles[item["path"]].article
        removed = {r.text for r in article.removed}
        for line in item["furniture"]:
            if line.startswith(("With reporting", "(Reporting")):
                continue  # attribution lines: debatable, kept
            assert line not in article.text.split("\n\n"), (item["path"], line)
            assert line in removed, (item["path"], line)


def _article(lines: list[str]) -> Article:
    return Article(
        locator="x",
        content_hash="h",
        title="t",
        blocks=tuple(Block(BlockKind.PARAGRAPH, line) for line in lines),
        published=datetime(2026, 1, 1, tzinfo=UTC),
    )


def test_lines_repeated_across_an_outlets_pages_are_furniture() -> None:
    template = "Reporting team at the Weekly Example"
    article = _article(["The council voted on Tuesday to close the bridge for repairs.", template])
    evidence = OutletEvidence("Weekly Example", {line_key(template): 3})
    cleaned = remove_furniture(article, FurnitureConfig(), evidence)
    assert template not in cleaned.text
    assert cleaned.removed[-1].reason == "repeated on 3 pages of Weekly Example"
    # Seen on only two pages: not yet evidence.
    kept = remove_furniture(
        article, FurnitureConfig(), OutletEvidence("Weekly Example", {line_key(template): 2})
    )
    assert template in kept.text


def test_sentences_that_mention_furniture_words_stay() -> None:
    lines = [
        "Readers who subscribe to the print edition will receive the report next week.",
        "The bakery sold 500 cookies on Saturday, organisers said.",
        "Share prices fell 3% after the announcement.",
    ]
    cleaned = remove_furniture(_article(lines), FurnitureConfig())
    assert [b.text for b in cleaned.blocks] == lines
    assert cleaned.removed == ()


def test_evidence_accumulates_across_an_ingest(tmp_path: Any) -> None:
    import storyline

    folder = tmp_path / "weekly-example"
    folder.mkdir()
    body = "The council approved the budget for the new library after a long debate on {n} March."
    for n in range(1, 5):
        text = f"Library budget approved {n}\n\nLocal news from the Weekly Example newsroom\n\n" + " ".join(
            [body.format(n=n)] * 4
        )
        (folder / f"story{n}.txt").write_text(text, encoding="utf-8")
    db = tmp_path / "t.db"
    # Text files name no outlet: the user says which one they are from.
    config = storyline.PipelineConfig(extract=ExtractConfig(outlet="Weekly Example"))
    storyline.ingest([folder], db=db, config=config)
    for stored in storyline.articles(db=db):
        # Even the first page, stored before the line was known to repeat, is re-processed.
        assert "Weekly Example newsroom" not in stored.article.text
        assert any(r.reason.startswith("repeated on") for r in stored.article.removed)


# --- named kinds, each with look-alikes that must stay ---------------------------------------------

FURNITURE_LINES = [
    ("High quality global journalism requires investment.", "paywall"),
    ("Subscribe to continue reading.", "paywall"),
    ("To continue reading, subscribe today", "paywall"),
    ("Already a subscriber? Log in", "paywall"),
    ("You've reached your limit of free articles.", "paywall"),
    ("Try unlimited access", "paywall"),
    ("Only $1 for 4 weeks", "paywall"),
    ("Sign up for our newsletter", "subscription prompt"),
    ("Subscribe to NJ.com's newsletters.", "subscription prompt"),
    ("Get the latest updates right in your inbox. Subscribe to NJ.com's newsletters.", "subscription prompt"),
    ("Sign Up: Stay on top of the latest breaking film and TV news!", "subscription prompt"),
    ("Thanks for signing up!", "subscription prompt"),
    ("Pick Six Newsletter", "subscription prompt"),
    ("CLICK HERE TO GET THE FOX NEWS APP", "app prompt"),
    ("UK, US & Canada / Science & Environment / World Blog / Tools", "navigation menu"),
    ("News | Sport | Weather | Travel", "navigation menu"),
    ("Home › World › Europe", "navigation menu"),
    ("Politics • Business • Tech & Science • Culture", "navigation menu"),
    ("News/Sport/Weather", "navigation menu"),
    ("Read more", "read-more link"),
    ("Continue reading", "read-more link"),
    ("Show more", "read-more link"),
    ("READ MORE: China plague outbreak confirmed: Two diagnosed in Beijing", "read-more link"),
    ("Related: The 15 Weirdest Galaxies in Our Universe", "related-stories list"),
    ("Most read in world news", "related-stories list"),
    ("DON'T MISS", "related-stories list"),
    ("Share this article", "share prompt"),
    ("Facebook Twitter Email", "share prompt"),
    ("Share on WhatsApp", "share prompt"),
    ("Follow us on Instagram", "follow prompt"),
    ("Follow AP's full coverage of Brexit at https://www.apnews.com/Brexit", "follow prompt"),
    (
        "Email Tariq Malik at tmalik@space.com or follow him @tariqjmalik. Follow us on Twitter @Spacedotcom.",
        "follow prompt",
    ),
    ("Have a tip? Amy Kuperinsky may be reached at akuperinsky@example.com.", "follow prompt"),
    ("Advertisement", "advertisement"),
    ("Advertisement - Continue Reading Below", "advertisement"),
    ("Photo: Reuters", "image credit"),
    ("Image copyright Getty Images", "image credit"),
    ("Mark Wilson/Getty Images", "image credit"),
    ("Protesters march in Hong Kong on Sunday. (Photo by Ann Wang/Reuters)", "image caption"),
    ("5 min read", "reading time"),
    ("Updated at 1:23 p.m.", "timestamp"),
    # The same kinds as the big outlets word them.
    (
        "Sign up to First Edition, our free daily newsletter – every weekday morning at 7am BST",
        "subscription prompt",
    ),
    ("Get alerts on Brexit when a new story is published", "subscription prompt"),
    ("Share this with Facebook Twitter Email", "share prompt"),
    ("These are external links and will open in a new window", "share prompt"),
    ("Click to share on Facebook (Opens in new window)", "share prompt"),
    ("Email this article", "share prompt"),
    ("Media playback is unsupported on your device", "player notice"),
    ("Listen to this article", "player notice"),
    ("Explore more on these topics", "related-stories list"),
    ("Supported by", "advertisement"),
    ("Comment on this story", "comments prompt"),
    (
        "Please use the sharing tools found via the share button at the top or side of articles. "
        "Copying articles to share with others is a breach of FT.com T&Cs and Copyright Policy.",
        "site footer",
    ),
]

ARTICLE_LINES = [
    # Sentences about subscriptions, newsletters, apps and photos.
    "Readers who subscribe to the print edition will receive the report next week.",
    "Subscribers will pay $5 a month from January, the company said.",
    "The company said it had 2 million subscribers to its newsletter.",
    "Get the app, officials urged residents on Monday, as the flood warnings spread.",
    "Photos by the agency showed damage across the city.",
    "Share prices fell 3% after the announcement.",
    "Related coverage was extensive, the network said.",
    "More than 100 people were killed.",
    "Read more about the plan in our explainer, which was published on Monday.",
    "Published in 1998, the book sold millions.",
    "Supported by the ministry, the plan passed.",
    "Close to 100 people died.",
    "Loading the ships took two days.",
    "Support local journalism, the mayor urged residents.",
    "Contact tracing began at cdc.gov on Monday.",
    "Follow-up talks are planned, according to www.un.org.",
    # Slashes that are not menus: "and/or", a dateline, a price, a date, a headline with a pipe.
    "Students and/or their parents must sign the form.",
    "LONDON/NEW YORK (Reuters) - Shares fell on Monday.",
    "LONDON/PARIS/BERLIN",
    "Tickets cost £10 / £8 concessions.",
    "The 9/11 attacks changed everything.",
    "Milan Design Week 2018 | Michael Anastassiades' light installation for FLOS",
    "By John Smith · 5 min read · Nov 3, 2019",
    # Real lists, written in a line.
    "France, Germany, Italy and Spain agreed to the plan.",
    "Path A: Iceland, Bulgaria, Hungary and Romania play in March.",
    "flour / sugar / eggs / butter",
]


@pytest.mark.parametrize(("line", "kind"), FURNITURE_LINES)
def test_furniture_kinds_are_named(line: str, kind: str) -> None:
    assert classify_line(line) == kind


@pytest.mark.parametrize("line", ARTICLE_LINES)
def test_article_lines_are_not_furniture(line: str) -> None:
    assert classify_line(line) is None


def test_page_furniture_removed_with_reasons_and_the_story_kept() -> None:
    story = [
        "The council voted on Tuesday to close the bridge for repairs.",
        "Work will start in May and last six weeks, officials said.",
    ]
    lines = [
        "UK, US & Canada / Science & Environment / World Blog / Tools",
        story[0],
        "Advertisement",
        "High quality global journalism requires investment.",
        story[1],
        "Share this article",
        "Facebook Twitter Email",
        "Read more",
    ]
    cleaned = remove_furniture(_article(lines), FurnitureConfig())
    assert [b.text for b in cleaned.blocks] == story
    reasons = {r.text: r.reason for r in cleaned.removed}
    assert reasons["UK, US & Canada / Science & Environment / World Blog / Tools"] == "navigation menu"
    assert reasons["High quality global journalism requires investment."] == "paywall"
    assert reasons["Facebook Twitter Email"] == "share prompt"
    assert all(r.stage == "furniture" for r in cleaned.removed)


def test_a_labelled_related_link_does_not_swallow_the_next_heading() -> None:
    # "Related post: X" is one link; what follows is the article (a recipe's section heading).
    lines = [
        "Is there anything better than a piece of toast topped with a dollop of jam?",
        "Related post: Pickled Brussels Sprouts Recipe",
        "WHAT YOU NEED TO MAKE JAM",
        "Do you make jam in a pot? A pressure canner? I don't know. Help!",
    ]
    cleaned = remove_furniture(_article(lines), FurnitureConfig())
    assert [b.text for b in cleaned.blocks] == [lines[0], lines[2], lines[3]]
    # A bare list label heads a list of unrelated headlines, which go with it.
    listed = remove_furniture(
        _article([lines[0], "You may also like:", "Who will make the Rock Hall in 2020?"]), FurnitureConfig()
    )
    assert [b.text for b in listed.blocks] == [lines[0]]
    assert listed.removed[-1].reason == "headline in a related-stories list"


def test_dev_extraction_pages_lose_furniture_not_text() -> None:
    """On the real dev pages, furniture named by our kinds leaves, and almost no ground-truth line
    goes with it (bench/extraction.py --audit prints the full audit)."""
    import gzip
    import json

    from storyline.config import ExtractConfig, PipelineConfig
    from storyline.errors import InputError
    from storyline.lines import normalize_line
    from storyline.model import RawDocument, SourceKind
    from storyline.pipeline import process

    data = need(DATASETS / "extraction")
    truth = json.loads((data / "ground-truth.json").read_text(encoding="utf-8"))
    config = PipelineConfig(extract=ExtractConfig(min_words=0))
    removed = lost = 0
    for key, item in truth.items():
        html = gzip.decompress((data / "html" / f"{key}.html.gz").read_bytes())
        raw = RawDocument("dev", SourceKind.FILE, html, datetime.now(UTC), url=item.get("url"))
        try:
            article = process(raw, config)
        except InputError:
            continue
        body = f" {normalize_line(item['articleBody'])} "
        for removal in article.removed:
            if removal.stage != "furniture":
                continue
            removed += 1
            lost += f" {normalize_line(removal.text)} " in body
    # Measured: 40 removed, 2 of them in the body ("© Reuters" and "TL;DR", both labels).
    assert removed >= 35
    assert lost <= 3


def _page_article(*lines: str) -> Article:
    return Article(
        locator="page",
        content_hash="h",
        title="Harbour council closes the old pier",
        blocks=tuple(Block(BlockKind.PARAGRAPH, line) for line in lines),
    )


_STORY = [
    "The harbour council of Portside voted on Tuesday to close the old pier for two years of repairs.",
    "Engineers found that storms had cracked three of its iron piles, the port authority said.",
    "Ferries will use the north quay until the work is done, and fishing boats the inner basin.",
]
_NOTICE = "Please pass this story on with the link below; do not copy and paste the whole text."


def test_a_line_one_page_repeats_is_removed_and_recorded() -> None:
    cleaned = remove_furniture(
        _page_article(_NOTICE, _STORY[0], _NOTICE, _STORY[1], _NOTICE, _STORY[2], _NOTICE), FurnitureConfig()
    )
    assert cleaned.text.split("\n\n") == _STORY
    reasons = [r.reason for r in cleaned.removed if r.text == _NOTICE]
    assert reasons == ["repeated 4 times in this page"] * 4
    # Printed twice (a pull quote), or a question an interview asks every guest: kept.
    twice = remove_furniture(_page_article(_STORY[0], _STORY[1], _STORY[0], _STORY[2]), FurnitureConfig())
    assert not twice.removed
    question = "What did the storm change for the people who work on the pier?"
    asked = remove_furniture(
        _page_article(question, _STORY[0], question, _STORY[1], question), FurnitureConfig()
    )
    assert not asked.removed


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        # A live blog's link inside the text, to another article.
        ("Storm hits the coast: ferries cancelled – as it happened Read more", "link to another article"),
        ("Harbour council votes on the pier plan Read more", "link to another article"),
        # A saved page's age and the stamp of saving it.
        ("Posted 2 years, 41 days ago [downloaded on 4 March 2012]", "timestamp"),
        ("[retrieved on 4 March 2012]", "timestamp"),
        # A video player's list and its running times.
        ("Now playing", "video playlist"),
        ("Next video", "video playlist"),
        ("2:15", "video playlist"),
        # Stock tickers.
        ("DOW 25,103.40 -0.36% NASDAQ 7,850.12 +1.2%", "stock ticker"),
        ("Harbour Holdings 12.40 ▲ 0.35 (+2.9%)", "stock ticker"),
    ],
)
def test_in_page_furniture_is_removed_with_its_reason(line: str, reason: str) -> None:
    cleaned = remove_furniture(_page_article(_STORY[0], line, _STORY[1], _STORY[2]), FurnitureConfig())
    assert cleaned.text.split("\n\n") == _STORY
    assert [(r.text, r.reason) for r in cleaned.removed] == [(line, reason)]


def test_a_playlist_takes_its_titles_with_it() -> None:
    cleaned = remove_furniture(
        _page_article(
            *_STORY, "Now playing", "Pier closes after storm damage", "Mayor visits the north quay"
        ),
        FurnitureConfig(),
    )
    assert cleaned.text.split("\n\n") == _STORY


@pytest.mark.parametrize(
    "line",
    [
        # The article's own sentences stay: one that ends a sentence before a label, figures in prose.
        "The council met on Tuesday and voted to close the pier as it happened last year.",
        "Shares in Harbour Holdings rose 2.9% to 12.40 pounds after the vote, traders said.",
        "The score was 3-1 at half time.",
        "The pier is 1,204 metres long and 12 metres wide.",
    ],
)
def test_article_sentences_with_figures_or_those_words_stay(line: str) -> None:
    cleaned = remove_furniture(_page_article(_STORY[0], line, _STORY[1]), FurnitureConfig())
    assert line in cleaned.text
