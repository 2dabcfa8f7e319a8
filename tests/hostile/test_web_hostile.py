"""The web server under hostile requests (issue 26, item 5), with FastAPI's TestClient over a copy of
the demo store: ids past SQLite's range are 404 or 422 on every route, never a plain-text 500;
paging never loads the rows it skips; the metadata address needs --allow-address even with
--allow-private; feed links come from the configured base URL, not the Host header; cross-site
form posts are refused; merging a story into itself is refused; an outlet with "/" has a live page;
a chunked body over the limit is 413; uploads go to a private folder and are deleted. The slow
clients (headers and bodies trickled, connections piled up) run against a real `storyline serve`
in test_serve_hostile.py."""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import storyline

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from storyline.cli import app as cli
from storyline.config import FetchConfig, PipelineConfig, StoreConfig
from storyline.web import WebConfig, create_app
from tests.web.conftest import copy_store

TOKEN = "hostile-token-0123456789"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
HUGE = 2**63  # one past SQLite's largest integer
IDS = [HUGE, 2**64 + 5, 10**30, -1, 0]


@pytest.fixture(scope="module")
def db(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_store(demo_db, tmp_path_factory.mktemp("web-hostile") / "web.db")


def make_client(db: Path, **changes: Any) -> TestClient:
    config = WebConfig(db=StoreConfig.for_path(db), token=TOKEN, **changes)
    return TestClient(create_app(config), raise_server_exceptions=False)


@pytest.fixture(scope="module")
def client(db: Path) -> Iterator[TestClient]:
    with make_client(db) as test_client:
        yield test_client


def refused_cleanly(response: Any) -> bool:
    """404 or 422 with a JSON error body (or the HTML error page a browser asked for)."""
    if response.status_code not in (404, 422):
        return False
    kind = response.headers["content-type"]
    return ("application/json" in kind and bool(response.json()["remedy"])) or "text/html" in kind


@pytest.mark.parametrize("number", IDS)
def test_ids_out_of_range_are_404_or_422_on_every_route(client: TestClient, number: int) -> None:
    gets = [
        f"/stories/{number}",
        f"/stories/{number}/summary",
        f"/articles/{number}",
        f"/api/stories/{number}",
        f"/api/stories/{number}/brief",
        f"/api/stories/{number}/export",
        f"/api/articles/{number}",
        f"/?thread={number}",
        f"/api/stories?thread={number}",
        f"/fix?story={number}",
    ]
    if not 0 <= number <= 10**9:  # offsets and cursors may be 0; past a billion they name no row
        gets += [f"/api/stories?offset={number}", f"/api/articles?offset={number}"]
        gets += [f"/api/articles?after={number}"] if number < 0 or number > 2**63 - 1 else []
    for path in gets:
        for accept in ("application/json", "text/html"):
            response = client.get(path, headers={"accept": accept})
            assert refused_cleanly(response), (path, response.status_code, response.text[:200])
    posts = [
        client.post("/api/stories/merge", json={"keep": number, "gone": 1}, headers=AUTH),
        client.post("/api/stories/merge", json={"keep": 1, "gone": number}, headers=AUTH),
        client.post(f"/api/stories/{number}/split", json={"articles": [1]}, headers=AUTH),
        client.post("/api/stories/1/split", json={"articles": [number]}, headers=AUTH),
        client.post("/fix/merge", data={"keep": number, "gone": 1, "token": TOKEN}),
        client.post("/fix/merge", data={"keep": 1, "gone": number, "token": TOKEN}),
        client.post("/fix/split", data={"story": number, "articles": [1], "token": TOKEN}),
        client.post("/fix/split", data={"story": 1, "articles": [number], "token": TOKEN}),
    ]
    for response in posts:
        assert refused_cleanly(response), (response.request.url, response.status_code, response.text[:200])


def test_the_largest_id_is_a_plain_not_found(client: TestClient) -> None:
    largest = 2**63 - 1
    for path in (f"/api/stories/{largest}", f"/api/articles/{largest}", f"/stories/{largest}"):
        assert client.get(path).status_code == 404
    assert client.get(f"/api/stories?thread={largest}").json()["stories"] == []


def test_article_paging_is_by_keyset_and_never_loads_what_it_skips(
    client: TestClient, db: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    everything = [a.id for a in storyline.articles(db=db)]
    # A cursor walk: each page from the last id of the one before, the next page named in a Link.
    walked: list[int] = []
    url: str | None = "/api/articles?limit=7"
    while url:
        page = client.get(url)
        walked.extend(a["id"] for a in page.json())
        url = page.links.get("next", {}).get("url")
    assert walked == everything
    # An offset is the database's to skip: the store is asked for ``limit`` rows, never offset+limit.
    from storyline.store.documents import DocumentQueries

    asked: list[dict[str, Any]] = []
    real = DocumentQueries.articles

    def spy(self: Any, **kwargs: Any) -> Any:
        asked.append(kwargs)
        return real(self, **kwargs)

    monkeypatch.setattr(DocumentQueries, "articles", spy)
    far = make_client(db)  # a fresh cache
    assert far.get("/api/articles", params={"offset": 10**9, "limit": 5}).json() == []
    assert [a["id"] for a in far.get("/api/articles", params={"offset": 3, "limit": 4}).json()] == everything[
        3:7
    ]
    assert all(call["limit"] <= 5 for call in asked) and asked


def test_the_metadata_address_needs_allow_address_even_with_allow_private(db: Path, tmp_path: Path) -> None:
    pipeline = PipelineConfig(fetch=FetchConfig(allow_private=True, timeout_s=2), analyze_on_ingest=False)
    with make_client(db, pipeline=pipeline) as api:
        for url in (
            "http://169.254.169.254/latest/meta-data/",
            "http://0251.0376.0251.0376/",
            "http://[fd00:ec2::254]/",
        ):
            report = api.post("/api/ingest", json={"url": url}, headers=AUTH)
            assert report.status_code == 200, report.text
            (skip,) = report.json()["skipped"]
            assert skip["code"] == "forbidden" and "--allow-address" in skip["message"]
        malformed = api.post("/api/ingest", json={"url": "http://[::1/x"}, headers=AUTH)
        assert malformed.status_code == 422 and malformed.json()["error"] == "bad-url"
        not_web = api.post("/api/ingest", json={"url": "file:///etc/passwd"}, headers=AUTH)
        assert not_web.status_code in (400, 422)


def test_feed_links_come_from_the_configured_base_url_not_the_host_header(db: Path) -> None:
    with make_client(db) as plain:
        body = plain.get("/feed.xml", headers={"host": "evil.example"}).text
        assert "evil.example" not in body and "/stories/" in body
    with make_client(db, base_url="https://news.example/storyline") as configured:
        body = configured.get("/feed.xml", headers={"host": "evil.example"}).text
        assert "evil.example" not in body
        assert 'href="https://news.example/storyline/stories/' in body
    with pytest.raises(ValueError, match="base_url"):
        WebConfig(base_url="javascript:alert(1)")


def test_cross_site_form_posts_are_refused(client: TestClient) -> None:
    for origin in ("https://evil.example", "null"):
        refused = client.post(
            "/fix/merge", data={"keep": 1, "gone": 2, "token": TOKEN}, headers={"origin": origin}
        )
        assert refused.status_code == 403 and "origin" in refused.text.lower()
    # The server's own origin, and a client that sends none (curl, the API's clients), go on to
    # the token check.
    own = client.post(
        "/fix/merge", data={"keep": 1, "gone": 2, "token": "wrong"}, headers={"origin": "http://testserver"}
    )
    assert own.status_code == 403 and "token" in own.text.lower()
    plain = client.post("/fix/merge", data={"keep": 1, "gone": 2, "token": "wrong"})
    assert plain.status_code == 403 and "token" in plain.text.lower()


def test_merging_a_story_into_itself_is_refused(client: TestClient, db: Path) -> None:
    story = storyline.stories(db=db)[0].id
    api = client.post("/api/stories/merge", json={"keep": story, "gone": story}, headers=AUTH)
    assert api.status_code in (400, 422) and "itself" in api.json()["message"]
    form = client.post("/fix/merge", data={"keep": story, "gone": story, "token": TOKEN})
    assert form.status_code in (400, 422) and "itself" in form.text
    result = CliRunner().invoke(cli, ["stories", "merge", str(story), str(story), "--db", str(db)])
    assert result.exit_code != 0 and "itself" in str(result.exception or result.output)


def test_an_outlet_or_entity_name_with_a_slash_has_a_live_page(db: Path, tmp_path: Path) -> None:
    copy = copy_store(db, tmp_path / "slash.db")
    folder = tmp_path / "in"
    folder.mkdir()
    body = " ".join(["The AC/DC tribute band played the harbour hall on Monday night to a full house."] * 5)
    (folder / "gig.txt").write_text("Tribute band plays harbour hall\n\n" + body, encoding="utf-8")
    storyline.ingest(
        [folder],
        db=copy,
        config=PipelineConfig(extract=storyline.PipelineConfig().extract.__class__(outlet="AC/DC News")),
    )
    with make_client(copy) as api:
        story = next(s for s in storyline.stories(db=copy) if "AC/DC News" in s.outlets)
        page = api.get(f"/stories/{story.id}", headers={"accept": "text/html"})
        assert 'href="/outlets/AC%2FDC%20News"' in page.text
        outlet = api.get("/outlets/AC%2FDC%20News", headers={"accept": "text/html"})
        assert outlet.status_code == 200 and "Tribute band plays harbour hall" in outlet.text


def test_a_chunked_body_over_the_limit_is_413(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(5 * 1024):
            yield b"w" * 1024
        yield b'"}'

    response = client.post(
        "/api/ingest", content=chunks(), headers={**AUTH, "content-type": "application/json"}
    )
    assert response.status_code == 413 and response.json()["error"] == "too-large"


def test_uploads_go_to_a_private_folder_and_are_deleted(
    db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = tmp_path / "shared-tmp"
    shared.mkdir()
    shared.chmod(0o1777)
    monkeypatch.setattr(tempfile, "tempdir", str(shared))
    # Another user got there first: the folder uploads go to is a link to a folder they read.
    theirs = tmp_path / "attacker"
    theirs.mkdir()
    (shared / f"storyline-uploads-{os.getuid()}").symlink_to(theirs)
    text = "Council approves budget\n\n" + " ".join(["The council approved the budget on Tuesday."] * 8)
    with make_client(copy_store(db, tmp_path / "upload.db")) as api:
        report = api.post("/api/ingest", json={"text": text}, headers=AUTH).json()
    assert report["ingested"] == 1
    assert list(theirs.iterdir()) == []  # nothing written through the link
    folders = [p for p in shared.iterdir() if not p.is_symlink()]
    for folder in folders:
        mode = os.lstat(folder).st_mode
        assert stat.S_ISDIR(mode) and not mode & 0o077 and os.lstat(folder).st_uid == os.getuid()
        assert list(folder.iterdir()) == []  # the upload is deleted once ingested
