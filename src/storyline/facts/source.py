"""One article of a story as the facts and the briefs read it: its text, analysis, sentence vectors
and whose voice it is."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from storyline.config import SummaryConfig
from storyline.lines import classify_line
from storyline.model import Analysis, Article, BlockKind, Citation, Sentence


@dataclass(frozen=True, slots=True)
class Source:
    """One article of the story with what the facts and the brief need of it."""

    article_id: int
    article: Article
    analysis: Analysis
    vectors: np.ndarray  # one row per sentence of the analysis
    duplicate_of: int | None = None
    # Who speaks: the outlet, or the article itself when the whole story comes from one outlet
    # (two articles of one site can still disagree).
    voice: str = ""

    @property
    def outlet(self) -> str:
        """Who independently says what this article says: a wire copy speaks for its agency (the
        outlets that run one Reuters story are one source), an article of unknown outlet for
        itself."""
        return self.voice or self.article.agency or self.article.outlet or f"article {self.article_id}"

    @property
    def unknown_outlet(self) -> bool:
        return not (self.voice or self.article.agency or self.article.outlet)

    def citation(self, index: int) -> Citation:
        s = self.analysis.sentences[index]
        return Citation(self.article_id, self.article.outlet, self.article.title, index, s.start, s.end)


_ENDS_LIKE_A_SENTENCE = re.compile(r"[.!…\"”’')\]]$")
_STARTS_LIKE_A_SENTENCE = re.compile(r"^[\"“‘'(]?[A-Z0-9À-Ý]")
# Lines that point elsewhere rather than tell: "Scroll down for video", "Click here to ...".
_POINTER = re.compile(
    r"^(scroll down|click here|read more|watch|see (also|more)|photos?:|video:|pictured|above:|below:|"
    r"related:|follow us|sign up)",
    re.IGNORECASE,
)


def eligible(sentence: Sentence, config: SummaryConfig) -> bool:
    """Can this sentence stand alone in a summary?"""
    text = sentence.text.strip()
    words = len(text.split())
    if sentence.kind not in (BlockKind.PARAGRAPH, BlockKind.QUOTE):
        return False
    if not config.min_words <= words <= config.max_words:
        return False
    if text.endswith("?") or _POINTER.match(text) or classify_line(text) is not None:
        return False
    # A caption fragment or a clipped line neither starts nor ends like a sentence; a long line that
    # only lacks its full stop is a standfirst, which news writes as a summary of its own.
    ends = bool(_ENDS_LIKE_A_SENTENCE.search(text)) or words >= config.standfirst_words
    return ends and bool(_STARTS_LIKE_A_SENTENCE.match(text))
