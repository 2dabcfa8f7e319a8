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
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from storyline.config import BriefConfig

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
# Descriptions that fit many roles, or roles one person holds beside another (a founder is often the
# chief executive, a captain is also a striker): they never contradict another title.
_GENERIC = {
    "diplomat", "official", "politician", "leader", "figure", "envoy", "representative", "counterpart",
    "aide", "negotiator", "founder", "head", "chief", "captain", "coach", "manager", "adviser", "analyst",
    "researcher", "professor", "economist", "lawmaker", "speaker", "attorney", "deputy", "general",
    "commander", "director", "inspector", "star", "member",
}  # fmt: skip
# One role written several ways is one title ("chief executive" = "CEO"). Longest phrase first.
_SYNONYMS = (
    ("chief executive officer", "ceo"),
    ("chief executive", "ceo"),
    ("chairwoman", "chairman"),
    ("chairperson", "chairman"),
    ("chair", "chairman"),
    ("spokeswoman", "spokesman"),
    ("spokesperson", "spokesman"),
    ("advisor", "adviser"),
    ("defense", "defence"),
    ("premier", "prime minister"),
    ("pm", "prime minister"),
    ("head coach", "coach"),
)
_IGNORED_TITLE_WORDS = {"the", "a", "an", "of", "s", "’s", "'s"}
_NUMBER_WORDS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "dozen": 12,
}  # fmt: skip
# "one" is left out: it is far more often a pronoun or an article ("one official said", "one of
# the") than a count a source could get wrong.
_SCALES = {"thousand": 1e3, "million": 1e6, "m": 1e6, "bn": 1e9, "billion": 1e9}
_APPROX = r"(?:at least|at most|more than|less than|fewer than|nearly|almost|about|around|roughly|some|over|under|up to|just over|just under|approximately)"
_NUMBER = (
    r"(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|"
    + "|".join(rf"\b{w}" for w in sorted(_NUMBER_WORDS, key=len, reverse=True))
    + r")"
)
# A number stands alone: not part of a model name ("Galaxy S4", "4G"), a season or score ("2013-14",
# "3-1"), an age ("33-year-old"), an ordinal ("5th"), a time ("10:30") or a code.
_QUANTITY = re.compile(
    rf"(?P<approx>{_APPROX}\s+)?(?<![\w.,:/#-])(?P<number>{_NUMBER})"
    rf"(?:\s*(?P<scale>thousand|million|billion|bn|m)\b)?(?![\w-]|[.,:/]\d)"
    rf"(?:\s+(?P<unit>[a-z][a-z-]+))?",
    re.IGNORECASE,
)
# Ranks and numbers that name rather than count: "No. 5", "number 3", "ranked 2", "Flight 447".
_NAMING = re.compile(r"(\bno\.?|\bnumber|#|\branked|\brank|\b[A-Z][a-z]+)\s*$")
# A number after "of its", "of the"... names the whole a part is taken from ("two of its five
# members voted to hold"): it is not what another source's "three members voted to cut" counts.
_WHOLE = re.compile(r"\bof\s+(?:its|the|their|his|her|our|all|all\s+the)\s*$", re.IGNORECASE)
# The casualty word nearest before a bare count says what it counts: "killing at least seven people
# and injuring 40" gives 7 deaths and 40 injured.
_CASUALTY_CUE = re.compile(
    r"\b(?:(?P<dead>death toll|toll|killed|killing|dead|deaths|died|lives)|"
    r"(?P<hurt>injured|injuring|injuries|wounded|wounding|hurt))\b",
    re.IGNORECASE,
)
# Words after a number that are not what it counts (function words, verbs, adverbs).
_UNITS_IGNORED = {
    "per", "percent", "cent", "of", "and", "or", "to", "in", "on", "at", "the", "a", "an", "years", "year",
    "time", "times", "am", "pm", "was", "were", "is", "are", "has", "have", "had", "with", "by", "for",
    "more", "less", "than", "from", "up", "down", "into", "after", "before", "as", "that", "this", "who",
    "which", "said", "says", "say", "does", "did", "do", "will", "would", "could", "can", "may", "might",
    "also", "other", "new", "out", "so", "when", "while", "since", "until", "over", "under", "about",
    "around", "but", "not", "all", "be", "been", "being", "there", "their", "his", "her", "its",
    "s", "th", "st", "nd", "rd", "seconds", "second", "old", "points", "point", "goals", "goal", "games", "game",
    "matches", "match", "season", "seasons", "each", "apiece", "today", "yesterday", "ago",
}  # fmt: skip
# Counted people are the dead only when a death cue says so ("killing at least 12 people").
_UNIT_ALIASES = {
    "dead": "deaths", "victims": "deaths", "killed": "deaths", "died": "deaths", "hurt": "injured",
    "wounded": "injured",
}  # fmt: skip
_PEOPLE = {"people", "persons"}
# Slack a round figure allows: "about 100" is not contradicted by 98. ("At least 12" against a
# later 14 is still shown: the count a reader sees differs, which is what an editor checks.)
_RANGES = {
    "nearly": (0.9, 1.0), "almost": (0.9, 1.0), "about": (0.9, 1.1), "around": (0.9, 1.1),
    "roughly": (0.9, 1.1), "some": (0.9, 1.1), "approximately": (0.9, 1.1),
}  # fmt: skip


