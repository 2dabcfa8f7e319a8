"""The runner: wires sources, the text stages and the store. Stages know nothing of the database;
this module is the only place that hands their results to it."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from storyline.config import AnalyzeConfig, PipelineConfig
from storyline.errors import InputError
from storyline.model import Analysis, Article, IngestReport, RawDocument, Skip
from storyline.sources import iter_documents
from storyline.store import Store, StoredArticle
from storyline.text.extract import extract
from storyline.text.furniture import OutletEvidence, candidate_lines, remove_furniture
from storyline.text.lines import line_key
from storyline.text.repair import repair

log = logging.getLogger(__name__)

# Called after each document with (locator, outcome) where outcome is ingested/revised/unchanged/skipped.
ProgressHook = Callable[[str, str], None]


def process(raw: RawDocument, config: PipelineConfig, evidence: OutletEvidence | None = None) -> Article:
    """Raw document to clean article: extract, remove furniture, repair. Raises InputError to skip."""
    return _finish(extract(raw, config.extract), config, evidence)


def _finish(extracted: Article, config: PipelineConfig, evidence: OutletEvidence | None) -> Article:
    return repair(remove_furniture(extracted, config.furniture, evidence), config.repair)


@dataclass
class _Tally:
    ingested: list[int] = field(default_factory=list)
    revised: list[int] = field(default_factory=list)
    unchanged: int = 0
    skipped: list[Skip] = field(default_factory=list)
    outlets: set[str] = field(default_factory=set)

    def report(self) -> IngestReport:
        return IngestReport(tuple(self.ingested), self.unchanged, tuple(self.skipped), tuple(self.revised))


def ingest(
    inputs: Iterable[str | Path],
    store: Store,
    config: PipelineConfig | None = None,
    on_progress: ProgressHook | None = None,
) -> IngestReport:
    """Ingest every document ``inputs`` name into ``store``; bad input becomes a recorded skip."""
    config = config or PipelineConfig()
    tally = _Tally()
    for item in iter_documents(inputs, config.sources, config.fetch):
        try:
            outcome = _ingest_one(item, store, config, tally)
        except InputError as exc:
            skip = Skip(item.locator, exc.code, str(exc))
            store.record_skip(skip)
            tally.skipped.append(skip)
            outcome = "skipped"
        except Exception as exc:  # one document must never end a batch: record it and go on
            log.exception("unexpected failure on %s", item.locator)
            skip = Skip(item.locator, "internal-error", f"{type(exc).__name__}: {exc} (please report this)")
            store.record_skip(skip)
            tally.skipped.append(skip)
            outcome = "skipped"
        if on_progress is not None:
            on_progress(item.locator, outcome)
    for outlet in sorted(tally.outlets):
        _apply_new_evidence(outlet, store, config)
    if config.analyze_on_ingest:
        analyze_pending(store, config, on_progress=on_progress)
    return tally.report()


def analyze_pending(
    store: Store,
    config: PipelineConfig | None = None,
    *,
    everything: bool = False,
    on_progress: ProgressHook | None = None,
) -> int:
    """Run the understanding stage on articles whose text it has not seen; returns how many."""
    config = config or PipelineConfig()
    ids = store.articles_needing_analysis(everything=everything)
    # Chunks keep memory flat on a large store while letting spaCy batch its work.
    size = config.analyze.batch_size * 4
    chunks = ([store.article(i) for i in ids[first : first + size]] for first in range(0, len(ids), size))
    workers = config.analyze.workers if len(ids) > size else 1
    for articles, analyses in _analysed(chunks, config, workers):
        # Embeddings stay in this process, next to the cache: only unseen sentences are embedded.
        vectors = _embed(store, analyses, config) if config.analyze.embedder else None
        for n, (stored, analysis) in enumerate(zip(articles, analyses, strict=True)):
            store.save_analysis(stored.id, stored.article.text, analysis)
            if vectors is not None and len(vectors[n]):
                store.save_article_vector(stored.id, config.analyze.embedder, vectors[n])
            if on_progress is not None:
                on_progress(f"article {stored.id}", "analyzed")
    return len(ids)


def _analysed(
    chunks: Iterator[list[StoredArticle]], config: PipelineConfig, workers: int
) -> Iterator[tuple[list[StoredArticle], list[Analysis]]]:
    """Each chunk with its analyses, parsed here or in ``workers`` processes (spaCy loaded once in
    each). At most two chunks per worker are in flight, so memory stays flat on any store."""
    if workers <= 1:
        for articles in chunks:
            yield articles, _analyse_chunk([a.article for a in articles], config.analyze)
        return
    from concurrent.futures import Future, ProcessPoolExecutor

    with ProcessPoolExecutor(workers) as pool:
        pending: deque[tuple[list[StoredArticle], Future[list[Analysis]]]] = deque()
        for articles in chunks:
            pending.append(
                (articles, pool.submit(_analyse_chunk, [a.article for a in articles], config.analyze))
            )
            if len(pending) >= 2 * workers:
                done, future = pending.popleft()
                yield done, future.result()
        while pending:
            done, future = pending.popleft()
            yield done, future.result()


def _analyse_chunk(articles: list[Article], config: AnalyzeConfig) -> list[Analysis]:
    from storyline.nlp.analyze import analyze_many

    return list(analyze_many(articles, config))


def _ingest_one(item: RawDocument | Skip, store: Store, config: PipelineConfig, tally: _Tally) -> str:
    if isinstance(item, Skip):
        store.record_skip(item)
        tally.skipped.append(item)
        log.info("skipped %s: %s", item.locator, item.message)
        return "skipped"
    if store.is_known(item.locator, item.content_hash):
        tally.unchanged += 1
        return "unchanged"
    try:
        extracted = extract(item, config.extract)
    except InputError as exc:
        skip = Skip(item.locator, exc.code, str(exc))
        store.record_skip(skip)
        tally.skipped.append(skip)
        return "skipped"
    keys = candidate_lines(extracted, config.furniture)
    evidence = _evidence(store, extracted.outlet, keys)
    article = _finish(extracted, config, evidence)
    article_id, revision = store.save(item, article, keys)
    (tally.revised if revision > 1 else tally.ingested).append(article_id)
    if article.outlet:
        tally.outlets.add(article.outlet)
    return "revised" if revision > 1 else "ingested"


def _embed(store: Store, analyses: list[Analysis], config: PipelineConfig) -> list[np.ndarray]:
    """Sentence vectors through the store's cache (only unseen sentences are embedded); returns
    each article's vector (the mean of its sentences')."""
    from storyline.nlp.embed import get_embedder, mean_vector
    from storyline.store import text_hash

    embedder = get_embedder(config.analyze.embedder)
    keys = [[text_hash(s.text) for s in a.sentences] for a in analyses]
    cached = store.cached_vectors(embedder.name, [k for row in keys for k in row])
    missing = {
        k: s.text
        for a, row in zip(analyses, keys, strict=True)
        for s, k in zip(a.sentences, row, strict=True)
    }
    missing = {k: t for k, t in missing.items() if k not in cached}
    if missing:
        fresh = dict(zip(missing, embedder.embed(list(missing.values())), strict=True))
        store.save_vectors(embedder.name, fresh)
        cached.update(fresh)
    return [
        mean_vector(np.stack([cached[k] for k in row])) if row else np.zeros(0, np.float32) for row in keys
    ]


def _evidence(store: Store, outlet: str | None, keys: set[str]) -> OutletEvidence:
    # The page being ingested counts as one of the pages that carry each of its own lines.
    counts = store.line_counts(outlet, keys)
    return OutletEvidence(outlet, {key: counts.get(key, 0) + 1 for key in keys})


def _apply_new_evidence(outlet: str, store: Store, config: PipelineConfig) -> None:
    """Lines that became template furniture during this batch leave the articles stored before."""
    frequent = store.frequent_lines(outlet, config.furniture.repeat_threshold)
    if not frequent:
        return
    for article_id in store.article_ids_with_lines(outlet, list(frequent)):
        stored = store.article(article_id)
        if not any(line_key(block.text) in frequent for block in stored.article.blocks):
            continue
        raw = store.raw_document(article_id)
        try:
            extracted = extract(raw, config.extract)
        except InputError:
            continue
        keys = candidate_lines(extracted, config.furniture)
        counts = {key: frequent.get(key, 0) for key in keys}
        article = _finish(extracted, config, OutletEvidence(outlet, counts))
        store.replace_article(article_id, article)
