"""The runner: wires sources, the text stages and the store. Stages know nothing of the database;
this module is the only place that hands their results to it."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from storyline.config import AnalyzeConfig, ExtractConfig, FurnitureConfig, PipelineConfig
from storyline.engines import Engine, open_engine
from storyline.errors import InputError
from storyline.model import Analysis, Article, IngestReport, RawDocument, Skip, plausible_date
from storyline.sources import iter_documents
from storyline.store import AlreadyStored, Store, StoredArticle
from storyline.text.extract import extract
from storyline.text.furniture import OutletEvidence, candidate_lines, remove_furniture
from storyline.text.lines import line_key
from storyline.text.repair import repair

if TYPE_CHECKING:
    from storyline.briefs.brief import Source
    from storyline.grouping.grouper import Grouper
    from storyline.grouping.profile import ArticleProfile
    from storyline.model import Brief

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
    for outlet in sorted(set(store.pending_repass()) | tally.outlets):
        _apply_new_evidence(outlet, store, config)
        store.done_repass(outlet)
    if config.analyze_on_ingest:
        with store.stage_lock():
            analyze_pending(store, config, on_progress=on_progress, engine=engine)
            group_pending(store, config, on_progress=on_progress)
    return tally.report()


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
    # Chunks keep memory flat on a large store while letting spaCy batch its work; the engine's
    # workers each take a chunk, so a small batch is cut in as many chunks as there are workers.
    size = max(1, min(config.analyze.batch_size * 4, -(-len(ids) // engine.workers)))
    sent: deque[list[StoredArticle]] = deque()

    def chunks() -> Iterator[tuple[list[Article], AnalyzeConfig]]:
        for first in range(0, len(ids), size):
            batch = store.articles_by_ids(ids[first : first + size])
            sent.append(batch)
            yield [s.article for s in batch], config.analyze

    for results in engine.map(_analyse_chunk, chunks(), _analysis_lost):
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


# A worker's analysis of one article with its sentence vectors (None without an embedder), or
# the error (a string, which crosses a process boundary) that the analysis failed with.
_Analysed = tuple[Analysis, np.ndarray | None] | str


def _analyse_chunk(task: tuple[list[Article], AnalyzeConfig]) -> list[_Analysed]:
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
        list(_sentence_vectors(good, config.embedder)) if config.embedder else [None] * len(good)
    )
    found = iter(vectors)
    return [a if isinstance(a, str) else (a, next(found)) for a in analyses]


def _sentence_vectors(analyses: list[Analysis], embedder_name: str) -> list[np.ndarray]:
    """Each analysis's sentence vectors (one row per sentence), embedded in one batch."""
    from storyline.nlp.embed import get_embedder

    embedder = get_embedder(embedder_name)
    texts = [s.text for a in analyses for s in a.sentences]
    matrix = embedder.embed(texts) if texts else np.zeros((0, embedder.dim), np.float32)
    out, first = [], 0
    for analysis in analyses:
        out.append(matrix[first : first + len(analysis.sentences)])
        first += len(analysis.sentences)
    return out


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

    def new_chunks() -> Iterator[tuple[list[RawDocument], ExtractConfig, FurnitureConfig]]:
        chunk: list[RawDocument] = []
        for item in documents:
            outcome = _settle(item, store, config, tally)
            if outcome is not None:
                settled.append((item.locator, outcome))
            else:
                assert isinstance(item, RawDocument)
                chunk.append(item)
            if len(chunk) >= config.engine.extract_chunk:
                sent.append(chunk)
                yield chunk, config.extract, config.furniture
                chunk = []
        if chunk:
            sent.append(chunk)
            yield chunk, config.extract, config.furniture

    for results in engine.map(_extract_chunk, new_chunks(), _extraction_lost):
        while settled:
            yield settled.popleft()
        for raw, result in zip(sent.popleft(), results, strict=True):
            yield raw.locator, _store_one(raw, result, store, config, tally)
    while settled:
        yield settled.popleft()


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
        return _skip(item.locator, "internal-error", _internal(exc), store, tally)
    if restored is not None:
        tally.revised.append(restored)
        return "revised"
    tally.unchanged += 1
    return "unchanged"


# What a worker sends back for one document: its article and furniture-candidate lines, or the
# skip's (code, message).
_Extracted = tuple[Article, frozenset[str]] | tuple[str, str]


