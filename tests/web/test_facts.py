"""A story's facts and who said what over HTTP: the API's JSON is the CLI's ``--json`` on the demo
store, the pages show each fact with its sources and each speaker with their words, article text
is escaped, and a missing or impossible story id is a clean 404 or 422."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from html import escape
from pathlib import Path

import pytest

import storyline

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

from storyline.config import StoreConfig
from storyline.model import Quantity, Scope
from storyline.web import WebConfig, create_app
from storyline.web.facts import figure_note, quoted
from tests.web.conftest import copy_store

HTML = {"accept": "text/html"}


@pytest.fixture(scope="module")
def db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_store(demo_db, tmp_path_factory.mktemp("facts") / "facts.db")


@pytest.fixture(scope="module")
def client(db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(WebConfig(db=StoreConfig.for_path(db)))) as test_client:
        yield test_client


def _as_json(data: object) -> object:
    return json.loads(json.dumps(data))


def test_facts_api_is_the_cli_json_and_finds_facts_two_outlets_state(client: TestClient, db: Path) -> None:
    shared = 0
    for story in storyline.stories(db):
        body = client.get(f"/api/stories/{story.id}/facts").json()
        assert body == _as_json(storyline.story_facts(story.id, db).to_dict())
        assert body["story"] == story.id and body["facts"]
        articles = {a.id for a in story.articles}
        for fact in body["facts"]:
            assert fact["text"] == fact["claims"][0]["claim"]["text"]
            for claim in fact["claims"]:
                cited = claim["citation"]
                assert cited["article_id"] in articles
                text = storyline.get_article(cited["article_id"], db).article.text
                # Each wording is the article's own words, where the citation says.
                assert text[claim["claim"]["start"] : claim["claim"]["end"]] == claim["claim"]["text"]
            if fact["support"] >= 2:
                shared += 1
                assert len(set(fact["voices"])) == fact["support"]
                assert len({c["citation"]["article_id"] for c in fact["claims"]}) >= 2
    assert shared >= 5  # the demo's multi-outlet stories share facts (TB trial, port strike, ...)


def test_quotes_api_is_the_cli_json_with_speakers_and_their_words(client: TestClient, db: Path) -> None:
    direct = 0
    for story in storyline.stories(db):
        body = client.get(f"/api/stories/{story.id}/quotes").json()
        assert body == _as_json(storyline.story_quotes(story.id, db).to_dict())
        for speaker in body["speakers"]:
            assert speaker["speaker"] and speaker["quotes"]
            for quote in speaker["quotes"]:
                assert quote["outlets"] and quote["citations"]
                if quote["speech"] == "direct":
                    direct += 1
                    cited = quote["citations"][0]["article_id"]
                    # A direct quote is verbatim: its words stand in the article as given.
                    assert quote["text"] in storyline.get_article(cited, db).article.text
    assert direct >= 10


def test_facts_page_shows_each_fact_its_sources_and_links_to_the_sentence(
    client: TestClient, db: Path
) -> None:
    story = next(s for s in storyline.stories(db) if s.title and s.title.startswith("Vietnam landslide"))
    found = storyline.story_facts(story.id, db).found
    page = client.get(f"/stories/{story.id}/facts")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert f"<h1>{escape(story.title or '', quote=False)}</h1>" in html
    assert f"{len(found.facts)} facts from 4 independent sources" in html
    for heading in ("Stated by two or more independent sources", "Stated by one source"):
        assert f">{heading}</h2>" in html
    for fact in found.facts:
        assert escape(fact.wording.claim.text, quote=False) in html
        for claim in fact.claims:
            assert f'href="/articles/{claim.citation.article_id}#s-{claim.citation.sentence}"' in html
    homes = next(f for f in found.facts if f.wording.claim.text.startswith("More than 60 homes"))
    assert homes.support == 2 and "2 independent sources" in html
    assert "copy, counted once" in html and "counted as Meridian Wire" in html
    # The toll that rose from "at least 12" to 14 is an update, not a dispute.
    (update,) = [c for c in found.conflicts if c.update]
    assert ">Figures updated over time</h2>" in html and update.thing == "death"
    assert "No figure is given differently by two independent sources." in html
    assert f'href="/stories/{story.id}/quotes"' in html and f'href="/api/stories/{story.id}/facts"' in html


def test_quotes_page_and_the_story_page_links(client: TestClient, db: Path) -> None:
    story = next(s for s in storyline.stories(db) if s.title and s.title.startswith("Vietnam landslide"))
    speakers = storyline.story_quotes(story.id, db).speakers
    html = client.get(f"/stories/{story.id}/quotes").text
    assert ">Who said what</h2>" in html
    for speaker in speakers:
        assert f">{escape(speaker.name, quote=False)}</h3>" in html
    assert "“We still hope to find people alive”" in html  # a direct quote, in quotation marks
    assert ">reported</span> the scale of the Nậm Khe collapse was unusual so late in the year" in html
    assert "Carried by Meridian Wire, in " in html and "(copy)" in html
    page = client.get(f"/stories/{story.id}").text
    assert f'href="/stories/{story.id}/facts"' in page and f'href="/stories/{story.id}/quotes"' in page


def test_missing_and_impossible_story_ids(client: TestClient) -> None:
    for kind in ("facts", "quotes"):
        missing = client.get(f"/api/stories/99999/{kind}")
        assert missing.status_code == 404
        assert missing.json()["message"] == "no story with id 99999" and missing.json()["remedy"]
        page = client.get(f"/stories/99999/{kind}", headers=HTML)
        assert page.status_code == 404 and "no story with id 99999" in page.text
        for bad in ("0", "-3", str(2**63), "1" + "0" * 30, "abc"):
            answer = client.get(f"/api/stories/{bad}/{kind}")
            assert answer.status_code == 422 and answer.json()["error"] == "invalid-request", bad
            assert client.get(f"/stories/{bad}/{kind}", headers=HTML).status_code == 422


# --- hostile text: the test's own articles, from outlets with markup in their names ---------------

GAZETTE = '<script>alert("outlet")</script> Gazette'
TIMES = "Harbour <img src=x onerror=alert(1)> Times"
QUOTE = "<script>alert('quote')</script>"
HOSTILE = [
    {
        "url": "https://gazette.example/tarnby-ferry-strike",
        "outlet": GAZETTE,
        "title": "Ferry <script>alert('title')</script> strike shuts Tarnby harbour",
        "published": "2026-11-20T08:00:00Z",
        "text": "TARNBY — Ferry workers at Tarnby harbour walked out on Monday in a dispute over pay, "
        "cancelling 40 crossings, the union said.\n\n"
        f"“We will not go back until the {QUOTE} offer is fair,” said union leader Mara Lind.\n\n"
        "The harbour authority said 3,000 passengers were affected by the strike on Monday.\n\n"
        "Queues of lorries stretched back along the coast road by mid-morning, and several hauliers "
        "said they would reroute through Esker.\n\n"
        "The operator, Nordsund Lines, said it regretted the disruption and had offered a 4 percent rise.",
    },
    {
        "url": "https://times.example/news/tarnby-strike",
        "outlet": TIMES,
        "title": "Tarnby ferry crews strike <img src=x onerror=alert('t2')> over pay",
        "published": "2026-11-20T10:00:00Z",
        "text": "Ferry crews in Tarnby stopped work on Monday over pay, and 40 crossings were cancelled, "
        "according to the union.\n\n"
        f"“We will not go back to work until the {QUOTE} offer is fair and final,” union leader Mara "
        "Lind told reporters at the quay.\n\n"
        "Harbour officials put the number of stranded travellers at 2,000 passengers on Monday.\n\n"
        "Shopkeepers on the island of Holm, which depends on the ferry for fresh food, said shelves "
        "would be empty within two days.\n\n"
        "It is the first strike at the port since 2019, when a walkout over rosters lasted a week.",
    },
]


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A store of two articles of one strike, from two outlets, markup in names, titles and quotes."""
    folder = tmp_path_factory.mktemp("hostile-facts")
    export = folder / "clippings.jsonl"
    export.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in HOSTILE), encoding="utf-8")
    db = folder / "hostile.db"
    storyline.ingest([export], db=db)
    (story,) = storyline.stories(db)
    return db, story.id


