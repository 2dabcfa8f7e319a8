"""The figures a claim states, each with what it counts, read from the claim's words and its parse.

Written here because no library reads news figures into comparable slots: spaCy finds CARDINAL and
MONEY spans but not what they count, and number parsers (``word2number``, ``quantulum``) read the
value alone. A figure here is a value (digits, number words, "6. 1" and "1, 500" as ECB+-style text
spaces them, "2 1/2", ranges, scales, currencies, percentages), its scope ("at least", "about",
"up to"), and its slot: the thing counted (the noun it modifies or, for "people" and bare numbers,
the verb: "12 people were killed" and "killing 12" both count deaths), the verb it hangs from, an
aggregate word ("a total of", "so far", "averaged") and the year it belongs to. Two figures can
disagree only when their slots are equal (facts/match.py, facts/build.py). A number that names ("Flight 447",
"No. 5", "iPhone 5"), a year, a time, an age or an ordinal is not a figure. The words are English
data (``lang/en/quantities.json``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from storyline.lang import Language
from storyline.model import Quantity, Scope

# A token's lemma (nlp/events.Lemma): the analysis passes the pipeline's, tests the stored one.
Lemma = Callable[[Any], str]


@dataclass(frozen=True)
class _Words:
    numbers: dict[str, float]
    fractions: dict[str, float]
    scales: dict[str, float]
    scopes: tuple[tuple[str, Scope], ...]
    aggregates: tuple[tuple[str, str], ...]
    currencies: dict[str, str]
    percent: tuple[str, ...]
    things: dict[str, str]
    people: frozenset[str]
    naming: frozenset[str]
    months: frozenset[str]
    not_counted: frozenset[str]
    # Ends the text before a number that is the whole a part is taken from ("of its", "out of").
    whole: re.Pattern[str]
    number: re.Pattern[str]


@cache
def _words(language: Language) -> _Words:
    table = language.table("quantities")
    numbers = {k: float(v) for k, v in table["numbers"].items()}
    scales = {k: float(v) for k, v in table["scales"].items()}
    words = sorted(numbers, key=len, reverse=True)
    word = "|".join(re.escape(w) for w in words)
    tens = "|".join(
        re.escape(w) for w in words if numbers[w] >= 20 and numbers[w] % 10 == 0 and numbers[w] < 100
    )
    units = "|".join(re.escape(w) for w in words if 1 <= numbers[w] <= 9 and " " not in w)
    scale = "|".join(re.escape(w) for w in sorted(scales, key=len, reverse=True))
    fractions = {k: float(v) for k, v in table.get("fractions", {}).items()}
    fraction = "|".join(r"\s+".join(map(re.escape, f.split())) for f in fractions) or r"(?!)"
    currency = "|".join(
        re.escape(c) for c in sorted(table["currencies"], key=len, reverse=True) if not c.isalpha()
    )
    # Digits: "1,500", "1, 500" (a space after the comma, as ECB+ tokenises), "6.1", "6. 1" (ditto;
    # inside one sentence a full stop between digits is a decimal point, since the sentence did not
    # end there), "2 1/2". Words: "twenty-three", "twenty three", "a dozen".
    digits = r"\d{1,3}(?:,\s?\d{3})+(?:\.\d+)?|\d+(?:\.\s?\d+)?(?:\s+\d/\d)?|\d/\d"
    words_re = rf"(?:{tens})(?:[\s-]+(?:{units}))?|{word}"
    number = re.compile(
        rf"(?:(?P<currency>{currency})\s*)?"
        rf"(?P<num>(?<![\w.,/-])(?:{digits})(?=(?:{scale})\b)|(?<![\w.,/-])(?:{digits})(?![\w/]|[.,]\d)|\b(?:{words_re})\b)"
        rf"(?:\s+(?P<fraction>{fraction})\b)?"
        rf"(?:\s*(?P<scale>\b(?:{scale})\b|(?<=\d)(?:{scale})\b))?",
        re.IGNORECASE,
    )
    whole = "|".join(r"\s+".join(map(re.escape, phrase.split())) for phrase in table["whole"])
    return _Words(
        numbers=numbers,
        fractions=fractions,
        scales=scales,
        scopes=tuple((phrase, Scope(scope)) for phrase, scope in table["scopes"]),
        aggregates=tuple((phrase, kind) for phrase, kind in table["aggregates"]),
        currencies={k.lower(): v for k, v in table["currencies"].items()},
        percent=tuple(table["percent"]),
        things=dict(table["things"]),
        people=frozenset(table["people"]),
        naming=frozenset(table["naming"]),
        # "Nov 3", "March 14": a day of a month is a date, not a count.
        months=frozenset(form for line in language.lines("months") for form in line.split()),
        not_counted=frozenset(table["not_counted"]),
        whole=re.compile(rf"\b(?:{whole})\s*$"),
        number=number,
    )


_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_RANGE_JOIN = re.compile(r"^\s*(?:-|–|to|and)\s*$", re.IGNORECASE)


def value_of(text: str, language: Language) -> float | None:
    """The value of a number as written ("1, 500", "6. 1", "twenty-three", "2 1/2", "a dozen"), or None."""
    words = _words(language)
    text = text.strip().lower()
    if text in words.numbers:
        return words.numbers[text]
    parts = re.split(r"[\s-]+", text)
    if len(parts) == 2 and parts[0] in words.numbers and parts[1] in words.numbers:
        return words.numbers[parts[0]] + words.numbers[parts[1]]
    fraction = re.fullmatch(r"(\d+)?\s*(\d)/(\d)", text)
    if fraction:
        whole = float(fraction.group(1) or 0)
        return whole + int(fraction.group(2)) / int(fraction.group(3)) if int(fraction.group(3)) else None
    cleaned = re.sub(r",\s?", "", text)
    cleaned = re.sub(r"\.\s(?=\d)", ".", cleaned)
    try:
        return float(cleaned)
    except ValueError:
        return None


def written_values(text: str, language: Language) -> set[float]:
    """The values of every number ``text`` writes, as figures are read (fractions and scales
    applied): "2 1/2 years" writes 2.5 and not 2, "$1.2 billion" writes 1.2e9."""
    words = _words(language)
    out: set[float] = set()
    for match in words.number.finditer(text):
        value = _unscaled(match, words, language)
        if value is not None:
            out.add(value * words.scales.get((match.group("scale") or "").lower(), 1.0))
    return out


def _unscaled(match: re.Match[str], words: _Words, language: Language) -> float | None:
    """A number match's value with its fraction ("four and a half"), before its scale."""
    value = value_of(match.group("num"), language)
    if value is not None and match.group("fraction"):
        value += words.fractions.get(re.sub(r"\s+", " ", match.group("fraction").lower()), 0.0)
    return value


