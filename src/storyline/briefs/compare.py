"""Where sources disagree on a person's title.

Titles come from the entity stage (``Entity.titles``). Two titles conflict when their role differs
("minister" vs "president") or their qualifiers do ("Foreign Minister" vs "former deputy foreign
minister"); nationality and possessives are not a difference ("Portuguese Foreign Minister" and
"Foreign Minister" agree). Figures that disagree are the facts layer's (facts/build.py, read by
nlp/quantities.py).

The words titles are read with (roles, qualifiers, synonyms...) are each language's data
(lang/<code>/title-*.txt, which :class:`_Words` names).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from storyline.lang import ENGLISH, Language


@dataclass(frozen=True, slots=True)
class _Words:
    """One language's words for titles (lang/<code>/title-*.txt), read once per language."""

    qualifiers: frozenset[str]  # title-qualifiers.txt
    generic: frozenset[str]  # title-generic-roles.txt
    synonyms: tuple[tuple[str, str], ...]  # title-synonyms.txt, in order
    ignored_title_words: frozenset[str]  # title-ignored-words.txt
    title_roles: frozenset[str]  # title-role-words.txt


@cache
def _words(lang: Language) -> _Words:
    synonyms = tuple(
        (key, value) for key, _, value in (line.partition(" = ") for line in lang.lines("title-synonyms"))
    )
    return _Words(
        qualifiers=lang.words("title-qualifiers"),
        generic=lang.words("title-generic-roles"),
        synonyms=synonyms,
        ignored_title_words=lang.words("title-ignored-words"),
        title_roles=lang.words("title-role-words"),
    )


def title_conflict(a: str, b: str, lang: Language = ENGLISH) -> bool:
    """Do two titles for one person disagree (a different office, or a different rank of it)?

    Titles are compared as whole words with synonyms made equal ("chief executive" = "CEO"); roles
    one person may hold together ("founder", "captain", "adviser") never conflict.
    """
    words = _words(lang)
    wa, wb = _title_words(a, words), _title_words(b, words)
    if not wa or not wb:
        return False
    if (len(wa) == 1 and wa[0] == wb[-1]) or (len(wb) == 1 and wb[0] == wa[-1]):
        return False  # "the minister" is a short reference, not another title
    if wa[-1] in words.generic or wb[-1] in words.generic:
        return False  # "senior diplomat" describes a foreign minister, it does not contradict one
    if wa[-1] != wb[-1]:
        return True
    return {w for w in wa if w in words.qualifiers} != {w for w in wb if w in words.qualifiers}


def _title_words(title: str, words: _Words) -> list[str]:
    text = re.sub(r"(’s|'s)\b", "", title)
    # Nationality and country adjectives ("Portuguese", "Iran") say where, not what: they start
    # with a capital in the source and are not role words.
    capitals = {w.lower() for w in re.findall(r"\b[A-Z][a-z]+\b", text)}
    lowered = " " + " ".join(re.findall(r"[a-z]+", text.lower())) + " "
    for phrase, same in words.synonyms:
        lowered = lowered.replace(f" {phrase} ", f" {same} ")
    return [
        w
        for w in lowered.split()
        if w not in words.ignored_title_words and (w not in capitals or w in words.title_roles)
    ]
