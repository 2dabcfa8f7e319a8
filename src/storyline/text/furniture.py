"""Site furniture out of the text: prompts, previous/next links and the unrelated headlines after
them, related lists, share, comment, cookie and subscription notices, and any short line the
same outlet repeats across its pages. Every removed line stays on the article with its reason."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from storyline.config import FurnitureConfig
from storyline.lang import Language, language
from storyline.lines import classify_line, line_key, normalize_line
from storyline.model import Article, Block, BlockKind, Removal

STAGE = "furniture"
_LINK_REASON = "previous/next link"
# A bare list label ("You may also like:", "DON'T MISS", "Read more": lang/<code>/
# furniture-list-openers.txt) heads a list of headlines; a labelled pointer ("Related: Pickled
# Brussels Sprouts Recipe") is one link, and what follows it is the article again, as it is after
# "Continue reading" (often just before a subheading).
_RELATED_REASON = "related-stories list"
_LABEL_WITH_CONTENT = re.compile(r"[:|»›>]\s*\w")


@dataclass(frozen=True, slots=True)
class OutletEvidence:
    """How many distinct pages of one outlet carry each short line (by :func:`line_key`)."""

    outlet: str | None = None
    counts: Mapping[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "counts", MappingProxyType(dict(self.counts)))


def candidate_lines(article: Article, config: FurnitureConfig) -> set[str]:
    """Keys of the short lines of ``article`` that count as evidence of an outlet's template."""
    limit = config.max_words * 2
    return {line_key(block.text) for block in article.blocks if len(block.text.split()) <= limit}


def remove_furniture(
    article: Article, config: FurnitureConfig, evidence: OutletEvidence | None = None
) -> Article:
    """Drop furniture blocks from ``article``; each one is recorded as a :class:`Removal`."""
    counts = evidence.counts if evidence else {}
    lang = language(article.language)
    kept: list[Block] = []
    removed: list[Removal] = []
    after_link = False
    in_related = False
    blocks = article.blocks
    for index, block in enumerate(blocks):
        text = block.text
        words = len(text.split())
        reason = classify_line(text, config.max_words, lang)
        if reason is None and words <= config.max_words * 2:
            seen = counts.get(line_key(text), 0)
            if seen >= config.repeat_threshold:
                reason = f"repeated on {seen} pages of {evidence.outlet if evidence else 'this outlet'}"
        if reason is None and after_link and _headline_like(block):
            reason = "unrelated headline after a previous/next link"
        if reason is None and in_related and _headline_like(block):
            reason = "headline in a related-stories list"
        if reason is None and _trailing_link_run(blocks, index, config, lang):
            reason = "unrelated headline after a previous/next link"
        if reason is None:
            kept.append(block)
            after_link = in_related = False
            continue
        removed.append(Removal(text, reason, STAGE))
        after_link = reason == _LINK_REASON or (after_link and reason.startswith("unrelated headline"))
        in_related = _opens_list(text, reason, lang) or (in_related and reason.startswith("headline in"))
    return dataclasses.replace(article, blocks=tuple(kept), removed=article.removed + tuple(removed))


def _headline_like(block: Block, *, in_context: bool = True) -> bool:
    """A short line that reads as a headline: a few words, no final full stop.

    Right after a previous/next link or inside a related list that is enough (headlines are often in
    sentence case); elsewhere the line must also look like a title (a heading, or Title Case).
    """
    text = block.text
    words = text.split()
    if not 2 <= len(words) <= 20 or text.endswith((".", ":", ";")):
        return False
    if in_context:
        return True
    return block.kind in (BlockKind.HEADING, BlockKind.LIST_ITEM) or sum(w[:1].isupper() for w in words) >= 2


def _trailing_link_run(
    blocks: tuple[Block, ...], index: int, config: FurnitureConfig, lang: Language
) -> bool:
    """A headline line just before a "Next Article" link at the very end is furniture too."""
    if (
        not config.drop_headline_after_link
        or index + 1 >= len(blocks)
        or not _headline_like(blocks[index], in_context=False)
    ):
        return False
    rest = blocks[index + 1 :]
    return all(
        classify_line(b.text, lang=lang) == _LINK_REASON or _headline_like(b, in_context=False) for b in rest
    ) and any(classify_line(b.text, lang=lang) == _LINK_REASON for b in rest)


def _opens_list(text: str, reason: str, lang: Language) -> bool:
    """Whether a furniture line heads a list of unrelated headlines (it names no story itself)."""
    if reason == _RELATED_REASON:
        return not _LABEL_WITH_CONTENT.search(text)
    return reason == "read-more link" and normalize_line(text) in lang.words("furniture-list-openers")
