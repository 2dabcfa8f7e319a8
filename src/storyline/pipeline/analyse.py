"""Understanding: articles whose text has no analysis yet are analysed on the engine in chunks;
then each chunk's sentences that the store's vector cache does not hold are embedded on the
engine too, and the chunk's analyses and vectors are stored here as they come back.

Both kinds of task go through one stream, so the workers are never idle while the runner waits:
a chunk's sentences are sent as soon as its analyses are back, between the next chunks' analyses.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field

import numpy as np

from storyline.config import PipelineConfig
from storyline.engines import Engine, open_engine
from storyline.model import Analysis
from storyline.pipeline.progress import ProgressHook
from storyline.pipeline.tasks import Analysed, UnderstandTask, understand, understanding_lost
from storyline.store import Store, StoredArticle, text_hash

log = logging.getLogger(__name__)


@dataclass
class _Chunk:
    """One chunk on its way: its articles, their analyses as the parts come back, then its unseen
    sentences."""

    articles: list[StoredArticle]
    analyses: list[Analysed] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)  # hashes of the sentences sent to embed
    texts: list[str] = field(default_factory=list)


def analyze_pending(
    store: Store,
    config: PipelineConfig | None = None,
    *,
    everything: bool = False,
    on_progress: ProgressHook | None = None,
    engine: Engine | None = None,
) -> int:
    """Run the understanding stage on articles whose text it has not seen; returns how many."""
    config = config or PipelineConfig()
    if engine is None:
        with closing(open_engine(config.engine)) as owned:
            return analyze_pending(
                store, config, everything=everything, on_progress=on_progress, engine=owned
            )
    ids = store.articles_needing_analysis(everything=everything)
    if on_progress is not None:
        on_progress(str(len(ids)), "analysing-total")  # a phase's total, before its first article
    # Chunks of 64 keep memory flat on a large store while letting the embedder batch its work;
    # their size never depends on the engine, because the int8 embedder's vectors depend on their
    # batch-mates. Their analyses go out in parts of spaCy's own batch (16): a part's analyses are
    # what the whole chunk's would be (spaCy batches by 16 inside too), and small parts keep both
    # workers busy on a small batch (92 articles are six parts, not a chunk of 64 and one of 28).
    size, part = config.analyze.batch_size * 4, config.analyze.batch_size
    name = config.analyze.embedder
    sent: deque[tuple[_Chunk, bool]] = deque()  # each task on the engine: its chunk, embedding?
    ready: deque[_Chunk] = deque()  # analysed chunks whose sentences wait to be sent
    inflight: set[str] = set()  # sentences on their way to be embedded (by an earlier chunk)

    def flush() -> Iterator[UnderstandTask]:
        while ready:
            chunk = ready.popleft()
            sent.append((chunk, True))
            yield None, (chunk.texts, name)

    def tasks() -> Iterator[UnderstandTask]:
        for first in range(0, len(ids), size):
            chunk = _Chunk(store.articles_by_ids(ids[first : first + size]))
            for start in range(0, len(chunk.articles), part):
                yield from flush()
                sent.append((chunk, False))
                articles = [s.article for s in chunk.articles[start : start + part]]
                yield (articles, config.analyze, config.engine.document_seconds), None

    def consume(result: list[Analysed] | np.ndarray) -> None:
        chunk, embedding = sent.popleft()
        if not embedding:
            assert isinstance(result, list)
            chunk.analyses.extend(result)
            if len(chunk.analyses) < len(chunk.articles):
                return  # more parts to come
            if _unseen(store, chunk, name, inflight):
                ready.append(chunk)
                return
        else:
            assert isinstance(result, np.ndarray)
            inflight.difference_update(chunk.keys)
            if len(result) != len(chunk.keys):  # the worker died: analysed again next run
                _fail(store, chunk, "the worker embedding this chunk's sentences died")
                return
            store.save_vectors(name, dict(zip(chunk.keys, result, strict=True)))
        _save(store, chunk, name, on_progress)

    # The last chunks' sentences are sent after the analyses: a second pass, since the first
    # stream ends when its analyses are all sent, before their results are read.
    for result in engine.map(understand, tasks(), understanding_lost):
        consume(result)
    while ready:
        for result in engine.map(understand, flush(), understanding_lost):
            consume(result)
    return len(ids)


def _unseen(store: Store, chunk: _Chunk, name: str, inflight: set[str]) -> bool:
    """Record the chunk's failed analyses; note its sentences that neither the cache nor an
    earlier chunk's embedding holds (each once, in reading order: the batch the runner always
    embedded). Returns whether there are any to embed."""
    for stored, result in zip(chunk.articles, chunk.analyses, strict=True):
        if isinstance(result, str):
            log.warning("analysis failed on article %s: %s", stored.id, result)
            store.record_failure(stored.id, "analyze", result)
    if not name:
        return False
    wanted = {
        text_hash(s.text): s.text for a in chunk.analyses if isinstance(a, Analysis) for s in a.sentences
    }
    cached = store.cached_vectors(name, list(wanted))
    unseen = {k: t for k, t in wanted.items() if k not in cached and k not in inflight}
    chunk.keys, chunk.texts = list(unseen), list(unseen.values())
    inflight.update(chunk.keys)
    return bool(unseen)


def _save(store: Store, chunk: _Chunk, name: str, on_progress: ProgressHook | None) -> None:
    """Each analysis with its article vector (the mean of its sentences', which grouping
    compares), the sentence vectors read back from the cache they were saved to."""
    from storyline.nlp.embed import mean_vector

    done = [(s, a) for s, a in zip(chunk.articles, chunk.analyses, strict=True) if isinstance(a, Analysis)]
    keys = {s.id: [text_hash(x.text) for x in a.sentences] for s, a in done}
    vectors = store.cached_vectors(name, [k for row in keys.values() for k in row]) if name else {}
    saved = []
    for stored, analysis in done:
        row = keys[stored.id]
        if name and any(k not in vectors for k in row):  # an earlier chunk's embedding was lost
            store.record_failure(stored.id, "analyze", "a sentence vector was lost with its worker")
            continue
        store.save_analysis(stored.id, stored.article.text, analysis)
        if name and row:
            store.save_article_vector(stored.id, name, mean_vector(np.stack([vectors[k] for k in row])))
        saved.append(stored.id)
        if on_progress is not None:
            on_progress(f"article {stored.id}", "analyzed")
    store.clear_failures(saved, "analyze")


def _fail(store: Store, chunk: _Chunk, reason: str) -> None:
    for stored, analysis in zip(chunk.articles, chunk.analyses, strict=True):
        if isinstance(analysis, Analysis):
            store.record_failure(stored.id, "analyze", reason)
