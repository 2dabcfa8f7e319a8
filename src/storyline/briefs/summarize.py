"""Article summaries: extractive, so every sentence is the article's own and cites where it is.

A sentence is chosen for where it stands (news puts what happened first: a position prior) and
for how central it is to the article (cosine between its embedding and the article's mean
embedding), then chosen again only if it says something the chosen ones do not (maximal marginal
relevance). Headings, list items, questions, caption fragments, furniture lines and sentences that
are too short or too long to stand alone are never chosen. The chosen sentences are given in the
article's order.

Written here rather than taken from sumy: sumy's LexRank and TextRank ignore position, which on
news is the strongest single signal (bench/summaries.py runs them in the same run, with Lead-3).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from enum import StrEnum

import numpy as np

from storyline.config import SummaryConfig
from storyline.facts.source import eligible
from storyline.model import Analysis, Article, BriefSentence, Citation, Sentence


class Length(StrEnum):
    """How much a summary says (SummaryConfig sets how many sentences or words each is)."""

    SHORT = "short"  # one sentence
    MEDIUM = "medium"  # three sentences
    LONG = "long"  # a paragraph of about 120 words


def rank(
    sentences: Sequence[Sentence], vectors: np.ndarray | None, config: SummaryConfig
) -> list[tuple[float, int]]:
    """(score, index) of every eligible sentence, best first."""
    usable = [i for i, s in enumerate(sentences) if eligible(s, config)]
    if not usable:
        return []
    if vectors is not None and len(vectors) == len(sentences) and len(vectors):
        centre = vectors[usable].mean(axis=0)
        norm = float(np.linalg.norm(centre)) or 1.0
        centrality = vectors @ (centre / norm)
    else:
        centrality = np.zeros(len(sentences), np.float32)
    scored = []
    for order, i in enumerate(usable):
        # Position among the sentences that could be chosen: a furniture line or a heading at the top
        # does not push the real lead down.
        prior = math.exp(-order / config.position_decay)
        text = sentences[i].text
        value = config.position_weight * prior + float(centrality[i])
        # A sentence that opens with a quotation is someone's words, rarely the news itself.
        if text[:1] in "\"“‘'":
            value -= config.quote_penalty
        # Longer sentences carry more of the story, up to a point.
        cap = config.length_cap_words
        value += config.length_weight * min(len(text.split()), cap) / cap
        scored.append((value, i))
    scored.sort(reverse=True)
    return scored


def select(
    sentences: Sequence[Sentence],
    vectors: np.ndarray | None,
    config: SummaryConfig,
    length: Length = Length.MEDIUM,
) -> list[int]:
    """Indexes of the chosen sentences, in the article's order."""
    ranked = rank(sentences, vectors, config)
    chosen: list[int] = []
    words = 0
    matrix = vectors if vectors is not None and len(vectors) == len(sentences) else None
    candidates = list(ranked)
    while candidates:
        best_value, best = -math.inf, -1
        for score, i in candidates:
            redundancy = (
                max((float(matrix[i] @ matrix[j]) for j in chosen), default=0.0)
                if matrix is not None
                else 0.0
            )
            value = score - config.redundancy_weight * redundancy
            if redundancy >= config.max_redundancy:
                continue
            if value > best_value:
                best_value, best = value, i
        if best < 0:
            break
        candidates = [(s, i) for s, i in candidates if i != best]
        size = len(sentences[best].text.split())
        if length is Length.LONG and chosen and words + size > config.long_words * config.long_overshoot:
            continue
        chosen.append(best)
        words += size
        if (length is Length.SHORT and len(chosen) >= config.short_sentences) or (
            length is Length.MEDIUM and len(chosen) >= config.medium_sentences
        ):
            break
        if length is Length.LONG and words >= config.long_words:
            break
    return sorted(chosen)


def summarize(
    article_id: int,
    article: Article,
    analysis: Analysis,
    vectors: np.ndarray | None,
    config: SummaryConfig | None = None,
    length: Length = Length.MEDIUM,
) -> tuple[BriefSentence, ...]:
    """The article's summary: its own sentences, each citing the article and where it stands."""
    config = config or SummaryConfig()
    return tuple(
        BriefSentence(
            analysis.sentences[i].text,
            (
                Citation(
                    article_id,
                    article.outlet,
                    article.title,
                    i,
                    analysis.sentences[i].start,
                    analysis.sentences[i].end,
                ),
            ),
        )
        for i in select(analysis.sentences, vectors, config, length)
    )
