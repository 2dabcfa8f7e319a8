"""storyline: offline news intelligence.

The Python API the CLI wraps::

    import storyline

    report = storyline.ingest(["demo/corpus"], db="news.db")
    for stored in storyline.articles(db="news.db"):
        print(stored.id, stored.article.outlet, stored.article.title)
    print(storyline.get_article(1, db="news.db").article.text)

Nothing here loads a model or opens a database at import time.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from storyline.config import PipelineConfig, StoreConfig
from storyline.model import Article, IngestReport, RawDocument, Skip

if TYPE_CHECKING:
    from storyline.nlp.entities import CanonicalEntity
    from storyline.pipeline import ProgressHook
    from storyline.store import StoredArticle

__all__ = [
    "Article",
    "IngestReport",
    "PipelineConfig",
    "RawDocument",
    "Skip",
    "StoreConfig",
    "analyze",
    "articles",
    "entities",
    "events",
    "get_article",
    "ingest",
    "skips",
]
__version__ = "0.1.0"

DbArg = str | Path | StoreConfig | None


def _store_config(db: DbArg) -> StoreConfig:
    return db if isinstance(db, StoreConfig) else StoreConfig.for_path(db)


def ingest(
    inputs: Iterable[str | Path],
    db: DbArg = None,
    config: PipelineConfig | None = None,
    on_progress: ProgressHook | None = None,
) -> IngestReport:
    """Ingest files, folders, feeds, JSON Lines, WARC and URLs into the store at ``db``."""
    from storyline.pipeline import ingest as run
    from storyline.store import Store

    with Store.open(_store_config(db)) as store:
        return run(inputs, store, config, on_progress)


def articles(
    db: DbArg = None, *, outlet: str | None = None, all_revisions: bool = False, limit: int | None = None
) -> list[StoredArticle]:
    """Stored articles (latest revision of each unless ``all_revisions``), oldest first."""
    from storyline.store import Store

    with Store.open(_store_config(db)) as store:
        return store.articles(outlet=outlet, latest_only=not all_revisions, limit=limit)


def get_article(article_id: int, db: DbArg = None) -> StoredArticle:
    """One stored article by id; raises :class:`storyline.errors.NotFound`."""
    from storyline.store import Store

    with Store.open(_store_config(db)) as store:
        return store.article(article_id)


def analyze(db: DbArg = None, *, everything: bool = False, config: PipelineConfig | None = None) -> int:
    """Analyse stored articles whose text has not been analysed (all with ``everything``)."""
    from storyline.pipeline import analyze_pending
    from storyline.store import Store

    with Store.open(_store_config(db)) as store:
        return analyze_pending(store, config, everything=everything)


def entities(db: DbArg = None) -> list[CanonicalEntity]:
    """People, organisations, places and countries across all articles, with the titles each source gives."""
    from storyline.nlp.entities import resolve
    from storyline.store import Store

    with Store.open(_store_config(db)) as store:
        items = [
            (s.id, s.article.outlet or s.article.locator, s.analysis.entities)
            for s in store.iter_articles()
            if s.analysis is not None
        ]
    return resolve(items)


def events(db: DbArg = None) -> list[dict[str, object]]:
    """Every event found, with the article, outlet and sentence it comes from (newest articles first)."""
    from storyline.store import Store

    found: list[dict[str, object]] = []
    with Store.open(_store_config(db)) as store:
        for stored in store.iter_articles():
            if stored.analysis is None:
                continue
            for event in stored.analysis.events:
                sentence = stored.analysis.sentences[event.sentence]
                found.append(
                    {
                        **event.to_dict(),
                        "article_id": stored.id,
                        "outlet": stored.article.outlet,
                        "published": stored.article.published.isoformat()
                        if stored.article.published
                        else None,
                        "text": sentence.text,
                    }
                )
    return sorted(found, key=lambda e: str(e["date"] or e["published"] or ""), reverse=True)


def skips(db: DbArg = None) -> list[Skip]:
    """Every document that was skipped, with its named reason."""
    from storyline.store import Store

    with Store.open(_store_config(db)) as store:
        return store.skips()
