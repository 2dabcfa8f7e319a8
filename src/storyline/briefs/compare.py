"""Where sources disagree: the titles they give one person, and the numbers they give one thing.

Titles come from the entity stage (``Entity.titles``). Two titles conflict when their role differs
("minister" vs "president") or their qualifiers do ("Foreign Minister" vs "former deputy foreign
minister"); nationality and possessives are not a difference ("Portuguese Foreign Minister" and
"Foreign Minister" agree).

Numbers are read with a small grammar written here (no library reads "more than four hours" or
"killing at least 12" into a quantity and what it counts): an optional approximation, a number in
digits or words, an optional scale, and the noun it counts, or a death cue before it ("toll rose
to 14"); years, ages, seasons, ranks, model names and numbers ("Galaxy S4") are never read as
counts. Two values of the same noun conflict when no reading of their approximations reconciles
them, their sentences are about the same thing (embedding cosine) and set in the same context (a
common named party, the same times). Where the code cannot be sure, it shows nothing.

The words both read (roles, qualifiers, number words, scales, casualty words, units, stop words...)
are each language's data (lang/<code>/title-*.txt, number-*.txt and the others :class:`_Words`
names); the lengths and slack they are read with are ``BriefConfig.compare``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import cache

import numpy as np

from storyline.config import BriefConfig, CompareConfig
from storyline.lang import ENGLISH, Language


@dataclass(frozen=True, slots=True)
class _Words:
    """One language's words for titles and figures (lang/<code>/title-*.txt, number-*.txt and the
    others named below) and the patterns built from them, once per language."""

    qualifiers: frozenset[str]  # title-qualifiers.txt
    generic: frozenset[str]  # title-generic-roles.txt
    synonyms: tuple[tuple[str, str], ...]  # title-synonyms.txt, in order
    ignored_title_words: frozenset[str]  # title-ignored-words.txt
    title_roles: frozenset[str]  # title-role-words.txt
    number_words: dict[str, int]  # number-words.txt
    scales: dict[str, float]  # number-scales.txt
    # Ranks and numbers that name rather than count: "No. 5", "number 3", "ranked 2", "Flight 447".
    naming: re.Pattern[str]
    # A number after "of its", "of the"... names the whole a part is taken from.
    whole: re.Pattern[str]
    # An optional approximation, a number in digits or words, a scale, and the word after it.
    quantity: re.Pattern[str]
    # The casualty word nearest before a bare count says what it counts.
    casualty_cue: re.Pattern[str]
    clause_break: re.Pattern[str]
    units_ignored: frozenset[str]
    unit_aliases: dict[str, str]
    people: frozenset[str]
    measures: frozenset[str]
    # approximation -> "below" or "around" (number-approximation-ranges.txt)
    ranges: dict[str, str]
    months_days: frozenset[str]
    # The period a figure covers (see _words).
    time: re.Pattern[str]
    stop: frozenset[str]
    negation: re.Pattern[str]
    # Every figure a sentence writes, counted or not: "2", "2 1/2", "2½", "1,500", "3.5", "five".
    figure: re.Pattern[str]


def _pairs(lang: Language, name: str) -> list[tuple[str, str]]:
    """The ``key = value`` lines of a resource, in order."""
    return [(key, value) for key, _, value in (line.partition(" = ") for line in lang.lines(name))]


def _either(words: Iterable[str]) -> str:
    """An alternation of the words as written (escaped), in their order."""
    return "|".join(re.escape(word) for word in words)


@cache
def _words(lang: Language) -> _Words:
    number_words = {word: int(value) for word, value in _pairs(lang, "number-words")}
    scales = {word: float(value) for word, value in _pairs(lang, "number-scales")}
    # Longest number word first, so "sixteen" is never read as "six".
    by_length = sorted(number_words, key=len, reverse=True)
    number = r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|" + "|".join(rf"\b{w}" for w in by_length) + r")"
    naming = [
        re.escape(w[:-1]) + r"\.?" if w.endswith(".") else re.escape(w)
        for w in lang.lines("number-naming-words")
    ]
    whole = "|".join(
        r"\s+".join(map(re.escape, phrase.split())) for phrase in lang.lines("number-whole-phrases")
    )
    months = [line.split()[-1] for line in lang.lines("months")]
    homographs = lang.words("month-homographs")
    periods = [form for line in lang.lines("figure-period-units") for form in line.split()]
    return _Words(
        qualifiers=lang.words("title-qualifiers"),
        generic=lang.words("title-generic-roles"),
        synonyms=tuple(_pairs(lang, "title-synonyms")),
        ignored_title_words=lang.words("title-ignored-words"),
        title_roles=lang.words("title-role-words"),
        number_words=number_words,
        scales=scales,
        naming=re.compile(rf"(\b(?:{'|'.join(naming)})|#|\b[A-Z][a-z]+)\s*$"),
        whole=re.compile(rf"\b(?:{whole})\s*$", re.IGNORECASE),
        # A number stands alone: not part of a model name ("Galaxy S4", "4G"), a season or score
        # ("2013-14", "3-1"), an age ("33-year-old"), an ordinal ("5th"), a time ("10:30") or a code.
        quantity=re.compile(
            rf"(?P<approx>(?:{_either(lang.lines('number-approximations'))})\s+)?(?<![\w.,:/#-])(?P<number>{number})"
            rf"(?:\s*(?P<scale>{_either(scales)})\b)?(?![\w-]|[.,:/]\d)"
            rf"(?:\s+(?P<unit>[a-z][a-z-]+))?",
            re.IGNORECASE,
        ),
        casualty_cue=re.compile(
            rf"\b(?:(?P<dead>{_either(lang.lines('casualty-death-words'))})|"
            rf"(?P<hurt>{_either(lang.lines('casualty-injury-words'))}))\b",
            re.IGNORECASE,
        ),
        # The clause a number stands in ends at a full stop, a semicolon or a comma before a connector.
        clause_break=re.compile(rf"[.;]|,\s*(?:{_either(lang.lines('figure-clause-connectors'))})\b"),
        units_ignored=lang.words("number-unit-ignored-words"),
        unit_aliases=dict(_pairs(lang, "number-unit-aliases")),
        people=lang.words("number-people-words"),
        measures=lang.words("number-measures"),
        ranges=dict(_pairs(lang, "number-approximation-ranges")),
        months_days=frozenset([*months, *lang.lines("weekdays")]),
        # The period a figure covers: a year, a month, a span ("in a month", "three years"). The
        # weekday a report gives is when it was counted, not another period: "12 killed on Monday"
        # and "toll rose to 14 on Tuesday" are two counts of one thing.
        time=re.compile(
            rf"\b(?:(?:19|20)\d\d|(?:{_either(m for m in months if m not in homographs)})|"
            rf"(?:{_either(lang.lines('figure-period-counts'))}|\d+)\s+(?:{_either(periods)}))\b",
            re.IGNORECASE,
        ),
        stop=lang.words("figure-context-stop-words"),
        negation=re.compile(
            rf"\b({_either(lang.lines('negation-words'))})\b|(?:{_either(lang.lines('negation-contractions'))})\b",
            re.IGNORECASE,
        ),
        figure=re.compile(
            r"(?<![\w.,:/])(\d+(?:[.,]\d+)*(?:\s*[½¼¾⅓⅔]|\s+\d+/\d+)?|\d+/\d+|[½¼¾⅓⅔])(?![\w/]|[.,]\d)|"
            r"\b(" + "|".join(by_length) + r")\b",
            re.IGNORECASE,
        ),
    )


@cache
def _default_config() -> BriefConfig:
    return BriefConfig()  # frozen: one instance serves every call made without a config


def _plural(word: str, config: CompareConfig) -> bool:
    return (
        len(word) >= config.plural_min_letters
        and word.endswith("s")
        and not re.search(r"(ss|us|is|ous)$", word)
    )


def _casualty(before: str, words: _Words, config: CompareConfig) -> str:
    """ "deaths" or "injured" when a casualty word comes shortly before (same clause), else ""."""
    # The clause the number stands in: "toll rose to 14, with five people missing" counts no dead five.
    window = words.clause_break.split(before[-config.casualty_window :])[-1]
    found = list(words.casualty_cue.finditer(window))
    last = found[-1] if found else None
    if last is None:
        return ""
    return "deaths" if last.group("dead") else "injured"


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


def singular(noun: str, config: BriefConfig | None = None) -> str:
    """The singular of a plural noun, by the regular rules only ("countries" -> "country",
    "losses" -> "loss", "buses" -> "bus"); anything else is left as written."""
    if noun.endswith("ies") and len(noun) >= (config or _default_config()).compare.singular_ies_min_letters:
        return noun[:-3] + "y"
    if re.search(r"(ss|ch|sh|x|z)es$", noun):
        return noun[:-2]
    if noun.endswith("s") and not re.search(r"(ss|us|is|ous)$", noun):
        return noun[:-1]
    return noun


@dataclass(frozen=True, slots=True)
class Quantity:
    text: str  # as written: "more than four hours"
    value: float
    unit: str  # what it counts, singular ("country"), or "" when the number names no noun
    label: str = ""  # what it counts, as written ("countries")
    low: float = 0.0  # the bounds an approximation allows ("at least 12": 12 to infinity)
    high: float = 0.0


def quantities(sentence: str, config: BriefConfig | None = None, lang: Language = ENGLISH) -> list[Quantity]:
    """The counted quantities a sentence states (never years, ages, seasons, ranks, model numbers)."""
    config = config or _default_config()
    tuning = config.compare
    words = _words(lang)
    found = []
    for match in words.quantity.finditer(sentence):
        number = match.group("number").lower()
        before = sentence[: match.start("number")]
        if before.rstrip().endswith("(") and re.search(r"\d", before[-tuning.conversion_window : -1]):
            continue  # "50 km (30 miles)": a conversion of the figure before it, not another figure
        if words.naming.search(before) and not match.group("approx"):
            continue  # "No. 5", "Flight 447", "Galaxy 4"
        if words.whole.search(before):
            continue  # "two of its five members": the whole a part is taken from, not a count of the part
        if re.fullmatch(r"1[89]\d\d|20\d\d", number):
            continue  # a year, even before a noun ("the 2013 season")
        if number in words.number_words:
            value = float(words.number_words[number])
        else:
            try:
                value = float(number.replace(",", ""))
            except ValueError:
                continue
        scale = (match.group("scale") or "").lower()
        value *= words.scales.get(scale, 1)
        written = match.group("unit") or ""
        if written[:1].isupper():
            continue  # "60,000 Brazilians": a group of people named, not a count to compare
        unit = written.lower()
        # What a number counts is a plural noun ("12 countries") or a measure ("2.5 km"); a verb
        # or adjective after it ("6.1 struck", "three more") is not.
        if unit in words.units_ignored or not (
            _plural(unit, tuning)
            or unit in words.measures
            or unit in words.unit_aliases
            or unit in words.people
        ):
            unit = ""
        # "killing at least 12 people", "the toll rose to 14": a count of the dead, unless the
        # number counts something else it names ("... to 14, with 60 homes destroyed").
        countable = not unit or unit in words.unit_aliases or unit in words.people
        cue = _casualty(before, words, tuning)
        if countable and cue:
            unit = cue
        unit = words.unit_aliases.get(unit, unit)
        if unit in words.scales:
            unit = ""
        if not unit and not scale:
            continue
        label = unit
        unit = singular(unit, config)
        text = match.group(0).strip()
        if written and label != written.lower():
            text = text[: -len(written)].strip()
        approx = " ".join((match.group("approx") or "").lower().split())
        low, high = _bounds(words.ranges.get(approx), tuning)
        found.append(Quantity(text, value, unit, label, value * low, value * high))
    return found


@dataclass(frozen=True, slots=True)
class NumberClash:
    unit: str
    # (quantity text, article index, sentence index) for each distinct value
    sides: tuple[tuple[str, int, int], ...]


def _bounds(kind: str | None, config: CompareConfig) -> tuple[float, float]:
    """The factors an approximation's kind allows either side of its figure (exact when none)."""
    if kind == "below":
        return 1.0 - config.round_slack, 1.0
    if kind == "around":
        return 1.0 - config.round_slack, 1.0 + config.round_slack
    return 1.0, 1.0


