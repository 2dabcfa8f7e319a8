"""Presentation helpers: escaping, links only to web addresses, sentences cut where they are."""

from __future__ import annotations

from datetime import UTC, datetime

from storyline.web import present


def test_snippet_marks_matches_and_escapes_the_rest() -> None:
    html = str(present.snippet('<img src=x onerror="alert(1)"> said [Amaral] in [Lisbon]'))
    assert "<img" not in html and "&lt;img" in html
    assert html.count("<mark>") == 2 and "<mark>Amaral</mark>" in html
    # Neighbouring matched words are one mark, as a reader reads them.
    assert str(present.snippet("sent troops to [Hong] [Kong] in a bid")).count("<mark>Hong Kong</mark>") == 1


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


def test_an_undated_story_shows_undated_and_when_it_was_seen() -> None:
    from storyline.model import Story

    read = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    undated = Story(1, "Harbour reopens", None, None, None, (), dated=False, read_first=read, read_last=read)
    assert present.story_when(undated) == "undated · seen 7 Dec 2026"
    dated = Story(
        2, "Pier closes", None, datetime(2019, 3, 14, tzinfo=UTC), datetime(2019, 3, 15, tzinfo=UTC), ()
    )
    assert present.story_when(dated) == "14 – 15 Mar 2019"


def test_the_feed_gives_an_undated_story_its_read_time_not_a_neighbours_date() -> None:
    from storyline.model import Brief
    from storyline.web.deps import WebConfig
    from storyline.web.follows import atom

    read = datetime(2026, 12, 7, 10, 0, tzinfo=UTC)
    dated = Brief(
        "story",
        1,
        "Pier closes",
        "short",
        ("Harbour Post",),
        datetime(2019, 3, 14, tzinfo=UTC),
        datetime(2019, 3, 15, tzinfo=UTC),
        (),
    )
    undated = Brief("story", 2, "Harbour reopens", "short", (), None, None, (), seen=read)
    feed = atom(
        [dated, undated],
        "http://127.0.0.1",
        title="storyline: latest stories",
        self_path="/feed.xml",
        config=WebConfig(),
    )
    entries = feed.split("<entry>")[1:]
    assert "<updated>2019-03-15T00:00:00+00:00</updated>" in entries[0]
    assert "<updated>2026-12-07T10:00:00+00:00</updated>" in entries[1]
