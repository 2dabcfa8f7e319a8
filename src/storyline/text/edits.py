"""Edits and their bookkeeping, shared by every repair pass (text/mojibake.py, text/merged_words.py,
the whitespace passes in text/repair.py).

A pass returns :class:`Edit` records positioned in its input; :func:`apply_edits` applies them and
moves the edits of earlier passes so that every recorded edit stays positioned in the final text.
"""

from __future__ import annotations

import bisect
import dataclasses
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class Edit:
    """One change inside a string: ``before`` at ``start`` became ``after``."""

    kind: str
    start: int
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class TextRepair:
    """A repaired string and the edits, positioned in the repaired string."""

    text: str
    edits: tuple[Edit, ...]


# How far back or ahead a pass reads around a mark for its context: enough for a sentence end
# behind spaces and quotes, bounded so that long texts stay linear.
LOOK = 64


@lru_cache(maxsize=262144)
def zipf(word: str, lang: str = "en") -> float:
    """wordfreq's Zipf frequency of ``word`` in ``lang`` (cached: the passes ask again and again)."""
    from wordfreq import zipf_frequency

    return float(zipf_frequency(word, lang))


def apply_edits(text: str, edits: list[Edit], done: list[Edit]) -> tuple[str, list[Edit]]:
    """Apply non-overlapping ``edits`` (input positions); shift earlier edits and place new ones.

    ``done`` (the earlier edits, their ``after`` positioned in ``text``) is sorted and never
    overlaps itself. A new edit that changes text an earlier pass wrote (ftfy reading a restored
    ``•`` as part of a longer sequence) absorbs that earlier edit: the two become one edit from the
    earlier ``before`` to the new ``after``, so every recorded edit still names text that is there.
    """
    edits, absorbed = _absorb(text, sorted(edits, key=lambda e: e.start), done)
    pieces: list[str] = []
    cursor = 0
    shift = 0
    placed: list[Edit] = []
    ends: list[int] = []  # input end of each new edit...
    shifts: list[int] = []  # ...and the cumulative shift after it
    for edit in edits:
        pieces.append(text[cursor : edit.start])
        pieces.append(edit.after)
        placed.append(dataclasses.replace(edit, start=edit.start + shift))
        cursor = edit.start + len(edit.before)
        shift += len(edit.after) - len(edit.before)
        ends.append(cursor)
        shifts.append(shift)
    pieces.append(text[cursor:])

    def moved(position: int) -> int:
        before = bisect.bisect_right(ends, position)
        return position + (shifts[before - 1] if before else 0)

    shifted = [dataclasses.replace(e, start=moved(e.start)) for e in done if id(e) not in absorbed]
    return "".join(pieces), sorted(shifted + placed, key=lambda e: e.start)


def _span_overlap(a_lo: int, a_hi: int, b_lo: int, b_hi: int) -> bool:
    if a_lo == a_hi:
        return b_lo < a_lo < b_hi
    if b_lo == b_hi:
        return a_lo < b_lo < a_hi
    return a_lo < b_hi and b_lo < a_hi


def _overlaps(earlier: Edit, new: Edit) -> bool:
    """An earlier edit (its ``after`` is in the text) overlaps a new one (its ``before`` is)."""
    return _span_overlap(
        earlier.start, earlier.start + len(earlier.after), new.start, new.start + len(new.before)
    )


def _absorb(text: str, edits: list[Edit], done: list[Edit]) -> tuple[list[Edit], set[int]]:
    """New edits, each grown over the earlier edits it overlaps (and over its neighbours then),
    and the ids of the earlier edits absorbed."""
    starts = [e.start for e in done]
    groups: list[tuple[list[Edit], list[Edit]]] = []  # (new edits, earlier edits) per merged span
    for edit in edits:
        olds: list[Edit] = []
        # ``done`` is sorted and disjoint: only edits starting before this one ends can overlap,
        # and walking back from there, none once they end before it starts.
        j = bisect.bisect_right(starts, edit.start + len(edit.before)) - 1
        while j >= 0 and done[j].start + len(done[j].after) >= edit.start:
            if _overlaps(done[j], edit):
                olds.append(done[j])
            j -= 1
        news = [edit]
        if groups and (olds or groups[-1][1]):
            lo, hi = _group_span(*groups[-1])
            shared = {id(o) for o in olds} & {id(o) for o in groups[-1][1]}
            if shared or _span_overlap(lo, hi, *_group_span(news, olds)):
                last_news, last_olds = groups.pop()
                news = last_news + news
                olds = last_olds + [e for e in olds if id(e) not in {id(o) for o in last_olds}]
        groups.append((news, olds))
    result: list[Edit] = []
    absorbed: set[int] = set()
    for news, olds in groups:
        if not olds and len(news) == 1:
            result.append(news[0])
            continue
        absorbed.update(id(o) for o in olds)
        lo, hi = _group_span(news, olds)
        before = after = text[lo:hi]
        for old in sorted(olds, key=lambda e: e.start, reverse=True):
            at = old.start - lo
            before = before[:at] + old.before + before[at + len(old.after) :]
        for new in sorted(news, key=lambda e: e.start, reverse=True):
            at = new.start - lo
            after = after[:at] + new.after + after[at + len(new.before) :]
        result.append(Edit(news[-1].kind, lo, before, after))
    return result, absorbed


def _group_span(news: list[Edit], olds: list[Edit]) -> tuple[int, int]:
    lo = min([e.start for e in news] + [e.start for e in olds])
    hi = max([e.start + len(e.before) for e in news] + [e.start + len(e.after) for e in olds])
    return lo, hi
