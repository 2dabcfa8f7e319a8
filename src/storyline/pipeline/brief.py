"""Briefs: a story's (or an article's) stored articles and their sentence vectors, read through
the store's cache (any missing ones embedded now and cached), handed to the briefs stage."""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from storyline.config import PipelineConfig
from storyline.store import Store, StoredArticle

if TYPE_CHECKING:
    from storyline.facts.build import StoryFacts
    from storyline.facts.source import Source
    from storyline.model import Brief, Story

log = logging.getLogger(__name__)


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


def story_facts(
    store: Store, story_id: int, config: PipelineConfig | None = None
) -> tuple[Story, StoryFacts]:
    """A story and its facts (storyline.facts): the claims its articles share, with their voices."""
    from storyline.facts.build import story_facts as build

    config = config or PipelineConfig()
    story = store.story(story_id)
    copies = {a.id: a.duplicate_of for a in story.articles}
    members = store.articles_by_ids([a.id for a in story.articles])
    sources = _sources(store, members, config, copies)
    if len({s.article.outlet for s in sources if s.duplicate_of is None}) <= 1:
        sources = [replace(s, voice=f"article {s.article_id}") for s in sources]
    return story, build(sources, config.briefs.facts, config.briefs.summary)


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
    from storyline.facts.source import Source
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
