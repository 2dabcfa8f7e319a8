"""Site furniture out of the text: prompts, previous/next links and the unrelated headlines after
them, related lists and video playlists, share, comment, cookie and subscription notices, links to
other articles set inside the text ("... as it happened Read more"), stock tickers, any short line
the same outlet repeats across its pages, and any line one page repeats (a notice printed four
times). Every removed line stays on the article with its reason."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
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
_PLAYLIST_REASON = "video playlist"
_LABEL_WITH_CONTENT = re.compile(r"[:|»›>]\s*\w")
# A sentence the page prints this many times is its template (a paywall notice under every
# section). Not a question or a table row: an interview asks each guest the same questions, a table
# repeats its header; nor a short label, left to the named kinds ("Advertisement"), or to content
# ("Exclusive recipe" heading each guest's part).
_PAGE_REPEATS = 3
_REPEAT_MIN_WORDS = 8
# A video's running time alone on a line ("2:15"), as players list them.
_DURATION = re.compile(r"^\s*\d{1,2}:\d{2}(?::\d{2})?\s*$")
# A stock ticker: prices and changes ("+1.2%", "▼ 0.36%", "27,934.02") outnumber the words, which
# are index names or symbols (AAPL, Dow, S&P).
_PRICE = re.compile(r"^[(]?[+\-−▲▼]?[$€£¥]?\d[\d,]*(?:\.\d+)?%?[)]?$")
_CHANGE = re.compile(r"%|^[(]?[+\-−▲▼]")
_TICKER_MAX_TOKENS = 24
_LINK_ROW_MAX_WORDS = 24


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
    times = Counter(normalize_line(b.text) for b in blocks)
    for index, block in enumerate(blocks):
        text = block.text
        words = len(text.split())
        reason = classify_line(text, config.max_words, lang) or _in_page(block, lang)
        key = normalize_line(text)
        if reason is None and times[key] >= _PAGE_REPEATS and _notice_like(text):
            reason = f"repeated {times[key]} times in this page"
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


def _in_page(block: Block, lang: Language) -> str | None:
    """Furniture known by its shape in the page rather than its words: a link to another article
    set in the text, a video's running time, a stock ticker."""
    text = block.text.strip()
    if _DURATION.match(text):
        return _PLAYLIST_REASON
    key = normalize_line(text)
    words = key.split()
    for ending in lang.lines("link-row-endings"):
        head = key.removesuffix(" " + ending)
        # The other article's headline before the ending: a few words, not a sentence of this one.
        if head != key and len(words) <= _LINK_ROW_MAX_WORDS and not _ends_sentence(text, ending):
            return "link to another article"
    return "stock ticker" if _is_ticker(text) else None


def _notice_like(text: str) -> bool:
    """A line that can be a notice the page repeats: a sentence of some length, not a question or
    a table row."""
    return len(text.split()) >= _REPEAT_MIN_WORDS and "?" not in text and "|" not in text


def _ends_sentence(text: str, ending: str) -> bool:
    """Whether the words before ``ending`` close a sentence ("... said on Monday. Read more" is the
    article's own sentence followed by a link label, kept for the named kinds to judge)."""
    cut = re.split(r"\s+", text.rstrip(" .›»>"))
    before = " ".join(cut[: max(0, len(cut) - len(ending.split()))]).rstrip(" –—-:|")
    return before.endswith((".", "!", "?", '"', "”"))


def _is_ticker(text: str) -> bool:
    tokens = text.split()
    if not 2 <= len(tokens) <= _TICKER_MAX_TOKENS:
        return False
    prices = [t for t in tokens if _PRICE.match(t)]
    names = [t for t in tokens if not _PRICE.match(t) and re.search(r"[^\W\d_]", t)]
    return (
        len(prices) >= 2
        and any(_CHANGE.search(t) for t in prices)
        and len(prices) >= len(names)
        and all(n[0].isupper() for n in names)
    )


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
    if reason in (_RELATED_REASON, _PLAYLIST_REASON):
        return not _LABEL_WITH_CONTENT.search(text)
    return reason == "read-more link" and normalize_line(text) in lang.words("furniture-list-openers")