def quantities(span: Any, language: Language, lemma: Lemma) -> tuple[Quantity, ...]:
    """The figures of a spaCy ``span`` (a claim), in order; never years, times, ages, ordinals or
    numbers that name."""
    words = _words(language)
    text = span.text
    base = span.start_char
    doc = span.doc
    found: list[Quantity] = []
    matches = list(words.number.finditer(text))
    skip_next = False
    for n, match in enumerate(matches):
        if skip_next:
            skip_next = False
            continue
        value = _unscaled(match, words, language)
        if value is None:
            continue
        start, end = match.start(), match.end()
        scale = (match.group("scale") or "").lower()
        if scale:
            value *= words.scales.get(scale, 1.0)
        high: float | None = None
        # A range: "5-7", "5 to 7", "between 5 and 7".
        if n + 1 < len(matches) and _RANGE_JOIN.match(text[end : matches[n + 1].start()]):
            upper = value_of(matches[n + 1].group("num"), language)
            if upper is not None and upper > value:
                upper *= words.scales.get((matches[n + 1].group("scale") or scale).lower(), 1.0)
                high = upper
                end = matches[n + 1].end()
                skip_next = True
        before = text[:start].lower()
        after = text[end:].lower()
        if _not_a_count(match, before, after, value, words):
            continue
        tokens = doc.char_span(base + start, base + end, alignment_mode="expand")
        if tokens is None or not len(tokens):
            continue
        head = _head(tokens)
        scope = Scope.RANGE if high is not None else _scope(before, words)
        if high is None and re.search(r"\bbetween\s*$", before):
            continue  # "between 5 and" whose upper end was not read: no safe value
        currency = words.currencies.get((match.group("currency") or "").strip().lower(), "")
        thing, verb = _slot(head, tokens, currency, after, words, lemma)
        if not thing:
            continue
        found.append(
            Quantity(
                text=_shown(text, start, end, before, tokens, head, words),
                value=value,
                high=high,
                scope=scope,
                thing=thing,
                verb=verb,
                aggregate=_aggregate(text, before, after, head, words, lemma),
                period=_period(text, start, end),
            )
        )
    return tuple(found)


