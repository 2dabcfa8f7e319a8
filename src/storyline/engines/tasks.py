"""The work an engine's workers do: pure functions of one chunk, with no store and no state but
the models each process loads once. Each returns, for every item of its chunk, a result or the
error that item gave (as data: exceptions do not all survive a process boundary or a network), so
one bad document never costs its chunk. The runner (``pipeline.py``) stores what they return, in
input order.
"""

from __future__ import annotations

import logging

import numpy as np

from storyline.config import AnalyzeConfig, ExtractConfig, FurnitureConfig
from storyline.errors import InputError
from storyline.model import Analysis, Article, RawDocument
from storyline.text.extract import extract
from storyline.text.furniture import candidate_lines

log = logging.getLogger(__name__)

ExtractTask = tuple[list[RawDocument], ExtractConfig, FurnitureConfig]
AnalyseTask = tuple[list[Article], AnalyzeConfig]

# What a worker sends back for one document: its article and furniture-candidate lines, or the
# skip's (code, message).
Extracted = tuple[Article, frozenset[str]] | tuple[str, str]


def extract_chunk(task: ExtractTask) -> list[Extracted]:
    """Extraction of a chunk of documents, on an engine's worker. Never raises: a document that
    fails becomes its skip's code and message (exceptions do not all survive a process boundary)."""
    documents, extract_config, furniture_config = task
    out: list[Extracted] = []
    for raw in documents:
        try:
            article = extract(raw, extract_config)
            out.append((article, frozenset(candidate_lines(article, furniture_config))))
        except InputError as exc:
            out.append((exc.code, str(exc)))
        except Exception as exc:
            log.exception("unexpected failure extracting %s", raw.locator)
            out.append(("internal-error", f"{type(exc).__name__}: {exc} (please report this)"))
    return out


# A worker's analysis of one article with its sentence vectors (None without an embedder), or
# the error (a string, which crosses a process boundary) that the analysis failed with.
Analysed = tuple[Analysis, np.ndarray | None] | str


def analyse_chunk(task: AnalyseTask) -> list[Analysed]:
    """A chunk's analyses and sentence vectors, on an engine's worker: parsing and embedding both
    run where the cores are, not one of them in the runner. When the batch fails, each article is
    analysed alone, so one bad article gives its error and the others their analyses."""
    from storyline.nlp.analyze import analyze_many

    articles, config = task
    analyses: list[Analysis | str]
    try:
        analyses = list(analyze_many(articles, config))
    except Exception:
        log.warning("analysis of a batch of %d failed; analysing its articles one by one", len(articles))
        analyses = []
        for article in articles:
            try:
                analyses.extend(analyze_many([article], config))
            except Exception as exc:  # recorded by the caller, retried on the next run
                analyses.append(f"{type(exc).__name__}: {exc}"[:2000])
    good = [a for a in analyses if not isinstance(a, str)]
    vectors: list[np.ndarray | None] = (
        list(sentence_vectors(good, config.embedder)) if config.embedder else [None] * len(good)
    )
    found = iter(vectors)
    return [a if isinstance(a, str) else (a, next(found)) for a in analyses]


def sentence_vectors(analyses: list[Analysis], embedder_name: str) -> list[np.ndarray]:
    """Each analysis's sentence vectors (one row per sentence), embedded in one batch. A sentence
    met twice in the chunk is embedded once: the int8 embedder quantises per batch, so a vector
    depends on its batch-mates, and the chunk's distinct sentences are the batch the runner always
    embedded (before embedding moved to the workers) — the stored vectors, and so the stories, are
    the same on every engine and as before."""
    from storyline.nlp.embed import get_embedder

    embedder = get_embedder(embedder_name)
    distinct = list(dict.fromkeys(s.text for a in analyses for s in a.sentences))
    matrix = embedder.embed(distinct) if distinct else np.zeros((0, embedder.dim), np.float32)
    row = {text: n for n, text in enumerate(distinct)}
    return [
        matrix[[row[s.text] for s in a.sentences]] if a.sentences else np.zeros((0, embedder.dim), np.float32)
        for a in analyses
    ]


# What the runner records for the items of a chunk whose worker process died under it.


def extraction_lost(task: ExtractTask) -> list[Extracted]:
    return [("worker-crashed", CRASHED) for _ in task[0]]


def analysis_lost(task: AnalyseTask) -> list[Analysed]:
    return [CRASHED for _ in task[0]]


CRASHED = (
    "the worker process died on this document or its chunk (a crash in a native parser, or out "
    "of memory); try it alone with --workers 1, and please report it"
)
