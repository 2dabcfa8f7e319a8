"""Briefs: a story's (or an article's) stored articles and their sentence vectors, read through
the store's cache (any missing ones embedded now and cached), handed to the briefs stage."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from storyline.config import PipelineConfig
from storyline.pipeline.progress import ProgressHook
from storyline.store import Store, StoredArticle

if TYPE_CHECKING:
    from storyline.facts.build import StoryFacts
    from storyline.facts.source import Source
    from storyline.model import Brief, Story

log = logging.getLogger(__name__)
# What a stored brief holds, as a number: raised when the brief code changes what a brief says or
# how it cites (2: a copy is named beside its original, not cited; 3: a lead sentence that points
# back, "This comes after ...", is passed over), so a store's kept briefs are made again by the new
# code rather than served as the old one made them.
BRIEF_FORMAT = 3


def brief_story(
    store: Store, story_id: int, config: PipelineConfig | None = None, length: str = "medium"
) -> Brief:
    """The brief of one story: the one stored when the story last changed (see :func:`warm_briefs`)
    when its articles and the settings a brief depends on are still the same, else made now from
    its stored articles and their cached sentence vectors (and stored for the next reader)."""
    config = config or PipelineConfig()
    story = store.story(story_id)
    version = brief_version(story)
    key = brief_settings(config)
    saved = store.saved_brief(story.id, length, version, key)
    if saved is not None:
        return saved
    brief = _build(store, story, config, (length,))[0]
    store.save_brief(story.id, version, brief, key)
    return brief


def brief_version(story: Story) -> str:
    """What a stored brief of ``story`` was made from: its articles, its title and its thread. A
    brief whose story has changed any of them is made again, never served."""
    ids = ",".join(str(i) for i in sorted(a.id for a in story.articles))
    return hashlib.sha256(f"{ids}|{story.thread}|{story.title}".encode()).hexdigest()[:32]


def brief_settings(config: PipelineConfig) -> str:
    """What a stored brief was made with: the brief settings, the embedder, storyline's version and
    the brief format. A brief made under other settings (another settings file), by another release
    or in an older format is made again, never served."""
    from storyline._version import __version__

    key = (config.briefs, config.analyze.embedder, __version__, BRIEF_FORMAT)
    return hashlib.sha256(repr(key).encode()).hexdigest()[:16]


def warm_briefs(
    store: Store, config: PipelineConfig | None = None, on_progress: ProgressHook | None = None
) -> int:
    """Make and store the briefs (``config.warm_lengths``) of every story changed since its briefs
    were made, newest change first; returns how many stories were briefed. A story that cannot be
    briefed is logged and left for its first reader (never blocks the others)."""
    config = config or PipelineConfig()
    lengths = config.warm_lengths
    if not lengths:
        return 0
    key = brief_settings(config)
    stale = list(dict.fromkeys(sid for length in lengths for sid in store.stories_without_brief(length, key)))
    if on_progress is not None:
        on_progress(str(len(stale)), "briefing-total")
    done = 0
    for story_id in stale:
        try:
            story = store.story(story_id)
            briefs = _build(store, story, config, lengths)
        except Exception as exc:  # one bad story must not stop the others; its reader gets the error
            log.warning("could not brief story %s ahead of its readers: %s", story_id, exc)
        else:
            for brief in briefs:
                store.save_brief(story.id, brief_version(story), brief, key)
            done += 1
        if on_progress is not None:
            on_progress(f"story {story_id}", "briefed")
    return done


def _build(store: Store, story: Story, config: PipelineConfig, lengths: tuple[str, ...]) -> list[Brief]:
    """The story's briefs at each of ``lengths``, its articles read once."""
    from storyline.briefs.brief import brief_story as build
    from storyline.briefs.summarize import Length

    copies = {a.id: a.duplicate_of for a in story.articles}
    members = store.articles_by_ids([a.id for a in story.articles])
    sources = _sources(store, members, config, copies)
    return [build(story, sources, config.briefs, Length(length)) for length in lengths]


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
