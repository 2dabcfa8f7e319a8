"""Server-rendered pages (web/pages.py) over a copy of the demo store: the full-coverage page of a
thread."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import storyline
from storyline import reading as finder
from storyline.config import StoreConfig
from storyline.web.app import create_app
from storyline.web.deps import WebConfig
from tests.web.conftest import copy_store


@pytest.fixture(scope="module")
def db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_store(demo_db, tmp_path_factory.mktemp("pages") / "pages.db")


@pytest.fixture(scope="module")
def client(db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(WebConfig(db=StoreConfig.for_path(db)))) as test_client:
        yield test_client


def test_a_thread_page_shows_every_story_of_the_subject_in_order_with_all_articles(
    client: TestClient, db: Path
) -> None:
    # The demo's one thread (truth.json's T1): the Lisbon visit, then the Brasília talks.
    (thread,) = finder.threads(db)
    stories = storyline.stories(db, thread=thread.id)
    page = client.get(f"/threads/{thread.id}")
    assert page.status_code == 200
    html = page.text
    lisbon = next(s for s in stories if s.title and s.title.startswith("Amaral and Meireles"))
    brasilia = next(s for s in stories if s is not lisbon)
    # Oldest first, each story linked, and every article of each.
    assert html.index(f'href="/stories/{lisbon.id}"') < html.index(f'href="/stories/{brasilia.id}"')
    for story in stories:
        for item in story.articles:
            assert f'href="/articles/{item.id}"' in html
    assert "2 stories" in html and "full coverage" in html
    # A story of the thread links to the page.
    assert f'href="/threads/{thread.id}"' in client.get(f"/stories/{lisbon.id}").text


def test_an_unknown_thread_is_a_404_that_says_where_to_look(client: TestClient) -> None:
    page = client.get("/threads/99999")
    assert page.status_code == 404
    assert "no thread 99999" in page.text


def test_the_server_holds_its_store_open_and_a_story_page_opens_none(
    client: TestClient, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Opening a store for each request (its engines, the schema check, every statement compiled
    # anew) was most of a first visit's time: the server holds one open for its life.
    from storyline.store import Store

    story = storyline.stories(db)[0]
    opened: list[object] = []
    real = Store.open

    def counted(config: StoreConfig | None = None) -> Store:
        opened.append(config)
        return real(config)

    monkeypatch.setattr(Store, "open", counted)
    assert client.get(f"/stories/{story.id}?length=long").status_code == 200
    assert client.get(f"/stories/{story.id}/summary?length=long").status_code == 200
    assert opened == []


def test_each_entity_has_one_chip_on_a_card(client: TestClient) -> None:
    import re

    html = client.get("/?view=covered").text
    for chips in re.findall(r'<p class="entities">(.*?)</p>', html, re.S):
        names = re.findall(r'class="tag[^"]*"[^>]*>([^<]+)</a>', chips)
        assert len(names) == len({n.casefold() for n in names}), names
