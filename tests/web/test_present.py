"""Presentation helpers: escaping, links only to web addresses, sentences cut where they are."""

from __future__ import annotations

from datetime import UTC, datetime

from storyline.web import present


def test_snippet_marks_matches_and_escapes_the_rest() -> None:
    html = str(present.snippet('<img src=x onerror="alert(1)"> said [Amaral] in [Lisbon]'))
    assert "<img" not in html and "&lt;img" in html
    assert html.count("<mark>") == 2 and "<mark>Amaral</mark>" in html


def test_only_web_addresses_become_links() -> None:
    assert present.safe_url("https://example.org/a") == "https://example.org/a"
    for bad in ("javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,x", "//evil.example", None):
        assert present.safe_url(bad) is None
    assert present.host("https://news.example/x") == "news.example"


def test_dates_and_plurals() -> None:
    first = datetime(2026, 10, 27, 9, 30, tzinfo=UTC)
    assert present.span(first, first) == "27 Oct 2026"
    assert present.span(first, datetime(2026, 10, 29, tzinfo=UTC)) == "27 – 29 Oct 2026"
    assert present.span(first, datetime(2026, 11, 2, tzinfo=UTC)) == "27 Oct – 2 Nov 2026"
    assert present.plural(1, "story") == "1 story" and present.plural(3, "story") == "3 stories"
    assert present.plural(2, "article") == "2 articles"


def test_article_blocks_keep_every_character(demo_db: object) -> None:
    import storyline

    for stored in storyline.articles(demo_db)[:10]:  # type: ignore[arg-type]
        views = present.blocks(stored)
        rebuilt = [("".join(s.text for s in v.segments)) for v in views]
        assert rebuilt == [b.text for b in stored.article.blocks]
        anchors = [s.sentence for v in views for s in v.segments if s.sentence is not None]
        assert anchors == sorted(anchors) and len(anchors) == len(set(anchors))