def context(sentence: str, lang: Language = ENGLISH) -> tuple[frozenset[str], frozenset[str]]:
    """What a figure is about beyond its noun: the names its sentence gives (capitalised words past
    the first) and the times it is set in ("in a month", "2013", "last year")."""
    words = _words(lang)
    tokens = re.findall(r"[A-Za-z][\w'’.-]*", sentence)
    names = frozenset(
        t.lower().rstrip(".") for t in tokens[1:] if t[:1].isupper() and t.lower() not in words.months_days
    )
    times = frozenset(" ".join(m.lower().split()) for m in words.time.findall(sentence))
    return names, times


def _content(sentence: str, quantity: Quantity, config: BriefConfig, lang: Language) -> set[str]:
    """Stems of a sentence's content words, the figure's own noun left out."""
    words = _words(lang)
    stem = config.compare.stem_letters
    unit = {quantity.unit[:stem], quantity.label[:stem]}
    # Numbers and what the sentence counts are the figures themselves, not their context.
    counted = {q.label[:stem] for q in quantities(sentence, config, lang)} | unit
    shortest = config.compare.content_min_letters
    return {
        w[:stem]
        for w in re.findall(r"[a-z]+", sentence.lower())
        if w not in words.stop and w not in words.number_words and len(w) >= shortest
    } - counted


