"""The facts and "who said what" pages in a real browser (Debian's chromium through Playwright)
against `storyline serve` over the demo corpus: reached from the story page, a wording's link lands
on its sentence, highlighted."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from tests.web.conftest import Server, screenshot

pytestmark = pytest.mark.slow


def test_facts_page_from_the_story_page_to_the_sentence(server: Server, page: Any) -> None:
    stories = httpx.get(server.url + "/api/stories", params={"limit": 50}).json()["stories"]
    story = next(s for s in stories if s["title"].startswith("Vietnam landslide"))
    facts = httpx.get(f"{server.url}/api/stories/{story['id']}/facts").json()["facts"]
    shared = [f for f in facts if f["support"] >= 2]
    page.goto(f"{server.url}/stories/{story['id']}")
    page.get_by_role("link", name="Every fact of this story and the sources that state it").click()
    page.wait_for_url(re.compile(rf"/stories/{story['id']}/facts$"))
    assert page.locator("h1").inner_text() == story["title"]
    section = page.locator("#shared")
    assert section.get_by_role("heading", name="Stated by two or more independent sources").count() == 1
    assert section.locator("li.fact").count() == len(shared)
    screenshot(page, "facts-page")
    first = section.locator("li.fact").first
    assert first.locator(".fact-text").inner_text() == shared[0]["text"]
    assert "2 independent sources" in first.locator(".fact-support").inner_text()
    claim = shared[0]["claims"][1]
    link = first.locator(".wordings a.source-link").nth(1)
    assert (
        link.get_attribute("href")
        == f"/articles/{claim['citation']['article_id']}#s-{claim['citation']['sentence']}"
    )
    link.click()
    page.wait_for_url(re.compile(r"/articles/\d+#s-\d+$"))
    target = page.locator(".s:target")
    target.wait_for()
    # The sentence that holds the outlet's wording is the one highlighted.
    assert claim["claim"]["text"][:60] in target.inner_text()
    colour = target.evaluate("e => getComputedStyle(e).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent")


def test_who_said_what_page(server: Server, page: Any) -> None:
    stories = httpx.get(server.url + "/api/stories", params={"limit": 50}).json()["stories"]
    story = next(s for s in stories if s["title"].startswith("Vietnam landslide"))
    speakers = httpx.get(f"{server.url}/api/stories/{story['id']}/quotes").json()["speakers"]
    page.goto(f"{server.url}/stories/{story['id']}")
    page.get_by_role("link", name="Who said what").click()
    page.wait_for_url(re.compile(rf"/stories/{story['id']}/quotes$"))
    assert page.locator("h3.speaker-name").all_inner_texts() == [s["speaker"] for s in speakers]
    assert page.get_by_text("“We still hope to find people alive”").count() == 1
    screenshot(page, "quotes-page")


def test_facts_pages_fit_a_phone(server: Server, browser: Any) -> None:
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True
    )
    try:
        tab = context.new_page()
        stories = httpx.get(server.url + "/api/stories", params={"limit": 50}).json()["stories"]
        for story in stories[:3]:
            for kind in ("facts", "quotes"):
                tab.goto(f"{server.url}/stories/{story['id']}/{kind}")
                assert tab.evaluate("() => document.documentElement.scrollWidth") <= 390, (story["id"], kind)
        screenshot(tab, "quotes-page-phone")
    finally:
        context.close()
