"""The work an engine's workers do: pure functions of one chunk, with no store and no state but
the models each process loads once. Each returns, for every item of its chunk, a result or the
error that item gave (as data: exceptions do not all survive a process boundary or a network), so
one bad document never costs its chunk. The runner (``run.py``, ``analyse.py``) stores what they
return, in input order. They live with the runner, not with the engines: an engine runs any
function it is given and knows no stage.
"""

from __future__ import annotations

import logging
from functools import partial

import numpy as np

from storyline.config import AnalyzeConfig, ExtractConfig, FurnitureConfig
from storyline.engines.limits import within_deadline
from storyline.errors import InputError
from storyline.model import Analysis, Article, RawDocument
from storyline.text.extract import extract
from storyline.text.furniture import candidate_lines

log = logging.getLogger(__name__)

# Each task carries the deadline of one document in seconds (EngineConfig.document_seconds).
ExtractTask = tuple[list[RawDocument], ExtractConfig, FurnitureConfig, float]
AnalyseTask = tuple[list[Article], AnalyzeConfig, float]

# What a worker sends back for one document: its article and furniture-candidate lines, or the
# skip's (code, message).
Extracted = tuple[Article, frozenset[str]] | tuple[str, str]


def internal_error(exc: Exception) -> str:
    """The message of a skip no named error explains: a bug, which the user is asked to report."""
    return f"{type(exc).__name__}: {exc} (please report this)"


def extract_chunk(task: ExtractTask) -> list[Extracted]:
    """Extraction of a chunk of documents, on an engine's worker. Never raises: a document that
    fails becomes its skip's code and message (exceptions do not all survive a process boundary)."""
    documents, extract_config, furniture_config, seconds = task
    out: list[Extracted] = []
    for raw in documents:
        try:
            work = partial(_extract_one, raw, extract_config, furniture_config)
            article, keys = within_deadline(work, seconds, "extracting it")
            out.append((article, keys))
        except InputError as exc:
            out.append((exc.code, str(exc)))
        except Exception as exc:
            log.exception("unexpected failure extracting %s", raw.locator)
            out.append(("internal-error", internal_error(exc)))
    return out


def _extract_one(
    raw: RawDocument, extract_config: ExtractConfig, furniture_config: FurnitureConfig
) -> tuple[Article, frozenset[str]]:
    article = extract(raw, extract_config)
    return article, frozenset(candidate_lines(article, furniture_config))


# A worker's analysis of one article, or the error (a string) that the analysis failed with.
Analysed = Analysis | str
# Sentences to embed, in the order the runner gives them, with the embedder's name.
EmbedTask = tuple[list[str], str]
# One task of the understanding stage: a chunk to analyse, or a chunk's sentences to embed.
UnderstandTask = tuple[AnalyseTask, None] | tuple[None, EmbedTask]


def understand(task: UnderstandTask) -> list[Analysed] | np.ndarray:
    """The understanding stage's two kinds of work, on one engine: analysing a chunk, or
    embedding the sentences of an analysed chunk that the store's cache does not hold yet."""
    analyse, embed = task
    if analyse is not None:
        return analyse_chunk(analyse)
    assert embed is not None
    return embed_sentences(embed)


def analyse_chunk(task: AnalyseTask) -> list[Analysed]:
    """A chunk's analyses, on an engine's worker. When the batch fails, each article is analysed
    alone, so one bad article gives its error and the others their analyses."""
    articles, config, seconds = task
    # The whole batch gets one document's time: a batch of news analyses in seconds, and one that
    # does not is run again article by article, each with its own deadline, to find the slow one.
    try:
        return within_deadline(partial(_analyse, articles, config), seconds, "analysing it")
    except Exception:
        log.warning("analysis of a batch of %d failed; analysing its articles one by one", len(articles))
    analyses: list[Analysed] = []
    for article in articles:
        try:
            analyses.extend(within_deadline(partial(_analyse, [article], config), seconds, "analysing it"))
        except InputError as exc:  # too slow or too large: recorded by the caller, retried next run
            analyses.append(f"{exc.code}: {exc}"[:2000])
        except Exception as exc:  # recorded by the caller, retried on the next run
            analyses.append(f"{type(exc).__name__}: {exc}"[:2000])
    return analyses


def _analyse(articles: list[Article], config: AnalyzeConfig) -> list[Analysed]:
    from storyline.nlp.analyze import analyze_many

    analyses: list[Analysed] = []
    analyses.extend(analyze_many(articles, config))
    return analyses


def embed_sentences(task: EmbedTask) -> np.ndarray:
    """The sentences' vectors, one row each, embedded as the runner always embedded a chunk's
    unseen sentences: in one call, in the order given. The int8 embedder quantises per batch, so a
    vector depends on its batch-mates; the same call gives the same vectors on every engine."""
    from storyline.nlp.embed import get_embedder

    texts, name = task
    embedder = get_embedder(name)
    if not texts:
        return np.zeros((0, embedder.dim), np.float32)
    try:
        return embedder.embed(texts)
    except MemoryError:
        # Past the worker's address space: no vectors, so the runner records the chunk's articles
        # as failed, to be analysed again, and the worker goes on.
        log.error("embedding %d sentences needed more memory than a worker may take", len(texts))
        return np.zeros((0, 0), np.float32)


# What the runner records for the items of a chunk whose worker process died under it.


def extraction_lost(task: ExtractTask) -> list[Extracted]:
    return [("worker-crashed", CRASHED) for _ in task[0]]


def understanding_lost(task: UnderstandTask) -> list[Analysed] | np.ndarray:
    analyse = task[0]
    if analyse is not None:
        return [CRASHED for _ in analyse[0]]
    # No vectors: the runner records the chunk's articles as failed, to be analysed again.
    return np.zeros((0, 0), np.float32)


CRASHED = (
    "the worker process died on this document or its chunk (a crash in a native parser, out of "
    "memory, or stopped by the kernel when a document ran far past its deadline); try it alone "
    "with --workers 1, and please report it"
)
