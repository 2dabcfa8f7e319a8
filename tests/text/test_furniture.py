"""Furniture leaves the text of plain text and HTML alike, and every removal is reported."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from storyline.config import ExtractConfig, FurnitureConfig
from storyline.model import Article, Block, BlockKind
from storyline.store import StoredArticle
from storyline.text.furniture import OutletEvidence, remove_furniture
from storyline.text.lines import line_key


def test_seed_004_furniture_removed_and_reported(seed_articles: dict[str, StoredArticle]) -> None:
    article = seed_articles["004"].article
    for line in ("No time to read?", "Get a summary", "Previous Article", "Next Article"):
        assert line not in article.text
    removed = [(r.text, r.reason) for r in article.removed]
    assert ("No time to read?", "summary prompt") in removed
    assert ("Previous Article", "previous/next link") in removed
    unrelated = [text for text, reason in removed if reason.startswith("unrelated headline")]
    assert len(unrelated) == 2
    assert all(text not in article.text for text in unrelated)
    assert "Shoigu" in article.text and article.text.rstrip().endswith("world.")


def test_demo_text_files_lose_their_furniture(
    truth: dict[str, Any], demo_articles: dict[str, StoredArticle]
) -> None:
    for item in truth["articles"]:
        if not item["path"].startswith("text/"):
            continue
        article = demo_articles[item["path"]].article
        removed = {r.text for r in article.removed}
        for line in item["furniture"]:
            if line.startswith(("With reporting", "(Reporting")):
                continue  # attribution lines: debatable, kept
            assert line not in article.text.split("\n\n"), (item["path"], line)
            assert line in removed, (item["path"], line)


def _article(lines: list[str]) -> Article:
    return Article(
        locator="x",
        content_hash="h",
        title="t",
        blocks=tuple(Block(BlockKind.PARAGRAPH, line) for line in lines),
        published=datetime(2026, 1, 1, tzinfo=UTC),
    )


def test_lines_repeated_across_an_outlets_pages_are_furniture() -> None:
    template = "Reporting team at the Weekly Example"
    article = _article(["The council voted on Tuesday to close the bridge for repairs.", template])
    evidence = OutletEvidence("Weekly Example", {line_key(template): 3})
    cleaned = remove_furniture(article, FurnitureConfig(), evidence)
    assert template not in cleaned.text
    assert cleaned.removed[-1].reason == "repeated on 3 pages of Weekly Example"
    # Seen on only two pages: not yet evidence.
    kept = remove_furniture(
        article, FurnitureConfig(), OutletEvidence("Weekly Example", {line_key(template): 2})
    )
    assert template in kept.text


def test_sentences_that_mention_furniture_words_stay() -> None:
    lines = [
        "Readers who subscribe to the print edition will receive the report next week.",
        "The bakery sold 500 cookies on Saturday, organisers said.",
        "Share prices fell 3% after the announcement.",
    ]
    cleaned = remove_furniture(_article(lines), FurnitureConfig())
    assert [b.text for b in cleaned.blocks] == lines
    assert cleaned.removed == ()


def test_evidence_accumulates_across_an_ingest(tmp_path: Any) -> None:
    import storyline

    folder = tmp_path / "weekly-example"
    folder.mkdir()
    body = "The council approved the budget for the new library after a long debate on {n} March."
    for n in range(1, 5):
        text = f"Library budget approved {n}\n\nLocal news from the Weekly Example newsroom\n\n" + " ".join(
            [body.format(n=n)] * 4
        )
        (folder / f"story{n}.txt").write_text(text, encoding="utf-8")
    db = tmp_path / "t.db"
    # Text files name no outlet: the user says which one they are from.
    config = storyline.PipelineConfig(extract=ExtractConfig(outlet="Weekly Example"))
    storyline.ingest([folder], db=db, config=config)
    for stored in storyline.articles(db=db):
        # Even the first page, stored before the line was known to repeat, is re-processed.
        assert "Weekly Example newsroom" not in stored.article.text
        assert any(r.reason.startswith("repeated on") for r in stored.article.removed)