def _extract_chunk(task: tuple[list[RawDocument], ExtractConfig, FurnitureConfig]) -> list[_Extracted]:
    """Extraction of a chunk of documents, on an engine's worker. Never raises: a document that
    fails becomes its skip's code and message (exceptions do not all survive a process boundary)."""
    documents, extract_config, furniture_config = task
    out: list[_Extracted] = []
    for raw in documents:
        try:
            article = extract(raw, extract_config)
            out.append((article, frozenset(candidate_lines(article, furniture_config))))
        except InputError as exc:
            out.append((exc.code, str(exc)))
        except Exception as exc:
            log.exception("unexpected failure extracting %s", raw.locator)
            out.append(("internal-error", _internal(exc)))
    return out


def _extraction_lost(task: tuple[list[RawDocument], ExtractConfig, FurnitureConfig]) -> list[_Extracted]:
    return [("worker-crashed", _CRASHED) for _ in task[0]]


def _analysis_lost(task: tuple[list[Article], AnalyzeConfig]) -> list[_Analysed]:
    return [_CRASHED for _ in task[0]]


_CRASHED = (
    "the worker process died on this document or its chunk (a crash in a native parser, or out "
    "of memory); try it alone with --workers 1, and please report it"
)


def _internal(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc} (please report this)"


def _skip(locator: str, code: str, message: str, store: Store, tally: _Tally) -> str:
    skip = Skip(locator, code, message)
    store.record_skip(skip)
    tally.skipped.append(skip)
    return "skipped"


