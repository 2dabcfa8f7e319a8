"""Merged words (``themoment``, ``Beyondborders``): a space a scraper dropped, put back.

Split precision first, since a split that damages a correct word is worse than a merge left alone:
only a token no dictionary knows in any language or case, that is no prefix or suffix coinage,
typo, address, handle or name, and that reads as a function word and a common word (see
``_split_token``). On 319k words of clean news (bench/repair.py --clean) that is 2 splits, both real
merges.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache, lru_cache

from storyline.config import RepairConfig
from storyline.lang import ENGLISH, Language
from storyline.text.edits import LOOK, Edit, zipf


@dataclass(frozen=True, slots=True)
class _Words:
    """A language's word lists for merged words (lang/<code>/merged-*.txt; see each file's reasons)."""

    function: frozenset[str]  # merged-function-words: one half of a split is one of these
    openers: frozenset[str]  # merged-sentence-openers: may head a capitalised merge (Beyondborders)
    determiners: frozenset[str]  # merged-determiners: may follow an opener (Beyondthe)
    prefixes: tuple[str, ...]  # merged-compound-prefixes: closed compounds, never split
    suffixes: tuple[str, ...]  # merged-compound-suffixes: coinages, never split
    refused_heads: frozenset[str]  # merged-refused-heads: never head a pair of function words


@cache
def _words(lang: Language) -> _Words:
    return _Words(
        function=lang.words("merged-function-words"),
        openers=lang.words("merged-sentence-openers"),
        determiners=lang.words("merged-determiners"),
        prefixes=lang.lines("merged-compound-prefixes"),
        suffixes=lang.lines("merged-compound-suffixes"),
        refused_heads=lang.words("merged-refused-heads"),
    )


_TOKEN = re.compile(r"(?<![\w’'-])[A-Za-z]+(?![\w’'-])")
# Whitespace-delimited chunks that are addresses, not prose: URLs, e-mail addresses, handles,
# hashtags, paths and domain names (bbc.co.uk). Nothing inside them is split.
_PROTECTED = re.compile(r"\S*(?:[@#/\\]|://|www\.|[A-Za-z0-9]\.[A-Za-z]{2})\S*")


def split_merged(text: str, config: RepairConfig, lang: Language = ENGLISH) -> list[Edit]:
    """Split ``thevote`` and ``Beyondborders``: tokens no dictionary knows, made of two common words
    (the function words and the rest are ``lang``'s word lists)."""
    protected = [m.span() for m in _PROTECTED.finditer(text)]
    protected_starts = [start for start, _ in protected]
    edits: list[Edit] = []
    for match in _TOKEN.finditer(text):
        token = match.group()
        if len(token) < 4:
            continue
        inside = bisect.bisect_right(protected_starts, match.start()) - 1
        if inside >= 0 and match.start() < protected[inside][1]:
            continue
        if _in_spaced_address(text, match.start(), match.end()):
            continue
        split = _split_token(token, config, _sentence_start(text, match.start()), lang)
        if split:
            edits.append(Edit("merged-words", match.start(), token, split))
    return edits


_ADDRESS_MARKS = frozenset("/\\=&@#_|")
_DOMAIN_AFTER = re.compile(r"\. ?[a-z]{2,6}\b")


def _in_spaced_address(text: str, start: int, end: int) -> bool:
    """A token inside an address whose punctuation was spaced out by a tokeniser (ECB+ writes
    ``http: / / www. theverge. com / news``): beside a slash, ``=``, ``&``..., before a dot and a
    lowercase domain part, or after ``www.``."""
    before = text[max(0, start - LOOK) : start].rstrip(" ")
    after = text[end : end + LOOK].lstrip(" ")
    if (before and before[-1] in _ADDRESS_MARKS) or (after and after[0] in _ADDRESS_MARKS):
        return True
    if _DOMAIN_AFTER.match(text, end):
        return True
    return before.lower().endswith("www.")


def _known(word: str, config: RepairConfig) -> bool:
    """Known to wordfreq at any frequency in any of the configured languages (case-folded)."""
    return any(zipf(word, lang) > 0 for lang in config.known_languages)


def _sentence_start(text: str, index: int) -> bool:
    head = text[max(0, index - 8) : index].rstrip(" \"“‘'(")
    return not head or head[-1] in ".!?:\n"


@lru_cache(maxsize=65536)
def _split_token(token: str, config: RepairConfig, at_sentence_start: bool, lang: Language) -> str | None:
    if len(token) < 4 or any(c.isupper() for c in token[1:]):
        return None  # CNN, McDonald, iPhone: capitals inside a token are never a merge
    capitalised = token[0].isupper()
    if capitalised and not at_sentence_start:
        return None  # a capitalised word inside a sentence is a name we may not know (Sportsmail)
    lowered = token.lower()
    words = _words(lang)
    cut = _function_pair(lowered, config, words)
    if cut and not capitalised:
        return f"{token[:cut]} {token[cut:]}"  # tothe, withthe
    # Beyondthe: an opener and a determiner (ruled out below seven letters: For+an).
    long_enough = len(token) >= config.min_merged_length
    if cut and long_enough and lowered[:cut] in words.openers and lowered[cut:] in words.determiners:
        return f"{token[:cut]} {token[cut:]}"
    if len(token) < config.min_merged_length:
        return None
    if _known(lowered, config) or _is_compound(lowered, config, words) or _is_typo(lowered, config):
        return None
    cuts: list[int] = []
    for cut in range(2, len(lowered) - 1):
        left, right = lowered[:cut], lowered[cut:]
        # Two content words run together are nearly always a closed compound the lists lack
        # (photosharing, steamfields, longrunning, funnybooks: 10-12 letters), not a lost space;
        # only a long token of two very common words (Governmentofficials) is split.
        content = (
            len(lowered) >= config.content_merge_min_length
            and left not in words.function
            and right not in words.function
            and min(zipf(left), zipf(right)) >= config.content_part_zipf
        )
        if capitalised:
            # "Beyond borders": an opener followed by a common content word.
            opener = left in words.openers and right not in words.function and zipf(right) >= config.part_zipf
            fits = opener or content
        else:
            # One half a function word: themoment, whichkilled, officialssaid.
            functional = left in words.function or right in words.function
            fits = (functional and min(zipf(left), zipf(right)) >= config.part_zipf) or content
        if fits and zipf(f"{left} {right}") >= max(zipf(lowered), 0.0) + config.split_margin_zipf:
            cuts.append(cut)
    if len(cuts) != 1:
        return None  # no reading, or two readings: we cannot be sure which
    return f"{token[: cuts[0]]} {token[cuts[0] :]}"


def _is_compound(word: str, config: RepairConfig, words: _Words) -> bool:
    """A known word with a word-forming prefix or ending (superphone, blogland, watchpoints)."""
    for prefix in words.prefixes:
        rest = word[len(prefix) :]
        if word.startswith(prefix) and len(rest) >= 3 and rest not in words.function and _known(rest, config):
            return True
    for suffix in words.suffixes:
        stem = word[: -len(suffix)]
        if word.endswith(suffix) and len(stem) >= 3 and stem not in words.function and _known(stem, config):
            return True
    return False


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@lru_cache(maxsize=65536)
def _is_typo(word: str, config: RepairConfig) -> bool:
    """One slip (a letter added, dropped, changed or two swapped) away from a common word."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    candidates = {a + b[1:] for a, b in splits if b}
    candidates |= {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    candidates |= {a + c + b[1:] for a, b in splits if b for c in _LETTERS}
    candidates |= {a + c + b for a, b in splits for c in _LETTERS}
    candidates.discard(word)
    return any(zipf(candidate) >= config.typo_zipf for candidate in candidates)


def _function_pair(lowered: str, config: RepairConfig, words: _Words) -> int | None:
    """Where ``tothe``, ``withthe`` or ``beyondthe`` splits into two function words: only when the
    token is rare in every language (wordfreq knows these scraping accidents as typos, tothe at
    Zipf 2.2, inan at 2.0; into, onto, anon and whereby are common and stay, and so does isto,
    Portuguese for "this")."""
    if any(zipf(lowered, lang) >= config.short_unknown_zipf for lang in config.known_languages):
        return None
    cuts = [
        cut
        for cut in range(2, len(lowered))
        if lowered[:cut] in words.function
        and lowered[cut:] in words.function
        # where + a preposition makes old words (whereof, whereto, wherewith), not merges
        and lowered[:cut] not in words.refused_heads
    ]
    return cuts[0] if len(cuts) == 1 else None
