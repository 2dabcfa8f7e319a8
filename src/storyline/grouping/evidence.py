"""The core facts of the event an article reports, and when two articles' core facts conflict.

Words and names say what an article is about; they do not tell two events of one kind apart (two
earthquakes on one island, two players of one club arrested for drunk driving, two patches of one
browser). What does is what the lead says happened: the kinds of event its lead sentences report
(from the understanding stage's events), the places it leads with, the years it gives, and the
figures it states (a magnitude, a number of pirates caught). Two reports whose leads disagree on
these, while neither so much as names what the other leads with, are of two events.

Each conflict is read only where both sides state the fact, and only when the one side's fact is
absent from the *whole* of the other (not only its lead): a follow-up that mentions the place or
the year the story began with is not in conflict with it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from storyline.config import EvidenceConfig
from storyline.lang import language
from storyline.model import Analysis, Article, EntityType, Modality, entity_key

_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
# A decimal the text's tokenizer split ("4. 6 - magnitude", "5. 9 Earthquake"), joined again.
_SPLIT_DECIMAL = re.compile(r"(\d)\s*\.\s+(\d)\b")
_NUMBER = r"\d+(?:[.,]\d+)*"
_TOKEN = re.compile(r"[A-Za-z][A-Za-z.'’-]*|" + _NUMBER)
_MAGNITUDE = re.compile(
    r"(?:magnitude|richter)[\s-]*(?:of\s+)?(?:about\s+|around\s+|at\s+least\s+)?("
    + _NUMBER
    + r")|("
    + _NUMBER
    + r")[\s-]*(?:magnitude|on the richter)",
    re.IGNORECASE,
)
# A clock time ("13: 36 GMT", "5:03pm"): its numbers count nothing.
_CLOCK = re.compile(r"\b\d{1,2}\s*:\s*\d\d\b")
# Kinds of event that say nothing of which event a report is of: every report has statements.
_UNINFORMATIVE_KINDS = frozenset({"statement"})


@dataclass(frozen=True, slots=True)
class EventCore:
    """What the lead of an article says happened: event kinds, places, years and figures, with
    the kinds and years of the whole article (what a conflict is checked against)."""

    kinds: frozenset[str] = frozenset()
    all_kinds: frozenset[str] = frozenset()
    places: frozenset[str] = frozenset()
    years: frozenset[int] = frozenset()
    all_years: frozenset[int] = frozenset()
    # (thing counted, value) pairs the lead states: ("magnitude", 5.9), ("pirates", 23.0).
    figures: frozenset[tuple[str, float]] = frozenset()

    @property
    def empty(self) -> bool:
        return not (self.kinds or self.places or self.years or self.figures)


# The core of an article whose lead says nothing comparable.
NO_CORE = EventCore()


def event_core(article: Article, analysis: Analysis | None, config: EvidenceConfig) -> EventCore:
    """The core facts of ``article``'s lead: its title and first ``config.lead_sentences``
    sentences (the first sentences alone when it has no title)."""
    sentences = analysis.sentences if analysis else ()
    lead_end = sentences[config.lead_sentences - 1].end if len(sentences) >= config.lead_sentences else None
    lead_text = article.text[:lead_end] if lead_end is not None else article.text[: config.lead_chars]
    lead = f"{article.title or ''}\n{lead_text}"
    cut = lead_end if lead_end is not None else config.lead_chars
    title = (article.title or "").lower()
    kinds: set[str] = set()
    all_kinds: set[str] = set()
    for event in analysis.events if analysis else ():
        if event.kind in _UNINFORMATIVE_KINDS or event.modality is not Modality.ASSERTED:
            continue
        all_kinds.add(event.kind)
        if event.sentence < config.lead_sentences:
            kinds.add(event.kind)
    places = {
        entity_key(entity)
        for entity in (analysis.entities if analysis else ())
        if entity.type in (EntityType.PLACE, EntityType.COUNTRY)
        and (entity_key(entity) in title or any(m.start < cut for m in entity.mentions))
    }
    return EventCore(
        frozenset(kinds),
        frozenset(all_kinds),
        frozenset(places),
        frozenset(int(y) for y in _YEAR.findall(lead)),
        frozenset(int(y) for y in _YEAR.findall(f"{article.title or ''}\n{article.text}")),
        frozenset(figures(lead)),
    )


def figures(text: str) -> set[tuple[str, float]]:
    """The figures ``text`` states with what each counts: a whole number of two or more followed
    by a plural noun, straight or past one word ("23 pirates", "23 Somali pirates" counts
    "pirates"), and magnitudes however written ("a 5.9-magnitude quake", "magnitude-5.2",
    "magnitude of 4.6"). Clock times, years, and words that only measure time or running tolls
    (``figure-things-ignored``) are left out."""
    text = _SPLIT_DECIMAL.sub(r"\1.\2", _CLOCK.sub(" ", text))
    out: set[tuple[str, float]] = set()
    for match in _MAGNITUDE.finditer(text):
        value = _value(match.group(1) or match.group(2))
        if value is not None and 0 < value < 10:
            out.add(("magnitude", value))
    words, ignored, stop = _number_words(), _ignored_things(), _stop_words()
    tokens = _TOKEN.findall(text)
    for n, token in enumerate(tokens):
        value = _value(token) if token[0].isdigit() else words.get(token.lower())
        if value is None or value < 2 or value != int(value) or _YEAR.fullmatch(token):
            continue
        for thing in tokens[n + 1 : n + 3]:
            thing = thing.lower().strip(".'’-")
            if not thing or thing[0].isdigit() or thing in ignored or thing == "magnitude":
                break
            # A plural noun: what a number counts. A verb ("jolts") or a name passes here too,
            # rarely both after a number and in two reports of one event with two values.
            if thing.endswith("s") and not thing.endswith("ss") and thing not in stop and len(thing) > 3:
                out.add((thing, value))
                break
    return out


def _value(token: str) -> float | None:
    try:
        return float(token.replace(",", ""))
    except ValueError:
        return None


@cache
def _number_words() -> Mapping[str, float]:
    table = language("en").table("number-words")
    return {str(k): float(v) for k, v in table.items()}


@cache
def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


@cache
def _ignored_things() -> frozenset[str]:
    return language("en").words("figure-things-ignored")


def conflicts(
    a: EventCore, b: EventCore, a_named: Mapping[str, object], b_named: Mapping[str, object]
) -> tuple[bool, bool, bool, bool]:
    """Which core facts of two articles conflict: (kinds, places, years, figures). ``a_named`` and
    ``b_named`` are the entity keys each article names anywhere (a place the other leads with,
    named in passing, is no conflict)."""
    kinds = bool(a.kinds and b.kinds) and not (a.kinds & b.all_kinds) and not (b.kinds & a.all_kinds)
    places = (
        bool(a.places and b.places)
        and not any(p in b_named for p in a.places)
        and not any(p in a_named for p in b.places)
    )
    years = bool(a.years and b.years) and not (a.years & b.all_years) and not (b.years & a.all_years)
    return kinds, places, years, figures_conflict(a.figures, b.figures)


def figures_conflict(a: frozenset[tuple[str, float]], b: frozenset[tuple[str, float]]) -> bool:
    """True when both state a figure of one thing and none of their values agree (counts within
    3 %, magnitudes within a quarter: 5.9, 6.0 and 6.1 are one quake as three agencies measure
    it; 23 and 26 pirates are not one catch)."""
    if not a or not b:
        return False
    mine: dict[str, list[float]] = {}
    for thing, value in a:
        mine.setdefault(thing, []).append(value)
    theirs: dict[str, list[float]] = {}
    for thing, value in b:
        theirs.setdefault(thing, []).append(value)
    for thing in mine.keys() & theirs.keys():
        if not any(_close(thing, x, y) for x in mine[thing] for y in theirs[thing]):
            return True
    return False


def _close(thing: str, x: float, y: float) -> bool:
    if thing == "magnitude":
        return abs(x - y) <= 0.25
    return abs(x - y) <= 0.03 * max(abs(x), abs(y))


def conflict_weights(config: EvidenceConfig) -> Sequence[float]:
    """The penalty of each conflict, in the order :func:`conflicts` gives them."""
    return (config.kind_penalty, config.place_penalty, config.year_penalty, config.figure_penalty)