def same_context(
    a: str,
    b: str,
    qa: Quantity | None = None,
    qb: Quantity | None = None,
    config: BriefConfig | None = None,
    lang: Language = ENGLISH,
) -> bool:
    """Are two sentences' figures set in the same context? The same period when both give one
    ("11 million in a month" is not "12 million in three months"), and, given the figures, words
    in common besides what they count (at least ``config.figure_context_words``: "injuring five
    people" on the island and "injured two people" on the island count one thing; "three of his
    four touchdowns in that stretch" and "scored six touchdowns on offense" do not)."""
    _, times_a = context(a, lang)
    _, times_b = context(b, lang)
    if times_a and times_b and times_a != times_b:
        return False
    if qa is not None and qb is not None:
        config = config or _default_config()
        needed = config.figure_context_words
        return len(_content(a, qa, config, lang) & _content(b, qb, config, lang)) >= needed
    return True


def _disagree(a: Quantity, b: Quantity) -> bool:
    """Values no reading of their approximations reconciles."""
    return a.value != b.value and (a.high < b.low or b.high < a.low)


def number_clashes(
    sentences: Sequence[tuple[int, int, str]],
    vectors: np.ndarray | None,
    outlet_of: Sequence[str],
    config: BriefConfig | None = None,
    lang: Language = ENGLISH,
) -> list[NumberClash]:
    """Values of one counted thing that differ between outlets, in sentences about the same thing
    (embedding cosine at least ``config.same_figure``) in the same context (see :func:`same_context`).

    ``sentences`` are (article index, sentence index, text); ``vectors`` their embeddings, row by row;
    ``outlet_of`` the outlet of each article index.
    """
    config = config or _default_config()
    by_unit: dict[str, list[tuple[Quantity, int]]] = {}
    bare: list[tuple[Quantity, int]] = []
    for row, (_, _, text) in enumerate(sentences):
        found_here = quantities(text, config, lang)
        for quantity in found_here:
            # A sentence giving two values of one thing compares them ("up from 2.4 million"):
            # neither is its single figure for it.
            if quantity.unit and len({q.value for q in found_here if q.unit == quantity.unit}) > 1:
                continue
            if quantity.unit:
                by_unit.setdefault(quantity.unit, []).append((quantity, row))
            else:
                bare.append((quantity, row))
    # "at nearly 2.8 million": a scaled number with no noun counts what its sentence names and other
    # sentences count ("customers").
    for quantity, row in bare:
        words = set(re.findall(r"[a-z]+", sentences[row][2].lower()))
        for unit, found in by_unit.items():
            if unit in words or found[0][0].label in words:
                by_unit[unit].append((replace(quantity, unit=unit, label=found[0][0].label), row))
                break
    clashes = []
    for unit, found in by_unit.items():
        if len({q.value for q, _ in found}) < 2:
            continue
        # The pair of differing values whose sentences are the most alike, from two outlets.
        best: tuple[float, int, int] | None = None
        for n, (qa, ra) in enumerate(found):
            for qb, rb in found[n + 1 :]:
                low, high = sorted((qa.value, qb.value))
                # Numbers far apart count different things (31 clinics, 30,000 clinics): a source
                # disagreeing on a figure is not off by an order of magnitude.
                if low <= 0 or high / low >= config.figures_apart or not _disagree(qa, qb):
                    continue
                if outlet_of[sentences[ra][0]] == outlet_of[sentences[rb][0]]:
                    continue
                if not same_context(sentences[ra][2], sentences[rb][2], qa, qb, config, lang):
                    continue
                similarity = float(vectors[ra] @ vectors[rb]) if vectors is not None else 1.0
                if similarity >= config.same_figure and (best is None or similarity > best[0]):
                    best = (similarity, ra, rb) if qa.value < qb.value else (similarity, rb, ra)
        if best is None:
            continue
        _, ra, rb = best
        qa = next(q for q, r in found if r == ra)
        qb = next(q for q, r in found if r == rb)
        clashes.append(
            NumberClash(
                qa.label or unit,
                (
                    (qa.text, sentences[ra][0], sentences[ra][1]),
                    (qb.text, sentences[rb][0], sentences[rb][1]),
                ),
            )
        )
    return clashes