_MEASURES = {
    "km", "kilometres", "kilometers", "mph", "kph", "kg", "lb", "ft", "cm", "mm", "magnitude", "percent",
    "tonnes", "tons", "acres", "hectares",
}  # fmt: skip


def _plural(word: str) -> bool:
    return len(word) > 3 and word.endswith("s") and not re.search(r"(ss|us|is|ous)$", word)


def _casualty(before: str) -> str:
    """ "deaths" or "injured" when a casualty word comes shortly before (same clause), else ""."""
    # The clause the number stands in: "toll rose to 14, with five people missing" counts no dead five.
    window = re.split(r"[.;]|,\s*(?:with|while|and|but|as)\b", before[-120:])[-1]
    found = list(_CASUALTY_CUE.finditer(window))
    last = found[-1] if found else None
    if last is None:
        return ""
    return "deaths" if last.group("dead") else "injured"


def title_conflict(a: str, b: str) -> bool:
    """Do two titles for one person disagree (a different office, or a different rank of it)?

    Titles are compared as whole words with synonyms made equal ("chief executive" = "CEO"); roles
    one person may hold together ("founder", "captain", "adviser") never conflict.
    """
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
    text = re.sub(r"(’s|'s)\b", "", title)
    # Nationality and country adjectives ("Portuguese", "Iran") say where, not what: they start
    # with a capital in the source and are not role words.
    capitals = {w.lower() for w in re.findall(r"\b[A-Z][a-z]+\b", text)}
    lowered = " " + " ".join(re.findall(r"[a-z]+", text.lower())) + " "
    for phrase, same in _SYNONYMS:
        lowered = lowered.replace(f" {phrase} ", f" {same} ")
    words = lowered.split()
    roles = {"minister", "president", "secretary", "governor", "chief", "director", "mayor", "leader", "ambassador", "spokesman", "chairman", "commissioner", "chancellor", "general", "officer", "head", "foreign", "defence", "finance", "prime", "interior", "deputy", "former", "acting", "vice", "king", "queen", "prince", "senator", "ceo"}  # fmt: skip
    return [w for w in words if w not in _IGNORED_TITLE_WORDS and (w not in capitals or w in roles)]


def singular(noun: str) -> str:
    """The singular of a plural noun, by the regular rules only ("countries" -> "country",
    "losses" -> "loss", "buses" -> "bus"); anything else is left as written."""
    if noun.endswith("ies") and len(noun) > 4:
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


