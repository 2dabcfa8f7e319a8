"""Follows, feeds, the digest and the reader's cookie through FastAPI's TestClient over a private
copy of the demo store; HEAD and the favicon; unknown outlets shown honestly."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

from storyline.config import StoreConfig
from storyline.web import WebConfig, create_app
from storyline.web.deps import READER_COOKIE
from tests.web.conftest import copy_store

TOKEN = "test-token-follows-0123"


@pytest.fixture(scope="module")
def client(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    db = copy_store(demo_db, tmp_path_factory.mktemp("follows") / "follows.db")
    with TestClient(create_app(WebConfig(db=StoreConfig.for_path(db), token=TOKEN))) as test_client:
        yield test_client


def _entity(client: TestClient) -> str:
    stories = client.get("/api/stories", params={"order": "covered"}).json()["stories"]
    return str(next(s["entities"][0]["name"] for s in stories if s["entities"]))


def test_following_from_a_form_gives_the_browser_a_reader_id(client: TestClient) -> None:
    name = _entity(client)
    client.cookies.clear()
    answer = client.post(
        "/follows", data={"kind": "entity", "value": name, "next": "/following"}, follow_redirects=False
    )
    assert answer.status_code == 303 and answer.headers["location"] == "/following"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith(READER_COOKIE + "=") and "HttpOnly" in cookie and "SameSite=lax" in cookie
    page = client.get("/following")
    assert name in page.text and "/follows/" in page.text
    feed_path = client.get("/api/follows").json()["follows"][0]["feed"]
    feed = client.get(feed_path)
    assert feed.headers["content-type"].startswith("application/atom+xml")
    assert feed.text.count("<entry>") >= 1
    assert "<summary" in feed.text
    digest = client.get("/api/digest", params={"days": 7}).json()
    assert digest["sections"][0]["value"] == name and digest["sections"][0]["stories"]


def test_a_form_never_sends_the_reader_to_another_site(client: TestClient) -> None:
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        answer = client.post(
            "/follows", data={"kind": "query", "value": "storm", "next": target}, follow_redirects=False
        )
        assert answer.headers["location"] == "/following"


def test_unfollow_and_bad_follows(client: TestClient) -> None:
    client.cookies.clear()
    made = client.post("/api/follows", json={"kind": "outlet", "value": "Nowhere Daily"}).json()
    reader = made["reader"]
    headers = {"X-Storyline-Reader": reader}
    assert client.get("/api/follows", headers=headers).json()["follows"][0]["value"] == "Nowhere Daily"
    assert client.delete(f"/api/follows/{made['follow']['id']}", headers=headers).status_code == 200
    assert client.get("/api/follows", headers=headers).json()["follows"] == []
    bad = client.post("/api/follows", json={"kind": "planet", "value": "Mars"}, headers=headers)
    assert bad.status_code == 400 and bad.json()["remedy"]
    assert client.get("/follows/not-a-key/feed.xml").status_code == 404


def test_head_is_answered_and_the_favicon_is_there(client: TestClient) -> None:
    for path in ("/", "/api/stories", "/feed.xml"):
        head = client.head(path)
        assert head.status_code == 200 and head.content == b""
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    assert 'rel="icon"' in client.get("/").text


def test_pages_name_their_views_and_keep_filters(client: TestClient) -> None:
    page = client.get("/", params={"view": "covered", "lang": "en", "outlet": ""})
    assert "Most covered" in page.text and 'aria-current="page"' in page.text
    assert 'class="skip-link"' in page.text
    search = client.get("/search", params={"q": "storms"})
    assert search.status_code == 200
    story = client.get("/api/stories").json()["stories"][0]
    html = client.get(f"/stories/{story['id']}", params={"length": "short"}).text
    assert 'aria-current="true">Short' in html


def test_an_article_of_no_known_outlet_is_honest_everywhere(client: TestClient) -> None:
    text = (
        "Lighthouse keeper rescues kayakers off Tarvik island\n\n"
        "A lighthouse keeper on Tarvik island rescued three kayakers on Tuesday after their boats "
        "overturned in a sudden squall, the island's council said. The kayakers were taken to the "
        "harbour clinic and released the same evening, according to the council."
    )
    made = client.post("/api/ingest", json={"text": text}, headers={"Authorization": f"Bearer {TOKEN}"})
    assert made.status_code == 200, made.text
    article = made.json()["article_ids"][0]
    story = client.get(f"/api/articles/{article}").json()
    assert story["outlet"] is None
    story_id = next(
        s["id"]
        for s in client.get("/api/stories", params={"limit": 200}).json()["stories"]
        if article in [a["id"] for a in s["articles"]]
    )
    html = client.get(f"/stories/{story_id}").text
    assert "1 article, outlet unknown" in html
    assert "0 outlets" not in html and "/outlets/%28unknown" not in html and "(unknown outlet)" not in html
    assert "Outlet unknown" in html
    assert "storyline-uploads" not in html  # never a local path as a source
    assert "more than one source" not in html
    front = client.get("/", params={"view": "latest"}).text
    assert "0 outlets" not in front


def test_a_repeated_api_answer_comes_whole_from_the_cache_with_its_headers(client: TestClient) -> None:
    first = client.get("/api/stories", params={"limit": 2, "order": "top"})
    again = client.get("/api/stories", params={"limit": 2, "order": "top"})
    assert first.status_code == again.status_code == 200 and first.content == again.content
    for answer in (first, again):
        assert answer.headers["content-type"] == "application/json"
        assert "default-src 'self'" in answer.headers["content-security-policy"]
    reader = client.app.state.reader  # type: ignore[attr-defined]
    assert reader.recall(("answer", "/api/stories", b"limit=2&order=top")) is not None
    assert client.get("/api/stories", params={"limit": 0}).status_code == 422  # errors are never kept
    assert reader.recall(("answer", "/api/stories", b"limit=0")) is None


def test_a_page_says_what_its_reader_already_follows(client: TestClient) -> None:
    name = _entity(client)
    path = "/entities/" + name.replace(" ", "%20")
    client.cookies.clear()
    assert f"Follow {name}</button>" in client.get(path).text
    client.post("/follows", data={"kind": "entity", "value": name, "next": path})
    client.post("/follows", data={"kind": "query", "value": "landslide", "next": "/search?q=landslide"})
    page = client.get(path).text
    # Followed: the button no longer offers to follow it again, it offers to unfollow.
    assert f"Follow {name}</button>" not in page and f"Following {name}" in page
    assert "Following “landslide”" in client.get("/search", params={"q": "landslide"}).text
    # Another browser still sees the page as everyone does.
    other = TestClient(client.app)
    assert f"Follow {name}</button>" in other.get(path).text
    # Unfollowing from the page comes back to the page, which offers to follow again.
    action = page.split('action="/follows/', 1)[1].split('"', 1)[0]
    answer = client.post(f"/follows/{action}", data={"next": path}, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == path
    assert f"Follow {name}</button>" in client.get(path).text
