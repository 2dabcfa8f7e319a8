"""Where sources disagree: the titles they give one person, and the numbers they give one thing.

Titles come from the entity stage (``Entity.titles``). Two titles conflict when their role differs
("minister" vs "president") or their qualifiers do ("Foreign Minister" vs "former deputy foreign
minister"); nationality and possessives are not a difference ("Portuguese Foreign Minister" and
"Foreign Minister" agree).

Numbers are read with a small grammar written here (no library reads "more than four hours" or
"killing at least 12" into a quantity and what it counts): an optional approximation, a number in
digits or words, an optional scale, and the noun it counts, or a death cue before it ("toll rose
to 14"). Two values of the same noun conflict when they differ and their sentences are about the
same thing (embedding cosine).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

_QUALIFIERS = {
    "former",
    "deputy",
    "acting",
    "vice",
    "ex",
    "interim",
    "assistant",
    "junior",
    "outgoing",
    "incoming",
    "designate",
    "elect",
}
# Descriptions that fit many roles: they never contradict a specific title.
_GENERIC = {"diplomat", "official", "politician", "leader", "figure", "envoy", "representative", "counterpart", "aide", "negotiator"}  # fmt: skip
_IGNORED_TITLE_WORDS = {"the", "a", "an", "of", "s", "’s", "'s"}
_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
}  # fmt: skip
_SCALES = {"thousand": 1e3, "million": 1e6, "m": 1e6, "bn": 1e9, "billion": 1e9}
_APPROX = r"(?:at least|at most|more than|less than|fewer than|nearly|almost|about|around|roughly|some|over|under|up to|just over|just under|approximately)"
_NUMBER = (
    r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
)
_QUANTITY = re.compile(
    rf"(?P<approx>{_APPROX}\s+)?(?P<number>{_NUMBER})(?:\s*(?P<scale>thousand|million|billion|bn|m)\b)?"
    rf"(?:\s+(?P<unit>[a-z][a-z-]+))?",
    re.IGNORECASE,
)
_DEATH_CUE = re.compile(
    r"\b(death toll|toll|killed|killing|dead|deaths|died|lives)\b[^.;]{0,90}$", re.IGNORECASE
)
# Nouns that count nothing a reader would compare across sources.
_UNITS_IGNORED = {
    "per", "percent", "of", "and", "or", "to", "in", "on", "at", "the", "a", "an", "years", "year",
    "time", "times", "am", "pm", "was", "were", "is", "are", "has", "have", "had", "with", "by", "for",
}  # fmt: skip
# Counted people are the dead only when a death cue says so ("killing at least 12 people").
_UNIT_ALIASES = {"dead": "deaths", "victims": "deaths"}
_PEOPLE = {"people", "persons"}


def title_conflict(a: str, b: str) -> bool:
    """Do two titles for one person disagree (a different role, or a different rank of it)?"""
    wa, wb = _title_words(a), _title_words(b)
    if not wa or not wb:
        return False
    if (len(wa) == 1 and wa[0] == wb[-1]) or (len(wb) == 1 and wb[0] == wa[-1]):
        return False  # "the minister" is a short reference, not another title
    if wa[-1] in _GENERIC or wb[-1] in _GENERIC:
        return False  # "senior diplomat" describes a foreign minister, it does not contradict one
    if wa[-1] != wb[-1]:
        return True
    return {w for w in wa if w in _QUALIFIERS} != {w for w in wb if w in _QUALIFIERS}


def _title_words(title: str) -> list[str]:
    words = re.findall(r"[a-z]+", title.lower().replace("’s", "").replace("'s", ""))
    # Nationality and country adjectives ("Portuguese", "Iran") say where, not what: they start
    # with a capital in the source and are not role words.
    capitals = {w.lower() for w in re.findall(r"\b[A-Z][a-z]+\b", title)}
    roles = {"minister", "president", "secretary", "governor", "chief", "director", "mayor", "leader", "ambassador", "spokesman", "spokeswoman", "spokesperson", "chairman", "chairwoman", "chair", "commissioner", "premier", "chancellor", "general", "officer", "head", "foreign", "defence", "defense", "finance", "prime", "interior", "deputy", "former", "acting", "vice"}  # fmt: skip
    return [w for w in words if w not in _IGNORED_TITLE_WORDS and (w not in capitals or w in roles)]


@dataclass(frozen=True, slots=True)
class Quantity:
    text: str  # as written: "more than four hours"
    value: float
    unit: str


def quantities(sentence: str) -> list[Quantity]:
    """The counted quantities a sentence states."""
    found = []
    for match in _QUANTITY.finditer(sentence):
        number = match.group("number").lower()
        if re.fullmatch(r"(19|20)\d\d", number) and not match.group("unit"):
            continue  # a year
        if number in _NUMBER_WORDS:
            value = float(_NUMBER_WORDS[number])
        else:
            try:
                value = float(number.replace(",", ""))
            except ValueError:
                continue
        scale = (match.group("scale") or "").lower()
        value *= _SCALES.get(scale, 1)
        written = match.group("unit") or ""
        if written[:1].isupper():
            continue  # "60,000 Brazilians": a group of people named, not a count to compare
        unit = written.lower()
        # "killing at least 12 people", "the toll rose to 14": a count of the dead, unless the
        # number counts something else it names ("... to 14, with 60 homes destroyed").
        countable = not unit or unit in _UNIT_ALIASES or unit in _PEOPLE or unit in _UNITS_IGNORED
        if countable and _DEATH_CUE.search(sentence[: match.start()]):
            unit = "deaths"
        unit = _UNIT_ALIASES.get(unit, unit)
        if unit in _UNITS_IGNORED or unit in _SCALES:
            unit = ""
        if not unit and not scale:
            continue
        unit = unit[:-1] if unit.endswith("s") and not unit.endswith("ss") else unit
        text = match.group(0).strip()
        if (written and not unit.startswith(written.lower()[:4]) and unit != "deaths") or (
            written and unit == "deaths" and written.lower() not in _PEOPLE | set(_UNIT_ALIASES)
        ):
            text = text[: -len(written)].strip()
        found.append(Quantity(text, value, unit))
    return found


@dataclass(frozen=True, slots=True)
class NumberClash:
    unit: str
    # (quantity text, article index, sentence index) for each distinct value
    sides: tuple[tuple[str, int, int], ...]


def number_clashes(
    sentences: Sequence[tuple[int, int, str]],
    vectors: np.ndarray | None,
    outlet_of: Sequence[str],
    same_thing: float = 0.3,
) -> list[NumberClash]:
    """Values of one counted thing that differ between outlets, in sentences about the same thing.

    ``sentences`` are (article index, sentence index, text); ``vectors`` their embeddings, row by row;
    ``outlet_of`` the outlet of each article index.
    """
    by_unit: dict[str, list[tuple[Quantity, int]]] = {}
    bare: list[tuple[Quantity, int]] = []
    for row, (_, _, text) in enumerate(sentences):
        for quantity in quantities(text):
            if quantity.unit:
                by_unit.setdefault(quantity.unit, []).append((quantity, row))
            else:
                bare.append((quantity, row))
    # "at nearly 2.8 million, up from 2.4 million": a scaled number with no noun counts what its
    # sentence names and other sentences count ("customers").
    for quantity, row in bare:
        words = set(re.findall(r"[a-z]+", sentences[row][2].lower()))
        for unit in by_unit:
            if unit in words or unit + "s" in words:
                by_unit[unit].append((Quantity(quantity.text, quantity.value, unit), row))
                break
    clashes = []
    for unit, found in by_unit.items():
        seen: dict[float, tuple[Quantity, int]] = {}
        for quantity, row in found:
            seen.setdefault(quantity.value, (quantity, row))
        if len(seen) < 2:
            continue
        values = sorted(seen)
        # The pair of differing values whose sentences are the most alike, from two outlets.
        best: tuple[float, int, int] | None = None
        for i, first in enumerate(values):
            for second in values[i + 1 :]:
                # Numbers far apart count different things (31 clinics, 30,000 clinics): a source
                # disagreeing on a figure is off by a fraction of it, not by an order of magnitude.
                if first <= 0 or second / first >= 2:
                    continue
                for _qa, ra in (x for x in found if x[0].value == first):
                    for _qb, rb in (x for x in found if x[0].value == second):
                        if outlet_of[sentences[ra][0]] == outlet_of[sentences[rb][0]]:
                            continue
                        similarity = float(vectors[ra] @ vectors[rb]) if vectors is not None else 1.0
                        if similarity >= same_thing and (best is None or similarity > best[0]):
                            best = (similarity, ra, rb)
        if best is None:
            continue
        _, ra, rb = best
        qa = next(q for q, r in found if r == ra and q.unit == unit)
        qb = next(q for q, r in found if r == rb and q.unit == unit)
        clashes.append(
            NumberClash(
                unit,
                (
                    (qa.text, sentences[ra][0], sentences[ra][1]),
                    (qb.text, sentences[rb][0], sentences[rb][1]),
                ),
            )
        )
    return clashes