def quantities(sentence: str) -> list[Quantity]:
    """The counted quantities a sentence states (never years, ages, seasons, ranks, model numbers)."""
    found = []
    for match in _QUANTITY.finditer(sentence):
        number = match.group("number").lower()
        before = sentence[: match.start("number")]
        if before.rstrip().endswith("(") and re.search(r"\d", before[-40:-1]):
            continue  # "50 km (30 miles)": a conversion of the figure before it, not another figure
        if _NAMING.search(before) and not match.group("approx"):
            continue  # "No. 5", "Flight 447", "Galaxy 4"
        if _WHOLE.search(before):
            continue  # "two of its five members": the whole a part is taken from, not a count of the part
        if re.fullmatch(r"1[89]\d\d|20\d\d", number):
            continue  # a year, even before a noun ("the 2013 season")
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
        # What a number counts is a plural noun ("12 countries") or a measure ("2.5 km"); a verb
        # or adjective after it ("6.1 struck", "three more") is not.
        if unit in _UNITS_IGNORED or not (
            _plural(unit) or unit in _MEASURES or unit in _UNIT_ALIASES or unit in _PEOPLE
        ):
            unit = ""
        # "killing at least 12 people", "the toll rose to 14": a count of the dead, unless the
        # number counts something else it names ("... to 14, with 60 homes destroyed").
        countable = not unit or unit in _UNIT_ALIASES or unit in _PEOPLE
        cue = _casualty(before)
        if countable and cue:
            unit = cue
        unit = _UNIT_ALIASES.get(unit, unit)
        if unit in _SCALES:
            unit = ""
        if not unit and not scale:
            continue
        label = unit
        unit = singular(unit)
        text = match.group(0).strip()
        if written and label != written.lower():
            text = text[: -len(written)].strip()
        approx = " ".join((match.group("approx") or "").lower().split())
        low, high = _RANGES.get(approx, (1.0, 1.0))
        found.append(Quantity(text, value, unit, label, value * low, value * high))
    return found


@dataclass(frozen=True, slots=True)
class NumberClash:
    unit: str
    # (quantity text, article index, sentence index) for each distinct value
    sides: tuple[tuple[str, int, int], ...]


_MONTHS_DAYS = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
}  # fmt: skip
# The period a figure covers: a year, a month, a span ("in a month", "three years"). The weekday a
# report gives is when it was counted, not another period: "12 killed on Monday" and "toll rose to 14
# on Tuesday" are two counts of one thing.
_TIME = re.compile(
    r"\b(?:(?:19|20)\d\d|(?:january|february|march|april|june|july|august|september|october|november|"
    r"december)|(?:a|one|two|three|four|five|six|seven|eight|nine|ten|twelve|\d+|first|last|past|next|this)"
    r"\s+(?:days?|weeks?|months?|quarters?|years?|seasons?))\b",
    re.IGNORECASE,
)


def context(sentence: str) -> tuple[frozenset[str], frozenset[str]]:
    """What a figure is about beyond its noun: the names its sentence gives (capitalised words past
    the first) and the times it is set in ("in a month", "2013", "last year")."""
    tokens = re.findall(r"[A-Za-z][\w'’.-]*", sentence)
    names = frozenset(
        t.lower().rstrip(".") for t in tokens[1:] if t[:1].isupper() and t.lower() not in _MONTHS_DAYS
    )
    times = frozenset(" ".join(m.lower().split()) for m in _TIME.findall(sentence))
    return names, times


_STOP = {
    "the", "a", "an", "of", "and", "or", "to", "in", "on", "at", "for", "with", "by", "from", "his", "her",
    "their", "its", "has", "have", "had", "was", "were", "is", "are", "be", "been", "that", "this", "he",
    "she", "they", "it", "also", "just", "more", "than", "about", "some", "least", "nearly", "almost",
    "does", "did", "said", "says", "told", "who", "which", "as", "after", "before", "over", "up",
}  # fmt: skip


def _content(sentence: str, quantity: Quantity) -> set[str]:
    """Stems of a sentence's content words, the figure's own noun left out."""
    unit = {quantity.unit[:5], quantity.label[:5]}
    # Numbers and what the sentence counts are the figures themselves, not their context.
    counted = {q.label[:5] for q in quantities(sentence)} | unit
    words = re.findall(r"[a-z]+", sentence.lower())
    return {w[:5] for w in words if w not in _STOP and w not in _NUMBER_WORDS and len(w) > 2} - counted


