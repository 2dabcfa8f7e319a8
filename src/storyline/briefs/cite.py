"""Citations of a brief sentence: each source cited once, a copy named beside its original.

A reader who sees three citations reads three sources. A syndicated copy (an article grouping found
to copy another, ``duplicate_of``) or a wire story another outlet runs word for word is the same
source again, so when its original is cited too it is not cited as a source of its own: it is kept
apart as ``carried_by`` ("also carried by X"), which is how the story's independent sources are
counted too (``Story.independent_sources``, a fact's voices in facts/build.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from storyline.facts.source import Source
from storyline.model import BriefSentence, Citation

_WORD = re.compile(r"\w+")


def cited_sentence(
    sources: Sequence[Source], index: Mapping[int, int], citations: Sequence[Citation]
) -> BriefSentence:
    """The sentence the first of ``citations`` points to, citing each (article, sentence) once and
    each original once: a copy whose original is also cited, and a sentence an outlet runs word for
    word from the wire agency another cited article speaks for, are listed in ``carried_by``; of
    two copies of one original that is not cited, the first stands for it. The text shown is the
    first kept citation's own sentence."""
    unique = list({(c.article_id, c.sentence): c for c in citations}.values())
    cited = {c.article_id for c in unique}
    kept: list[Citation] = []
    carried: list[Citation] = []
    originals: set[int] = set()  # the originals of the citations kept
    for citation in unique:
        original = _original(sources[index[citation.article_id]], sources, index)
        copy = original != citation.article_id
        if (copy and (original in cited or original in originals)) or any(
            _same_wire_words(sources, index, k, citation) for k in kept
        ):
            carried.append(citation)
        else:
            kept.append(citation)
            originals.add(original)
    first = kept[0] if kept else unique[0]
    sentence = sources[index[first.article_id]].analysis.sentences[first.sentence]
    return BriefSentence(
        sentence.text, tuple(kept), sentence.hedged, sentence.cues, carried_by=tuple(carried)
    )


def _original(source: Source, sources: Sequence[Source], index: Mapping[int, int]) -> int:
    """The article a copy was copied from, following copies of copies to the first one in the
    story (a cycle cannot hold the loop: it stops after as many hops as there are articles)."""
    current = source
    for _ in range(len(sources)):
        parent = current.duplicate_of
        if parent is None or parent not in index:
            break
        current = sources[index[parent]]
    return current.article_id


def _same_wire_words(
    sources: Sequence[Source], index: Mapping[int, int], kept: Citation, other: Citation
) -> bool:
    """Two outlets running one wire agency's sentence word for word: the same voice (the agency
    both speak for, facts/source.py) and the same words. Two articles of one outlet are not
    copies of each other (an update, a follow-up), whatever their words."""
    a, b = sources[index[kept.article_id]], sources[index[other.article_id]]
    if a.article_id == b.article_id or a.outlet != b.outlet or a.article.outlet == b.article.outlet:
        return False
    if not (a.article.agency or b.article.agency):
        return False
    words_a = _WORD.findall(a.analysis.sentences[kept.sentence].text.lower())
    return words_a == _WORD.findall(b.analysis.sentences[other.sentence].text.lower())
