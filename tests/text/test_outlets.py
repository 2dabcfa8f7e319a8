"""Outlets from the address and from the text: one blog per blog, one newsroom per portal
subdomain, a text's own credit line when nothing else says whose it is, and a wire copy with its
credit cut still the agency's."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import storyline
from storyline.text.outlets import (
    RANK_DOMAIN,
    RANK_FEED,
    RANK_GIVEN,
    RANK_SITE,
    better_name,
    credited_outlet,
    identify,
    known_name,
    outlet_domain,
)


@pytest.mark.parametrize(
    ("url", "key"),
    [
        # One outlet per blog, whatever country suffix the reader was sent to.
        ("http://harbourwatch.blogspot.nl/2012/04/storm.html", "harbourwatch.blogspot.com"),
        ("http://harbourwatch.blogspot.com/2012/04/storm.html", "harbourwatch.blogspot.com"),
        ("http://quaynotes.blogspot.nl/2012/04/pier.html", "quaynotes.blogspot.com"),
        ("https://portsidediary.wordpress.com/2019/03/14/pier/", "portsidediary.wordpress.com"),
        ("https://tidewriter.substack.com/p/pier", "tidewriter.substack.com"),
        ("https://medium.com/@tidewriter/the-pier-1234", "medium.com/@tidewriter"),
        ("https://harbourpics.tumblr.com/post/1", "harbourpics.tumblr.com"),
        # A portal of several newsrooms: one per subdomain, a section's host is its newsroom's.
        ("http://espn.go.com/boxing/story/1", "espn.go.com"),
        ("http://sports.espn.go.com/nfl/story?id=1", "espn.go.com"),
        ("http://abcnews.go.com/US/story?id=2", "abcnews.go.com"),
        # Everything else: the registrable domain.
        ("https://www.bbc.co.uk/news/uk-1", "bbc.co.uk"),
        ("https://edition.cnn.com/2019/03/14/x", "cnn.com"),
    ],
)
def test_outlet_domains(url: str, key: str) -> None:
    assert outlet_domain(url) == key
    identity = identify(url)
    assert identity is not None and identity.key == key


def test_two_blogs_on_one_host_are_two_outlets() -> None:
    one = identify("http://harbourwatch.blogspot.nl/2012/04/storm.html")
    two = identify("http://quaynotes.blogspot.nl/2012/04/pier.html")
    assert one is not None and two is not None and one.key != two.key


@pytest.mark.parametrize(
    ("text", "outlet"),
    [
        ("(CNN) -- The harbour council voted on Tuesday to close the old pier.", "CNN"),
        ("PORTSIDE, England (Reuters) - The harbour council voted to close the pier.", "Reuters"),
        ("Portside, England (Sports Network) - The home side won the cup on Saturday.", "The Sports Network"),
        ("The harbour council voted on Tuesday to close the old pier.\n— AP", "Associated Press"),
        # Not credits: a party in brackets, a name in a sentence.
        ("Councillor Ann Keller (R) - who chairs the board - voted against.", None),
        ("The mayor said she reads CNN every morning before the council meets.", None),
    ],
)
def test_credited_outlets(text: str, outlet: str | None) -> None:
    assert credited_outlet(text) == outlet


_PIER = (
    "The harbour council of Portside voted on Tuesday to close the old pier for two years of repairs, "
    "after engineers found that storms had cracked three of its iron piles. Ferries will use the north "
    "quay until the work is done, the port authority said, and fishing boats will moor in the inner "
    "basin. The council chair said the repairs would cost about four million pounds and that the town "
    "would ask the regional government to pay half. Traders on the pier said they feared a quiet "
    "summer, while the ferry company said timetables would not change."
)


def test_a_text_with_no_address_is_its_credits_and_a_cut_wire_copy_is_the_agencys(tmp_path: Path) -> None:
    export = tmp_path / "wire.jsonl"
    records = [
        # The wire story as the agency sent it, with no address: its credit names the outlet.
        {"text": "Pier to close for repairs\n\nPORTSIDE, England (Reuters) - " + _PIER},
        # Two papers ran it with the credit line cut.
        {"text": "Pier closes for repairs\n\n" + _PIER, "outlet": "Portside Gazette"},
        {
            "text": "Old pier to close\n\n" + _PIER.replace("Tuesday", "Tuesday evening"),
            "outlet": "Bay Herald",
        },
        {
            "text": "Council votes\n\n(CNN) -- The council of Lakeside approved a new library on Friday, "
            "after a year of debate about its cost, its place by the river and the books it would hold."
        },
    ]
    export.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    db = tmp_path / "wire.db"
    storyline.ingest([export], db=db)
    articles = {a.article.title: a.article for a in storyline.articles(db)}
    assert articles["Pier to close for repairs"].agency == "Reuters"
    assert articles["Council votes"].outlet == "CNN"
    pier = next(s for s in storyline.stories(db) if len(s.articles) == 3)
    # One independent source: the agency, however many papers ran its copy.
    assert pier.independent_sources == 1
    assert {a.agency for a in pier.articles} == {"Reuters"}


@pytest.mark.parametrize(
    ("url", "site", "name"),
    [
        # A known outlet's page that names no site is shown by the outlet's name, not its address.
        ("https://www.reuters.com/article/us-global-markets", None, "Reuters"),
        ("https://apnews.com/article/x", None, "Associated Press"),
        ("https://www.ap.org/x", None, "Associated Press"),
        # A credited outlet's name run together is its domain's label.
        ("https://www.foxnews.com/politics/x", None, "Fox News"),
        # A site that calls itself by its address ("usatoday") is shown by the outlet's name.
        ("https://eu.usatoday.com/story/x", "usatoday", "USA Today"),
        # The site's own name stands; an unknown site keeps its address; "pa" is no agency as a label.
        ("https://www.bbc.com/news/x", "BBC News", "BBC News"),
        ("https://www.vortexcannon.org/x", None, "vortexcannon.org"),
        ("https://www.pa.gov/x", None, "pa.gov"),
    ],
)
def test_known_outlets_are_shown_by_their_name(url: str, site: str | None, name: str) -> None:
    identity = identify(url, site_name=site)
    assert identity is not None and identity.name == name


def test_a_stored_address_gives_way_to_the_known_name() -> None:
    assert better_name("reuters.com", "reuters.com", RANK_DOMAIN) == "Reuters"
    assert better_name("usatoday.com", "usatoday", RANK_SITE) == "USA Today"
    # A real name, a name the user gave, an unknown domain or a credit's name key are left alone.
    assert better_name("bbc.com", "BBC News", RANK_SITE) is None
    assert better_name("reuters.com", "Our Wire Desk", RANK_GIVEN) is None
    assert better_name("vortexcannon.org", "vortexcannon.org", RANK_DOMAIN) is None
    assert better_name("name:reuters", "Reuters", RANK_FEED) is None
    assert known_name("indiatimes.com") is None


def test_a_store_that_knew_an_outlet_by_its_address_shows_its_name_after_the_next_ingest(
    tmp_path: Path,
) -> None:
    from storyline.store import Store

    export = tmp_path / "wire.jsonl"
    pages = [
        {"url": f"https://www.reuters.com/article/pier-{n}", "title": f"Pier to close ({n})", "text": _PIER}
        for n in (1, 2)
    ]
    export.write_text("\n".join(json.dumps(p) for p in pages) + "\n", encoding="utf-8")
    db = tmp_path / "wire.db"
    storyline.ingest([export], db=db)
    assert {a.article.outlet for a in storyline.articles(db)} == {"Reuters"}
    # A store made before reuters.com was known: its outlet and its kept briefs read the address.
    with Store.open(storyline.StoreConfig.for_path(db)) as store:
        store.rename_outlet("reuters.com", "reuters.com", RANK_DOMAIN)
    story = storyline.stories(db)[0]
    assert {c.outlet for s in storyline.brief_story(story.id, db).sentences() for c in s.citations} == {
        "reuters.com"
    }
    storyline.ingest([export], db=db)  # nothing new: the outlet is named all the same
    assert {a.article.outlet for a in storyline.articles(db)} == {"Reuters"}
    assert storyline.outlets(db)[0]["name"] == "Reuters"
    assert {c.outlet for s in storyline.brief_story(story.id, db).sentences() for c in s.citations} == {
        "Reuters"
    }