def _shown(text: str, start: int, end: int, before: str, tokens: Any, head: Any, words: _Words) -> str:
    """The figure as a reader should see it: its scope words, the number and the noun it counts when
    that follows it ("more than four hours", "at least 12 people"), as the text writes them."""
    tail = re.sub(r"\s+", " ", before[-40:]).rstrip()
    lead = start
    for phrase, _ in words.scopes:
        if tail.lower().endswith(" " + phrase) or tail.lower() == phrase:
            lead = start - (len(before) - len(before.rstrip())) - len(phrase)
            break
    finish = end
    doc = tokens.doc
    after = tokens[-1].i + 1
    if after < len(doc) and doc[after].pos_ == "NOUN" and head.head.i == doc[after].i:
        finish = doc[after].idx + len(doc[after].text) - tokens.doc[tokens.start].idx + start
    return text[max(0, lead) : finish].strip()


def _not_a_count(match: re.Match[str], before: str, after: str, value: float, words: _Words) -> bool:
    """A year, a time, an age, an ordinal, a score, a code, a number that names, or the whole a part
    is taken from."""
    raw = match.group("num")
    if not match.group("currency") and not match.group("scale") and _YEAR.fullmatch(raw.strip()):
        return True  # "in 2004": a date (a count of 2,004 is written "2,004")
    if re.match(r"\s*(?::\d|(?:st|nd|rd|th)\b|-year|\s*year-old|-old|-month-old|%?-\d)", after):
        return True
    next_word = after.split()[0].strip(".,;:") if after.split() else ""
    if next_word in words.not_counted:
        return True
    if words.whole.search(before):
        return True  # "four of its 11 players": the 11 is what the four are taken from
    if re.match(r"0\d", raw) or re.match(r"\s+\d", after) or re.search(r"\d\s+$", before):
        return True  # "0199", "555 0199": a telephone number or a code, no count is written so
    if re.match(r"\s*[/\ufffd]", after) or re.search(r"/\s*$", before):
        return True  # "41 / 2", "4\ufffd": a fraction broken apart or lost to a bad encoding; no safe value
    if re.search(r"\d[^()]{0,30}\(\s*$", before):
        return True  # "less than 50 km (30 miles)", "$100 (£80)": the same figure converted, not another
    previous = before.split()[-1].strip("(\"'“.") if before.split() else ""
    if previous in words.naming or previous in words.months or re.search(r"[a-z]-?$", before):
        return True  # a name ("Flight 447") or a letter joined to it ("S4", "MH-17")
    # "one of the", "one" as a pronoun: not a count anyone could get wrong.
    return raw.strip().lower() == "one" and not match.group("scale")


