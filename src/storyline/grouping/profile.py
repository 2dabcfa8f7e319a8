"""What grouping compares of one article: its embedding, its term vectors, the entities it names,
the people it leads with and the core facts of its event (see :mod:`~storyline.grouping.evidence`)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np

from storyline.config import EvidenceConfig, TermsConfig
from storyline.grouping.evidence import NO_CORE, EventCore, event_core
from storyline.grouping.terms import Terms, term_vectors
from storyline.model import Analysis, Article, EntityType, Modality, entity_key, plausible_date


@dataclass(frozen=True, slots=True)
class ArticleProfile:
    """What grouping needs of one article."""

    id: int
    vector: np.ndarray
    words: Terms
    proper: Terms
    # Entity key -> salience (1 + log of its mentions); keys are surnames for people, so "Raisi"
    # and "Ebrahim Raisi" are one key across articles.
    entities: Mapping[str, float]
    names: Mapping[str, tuple[str, EntityType]]
    date: datetime | None
    title: str | None = None
    pinned: bool = False
    # The people the article leads with (named in its title or first sentence): two reports whose
    # leading people never appear in each other are different events, however alike their words
    # (two visits to Moscow by two different Iranian officials).
    principals: tuple[str, ...] = ()
    # What its lead says happened: kinds of event, places, years, figures.
    core: EventCore = NO_CORE
    # True when ``date`` is not the publication date but the date the lead's events give (an
    # undated article placed by its events).
    event_dated: bool = False


def profile(
    article_id: int,
    article: Article,
    analysis: Analysis | None,
    vector: np.ndarray,
    config: TermsConfig,
    terms: tuple[Terms, Terms] | None = None,
    pinned: bool = False,
    evidence: EvidenceConfig | None = None,
) -> ArticleProfile:
    """The article's profile; ``terms`` are its stored term vectors (computed under ``config``
    when not given); ``evidence`` says what its lead is (the defaults when not given)."""
    evidence = evidence or EvidenceConfig()
    entities: dict[str, float] = {}
    names: dict[str, tuple[str, EntityType]] = {}
    for entity in analysis.entities if analysis else ():
        key = entity_key(entity)
        weight = 1.0 + math.log(max(1, len(entity.mentions)))
        entities[key] = max(entities.get(key, 0.0), weight)
        # The longest form is the most informative display name ("Ebrahim Raisi" over "Raisi").
        if key not in names or len(entity.name) > len(names[key][0]):
            names[key] = (entity.name, entity.type)
    words, proper = terms or term_vectors(article.title, article.text, config, url=article.url)
    # The people the article leads with: named in its title, else in its first sentence (a title
    # may name no one: "San Diego lineman arrested on suspicion of DUI").
    title = (article.title or "").lower()
    lead_end = analysis.sentences[0].end if analysis and analysis.sentences else 0
    persons = [e for e in (analysis.entities if analysis else ()) if e.type is EntityType.PERSON]
    people = [entity_key(e) for e in persons if title and entity_key(e) in title]
    if not people:
        people = [entity_key(e) for e in persons if any(m.start < lead_end for m in e.mentions)]
    # An undated article is placed by the date its lead's events give in full ("on December 12,
    # 2008"), never by when it was read.
    published = plausible_date(article.published)
    date = published or _event_date(analysis, evidence.lead_sentences)
    return ArticleProfile(
        article_id,
        np.asarray(vector, dtype=np.float32),
        words,
        proper,
        entities,
        names,
        # Through the date gate again: a store written before it may hold 0001-01-01.
        date,
        article.title,
        pinned,
        tuple(dict.fromkeys(people)),
        event_core(article, analysis, evidence),
        published is None and date is not None,
    )


def _event_date(analysis: Analysis | None, lead_sentences: int) -> datetime | None:
    """The latest date the lead's asserted events give, if any (background comes earlier)."""
    found = []
    for event in analysis.events if analysis else ():
        if event.sentence < lead_sentences and event.date and event.modality is Modality.ASSERTED:
            try:
                found.append(datetime.fromisoformat(event.date).replace(tzinfo=UTC))
            except ValueError:
                continue
    return plausible_date(max(found)) if found else None
