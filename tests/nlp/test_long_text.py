"""Long texts: analysed in pieces (spaCy refuses texts over 1,000,000 characters with E088), offsets
kept right, and past AnalyzeConfig.max_chars analysed only up to the cap, the cap recorded.

The texts are generated here: English news sentences with names, places, figures and hedges,
varied so that no two paragraphs are the same."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

import storyline
from storyline.cli import app
from storyline.config import AnalyzeConfig, EngineConfig, PipelineConfig
from storyline.model import Article, Block, BlockKind
from storyline.nlp.analyze import _pieces, analyze

PEOPLE = ["Maria Lopez", "John Carter", "Aiko Tanaka", "Peter Novak", "Fatima Haddad", "Sofia Rossi"]
TITLES = ["Prime Minister", "Finance Minister", "President", "Governor"]
PLACES = ["Geneva", "Nairobi", "Lisbon", "Ottawa", "Jakarta", "Warsaw", "Lima", "Oslo"]
ORGS = ["The United Nations", "The World Bank", "The European Commission", "The central bank"]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
HEDGES = ["may", "could", "is expected to", "might"]


def news_paragraphs(chars: int, seed: int = 7) -> list[str]:
    """Paragraphs of generated news sentences, about ``chars`` characters in all."""
    rng = random.Random(seed)
    paragraphs: list[str] = []
    size = n = 0
    while size < chars:
        sentences = []
        for _ in range(rng.randint(3, 6)):
            n += 1
            a, b = rng.sample(PEOPLE, 2)
            kind = rng.random()
            if kind < 0.4:
                sentences.append(
                    f"{rng.choice(TITLES)} {a} met {b} in {rng.choice(PLACES)} on "
                    f"{rng.choice(DAYS)}, officials said in statement {n}."
                )
            elif kind < 0.7:
                sentences.append(
                    f"{rng.choice(ORGS)} said {rng.randint(2, 990)} people {rng.choice(HEDGES)} attend "
                    f"talks about item {n} in {rng.choice(PLACES)}."
                )
            else:
                sentences.append(
                    f"The budget rose by {rng.randint(1, 99)} percent to {rng.randint(1, 900)} million "
                    f"dollars, {a} said after meeting {n}."
                )
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        size += len(paragraph) + 2
    return paragraphs


def _article(paragraphs: list[str]) -> Article:
    blocks = tuple(Block(BlockKind.PARAGRAPH, p) for p in paragraphs)
    return Article(locator="generated", content_hash="generated", title="Talks", blocks=blocks, language="en")


def test_pieces_join_back_exactly_and_cut_at_paragraphs() -> None:
    text = "\n\n".join(news_paragraphs(40_000))
    pieces = _pieces(text, 3_000)
    assert "".join(pieces) == text
    assert len(pieces) > 10 and all(len(p) <= 3_000 for p in pieces)
    assert all(p.endswith("\n\n") for p in pieces[:-1])
    # A paragraph longer than a piece is cut after a full stop, then after a space.
    long_paragraph = " ".join(news_paragraphs(10_000)) + " " + "word " * 2_000
    cut = _pieces(long_paragraph, 2_000)
    assert "".join(cut) == long_paragraph and all(len(p) <= 2_000 for p in cut)
    assert all(p.endswith(". ") or p.endswith(" ") for p in cut[:-1])
    assert _pieces("", 1_000) == [""]


def test_analysis_in_pieces_is_the_analysis_of_the_whole() -> None:
    article = _article(news_paragraphs(20_000))
    whole = analyze(article, AnalyzeConfig(piece_chars=1_000_000, embedder=""))
    pieces = analyze(article, AnalyzeConfig(piece_chars=1_000, embedder=""))
    assert pieces.sentences == whole.sentences
    assert pieces.entities == whole.entities and pieces.events == whole.events
    assert pieces.genre == whole.genre
    text = article.text
    assert all(text[s.start : s.end] == s.text for s in pieces.sentences)
    assert all(text[m.start : m.end] == m.text for e in pieces.entities for m in e.mentions)
    assert pieces.analysed_chars is None


@pytest.mark.slow  # spaCy parses 1.1 M characters: 124 s on a busy 2-core machine
def test_text_over_a_million_characters_is_analysed_not_refused() -> None:
    """1.1 M characters, past spaCy's max_length: analysed in pieces (cap lifted for the test)."""
    paragraphs = news_paragraphs(1_100_000)
    article = _article(paragraphs)
    assert len(article.text) > 1_000_000
    result = analyze(article, AnalyzeConfig(max_chars=2_000_000, embedder=""))
    assert result.analysed_chars is None
    text = article.text
    assert result.sentences[-1].end > 1_000_000  # the end of the text was analysed too
    assert all(text[s.start : s.end] == s.text for s in result.sentences)
    assert len(result.sentences) >= text.count(". ")  # no sentence lost at a piece boundary


def test_text_over_the_cap_is_analysed_up_to_it_and_the_cap_recorded() -> None:
    article = _article(news_paragraphs(30_000))
    result = analyze(article, AnalyzeConfig(max_chars=10_000, embedder=""))
    assert result.analysed_chars is not None and 9_000 < result.analysed_chars <= 10_000
    assert article.text[result.analysed_chars :].startswith("\n\n")  # cut at a paragraph's end
    assert max(s.end for s in result.sentences) <= result.analysed_chars
    assert result.to_dict()["analysed_chars"] == result.analysed_chars


def test_config_refuses_nonsense_pieces() -> None:
    with pytest.raises(ValueError, match="piece_chars"):
        AnalyzeConfig(piece_chars=10)


def test_a_long_file_no_longer_poisons_the_store(tmp_path: Path) -> None:
    """A .txt over 1,000,000 characters crashed analysis with E088 and, left pending, every later
    ingest. Now it is analysed up to the cap, the cap is stored and shown, and a rerun is clean."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "long.txt").write_text(
        "A long report on many meetings\n\n" + "\n\n".join(news_paragraphs(1_050_000)), encoding="utf-8"
    )
    (folder / "short.txt").write_text(
        "Budget talks\n\n" + "\n\n".join(news_paragraphs(2_000, seed=3)), encoding="utf-8"
    )
    db = tmp_path / "t.db"
    # A lower cap than the default keeps the test quick; the pieces and the record are the same.
    config = PipelineConfig(
        analyze=AnalyzeConfig(embedder="minilm-onnx", max_chars=60_000), engine=EngineConfig(workers=1)
    )
    report = storyline.ingest([folder], db=db, config=config)
    assert len(report.ingested) == 2 and not report.skipped
    stored = {a.article.title: a for a in storyline.articles(db)}
    long = stored["A long report on many meetings"].analysis
    assert long is not None and long.analysed_chars is not None and long.analysed_chars <= 60_000
    assert stored["Budget talks"].analysis is not None
    assert stored["Budget talks"].analysis.analysed_chars is None
    again = storyline.ingest([folder], db=db, config=config)
    assert again.unchanged == 2 and not again.skipped
    runner = CliRunner()
    shown = runner.invoke(app, ["show", str(stored["A long report on many meetings"].id), "--db", str(db)])
    assert shown.exit_code == 0
    assert "were analysed (AnalyzeConfig.max_chars)" in " ".join(shown.output.split())
    as_json = json.loads(
        runner.invoke(
            app, ["show", str(stored["A long report on many meetings"].id), "--db", str(db), "--json"]
        ).stdout
    )
    assert as_json["analysed_chars"] == long.analysed_chars
