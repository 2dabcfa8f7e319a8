"""The web UI in a real browser (Debian's chromium through Playwright) against `storyline serve`
over the demo corpus. Tests that change the store (ingest, merge, split) come last."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.web.conftest import Server, screenshot

# A real browser against a real server over the demo store: seconds a page (`-m "not slow"` skips it).
pytestmark = pytest.mark.slow


def _story_with_most_outlets(server: Server) -> dict[str, Any]:
    stories = httpx.get(server.url + "/api/stories", params={"limit": 50}).json()["stories"]
    return max(stories, key=lambda s: (len(s["outlets"]), -s["id"]))


def test_front_page_lists_stories_and_opens_a_summary_in_place(server: Server, page: Any) -> None:
    page.goto(server.url + "/")
    cards = page.locator(".story-card")
    assert cards.count() == 9  # the demo corpus holds 9 events
    first = cards.first
    assert first.locator(".card-title").inner_text().strip()
    assert re.search(r"\d+ articles?", first.locator(".card-meta").inner_text())
    screenshot(page, "front-page")
    first.get_by_role("button", name="Get a summary").click()
    summary = first.locator(".summary-slot .summary")
    summary.wait_for()
    assert summary.locator(".lead-sentence").count() >= 1
    assert summary.locator(".cite").count() >= 1  # every sentence cites its source
    assert "{" not in summary.inner_text()  # no raw JSON
    first.get_by_role("button", name="Hide summary").click()
    assert first.locator(".summary-slot").is_hidden()


def test_story_page_compares_sources_and_a_citation_lands_on_its_sentence(server: Server, page: Any) -> None:
    story = _story_with_most_outlets(server)
    page.goto(f"{server.url}/stories/{story['id']}")
    assert page.locator("h1").inner_text() == story["title"]
    for heading in (
        "Reported by two or more sources",
        "Only one source",
        "Speculation",
        "Where sources disagree",
    ):
        assert page.get_by_role("heading", name=heading).count() == 1
    assert page.locator("svg.chart circle").count() >= len(story["articles"]) - 1
    screenshot(page, "story-page")
    cite = page.locator("#brief .cite").first
    href = cite.get_attribute("href")
    assert href is not None and re.fullmatch(r"/articles/\d+#s-\d+", href)
    cited_text = page.locator("#brief .lead-sentence").first.inner_text()
    cite.click()
    page.wait_for_url(re.compile(r"/articles/\d+#s-\d+$"))
    target = page.locator(".s:target")
    target.wait_for()
    assert target.get_attribute("id") == href.split("#")[1]
    # The sentence the brief quotes is the one highlighted (the brief shows it as written).
    assert target.inner_text().strip()[:40] in cited_text
    colour = target.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")


def test_article_page_toggles_removed_and_repaired(server: Server, page: Any) -> None:
    articles = httpx.get(server.url + "/api/articles", params={"limit": 100}).json()
    chosen = max(articles, key=lambda a: (bool(a["repairs"]), len(a["removed"])))
    page.goto(f"{server.url}/articles/{chosen['id']}")
    assert page.locator("h1").inner_text() == chosen["title"]
    changes = page.locator("#changes")
    assert changes.is_hidden()
    screenshot(page, "article-page")
    page.locator("#toggle-changes").click()
    assert changes.is_visible()
    assert changes.locator(".removed-list li").count() == len(chosen["removed"])
    assert changes.locator(".repairs tbody tr").count() == len(chosen["repairs"])
    if chosen["repairs"]:
        first = chosen["repairs"][0]
        assert changes.locator(".repairs .after").first.inner_text() == first["after"]
    screenshot(page, "article-page-changes")
    page.locator("#toggle-changes").click()
    assert changes.is_hidden()
    if chosen["url"]:
        assert (
            page.get_by_role("link", name=re.compile("^Original at")).get_attribute("href") == chosen["url"]
        )


def test_search_from_the_masthead(server: Server, page: Any) -> None:
    page.goto(server.url + "/")
    box = page.get_by_role("searchbox", name="Search")
    box.fill("pension")
    box.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q=pension"))
    hits = page.locator(".hit")
    assert hits.count() >= 1
    assert "pension" in hits.first.locator("mark").first.inner_text().lower()


def test_entity_page_shows_titles_by_outlet_and_stories(server: Server, page: Any) -> None:
    story = _story_with_most_outlets(server)
    page.goto(f"{server.url}/stories/{story['id']}")
    link = page.locator("#entities a.tag-person").first
    name = link.inner_text()
    link.click()
    page.wait_for_url(re.compile(r"/entities/"))
    assert page.locator("h1").inner_text() == name
    assert page.locator(".titles-table tr").count() >= 1
    assert page.locator(".story-card").count() >= 1


def test_api_docs_load_without_a_cdn(server: Server, page: Any) -> None:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(server.url + "/docs")
    page.locator(".opblock").first.wait_for()
    assert page.locator(".opblock").count() >= 10
    assert errors == []


def test_pages_fit_a_phone(server: Server, browser: Any) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True
    )
    try:
        tab = context.new_page()
        story = _story_with_most_outlets(server)
        for path in ("/", f"/stories/{story['id']}", f"/articles/{story['articles'][0]['id']}"):
            tab.goto(server.url + path)
            # Nothing wider than the screen: no sideways scrolling on a phone.
            assert tab.evaluate("() => document.documentElement.scrollWidth") <= 390, path
        screenshot(tab, "article-page-phone")
    finally:
        context.close()


def test_scripts_in_an_ingested_article_never_run(server: Server, page: Any) -> None:
    title = (
        'Harbour vote <script>window.__pwned = "title"</script> <img src=x onerror="window.__pwned=\'img\'">'
    )
    body = (
        "The harbour board voted on Tuesday to extend the night ferry timetable through the winter months. "
        'Board member Lena Osk said <script>window.__pwned = "text"</script> the change would cost little. '
        "<img src=x onerror=\"window.__pwned='img-text'\"> Critics said the vote came too late for commuters. "
        "See <a href=\"javascript:window.__pwned='link'\">the minutes</a> and javascript:window.__pwned='bare' "
        "for the full record of the meeting, which lasted three hours."
    )
    response = httpx.post(
        server.url + "/api/ingest",
        json={"text": f"{title}\n\n{body}"},
        headers={"Authorization": f"Bearer {server.token}"},
        timeout=120,
    )
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["ingested"] == 1, report
    article_id = report["article_ids"][0]
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    stories = httpx.get(server.url + "/api/stories", params={"q": "harbour ferry"}).json()["stories"]
    pages = [f"/articles/{article_id}", "/", "/search?q=harbour+ferry"]
    pages += [f"/stories/{s['id']}" for s in stories]
    for path in pages:
        page.goto(server.url + path)
        page.wait_for_load_state("load")
        assert page.evaluate("() => window.__pwned") is None, path
        # The markup is shown as text, never as elements.
        assert page.locator("main script").count() == 0
        assert page.locator("main img").count() == 0
        assert page.locator("main a[href^='javascript:']").count() == 0
    page.goto(f"{server.url}/articles/{article_id}")
    assert "<script>" in page.locator("h1").inner_text()
    for button in page.locator("[data-summary]").all():
        button.click()
    assert page.evaluate("() => window.__pwned") is None
    assert dialogs == []


def test_merge_and_split_need_the_token(server: Server, page: Any) -> None:
    stories = httpx.get(server.url + "/api/stories", params={"limit": 50}).json()["stories"]
    keep, gone = stories[0]["id"], stories[1]["id"]
    page.goto(f"{server.url}/fix?story={keep}")
    form = page.locator("#merge-form")
    form.locator("input[name=gone]").fill(str(gone))
    form.locator("input[name=token]").fill("wrong-token")
    form.get_by_role("button", name="Merge").click()
    page.locator(".error-card").wait_for()
    assert "token" in page.locator(".error-card").inner_text()
    assert httpx.get(f"{server.url}/api/stories/{gone}").json()["id"] == gone  # unchanged

    form = page.locator("#merge-form")
    form.locator("input[name=keep]").fill(str(keep))
    form.locator("input[name=gone]").fill(str(gone))
    form.locator("input[name=token]").fill(server.token)
    form.get_by_role("button", name="Merge").click()
    page.wait_for_url(f"{server.url}/stories/{keep}")
    merged = httpx.get(f"{server.url}/api/stories/{keep}").json()
    assert len(merged["articles"]) == len(stories[0]["articles"]) + len(stories[1]["articles"])
    assert httpx.get(f"{server.url}/api/stories/{gone}").json()["id"] == keep  # an id merged away leads on

    page.goto(f"{server.url}/fix?story={keep}")
    form = page.locator("#split-form")
    moved = [a["id"] for a in stories[1]["articles"]]
    for article_id in moved:
        form.locator(f"input[name=articles][value='{article_id}']").check()
    form.locator("input[name=token]").fill("")
    form.get_by_role("button", name="Split").click()
    page.locator(".error-card").wait_for()
    assert len(httpx.get(f"{server.url}/api/stories/{keep}").json()["articles"]) == len(merged["articles"])

    form = page.locator("#split-form")
    for article_id in moved:
        form.locator(f"input[name=articles][value='{article_id}']").check()
    form.locator("input[name=token]").fill(server.token)
    form.get_by_role("button", name="Split").click()
    page.wait_for_url(re.compile(r"/stories/\d+$"))
    new_id = int(page.url.rsplit("/", 1)[1])
    assert new_id != keep
    assert sorted(
        a["id"] for a in httpx.get(f"{server.url}/api/stories/{new_id}").json()["articles"]
    ) == sorted(moved)
