"""Article summaries: lengths, what is never chosen, and that every sentence is the article's own."""

from __future__ import annotations

from pathlib import Path

import pytest

import storyline
from storyline.briefs.summarize import eligible
from storyline.config import SummaryConfig
from storyline.model import BlockKind, Sentence
from storyline.store import StoredArticle


def _sentence(text: str, kind: BlockKind = BlockKind.PARAGRAPH) -> Sentence:
    return Sentence(0, len(text), text, kind, 0)


@pytest.mark.parametrize(
    "text, kind, ok",
    [
        (
            "The central bank cut its key rate to 6.5% on Wednesday, its third cut this year.",
            BlockKind.PARAGRAPH,
            True,
        ),
        ("What happens to the pension claims now?", BlockKind.PARAGRAPH, False),
        ("What we know so far", BlockKind.HEADING, False),
        ("Scroll down for video", BlockKind.PARAGRAPH, False),
        ("Get a summary", BlockKind.PARAGRAPH, False),
        ("and then the crowd left the stadium after the match ended.", BlockKind.PARAGRAPH, False),
        ("Ships queued in the gulf.", BlockKind.PARAGRAPH, False),
        (
            "Dockworkers at the port, pictured on Monday, walk past idle cranes at the terminal",
            BlockKind.PARAGRAPH,
            True,
        ),
    ],
)
def test_eligible(text: str, kind: BlockKind, ok: bool) -> None:
    assert eligible(_sentence(text, kind), SummaryConfig()) is ok


def test_lengths_and_faithfulness(demo_db: Path, demo_articles: dict[str, StoredArticle]) -> None:
    for stored in list(demo_articles.values())[:12]:
        if stored.article.language != "en":
            continue
        for length, low, high in (("short", 1, 1), ("medium", 1, 3)):
            brief = storyline.brief_article(stored.id, demo_db, length=length)
            assert low <= len(brief.lead) <= high
        long = storyline.brief_article(stored.id, demo_db, length="long")
        words = sum(len(s.text.split()) for s in long.lead)
        assert stored.analysis is not None
        assert 60 <= words <= 170 or len(long.lead) == len(
            [s for s in stored.analysis.sentences if eligible(s, SummaryConfig())]
        )
        positions = [s.citations[0].start for s in long.lead]
        assert positions == sorted(positions), "a summary keeps the article's order"
        for sentence in long.lead:
            citation = sentence.citations[0]
            assert stored.article.text[citation.start : citation.end] == sentence.text
            assert not sentence.text.endswith("?")


def test_summary_is_lead_aware_not_lead_only(demo_db: Path, demo_articles: dict[str, StoredArticle]) -> None:
    # Across the demo, summaries open with the article's first sentence most of the time, but not
    # always take the first three.
    opens, lead_three, total = 0, 0, 0
    for stored in demo_articles.values():
        if stored.article.language != "en" or stored.analysis is None:
            continue
        brief = storyline.brief_article(stored.id, demo_db)
        chosen = [s.citations[0].sentence for s in brief.lead]
        usable = [i for i, s in enumerate(stored.analysis.sentences) if eligible(s, SummaryConfig())]
        total += 1
        opens += chosen[0] == usable[0]
        lead_three += chosen == usable[:3]
    assert opens >= total * 0.6
    assert lead_three < total
