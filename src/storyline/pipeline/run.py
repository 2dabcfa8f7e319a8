"""Ingest: documents in, clean articles stored, in input order; then understanding and grouping.

The flow of one document: a source reads it (``storyline.sources``) -> an engine's worker extracts
it (``tasks.py``) -> here, its furniture is removed against what the store knows of its
outlet, it is repaired and saved -> ``analyse.py`` understands it -> ``group.py`` puts it in a story.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from storyline.config import PipelineConfig
from storyline.engines import Engine, open_engine
from storyline.errors import InputError
from storyline.lines import line_key
from storyline.model import Article, IngestReport, RawDocument, Skip, StageFailure
from storyline.pipeline.analyse import analyze_pending
from storyline.pipeline.brief import warm_briefs
from storyline.pipeline.group import group_pending
from storyline.pipeline.progress import ProgressHook
from storyline.pipeline.tasks import (
    Extracted,
    ExtractTask,
    extract_chunk,
    extraction_lost,
    internal_error,
)
from storyline.sources import iter_documents
from storyline.store import AlreadyStored, Store
from storyline.text.extract import extract
from storyline.text.furniture import OutletEvidence, candidate_lines, remove_furniture
from storyline.text.outlets import RANK_KNOWN, better_name
from storyline.text.repair import repair

log = logging.getLogger(__name__)


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
    failed: list[StageFailure] = field(default_factory=list)

    def report(self) -> IngestReport:
        return IngestReport(
            tuple(self.ingested), self.unchanged, tuple(self.skipped), tuple(self.revised), tuple(self.failed)
        )


def ingest(
    inputs: Iterable[str | Path],
    store: Store,
    config: PipelineConfig | None = None,
    on_progress: ProgressHook | None = None,
) -> IngestReport:
    """Ingest every document ``inputs`` name into ``store``; bad input becomes a recorded skip."""
    config = config or PipelineConfig()
    return ingest_documents(iter_documents(inputs, config.sources, config.fetch), store, config, on_progress)


def ingest_documents(
    documents: Iterable[RawDocument | Skip],
    store: Store,
    config: PipelineConfig | None = None,
    on_progress: ProgressHook | None = None,
    engine: Engine | None = None,
) -> IngestReport:
    """Ingest documents (read from inputs, or a watched feed's new items), then understand and group
    them. The heavy work runs on ``engine`` (one opened from ``config.engine`` for this call when
    none is given); everything the store sees happens here, in input order."""
    config = config or PipelineConfig()
    if engine is None:
        with closing(open_engine(config.engine)) as owned:
            return ingest_documents(documents, store, config, on_progress, owned)
    tally = _Tally()
    for locator, outcome in _store_documents(documents, store, config, engine, tally):
        if on_progress is not None:
            on_progress(locator, outcome)
    # Every outlet that gained pages, this run or a run killed before its re-pass.
    outlets = sorted(set(store.pending_repass()) | tally.outlets)
    if on_progress is not None:
        on_progress(str(len(outlets)), "repass-total")
    for outlet in outlets:
        _apply_new_evidence(outlet, store, config)
        store.done_repass(outlet)
        if on_progress is not None:
            on_progress(outlet, "repassed")
    _name_known_outlets(store)
    if config.analyze_on_ingest:
        with store.stage_lock():
            # What the later stages could not finish this run (their failures are recorded in the
            # store, with the time): counted in the report, so a run that lost articles says so.
            started = datetime.now(UTC)
            analyze_pending(store, config, on_progress=on_progress, engine=engine)
            group_pending(store, config, on_progress=on_progress)
            tally.failed = [StageFailure(i, stage, why) for i, stage, why, _ in store.failures(since=started)]
        # Outside the lock: briefs only read what grouping wrote, and another ingest may group now.
        warm_briefs(store, config, on_progress=on_progress)
    return tally.report()


def _store_documents(
    documents: Iterable[RawDocument | Skip],
    store: Store,
    config: PipelineConfig,
    engine: Engine,
    tally: _Tally,
) -> Iterator[tuple[str, str]]:
    """Each document's (locator, outcome). New documents are extracted on the engine, in chunks;
    furniture and repair run here, in input order, because which lines are an outlet's furniture
    depends on the pages stored before (and cost a few milliseconds a page)."""
    settled: deque[tuple[str, str]] = deque()  # documents decided while reading (skips, known)
    sent: deque[list[RawDocument]] = deque()  # chunks on the engine, oldest first

    def new_chunks() -> Iterator[ExtractTask]:
        chunk: list[RawDocument] = []
        for item in documents:
            outcome = _settle(item, store, config, tally)
            if outcome is not None:
                settled.append((item.locator, outcome))
            else:
                assert isinstance(item, RawDocument)
                chunk.append(item)
            # A full chunk goes to the engine; so does a short (even empty) one when many documents
            # were settled without one (a re-run over 100,000 stored files), so their outcomes are
            # reported as they come, not all at the end.
            if len(chunk) >= config.engine.extract_chunk or len(settled) >= _SETTLED_FLUSH:
                sent.append(chunk)
                yield chunk, config.extract, config.furniture, config.engine.document_seconds
                chunk = []
        if chunk:
            sent.append(chunk)
            yield chunk, config.extract, config.furniture, config.engine.document_seconds

    for results in engine.map(extract_chunk, new_chunks(), extraction_lost):
        while settled:
            yield settled.popleft()
        for raw, result in zip(sent.popleft(), results, strict=True):
            yield raw.locator, _store_one(raw, result, store, config, tally)
    while settled:
        yield settled.popleft()


# Outcomes settled while reading that are reported before the next chunk is sent.
_SETTLED_FLUSH = 64


def _settle(item: RawDocument | Skip, store: Store, config: PipelineConfig, tally: _Tally) -> str | None:
    """The outcome of a document decided without extracting it (a skip, a document stored
    before), or None for a new one."""
    if isinstance(item, Skip):
        store.record_skip(item)
        tally.skipped.append(item)
        log.info("skipped %s: %s", item.locator, item.message)
        return "skipped"
    try:
        if not store.is_known(item.locator, item.content_hash):
            return None
        # A file edited and then reverted: its earlier revision is the latest again.
        restored = store.restore_revision(item.locator, item.content_hash)
    except Exception as exc:  # one document must never end a batch: record it and go on
        return _skip(item.locator, "internal-error", internal_error(exc), store, tally)
    if restored is not None:
        tally.revised.append(restored)
        return "revised"
    tally.unchanged += 1
    return "unchanged"


def _skip(locator: str, code: str, message: str, store: Store, tally: _Tally) -> str:
    skip = Skip(locator, code, message)
    store.record_skip(skip)
    tally.skipped.append(skip)
    return "skipped"


def _store_one(
    raw: RawDocument, result: Extracted, store: Store, config: PipelineConfig, tally: _Tally
) -> str:
    """Furniture, repair and saving of one extracted document, here, in input order."""
    extracted, keys = result
    if not isinstance(extracted, Article):
        assert isinstance(keys, str)
        return _skip(raw.locator, extracted, keys, store, tally)
    assert isinstance(keys, frozenset)
    try:
        evidence = _evidence(
            store, extracted.outlet, keys, store.has_copy(extracted.outlet, raw.content_hash)
        )
        article = _finish(extracted, config, evidence)
        article_id, revision = store.save(raw, article, keys)
    except AlreadyStored:  # another ingest of the same input stored it first
        tally.unchanged += 1
        return "unchanged"
    except InputError as exc:
        return _skip(raw.locator, exc.code, str(exc), store, tally)
    except Exception as exc:  # one document must never end a batch: record it and go on
        log.exception("unexpected failure on %s", raw.locator)
        return _skip(raw.locator, "internal-error", internal_error(exc), store, tally)
    (tally.revised if revision > 1 else tally.ingested).append(article_id)
    if article.outlet:
        tally.outlets.add(article.outlet)
    return "revised" if revision > 1 else "ingested"


def _evidence(store: Store, outlet: str | None, keys: frozenset[str], is_copy: bool) -> OutletEvidence:
    # The page being ingested counts as one of the pages that carry each of its own lines, unless
    # it is an exact copy of a stored page (identical copies are one page of evidence).
    counts = store.line_counts(outlet, keys)
    own = 0 if is_copy else 1
    return OutletEvidence(outlet, {key: counts.get(key, 0) + own for key in keys})


def _name_known_outlets(store: Store) -> None:
    """Outlets stored under their address ("reuters.com", or a site that calls itself "usatoday")
    that are known outlets are shown by their name from now on (stores made before the outlet was
    known, or before its name was read)."""
    for key, name, rank in store.outlet_names():
        known = better_name(key, name, rank)
        if known is not None:
            log.info("outlet %s is shown as %s from now on", key, known)
            store.rename_outlet(key, known, RANK_KNOWN)


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
