"""The HTTP API with FastAPI's TestClient over a private copy of the demo store: JSON shapes as the
CLI's ``--json``, errors as JSON with a remedy, the token, the body limit, security headers."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import storyline

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

from storyline.config import StoreConfig
from storyline.reading import StoryFilter, find_stories, rank_stories
from storyline.web import WebConfig, create_app
from tests.web.conftest import copy_store

TOKEN = "test-token-0123456789"


@pytest.fixture(scope="module")
def db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_store(demo_db, tmp_path_factory.mktemp("api") / "api.db")


@pytest.fixture(scope="module")
def client(db: Path) -> Iterator[TestClient]:
    config = WebConfig(db=StoreConfig.for_path(db), token=TOKEN, max_body_bytes=200_000)
    with TestClient(create_app(config)) as test_client:
        yield test_client


def test_health(client: TestClient) -> None:
    body = client.get("/api/health").json()
    assert body["status"] == "ok" and body["writable"] is True and body["articles"] >= 30


def test_root_health_and_prometheus_metrics(client: TestClient) -> None:
    health = client.get("/health")
    assert health.status_code == 200 and health.json()["status"] == "ok"
    metrics = client.get("/metrics")
    assert metrics.status_code == 200 and metrics.headers["content-type"].startswith(
        "text/plain; version=0.0.4"
    )
    lines = metrics.text.splitlines()
    assert "# TYPE storyline_store_articles gauge" in lines
    articles = next(line for line in lines if line.startswith("storyline_store_articles "))
    assert int(articles.split()[1]) == health.json()["articles"]
    assert any(line.startswith('storyline_info{version="') for line in lines)


def test_story_list_is_the_cli_shape_paginated_and_filtered(client: TestClient, db: Path) -> None:
    expected = [s.to_dict() for s in storyline.stories(db)]
    page = client.get("/api/stories", params={"limit": 4}).json()
    assert page["total"] == len(expected)
    assert page["stories"] == expected[:4]
    second = client.get("/api/stories", params={"limit": 4, "offset": 4}).json()
    assert second["stories"] == expected[4:8]
    outlet = expected[0]["outlets"][0]
    by_outlet = client.get("/api/stories", params={"outlet": outlet, "limit": 50}).json()["stories"]
    assert by_outlet and all(any(a["outlet"] == outlet for a in s["articles"]) for s in by_outlet)
    assert len(by_outlet) < len(expected)
    thread = next(s["thread"] for s in expected if s["thread"] is not None)
    threaded = client.get("/api/stories", params={"thread": thread}).json()["stories"]
    assert {s["id"] for s in threaded} == {s["id"] for s in expected if s["thread"] == thread}
    person = next(e["name"] for e in expected[0]["entities"] if e["type"] == "person")
    with_person = client.get("/api/stories", params={"entity": person}).json()["stories"]
    assert expected[0]["id"] in {s["id"] for s in with_person}
    words = client.get("/api/stories", params={"q": "pension"}).json()["stories"]
    assert words and len(words) < len(expected)
    late = client.get("/api/stories", params={"since": expected[0]["last_seen"][:10]}).json()["stories"]
    assert expected[0]["id"] in {s["id"] for s in late} and len(late) < len(expected)


def test_story_brief_article_and_exports(client: TestClient, db: Path) -> None:
    story_id = storyline.stories(db)[0].id
    assert client.get(f"/api/stories/{story_id}").json() == storyline.story(story_id, db).to_dict()
    brief = client.get(f"/api/stories/{story_id}/brief", params={"length": "short"}).json()
    assert brief == storyline.brief_story(story_id, db, length="short").to_dict()
    markdown = client.get(f"/api/stories/{story_id}/export", params={"format": "markdown"})
    assert markdown.headers["content-type"].startswith("text/markdown") and markdown.text.startswith("## ")
    article_id = brief["lead"][0]["citations"][0]["article_id"]
    article = client.get(f"/api/articles/{article_id}").json()
    stored = storyline.get_article(article_id, db).to_dict()
    assert {k: article[k] for k in stored} == stored
    assert article["summary"]["kind"] == "article" and article["summary"]["lead"]


def test_lists(client: TestClient, db: Path) -> None:
    people = client.get("/api/entities", params={"type": "person"}).json()
    assert people == _as_json([e.to_dict() for e in storyline.entities(db) if e.type.value == "person"])
    assert {"Helena Amaral", "Duarte Meireles", "Rui Valadares"} <= {p["name"] for p in people}
    events = client.get("/api/events").json()
    assert events == _as_json(storyline.events(db))
    assert {"meeting", "talks", "visit"} <= {e["kind"] for e in events}
    # The demo's one thread (truth.json's T1): the Lisbon visit, then the Brasília talks.
    (thread,) = client.get("/api/threads").json()
    titles = [s["title"] for s in thread["stories"]]
    assert len(titles) == 2 and titles[0].startswith("Amaral and Meireles") and "Brasília" in titles[1]
    skipped = sorted((s["locator"].rsplit("/", 1)[1], s["code"]) for s in client.get("/api/skips").json())
    assert skipped == [("broken-upload.html", "binary"), ("chart.png", "binary"), ("empty.txt", "empty")]
    hits = client.get("/api/search", params={"q": "pension rights"}).json()
    assert hits and "[" in hits[0]["snippet"]
    assert client.get("/api/search", params={"q": '"NEAR( *'}).status_code == 200  # no FTS syntax passes


def _as_json(data: object) -> object:
    """``data`` as it reads back from JSON (tuples become lists, dates strings)."""
    return json.loads(json.dumps(data))


def test_errors_are_json_with_a_remedy(client: TestClient) -> None:
    missing = client.get("/api/stories/99999")
    assert missing.status_code == 404
    assert missing.json() == {
        "status": 404,
        "error": "not-found",
        "message": "no story with id 99999",
        "remedy": "list ids with `storyline stories`",
    }
    bad = client.get("/api/stories/1/brief", params={"length": "huge"})
    assert bad.status_code == 422 and bad.json()["remedy"]
    assert client.get("/api/nothing-here").json()["status"] == 404


def test_writes_need_the_token(client: TestClient) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        refused = client.post("/api/stories/merge", json={"keep": 1, "gone": 2}, headers=headers)
        assert refused.status_code == 403 and refused.json()["error"] == "forbidden"
        refused = client.post("/api/ingest", json={"text": "x"}, headers=headers)
        assert refused.status_code == 403


def test_body_size_is_limited(client: TestClient) -> None:
    big = client.post(
        "/api/ingest", json={"text": "word " * 100_000}, headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert big.status_code == 413 and big.json()["remedy"]


def test_ingest_merge_split_through_the_api(client: TestClient, db: Path) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    text = (
        "Night ferries to run all winter\n\n"
        "The harbour board in Kirkwall voted on Tuesday to keep the night ferry running through the winter. "
        "Board chair Elin Rask said the service would cost 40,000 pounds more a year. "
        "Commuters had asked for the change since the spring, and the board agreed it by six votes to two."
    )
    report = client.post("/api/ingest", json={"text": text}, headers=auth).json()
    assert report["ingested"] == 1
    again = client.post("/api/ingest", json={"text": text}, headers=auth).json()
    assert again["ingested"] == 0 and again["unchanged"] == 1  # the same text twice is unchanged
    stories = client.get("/api/stories", params={"limit": 50}).json()["stories"]
    assert stories[0]["title"] != "" and any(s["title"] == "Night ferries to run all winter" for s in stories)
    keep, gone = stories[0]["id"], stories[1]["id"]
    merged = client.post("/api/stories/merge", json={"keep": keep, "gone": gone}, headers=auth)
    assert merged.json()["story"] == keep
    moved = [a["id"] for a in stories[1]["articles"]]
    split = client.post(f"/api/stories/{keep}/split", json={"articles": moved}, headers=auth).json()
    assert sorted(a["id"] for a in client.get(f"/api/stories/{split['story']}").json()["articles"]) == sorted(
        moved
    )


def test_security_headers_static_files_and_docs(client: TestClient) -> None:
    page = client.get("/", headers={"accept": "text/html"})
    csp = page.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert client.get("/static/app.js").status_code == 200
    for sneaky in ("/static/../app.py", "/static/%2e%2e/app.py", "/static/..%2fapp.py"):
        response = client.get(sneaky)
        assert response.status_code == 404 or "create_app" not in response.text
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/docs-assets/swagger-ui-bundle.js" in docs.text
    assert "cdn" not in docs.text.lower()
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200
    schema = client.get("/openapi.json").json()
    assert "/api/stories" in schema["paths"] and "/api/ingest" in schema["paths"]


def test_feed_is_atom(client: TestClient) -> None:
    feed = client.get("/feed.xml")
    assert feed.headers["content-type"].startswith("application/atom+xml")
    import xml.etree.ElementTree as ET

    root = ET.fromstring(feed.content)
    entries = root.findall("{http://www.w3.org/2005/Atom}entry")
    assert entries and entries[0].find("{http://www.w3.org/2005/Atom}summary") is not None


def _until(check: Callable[[], bool], seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "not within the time"
        time.sleep(0.05)


def test_the_story_lists_are_made_before_their_first_reader(db: Path, tmp_path: Path) -> None:
    copy = copy_store(db, tmp_path / "warm.db")
    app = create_app(WebConfig(db=StoreConfig.for_path(copy), token=TOKEN, stamp_seconds=0.2))
    top, latest = ("ranking", StoryFilter(), "top"), ("ranking", StoryFilter(), "latest")
    with TestClient(app) as client:
        reader = app.state.reader
        # At start, before any request for a list: the first visit finds them made.
        _until(lambda: reader.recall(top) is not None and reader.recall(latest) is not None)
        _until(lambda: reader.recall(("story-page", StoryFilter(), "latest", 20, 0)) is not None)
        before = len(reader.recall(latest))
        # Every page of a list is read from its one ranking, and is the page find_stories gives.
        for offset in (0, 3, 6):
            page = client.get("/api/stories", params={"limit": 3, "offset": offset}).json()
            assert page == json.loads(json.dumps(find_stories(copy, limit=3, offset=offset).to_dict()))
        # A change of the store (an ingest) drops them, and they are made again, unasked.
        text = (
            "Probe reaches Jupiter\n\nThe Ganymede orbiter of the Norwegian Space Agency entered orbit "
            "around Jupiter on Friday after an eight-year cruise, mission controllers in Andøya said."
        )
        auth = {"Authorization": f"Bearer {TOKEN}"}
        assert client.post("/api/ingest", json={"text": text}, headers=auth).json()["ingested"] == 1
        _until(lambda: (found := reader.recall(latest)) is not None and len(found) == before + 1)
        _until(lambda: reader.recall(latest) == rank_stories(copy, order="latest"))
        _until(lambda: reader.recall(top) is not None)