def _store_one(
    raw: RawDocument, result: _Extracted, store: Store, config: PipelineConfig, tally: _Tally
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
        return _skip(raw.locator, "internal-error", _internal(exc), store, tally)
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


def group_pending(
    store: Store, config: PipelineConfig | None = None, *, on_progress: ProgressHook | None = None
) -> int:
    """Put every analysed article that is in no story yet into one, oldest first, one at a time
    (online: an article only ever sees the ones before it); then relink the touched stories'
    threads. Returns how many articles were placed."""
    config = config or PipelineConfig()
    store.heal_dates()
    ids = store.articles_needing_story()
    if not ids:
        return 0
    dates = {i: plausible_date(d) for i, d in store.article_dates(ids).items()}
    known = [d for d in dates.values() if d is not None]
    grouper, model, dim = _load_grouper(store, config, min(known) if known else None)
    # A batch is placed in the order things happened, where its articles say when; undated ones
    # follow in the order they were read.
    if config.stories.batch_order == "published":
        ids = [i for i, _ in sorted(dates.items(), key=lambda kv: _arrival(kv[1], kv[0]))]
    vectors = store.article_vectors_for(model, ids)
    touched: set[int] = set()
    for first in range(0, len(ids), 200):
        placed = []
        for stored in store.articles_by_ids(ids[first : first + 200]):
            try:
                touched |= _place(store, grouper, stored, vectors.get(stored.id), model, dim, config)
            except Exception as exc:  # one article never blocks the batch or any later ingest
                log.exception("grouping failed on article %s", stored.id)
                store.record_failure(stored.id, "group", f"{type(exc).__name__}: {exc}")
                continue
            placed.append(stored.id)
            if on_progress is not None:
                on_progress(f"article {stored.id}", "grouped")
        store.clear_failures(placed, "group")
    for story_id in sorted(touched):
        if story_id in grouper.stories:
            store.save_thread_links(story_id, grouper.thread_links(story_id))
    store.renumber_threads()
    _save_index(store, grouper, model, config)
    return len(ids)


def _arrival(published: datetime | None, article_id: int) -> tuple[bool, datetime, int]:
    return (published is None, published or datetime.min.replace(tzinfo=UTC), article_id)


def _load_grouper(
    store: Store, config: PipelineConfig, oldest: datetime | None = None
) -> tuple[Grouper, str, int]:
    """The grouper over the stories of the time window: their centroids and entities now, their
    recent articles when an article is first compared with them (a large store's ingest reads
    only the stories it touches, not every story's articles)."""
    from storyline.grouping.grouper import Grouper

    model = config.analyze.embedder or "none"
    dim = _dimension(config)
    newest = store.newest_story_date()
    since = newest - timedelta(days=config.stories.thread_window_days) if newest else None

    def fetch(story_ids: list[int]) -> dict[int, list[ArticleProfile]]:
        members = store.story_members(story_ids, config.stories.members)
        pinned = {aid: flag for rows in members.values() for aid, flag in rows}
        profiles = _profiles(store, list(pinned), model, dim, pinned)
        return {sid: [profiles[aid] for aid, _ in rows if aid in profiles] for sid, rows in members.items()}

    index = _saved_index(store, model, dim, config)
    records = store.story_rows(model, since)
    return Grouper.from_records(config.stories, dim, records, fetch, index, oldest), model, dim


def _profiles(
    store: Store, ids: list[int], model: str, dim: int, pinned: Mapping[int, bool]
) -> dict[int, ArticleProfile]:
    """What grouping compares of stored articles: their vectors and term vectors as stored."""
    from storyline.grouping.profile import profile
    from storyline.grouping.terms import terms_from_bytes

    vectors = store.article_vectors_for(model, ids)
    terms = store.article_terms(ids)
    out = {}
    for first in range(0, len(ids), 500):
        for stored in store.articles_by_ids(ids[first : first + 500]):
            vector = vectors.get(stored.id, np.zeros(dim, np.float32))
            blobs = terms.get(stored.id)
            out[stored.id] = profile(
                stored.id,
                stored.article,
                stored.analysis,
                vector,
                terms_from_bytes(blobs) if blobs is not None else None,
                pinned.get(stored.id, False),
            )
    return out


def _index_stamp(store: Store, model: str, dim: int, config: PipelineConfig) -> str:
    from storyline.grouping.index import index_stamp

    return index_stamp(store.story_stamp(model), dim, config.stories.window_days)


def _saved_index(store: Store, model: str, dim: int, config: PipelineConfig) -> Any:
    """The centroid index the last grouping saved beside the store, if no story changed since."""
    from storyline.grouping.index import load_index

    path = store.index_path
    if path is None or not path.exists():
        return None
    return load_index(path, _index_stamp(store, model, dim, config), dim)


def _save_index(store: Store, grouper: Grouper, model: str, config: PipelineConfig) -> None:
    from storyline.grouping.index import save_index

    path = store.index_path
    if path is not None:
        save_index(grouper, path, _index_stamp(store, model, grouper.dim, config))


def _place(
    store: Store,
    grouper: Grouper,
    stored: StoredArticle,
    vector: np.ndarray | None,
    model: str,
    dim: int,
    config: PipelineConfig,
) -> set[int]:
    """Place one article (see :func:`storyline.grouping.assign.assign`) and save where it went and
    what that changed; returns the stories it changed."""
    from storyline.grouping.assign import assign, features

    if vector is None:
        vector = np.zeros(dim, np.float32)
    item = features(stored.id, stored.article, stored.analysis, vector, config.stories)
    assignment = assign(
        item,
        grouper,
        earlier_story=store.earlier_revision_story(stored.id),
        copies=store.minhash_candidates,
        story_of=store.story_of,
        new_story=lambda: store.create_story(model, dim),
    )
    store.save_placement(
        stored.id,
        # Inserted under the story it joined; moves and merges saved with it carry it on.
        assignment.story,
        assignment.score,
        duplicate=assignment.duplicate,
        records=assignment.records,
        moves=assignment.moves,
        merges=assignment.merges,
        terms=item.terms,
        signature=item.signature,
        buckets=item.buckets,
    )
    return assignment.touched


def merge_stories(store: Store, keep: int, gone: int, config: PipelineConfig | None = None) -> int:
    """Merge story ``gone`` into ``keep`` by hand. Every article of the result is pinned, so later
    automatic repairs never pull them apart; returns the id of the merged story."""
    config = config or PipelineConfig()
    keep, gone = store.live_story(keep), store.live_story(gone)
    if keep == gone:
        return keep
    store.merge_stories(keep, gone, "merged by hand", pin=True)
    _rebuild(store, config, [keep])
    return keep


def split_story(
    store: Store, story_id: int, article_ids: Iterable[int], config: PipelineConfig | None = None
) -> int:
    """Move ``article_ids`` out of ``story_id`` into a new story by hand; the two are kept apart
    from then on (no automatic merge joins them again). Returns the new story's id."""
    from storyline.errors import ConfigError

    config = config or PipelineConfig()
    story_id = store.live_story(story_id)
    members = set(store.story_article_ids(story_id))
    chosen = sorted(set(article_ids))
    strangers = [a for a in chosen if a not in members]
    if strangers:
        raise ConfigError(
            f"articles {', '.join(map(str, strangers))} are not in story {story_id}",
            remedy=f"list its articles with `storyline story {story_id}`",
        )
    if not chosen or len(chosen) == len(members):
        raise ConfigError(
            "a split must leave articles on both sides", remedy="name some, not all, of the story's articles"
        )
    model = config.analyze.embedder or "none"
    dim = _dimension(config)
    new = store.create_story(model, dim)
    store.split_story_rows(story_id, new, chosen)
    _rebuild(store, config, [story_id, new])
    return new


def _dimension(config: PipelineConfig) -> int:
    from storyline.nlp.embed import get_embedder

    return get_embedder(config.analyze.embedder).dim if config.analyze.embedder else 1


def _rebuild(store: Store, config: PipelineConfig, story_ids: list[int]) -> None:
    """Recompute stories' states from all their articles, then their threads."""
    from storyline.grouping.state import StoryState

    model = config.analyze.embedder or "none"
    dim = _dimension(config)
    records = []
    for sid in story_ids:
        ids = store.story_article_ids(sid, independent=True)
        profiles = _profiles(store, ids, model, dim, dict.fromkeys(ids, True))
        members = [profiles[aid] for aid in ids if aid in profiles]
        records.append(StoryState.of_articles(sid, dim, members, config.stories.members).record())
    store.save_story_records(records)
    grouper, _, _ = _load_grouper(store, config)
    for sid in story_ids:
        store.save_thread_links(sid, grouper.thread_links(sid))
    store.renumber_threads()


def brief_story(
    store: Store, story_id: int, config: PipelineConfig | None = None, length: str = "medium"
) -> Brief:
    """The brief of one story, from its stored articles and their cached sentence vectors."""
    from storyline.briefs.brief import brief_story as build
    from storyline.briefs.summarize import Length

    config = config or PipelineConfig()
    story = store.story(story_id)
    copies = {a.id: a.duplicate_of for a in story.articles}
    members = store.articles_by_ids([a.id for a in story.articles])
    sources = _sources(store, members, config, copies)
    return build(story, sources, config.briefs, Length(length))


def brief_article(
    store: Store, article_id: int, config: PipelineConfig | None = None, length: str = "medium"
) -> Brief:
    from storyline.briefs.brief import brief_article as build
    from storyline.briefs.summarize import Length

    config = config or PipelineConfig()
    sources = _sources(store, [store.article(article_id)], config, {})
    if not sources:
        from storyline.errors import NotFound

        raise NotFound(f"article {article_id} has not been analysed", remedy="run `storyline analyze`")
    return build(sources[0], config.briefs, Length(length))


def briefing(
    store: Store, count: int = 5, config: PipelineConfig | None = None, length: str = "short"
) -> list[Brief]:
    """Briefs of the latest ``count`` stories, most recent first."""
    return [brief_story(store, story.id, config, length) for story in store.stories(limit=count)]


def _sources(
    store: Store, members: list[StoredArticle], config: PipelineConfig, copies: dict[int, int | None]
) -> list[Source]:
    """Each analysed article with its sentence vectors: from the store's cache, any missing ones
    embedded now (and cached)."""
    from storyline.briefs.brief import Source
    from storyline.nlp.embed import get_embedder
    from storyline.store import text_hash

    analysed = [(m, m.analysis) for m in members if m.analysis is not None]
    name = config.analyze.embedder
    keys = [[text_hash(s.text) for s in analysis.sentences] for _, analysis in analysed]
    cached = store.cached_vectors(name, [k for row in keys for k in row]) if name else {}
    missing = {
        k: s.text
        for (_, analysis), row in zip(analysed, keys, strict=True)
        for s, k in zip(analysis.sentences, row, strict=True)
        if k not in cached
    }
    if missing and name:
        fresh = dict(zip(missing, get_embedder(name).embed(list(missing.values())), strict=True))
        store.save_vectors(name, fresh)
        cached.update(fresh)
    sources = []
    for (stored, analysis), row in zip(analysed, keys, strict=True):
        vectors = np.stack([cached[k] for k in row]) if row and name else np.zeros((0, 1), np.float32)
        sources.append(Source(stored.id, stored.article, analysis, vectors, copies.get(stored.id)))
    return sources