def _head(tokens: Any) -> Any:
    """The token of a number phrase whose head lies outside it (the phrase's syntactic head)."""
    inside = {t.i for t in tokens}
    # Punctuation inside a figure ("6. 1", "1, 500") is no head, whatever the parser attached to it.
    words = [t for t in tokens if not t.is_punct] or list(tokens)
    for token in reversed(words):
        if token.head.i not in inside or token.head.i == token.i:
            return token
    for token in reversed(words):
        if token.head.is_punct and token.head.i in inside:
            return token.head.head if token.head.head.i not in inside else token
    return words[-1]


def _scope(before: str, words: _Words) -> Scope:
    tail = " " + re.sub(r"\s+", " ", before[-40:]).strip() + " "
    for phrase, scope in words.scopes:
        if tail.endswith(f" {phrase} "):
            return scope
    return Scope.EXACT


def _aggregate(text: str, before: str, after: str, head: Any, words: _Words, lemma: Lemma) -> str:
    window = " " + before[-30:] + " " + after[:30] + " "
    for phrase, kind in words.aggregates:
        if re.search(rf"(?<![\w]){re.escape(phrase)}(?![\w])", window):
            return kind
    return ""


def _period(text: str, start: int, end: int) -> str:
    """A year the clause ties the figure to ("in 2004"), outside the figure itself."""
    for found in _YEAR.finditer(text):
        if found.start() >= end or found.end() <= start:
            return found.group(1)
    return ""


def _slot(head: Any, tokens: Any, currency: str, after: str, words: _Words, lemma: Lemma) -> tuple[str, str]:
    """(thing, verb): what the figure counts and the verb it hangs from."""
    verb_token = _verb_of(head)
    verb = lemma(verb_token).lower() if verb_token is not None else ""
    if currency:
        target = head.head if head.dep_ in ("nummod", "compound", "nmod", "quantmod", "amod") else verb_token
        return currency, (lemma(target).lower() if target is not None else verb)
    if any(after.lstrip().startswith(p) for p in words.percent):
        return "percent", verb
    noun = None
    if head.dep_ in ("nummod", "compound", "quantmod", "amod", "nmod") and head.head.pos_ in (
        "NOUN",
        "PROPN",
    ):
        noun = head.head
    elif head.pos_ in ("NOUN",) and head.lemma_ not in words.scales:
        noun = head
    if noun is not None:
        name = lemma(noun).lower()
        compound = " ".join(lemma(c).lower() for c in noun.children if c.dep_ == "compound")
        for candidate in (f"{compound} {name}".strip(), name, compound):
            if candidate in words.things:
                return words.things[candidate], verb
        if name in words.people or noun.ent_type_ == "NORP":
            # "40 people dead", "50 people with serious injuries": what the people are counted as.
            for word in _around(noun):
                said = lemma(word).lower()
                if said in words.things:
                    return words.things[said], verb
            return (words.things.get(verb, f"people:{verb}" if verb else "people")), verb
        return name, verb
    # A bare number: what its clause says it counts.
    if head.dep_ == "pobj" and head.head.lower_ == "of" and head.head.head.pos_ == "NOUN":
        owner = lemma(head.head.head).lower()  # "a magnitude of 5.9", "a toll of 12"
        return words.things.get(owner, owner), verb
    for following in head.doc[head.i + 1 : head.i + 6]:
        if following.is_sent_start or following.is_punct:
            break
        if lemma(following).lower() in words.things:  # "measured 6.1 on the Richter scale"
            return words.things[lemma(following).lower()], verb
    for child in head.children:
        if child.dep_ == "acl" and child.pos_ == "VERB":  # "80 killed at the venue"
            acted = lemma(child).lower()
            return words.things.get(acted, f"people:{acted}"), acted
        if child.dep_ == "prep" and child.lower_ == "of":
            return "", verb  # "two of them": a part of something counted elsewhere
    if verb_token is not None:
        # "the toll rose to 129": the subject of the verb is what the figure counts.
        # (A dateline can be parsed as a second subject: "HANOI — The death toll ... rose to 14".)
        for subject in verb_token.children:
            if subject.dep_ not in ("nsubj", "nsubjpass") or subject is head:
                continue
            name = lemma(subject).lower()
            compound = " ".join(lemma(c).lower() for c in subject.children if c.dep_ == "compound")
            for candidate in (f"{compound} {name}".strip(), name):
                if candidate in words.things:
                    return words.things[candidate], verb
        if verb in words.things:
            return words.things[verb], verb  # "killing 12"
    return "", verb