def same_context(
    a: str,
    b: str,
    qa: Quantity | None = None,
    qb: Quantity | None = None,
    config: BriefConfig | None = None,
) -> bool:
    """Are two sentences' figures set in the same context? The same period when both give one
    ("11 million in a month" is not "12 million in three months"), and, given the figures, words
    in common besides what they count (at least ``config.figure_context_words``: "injuring five
    people" on the island and "injured two people" on the island count one thing; "three of his
    four touchdowns in that stretch" and "scored six touchdowns on offense" do not)."""
    _, times_a = context(a)
    _, times_b = context(b)
    if times_a and times_b and times_a != times_b:
        return False
    if qa is not None and qb is not None:
        needed = (config or BriefConfig()).figure_context_words
        return len(_content(a, qa) & _content(b, qb)) >= needed
    return True


def _disagree(a: Quantity, b: Quantity) -> bool:
    """Values no reading of their approximations reconciles."""
    return a.value != b.value and (a.high < b.low or b.high < a.low)


def number_clashes(
    sentences: Sequence[tuple[int, int, str]],
    vectors: np.ndarray | None,
    outlet_of: Sequence[str],
    config: BriefConfig | None = None,
) -> list[NumberClash]:
    """Values of one counted thing that differ between outlets, in sentences about the same thing
    (embedding cosine at least ``config.same_figure``) in the same context (see :func:`same_context`).

    ``sentences`` are (article index, sentence index, text); ``vectors`` their embeddings, row by row;
    ``outlet_of`` the outlet of each article index.
    """
    config = config or BriefConfig()
    by_unit: dict[str, list[tuple[Quantity, int]]] = {}
    bare: list[tuple[Quantity, int]] = []
    for row, (_, _, text) in enumerate(sentences):
        found_here = quantities(text)
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
                if not same_context(sentences[ra][2], sentences[rb][2], qa, qb, config):
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


_NEGATION = re.compile(
    r"\b(not|no|never|none|neither|nor|denied|denies|deny|without)\b|n[’']t\b", re.IGNORECASE
)


# Every figure a sentence writes, counted or not: "2", "2 1/2", "2½", "1,500", "3.5", "five".
_FIGURE = re.compile(
    r"(?<![\w.,:/])(\d+(?:[.,]\d+)*(?:\s*[½¼¾⅓⅔]|\s+\d+/\d+)?|\d+/\d+|[½¼¾⅓⅔])(?![\w/]|[.,]\d)|"
    r"\b(" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")\b",
    re.IGNORECASE,
)


def _figures(sentence: str) -> set[str]:
    """The figures a sentence writes, as written (number words as digits, no thousands commas),
    but not numbers that name ("Route 94") nor a day after its month ("February 1"), which one
    source adds where another leaves them out ("early Sunday")."""
    found = set()
    for match in _FIGURE.finditer(sentence):
        digits, word = match.group(1), match.group(2)
        if digits and _NAMING.search(sentence[: match.start()]):
            continue  # "Route 94", "Flight 447", "February 1": a name or a date's day, not a figure
        found.add(str(_NUMBER_WORDS[word.lower()]) if word else " ".join(digits.replace(",", "").split()))
    return found


def same_claim(a: str, b: str) -> bool:
    """Could two sentences close in meaning be cited for one claim? Not when they give one counted
    thing different figures, name no common party, or one denies what the other states: a close
    embedding alone ("11 killed" and "14 killed", "X won" and "X did not win") is not the claim.

    Nor when each writes a figure the other does not: "sentenced to 2 years" and "sentenced to 2
    1/2 years" (ECB+) differ on a figure quantities() does not compare (a duration in years), and
    were cited as one claim the sources agree on. One sentence adding a figure the other leaves out
    ("killed 5, 3 of them children" and "killed 5") is still the same claim."""
    figures_a, figures_b = _figures(a), _figures(b)
    if figures_a - figures_b and figures_b - figures_a:
        return False
    counted_a = {q.unit: q for q in quantities(a) if q.unit}
    for q in quantities(b):
        other = counted_a.get(q.unit)
        if other is not None and _disagree(other, q):
            return False
    names_a, _ = context(a)
    names_b, _ = context(b)
    if names_a and names_b and not names_a & names_b:
        return False
    return bool(_NEGATION.search(a)) == bool(_NEGATION.search(b))
