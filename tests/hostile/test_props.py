"""Properties of segmentation and furniture removal on generated text (Hypothesis), not hand-picked
cases: plain-text splitting keeps every word of the input somewhere (a block, the title or a recorded
removal) and never crashes; furniture removal is idempotent and never takes a long line that only
one page carries."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storyline.config import ExtractConfig, FurnitureConfig
from storyline.errors import InputError
from storyline.lines import line_key
from storyline.model import Article, Block, BlockKind, RawDocument, SourceKind
from storyline.text.extract import extract
from storyline.text.furniture import OutletEvidence, remove_furniture

SETTINGS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Words as news text has them: letters of any script, digits, with punctuation attached.
_letters = st.characters(categories=["L"])
_word = st.builds(
    lambda core, tail: core + tail,
    st.text(_letters, min_size=1, max_size=12) | st.from_regex(r"[0-9]{1,4}", fullmatch=True),
    st.sampled_from(["", "", "", ".", ",", "?", "!", ":", ";", "’s", "\u201d"]),
)
_line = st.lists(_word, min_size=0, max_size=40).map(" ".join)
_furniture = st.sampled_from(
    [
        "Previous Article",
        "Next Article",
        "Share this article",
        "Subscribe to our newsletter",
        "Related stories",
        "Accept cookies",
        "Advertisement",
        "By Jane Doe",
        "Published: 12 March 2024",
    ]
)
_text = st.lists(_line | _furniture | st.just(""), min_size=1, max_size=30).flatmap(
    lambda lines: st.sampled_from(["\n", "\r\n", "\r"]).map(lambda end: end.join(lines))
)


def _raw(text: str) -> RawDocument:
    return RawDocument(
        locator="/tmp/generated.txt",
        kind=SourceKind.FILE,
        content=text.encode("utf-8"),
        fetched_at=datetime(2024, 1, 1, tzinfo=UTC),
    )


def _words(*texts: str | None) -> Counter[str]:
    return Counter(word for text in texts if text for word in text.split())


_LIST_MARKS = {"-", "*", "•", "▪", "●"}


@SETTINGS
@given(_text)
def test_plain_text_splitting_keeps_every_word(text: str) -> None:
    try:
        article = extract(_raw(text), ExtractConfig())
    except InputError:  # a named skip (too few words), never a crash
        return
    texts = [block.text for block in article.blocks]
    # A derived title is a copy of the first words; a headline with nothing under it is both the
    # title and the text (counted once).
    # (Unless the input really holds the line twice, once as the title and once as the text.)
    alone = texts == [article.title] and article.title is not None and text.count(article.title) == 1
    title = None if article.title_derived or alone else article.title
    kept = _words(
        *texts,
        title,
        *(removal.text for removal in article.removed),
    )
    given_words = _words(text)
    # Splitting only regroups words: none is invented, none lost. A list item's mark ("-", "3.")
    # is the one thing a block drops, because the block's kind says it.
    missing = given_words - kept
    assert all(w in _LIST_MARKS or w.rstrip(".)").isdigit() for w in missing), missing
    assert not kept - given_words, kept - given_words


_long_line = st.lists(_word, min_size=25, max_size=60).map(" ".join)
_short_line = st.lists(_word, min_size=1, max_size=12).map(" ".join)
_kind = st.sampled_from([BlockKind.PARAGRAPH, BlockKind.HEADING, BlockKind.LIST_ITEM])


@st.composite
def _page(draw: st.DrawFn) -> tuple[Article, OutletEvidence, set[str]]:
    lines = draw(st.lists(_long_line | _short_line | _furniture, min_size=1, max_size=25))
    blocks = tuple(Block(draw(_kind), line) for line in lines)
    # Evidence: short lines seen on 1 to 6 pages of the outlet; every long line on this page only.
    counts = {line_key(line): 1 if len(line.split()) >= 25 else draw(st.integers(1, 6)) for line in lines}
    article = Article(locator="/tmp/p.html", content_hash="0" * 64, title="A title", blocks=blocks)
    long_unique = {line for line in lines if len(line.split()) >= 25}
    return article, OutletEvidence("Outlet", counts), long_unique


@SETTINGS
@given(_page())
def test_furniture_removal_is_idempotent_and_keeps_long_unique_lines(
    page: tuple[Article, OutletEvidence, set[str]],
) -> None:
    article, evidence, long_unique = page
    config = FurnitureConfig()
    once = remove_furniture(article, config, evidence)
    twice = remove_furniture(once, config, evidence)
    assert twice == once
    assert {b.text for b in once.blocks} >= long_unique
    assert not [r for r in once.removed if r.text in long_unique]
    # Every block is either kept or recorded as removed: nothing dropped silently.
    assert len(once.blocks) + len(once.removed) == len(article.blocks)
