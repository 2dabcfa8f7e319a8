"""Understanding: sentences with offsets, headings apart, hedges with cues, genre per article."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import storyline
from storyline.config import HEDGE_THRESHOLD
from storyline.model import BlockKind, Genre
from storyline.nlp.hedges import score
from storyline.store import StoredArticle


def test_seed_genres(seed_articles: dict[str, StoredArticle]) -> None:
    genres = {key: stored.analysis.genre for key, stored in seed_articles.items() if stored.analysis}
    assert genres == {"000": Genre.ANALYSIS, "003": Genre.SPECULATION, "004": Genre.REPORT}


def test_seed_003_claims_are_hedged_with_their_cues(seed_articles: dict[str, StoredArticle]) -> None:
    analysis = seed_articles["003"].analysis
    assert analysis is not None and analysis.hedge_share >= 0.4
    by_text = {s.text: s for s in analysis.sentences}
    agenda = next(s for t, s in by_text.items() if t.startswith("Behind the official agenda"))
    assert agenda.hedge >= 0.5 and {"may", "revolve around"} <= set(agenda.cues)
    assert agenda.kind is BlockKind.LIST_ITEM


def test_report_sentences_are_not_hedged() -> None:
    for sentence in (
        "The central bank cut its key rate by 25 basis points to 6.5% on Wednesday.",
        "Rescue teams recovered two more bodies on Tuesday, the provincial government said.",
    ):
        assert score(sentence).score < 0.5, sentence
    assert score("Analysts suggest the strike could possibly spread to other ports.").score >= 0.5


def test_sentences_point_into_the_text_and_headings_stay_apart(
    seed_articles: dict[str, StoredArticle],
) -> None:
    for stored in seed_articles.values():
        assert stored.analysis is not None
        text = stored.article.text
        for sentence in stored.analysis.sentences:
            assert text[sentence.start : sentence.end] == sentence.text
        headings = [b.text for b in stored.article.blocks if b.kind is BlockKind.HEADING]
        heading_sentences = [s.text for s in stored.analysis.sentences if s.kind is BlockKind.HEADING]
        assert heading_sentences == headings  # one unit per heading, never merged with its paragraph


def test_demo_genres_match_truth(truth: dict[str, Any], demo_articles: dict[str, StoredArticle]) -> None:
    for item in truth["articles"]:
        analysis = demo_articles[item["path"]].analysis
        assert analysis is not None, item["path"]
        assert analysis.genre.value == item["genre"], (item["path"], analysis.genre, analysis.hedge_share)


def test_analysis_runs_once_per_text(tmp_path: Path) -> None:
    from tests.conftest import DEMO

    db = tmp_path / "t.db"
    storyline.ingest([DEMO / "text/bayline-daily"], db=db)
    assert all(s.analysis is not None for s in storyline.articles(db=db))
    assert storyline.analyze(db) == 0  # nothing new to analyse
    assert storyline.analyze(db, everything=True) == 5


def test_json_carries_sentences_and_genre(
    demo_articles: dict[str, StoredArticle], truth: dict[str, Any]
) -> None:
    for expected in truth["articles"][:6]:
        item = demo_articles[expected["path"]].to_dict()
        assert item["genre"] == expected["genre"], expected["path"]
        assert item["sentences"], expected["path"]
        for sentence in item["sentences"]:
            # Each sentence is the article's text at its offsets, of a kind of block, its hedge a
            # probability with the cues that raised it when it is hedged.
            assert item["text"][sentence["start"] : sentence["end"]] == sentence["text"]
            assert sentence["kind"] in {k.value for k in BlockKind}
            assert 0.0 <= sentence["hedge"] <= 1.0
            assert sentence["cues"] or sentence["hedge"] < HEDGE_THRESHOLD, sentence


@pytest.mark.slow  # the whole demo analysed twice, once in worker processes: 11 s
def test_worker_processes_give_the_same_analysis(tmp_path: Path) -> None:
    from storyline.config import AnalyzeConfig, EngineConfig, PipelineConfig
    from tests.conftest import DEMO

    db = tmp_path / "t.db"
    storyline.ingest([DEMO], db=db, config=PipelineConfig(analyze_on_ingest=False))
    # Small batches so that 36 articles make several chunks and the process pool is used.
    serial = PipelineConfig(analyze=AnalyzeConfig(batch_size=4), engine=EngineConfig(workers=1))
    parallel = PipelineConfig(analyze=AnalyzeConfig(batch_size=4), engine=EngineConfig(workers=2))
    assert storyline.analyze(db, config=serial) == 36
    first = {s.id: s.analysis for s in storyline.articles(db=db)}
    assert storyline.analyze(db, everything=True, config=parallel) == 36
    second = {s.id: s.analysis for s in storyline.articles(db=db)}
    assert first == second


def test_each_block_is_parsed_on_its_own() -> None:
    # Given the whole text, the parser ran each heading into the paragraph after it, so the
    # paragraph's first sentence was parsed (and its events and actors found) with the heading's
    # words in it: 980 of 10,968 sentences of the seeds, the dev pages and ECB+.
    from storyline.config import AnalyzeConfig
    from storyline.model import BLOCK_SEPARATOR
    from storyline.nlp.analyze import _english, _parse

    blocks = [
        "What to watch next",
        "Following the Berlin meeting, attention is likely to focus on trade.",
        "Conclusion",
        "Olaf Scholz’s trip to Paris is not just symbolic.",
    ]
    text = BLOCK_SEPARATOR.join(blocks)
    model = _english()
    doc = _parse(model.nlp, [(0, text)], AnalyzeConfig(), model.attributes)[0]
    assert doc.text == text
    assert [sentence.text.strip() for sentence in doc.sents] == blocks


def test_a_closing_quote_stays_on_its_sentence() -> None:
    # spaCy's small model split the closing quote of a quoted sentence into a sentence of its own
    # (479 of 13,007 sentences of the dev pages and ECB+): the quotation shown in a brief never closed.
    from storyline.config import AnalyzeConfig
    from storyline.model import Article, Block
    from storyline.nlp.analyze import analyze

    # As seen on the dev pages: a quotation that ends its paragraph.
    blocks = (
        Block(BlockKind.PARAGRAPH, '"You learn from that. I am not going to hide away from that."'),
        Block(BlockKind.PARAGRAPH, "The two teams meet again on Sunday."),
    )
    article = Article("test", "h", None, blocks)
    sentences = analyze(article, AnalyzeConfig(embedder="")).sentences
    assert all(any(c.isalnum() for c in s.text) for s in sentences), sentences
    assert sentences[1].text == 'I am not going to hide away from that."'
    assert all(article.text[s.start : s.end] == s.text for s in sentences)


def test_no_sentence_ends_at_an_abbreviation_an_initial_or_a_decimal() -> None:
    # Seen on unseen news: quotes that ended "... said police Const." and a headline "6. 1 -
    # magnitude quake" (a page's tokenised decimal) read as "1 - magnitude quake".
    from storyline.config import AnalyzeConfig
    from storyline.model import Article, Block
    from storyline.nlp.analyze import analyze

    paragraphs = (
        '"We will find him," said police Const. Ann Lee. She was hurt in the chase.',
        "He met Dist. Atty. Kim Lee and J. Smith on Friday. Then he left.",
        "The 6. 1 - magnitude quake struck Qeshm island, killing 10. Rescuers arrived.",
        "Ratings rose to 40. 3 million viewers. Acme Inc. The company said so.",
        "He lives at No. 10 Downing Street. It is old.",
    )
    article = Article("test", "h", None, tuple(Block(BlockKind.PARAGRAPH, p) for p in paragraphs))
    analysis = analyze(article, AnalyzeConfig(embedder=""))
    sentences = analysis.sentences
    assert [s.text for s in sentences] == [
        '"We will find him," said police Const. Ann Lee.',
        "She was hurt in the chase.",
        "He met Dist. Atty. Kim Lee and J. Smith on Friday.",
        "Then he left.",
        "The 6. 1 - magnitude quake struck Qeshm island, killing 10.",
        "Rescuers arrived.",
        "Ratings rose to 40. 3 million viewers.",
        # A name closed by "Inc." may close its sentence: a stop word after it opens the next one.
        "Acme Inc.",
        "The company said so.",
        "He lives at No. 10 Downing Street.",
        "It is old.",
    ]
    assert all(article.text[s.start : s.end] == s.text for s in sentences)
    # The speaker of the quote is the constable, not "police" (the parse had ended at "Const.").
    speakers = {c.speaker for c in analysis.claims}
    assert "Ann Lee" in speakers and "police" not in speakers, speakers