def test_hostile_article_text_is_escaped_on_both_pages(hostile: tuple[Path, int]) -> None:
    db, story_id = hostile
    with TestClient(create_app(WebConfig(db=StoreConfig.for_path(db)))) as client:
        facts = client.get(f"/stories/{story_id}/facts")
        quotes = client.get(f"/stories/{story_id}/quotes")
        data = client.get(f"/api/stories/{story_id}/facts").json()
    assert facts.status_code == quotes.status_code == 200
    # The fact both outlets state, counted twice, under both (escaped) outlet names.
    (shared,) = [f for f in data["facts"] if f["support"] == 2 and "40 crossings" in f["text"]]
    assert set(shared["voices"]) == {GAZETTE, TIMES}
    for html in (facts.text, quotes.text):
        assert "<script>alert" not in html and "<img src=x" not in html and "onerror=alert(1)>" not in html
        assert len(re.findall(r"<script\b", html)) == 1  # the page's own app.js, nothing else
        assert "&lt;script&gt;alert(&#34;outlet&#34;)&lt;/script&gt; Gazette" in html
        assert "Harbour &lt;img src=x onerror=alert(1)&gt; Times" in html
    assert "2 independent sources" in facts.text
    # Mara Lind's words, verbatim (escaped), and the other outlet's different wording of them.
    assert (
        "“We will not go back until the &lt;script&gt;alert(&#39;quote&#39;)&lt;/script&gt; offer is fair”"
        in (quotes.text)
    )
    assert ">Quoted differently</p>" in quotes.text
    assert "offer is fair and final”" in quotes.text


def test_figure_notes_and_quote_marks() -> None:
    toll = Quantity("at least 12 people", 12.0, scope=Scope.AT_LEAST, thing="death", verb="kill")
    assert figure_note(toll) == "counting death · at least"
    missing = Quantity("five people", 5.0, thing="people:miss", aggregate="so far", period="in 2004")
    assert figure_note(missing) == "counting people (miss) · so far · in 2004"
    assert figure_note(Quantity("3", 3.0, thing="number")) == ""
    assert quoted("““If there were failures, people will answer for them”") == (
        "If there were failures, people will answer for them"
    )
    assert quoted("the workers’ pay") == "the workers’ pay"
