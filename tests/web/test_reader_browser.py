"""A reader who comes back, in a real browser (Debian's chromium through Playwright) against
`storyline serve` over its own copy of the demo store (three stories a page, so paging happens):
top stories and filters that survive paging, follows with their feeds and the digest, what changed
between two visits with an ingest between them, a phone's width, the dark theme, and axe-core on
every kind of page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.web.conftest import Server, axe_violations, copy_store, screenshot, serve

pytestmark = pytest.mark.slow

PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="module")
def reader_server(
    demo_db: Path, tmp_path_factory: pytest.TempPathFactory, web_token: str
) -> Iterator[Server]:
    db = copy_store(demo_db, tmp_path_factory.mktemp("reader") / "reader.db")
    with serve(
        db, web_token, tmp_path_factory.getbasetemp() / "serve-reader.log", "--page-size", "3"
    ) as running:
        yield running


@pytest.fixture
def reader_page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    try:
        yield tab
    finally:
        context.close()


def _stories(server: Server, **params: Any) -> list[dict[str, Any]]:
    found = httpx.get(server.url + "/api/stories", params={"limit": 50, **params}, timeout=60).json()
    return list(found["stories"])


def _sample_pages(server: Server) -> dict[str, str]:
    stories = _stories(server, order="covered")
    story = stories[0]
    entity = next(s["entities"][0]["name"] for s in stories if s["entities"])
    return {
        "front": "/",
        "story": f"/stories/{story['id']}",
        "article": f"/articles/{story['articles'][0]['id']}",
        "search": "/search?q=" + re.sub(r"\W+", "+", story["title"].split()[0]),
        "entity": "/entities/" + entity.replace(" ", "%20"),
        "following": "/following",
        "digest": "/digest",
    }


def test_top_stories_and_most_covered_rank_by_independent_sources(
    reader_server: Server, reader_page: Any
) -> None:
    covered = _stories(reader_server, order="covered")
    sources = [len(s["outlets"]) for s in covered]
    assert sources[0] == max(sources)
    reader_page.goto(reader_server.url + "/?view=covered")
    first = reader_page.locator(".story-card .card-title").first.inner_text()
    assert first == covered[0]["title"]
    assert reader_page.locator(".views [aria-current=page]").inner_text() == "Most covered"
    reader_page.goto(reader_server.url + "/")
    assert reader_page.locator("h1").inner_text() == "Top stories"
    assert (
        "outlet unknown" not in reader_page.locator(".story-list").inner_text()
    )  # the demo names every outlet
    assert " 0 outlets" not in reader_page.content()
    screenshot(reader_page, "reader-front-top")


def test_filters_survive_paging(reader_server: Server, reader_page: Any) -> None:
    reader_page.goto(reader_server.url + "/?view=latest")
    reader_page.locator(".filters summary").click()
    reader_page.select_option("select[name=lang]", "en")
    reader_page.get_by_role("button", name="Apply filters").click()
    reader_page.wait_for_url(re.compile(r"lang=en"))
    total = len(_stories(reader_server, language="en"))
    assert total > 3  # more than one page of three
    seen: list[str] = []
    for number in range(1, 4):
        query = parse_qs(urlsplit(reader_page.url).query)
        assert query["lang"] == ["en"] and query["view"] == ["latest"]
        assert reader_page.locator("select[name=lang]").input_value() == "en"
        seen += reader_page.locator(".story-card .card-title").all_inner_texts()
        older = reader_page.get_by_role("link", name="Older →")
        if older.count() == 0:
            break
        older.click()
        reader_page.wait_for_url(re.compile(rf"page={number + 1}"))
    assert len(seen) == len(set(seen)) == min(total, 9)
    screenshot(reader_page, "reader-front-filtered-paged")


def test_search_is_ranked_paged_and_keeps_its_query(reader_server: Server, reader_page: Any) -> None:
    story = _stories(reader_server, order="covered")[0]
    word = max(re.findall(r"[A-Za-z]{5,}", story["title"]), key=len)
    reader_page.goto(f"{reader_server.url}/search?q={word}")
    heading = reader_page.locator("h2.section-title").last.inner_text()
    assert re.match(r"\d+ articles? matching", heading)
    for link in reader_page.locator(".pager a").all():
        assert f"q={word}" in (link.get_attribute("href") or "")
    hits = reader_page.locator(".hit .card-title").all_inner_texts()
    assert word.lower() in hits[0].lower()  # the title weighs most: a title match comes first


def test_follow_an_entity_its_feed_and_the_digest(reader_server: Server, reader_page: Any) -> None:
    pages = _sample_pages(reader_server)
    reader_page.goto(reader_server.url + pages["entity"])
    name = reader_page.locator("h1").inner_text()
    reader_page.get_by_role("button", name=f"Follow {name}").click()
    reader_page.wait_for_url(re.compile(r"/entities/"))
    reader_page.goto(reader_server.url + "/following")
    follow = reader_page.locator(".follow").first
    assert name in follow.locator("h2").inner_text()
    assert follow.locator(".follow-stories li").count() >= 1
    feed = follow.get_by_role("link", name=re.compile("^Feed")).get_attribute("href")
    assert feed is not None
    atom = httpx.get(reader_server.url + feed, timeout=60)
    assert atom.headers["content-type"].startswith("application/atom+xml")
    assert atom.text.count("<entry>") >= 1 and name in atom.text
    screenshot(reader_page, "reader-following")
    reader_page.goto(reader_server.url + "/digest?days=7")  # the demo was ingested minutes ago
    section = reader_page.locator(".digest-section").first
    assert name in section.inner_text()
    assert section.locator(".badge-new").count() >= 1
    screenshot(reader_page, "reader-digest")
    # the same follow through the API, by the browser's reader id
    cookies = {c["name"]: c["value"] for c in reader_page.context.cookies()}
    listed = httpx.get(reader_server.url + "/api/follows", cookies=cookies, timeout=30).json()
    assert [f["value"] for f in listed["follows"]] == [name]


def test_what_changed_between_two_visits_with_an_ingest_between(
    reader_server: Server, reader_page: Any
) -> None:
    story = _stories(reader_server, order="covered")[0]
    reader_page.goto(reader_server.url + "/")  # the front page gives the browser its reader id
    reader_page.goto(f"{reader_server.url}/stories/{story['id']}")
    assert reader_page.locator("#what-changed").count() == 0  # a first visit marks nothing
    original = httpx.get(f"{reader_server.url}/api/articles/{story['articles'][0]['id']}", timeout=60).json()
    text = original["title"] + "\n\n" + original["text"] + "\n\nThe story continues to develop."
    ingest = httpx.post(
        reader_server.url + "/api/ingest",
        json={"text": text, "url": "https://news.example.org/follow-up"},
        headers={"Authorization": f"Bearer {reader_server.token}"},
        timeout=600,
    )
    assert ingest.status_code == 200, ingest.text
    new_id = ingest.json()["article_ids"][0]
    reader_page.goto(reader_server.url + "/?view=covered")
    badge = reader_page.locator(f"#story-{story['id']} .badge-new")
    assert badge.inner_text().startswith("1 new article")
    reader_page.goto(f"{reader_server.url}/stories/{story['id']}")
    box = reader_page.locator("#what-changed")
    assert "1 new article" in box.inner_text()
    assert reader_page.locator(f"#coverage li.is-new a[href='/articles/{new_id}']").count() == 1
    screenshot(reader_page, "reader-story-what-changed")
    reader_page.reload()  # seen now: nothing new any more
    assert "Nothing new" in reader_page.locator("#what-changed").inner_text()


def test_a_phone_gets_a_menu_and_nothing_overflows(reader_server: Server, browser: Any) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        for name, path in _sample_pages(reader_server).items():
            page.goto(reader_server.url + path)
            width = page.evaluate("() => document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"{name} is {width}px wide"
            screenshot(page, f"phone-{name}")
        nav = page.locator("#site-nav")
        assert nav.is_hidden()
        page.get_by_role("button", name="Menu").click()
        assert nav.is_visible() and nav.get_by_role("link", name="Following").is_visible()
    finally:
        context.close()


def test_dark_theme(reader_server: Server, browser: Any) -> None:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, color_scheme="dark", bypass_csp=True
    )
    page = context.new_page()
    try:
        for name, path in _sample_pages(reader_server).items():
            page.goto(reader_server.url + path)
            background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
            red, green, blue = (int(v) for v in re.findall(r"\d+", background)[:3])
            assert max(red, green, blue) < 60, f"{name} is not dark: {background}"
            assert axe_violations(page) == [], name
            screenshot(page, f"dark-{name}")
    finally:
        context.close()


def test_axe_finds_no_serious_or_critical_violation(reader_server: Server, reader_page: Any) -> None:
    for name, path in _sample_pages(reader_server).items():
        reader_page.goto(reader_server.url + path)
        assert axe_violations(reader_page) == [], name


def test_keyboard_skip_link_and_announced_summary(reader_server: Server, reader_page: Any) -> None:
    reader_page.goto(reader_server.url + "/")
    reader_page.keyboard.press("Tab")
    skip = reader_page.locator(".skip-link")
    assert skip.evaluate("e => e === document.activeElement")
    assert skip.is_visible()
    slot = reader_page.locator(".summary-slot").first
    assert slot.get_attribute("aria-live") == "polite"
    names = reader_page.locator(".card-actions a").all_inner_texts()
    labels = [
        reader_page.locator(".card-actions a").nth(i).evaluate("e => e.textContent")
        for i in range(len(names))
    ]
    assert len(set(labels)) == len(labels)  # "Full story" says which story


def test_single_article_story_does_not_claim_several_sources(reader_server: Server, reader_page: Any) -> None:
    alone = [s for s in _stories(reader_server) if len(s["articles"]) == 1]
    if not alone:
        pytest.skip("the demo store has no single-article story")
    reader_page.goto(f"{reader_server.url}/stories/{alone[0]['id']}")
    text = reader_page.locator(".panel-single").inner_text()
    assert "more than one source" not in text
