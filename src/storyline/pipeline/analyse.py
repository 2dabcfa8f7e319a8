"""Understanding: articles whose text has no analysis yet are parsed and embedded on the engine,
in chunks; their analyses and vectors are stored here as each chunk comes back."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterator
from contextlib import closing
from typing import TYPE_CHECKING

import numpy as np

from storyline.config import PipelineConfig
from storyline.engines import Engine, open_engine
from storyline.engines.tasks import (
    AnalyseTask,
    analyse_chunk,
    analysis_lost,
)
from storyline.model import Analysis
from storyline.pipeline.progress import ProgressHook
from storyline.store import Store, StoredArticle

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)


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
    # Chunks keep memory flat on a large store while letting spaCy and the embedder batch their
    # work. Their size never depends on the engine: the int8 embedder's vectors depend on their
    # batch-mates, so the same chunks give the same vectors (and stories) on every engine.
    size = config.analyze.batch_size * 4
    sent: deque[list[StoredArticle]] = deque()

    def chunks() -> Iterator[AnalyseTask]:
        for first in range(0, len(ids), size):
            batch = store.articles_by_ids(ids[first : first + size])
            sent.append(batch)
            yield [s.article for s in batch], config.analyze

    for results in engine.map(analyse_chunk, chunks(), analysis_lost):
        batch = sent.popleft()
        # One article the analysis fails on is recorded and retried next time; the rest go on.
        for stored, result in zip(batch, results, strict=True):
            if isinstance(result, str):
                log.warning("analysis failed on article %s: %s", stored.id, result)
                store.record_failure(stored.id, "analyze", result)
        done = [(s, r) for s, r in zip(batch, results, strict=True) if not isinstance(r, str)]
        _save_analyses(store, [(s, a, v) for s, (a, v) in done], config)
        if on_progress is not None:
            for stored, _ in done:
                on_progress(f"article {stored.id}", "analyzed")
        store.clear_failures([s.id for s, _ in done], "analyze")
    return len(ids)


def _save_analyses(
    store: Store, done: list[tuple[StoredArticle, Analysis, np.ndarray | None]], config: PipelineConfig
) -> None:
    """Each analysis, its sentence vectors into the store's cache (briefs read them there) and
    its article vector (the mean of its sentences', which grouping compares)."""
    from storyline.nlp.embed import mean_vector
    from storyline.store import text_hash

    name = config.analyze.embedder
    fresh: dict[str, np.ndarray] = {}
    for _, analysis, vectors in done:
        if vectors is not None:
            fresh.update((text_hash(s.text), v) for s, v in zip(analysis.sentences, vectors, strict=True))
    if name and fresh:
        store.save_vectors(name, fresh)
    for stored, analysis, vectors in done:
        store.save_analysis(stored.id, stored.article.text, analysis)
        if name and vectors is not None and len(vectors):
            store.save_article_vector(stored.id, name, mean_vector(vectors))