def _figures(sentence: str, words: _Words) -> set[str]:
    """The figures a sentence writes, as written (number words as digits, no thousands commas),
    but not numbers that name ("Route 94") nor a day after its month ("February 1"), which one
    source adds where another leaves them out ("early Sunday")."""
    found = set()
    for match in words.figure.finditer(sentence):
        digits, word = match.group(1), match.group(2)
        if digits and words.naming.search(sentence[: match.start()]):
            continue  # "Route 94", "Flight 447", "February 1": a name or a date's day, not a figure
        found.add(
            str(words.number_words[word.lower()]) if word else " ".join(digits.replace(",", "").split())
        )
    return found


def same_claim(a: str, b: str, config: BriefConfig | None = None, lang: Language = ENGLISH) -> bool:
    """Could two sentences close in meaning be cited for one claim? Not when they give one counted
    thing different figures, name no common party, or one denies what the other states: a close
    embedding alone ("11 killed" and "14 killed", "X won" and "X did not win") is not the claim.

    Nor when each writes a figure the other does not: "sentenced to 2 years" and "sentenced to 2
    1/2 years" (ECB+) differ on a figure quantities() does not compare (a duration in years), and
    were cited as one claim the sources agree on. One sentence adding a figure the other leaves out
    ("killed 5, 3 of them children" and "killed 5") is still the same claim."""
    words = _words(lang)
    figures_a, figures_b = _figures(a, words), _figures(b, words)
    if figures_a - figures_b and figures_b - figures_a:
        return False
    counted_a = {q.unit: q for q in quantities(a, config, lang) if q.unit}
    for q in quantities(b, config, lang):
        other = counted_a.get(q.unit)
        if other is not None and _disagree(other, q):
            return False
    names_a, _ = context(a, lang)
    names_b, _ = context(b, lang)
    if names_a and names_b and not names_a & names_b:
        return False
    return bool(words.negation.search(a)) == bool(words.negation.search(b))
