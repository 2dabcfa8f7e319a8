"""What grouping compares of one article: its embedding, its term vectors, the entities it names
and the people it leads with."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from storyline.config import TermsConfig
from storyline.grouping.terms import Terms, term_vectors
from storyline.model import Analysis, Article, EntityType, entity_key, plausible_date


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


def profile(
    article_id: int,
    article: Article,
    analysis: Analysis | None,
    vector: np.ndarray,
    config: TermsConfig,
    terms: tuple[Terms, Terms] | None = None,
    pinned: bool = False,
) -> ArticleProfile:
    """The article's profile; ``terms`` are its stored term vectors (computed under ``config``
    when not given)."""
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
    # The people the article leads with: named in its title (its first sentence when it has none).
    title = (article.title or "").lower()
    lead_end = analysis.sentences[0].end if analysis and analysis.sentences and not title else 0
    people = [
        entity_key(entity)
        for entity in (analysis.entities if analysis else ())
        if entity.type is EntityType.PERSON
        and (entity_key(entity) in title or any(m.start < lead_end for m in entity.mentions))
    ]
    return ArticleProfile(
        article_id,
        np.asarray(vector, dtype=np.float32),
        words,
        proper,
        entities,
        names,
        # Through the date gate again: a store written before it may hold 0001-01-01.
        plausible_date(article.published),
        article.title,
        pinned,
        tuple(dict.fromkeys(people)),
    )