def _around(noun: Any) -> list[Any]:
    """The words that say what counted people are: the noun's modifiers and complements, and the
    objects of its prepositions ("people with injuries")."""
    out = []
    for child in noun.children:
        if child.dep_ in ("amod", "acomp", "oprd", "acl", "relcl", "compound"):
            out.append(child)
        elif child.dep_ == "prep":
            out.extend(g for g in child.children if g.dep_ == "pobj")
    head = noun.head
    if head.i != noun.i:
        out.extend(c for c in head.children if c.dep_ in ("acomp", "oprd", "xcomp") and c.i > noun.i)
    return out


def _verb_of(token: Any) -> Any:
    """The nearest verb at or above ``token`` in the parse, else None."""
    current = token
    for _ in range(8):
        if current.pos_ in ("VERB", "AUX") and current.dep_ != "aux":
            return current
        if current.head.i == current.i:
            return None
        current = current.head
    return None


def slot_key(quantity: Quantity, language: Language) -> tuple[str, str, str, str]:
    """What two figures must share to be figures of one thing: the thing counted, and for a thing
    the language does not map to a slot of its own ("years", "points") the verb too (a sentence of
    2 years and 5 years served are two things), the aggregate and the period."""
    words = _words(language)
    mapped = quantity.thing in words.things.values() or quantity.thing in words.currencies.values()
    return quantity.thing, "" if mapped else quantity.verb, quantity.aggregate, quantity.period


def names_thing(quantity: Quantity, language: Language) -> bool:
    """Whether the figure's slot says what is counted (deaths, injuries, a magnitude), so that two
    figures of it in loosely matching claims are figures of one thing. A sum of money says only its
    currency: a story's prices, revenues, bids and fines are all dollars ("$13.9 billion
    acquisition" against "$39 billion in revenue"), and a unit ("years", "miles") says no more."""
    words = _words(language)
    return quantity.thing in words.things.values() and quantity.thing not in words.currencies.values()


def compatible(a: Quantity, b: Quantity) -> bool:
    """Whether two figures of one slot can both be true: their values, read with their scopes."""
    low_a, high_a = _bounds(a)
    low_b, high_b = _bounds(b)
    return low_a <= high_b and low_b <= high_a


def _bounds(q: Quantity) -> tuple[float, float]:
    inf = float("inf")
    if q.scope is Scope.RANGE and q.high is not None:
        return q.value, q.high
    if q.scope is Scope.AT_LEAST:
        return q.value, inf
    if q.scope is Scope.AT_MOST:
        return 0.0, q.value
    if q.scope is Scope.ABOUT:
        # "about 40" allows what rounding to the figure's own precision allows, and at least 10 %.
        slack = max(0.1 * q.value, _precision(q.value))
        return q.value - slack, q.value + slack
    return q.value, q.value


def _precision(value: float) -> float:
    """Half of the figure's last significant place: "about 3,000" is rounded to the thousand."""
    if value <= 0 or value != int(value):
        return 0.0
    place = 1
    number = int(value)
    while number % 10 == 0 and number:
        number //= 10
        place *= 10
    return place / 2


def texts(quantities: Sequence[Quantity]) -> list[str]:
    return [q.text for q in quantities]
