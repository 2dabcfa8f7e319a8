"""Entities: people, organisations, places and countries, each with its mentions and the titles the
article gives it.

spaCy's small English model finds most names but misses rare ones ("Araghchi", "Raisi") and tags
title words as organisations ("Defense"). Four corrections, each measured on the seeds and the
demo corpus (tests/nlp/test_entities.py):

1. *title patterns*: "Foreign Minister Seyed Abbas Araghchi", "Iran's president, Ibrahim Raisi",
   "Duarte Meireles, the Portuguese president" name a person and give the title;
2. *name propagation*: once "Seyed Abbas Araghchi" is known, every "Araghchi" in the article is him,
   whatever label the model gave it;
3. *filters*: a lone common word or title word is not an organisation; seats of power (the Kremlin)
   are places; a GPE is a country when pycountry (or a short alias list) knows it; the figures of a
   results table or a dateline are no part of a name ("C. Hooper 58", "SEOUL 1996-08-30");
4. *one type per name*: the evidence of all of a name's mentions decides its type for every one of
   them ("in Lào Cai" outweighs the model's "Lào Cai" person elsewhere), and each entity keeps the
   weight of that evidence for the vote across a story's articles (nlp/resolve.py).

bench/ner.py measures the spans on CoNLL-2003 against spaCy's stock model.

One article at a time: nlp/resolve.py merges the entities of many articles into canonical ones.
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from storyline.lang import ENGLISH, Language
from storyline.model import Entity, EntityType, Mention

_LABELS = {
    "PERSON": EntityType.PERSON,
    "ORG": EntityType.ORGANISATION,
    "GPE": EntityType.PLACE,
    "LOC": EntityType.PLACE,
    "FAC": EntityType.PLACE,
}
# Space between the words of one name or title: a line break at most, never a blank line. The
# article's blocks are joined by blank lines, and "\s+" let a name run from a heading or the end
# of a paragraph into the next block ("Nixon" + blank line + "W. Mark Felt" as one name, in ECB+).
_SP = r"(?:[^\S\n]+|[^\S\n]*\n[^\S\n]*)"
# Capitalised words, an initial ("J.") allowed, never a full stop that ends a sentence ("Lima. He").
_NAME = rf"(?P<name>(?:(?:[A-Z]\.|[A-Z][\w’'-]+){_SP}){{0,3}}[A-Z][\w’'-]+)"
_OWNER = rf"(?:(?P<owner>(?:the{_SP})?[A-Z][\w.]*(?:{_SP}[A-Z][\w.]*)?(?:’s|'s)){_SP})?"
_NOT_NAME_END = " \t\n:;,\"“”‘’'"
_POSSESSIVE = re.compile(r"(’s|'s|’|')$")
# A word of figures and the marks between them ("58", "5-0", "1996-08-30", a telephone's "+48"), or a dash.
_FIGURE = re.compile(r"[+\d.,:/–-]*[\d–-][\d.,:/–-]*")


@dataclass(frozen=True, slots=True)
class _Rules:
    """One language's title patterns and word lists (lang/<code>/entity-*.txt), built once."""

    code: str
    # "Iran's Foreign Minister Seyed Abbas Araghchi", "former deputy foreign minister, Araghchi"
    title_before: re.Pattern[str]
    # "Duarte Meireles, the Portuguese president," / "Sergei Shoigu, Russia's defence minister"
    title_after: re.Pattern[str]
    # A name that is only a title (for _is_noise), compiled once rather than looked up per entity.
    bare_title: re.Pattern[str]
    # Honorifics and titles at the start of a name the model found ("Infrastructure Minister X").
    leading_title: re.Pattern[str]
    honorifics: frozenset[str]
    place_nouns: frozenset[str]
    locatives: frozenset[str]
    seats: frozenset[str]
    seat_nouns: frozenset[str]
    country_aliases: frozenset[str]
    kinship: frozenset[str]
    venue_nouns: frozenset[str]
    club_words: frozenset[str]
    weekdays: frozenset[str]


@cache
def _rules(lang: Language) -> _Rules:
    roles = "|".join(re.escape(word) for word in lang.lines("entity-roles"))
    nationality = "|".join(re.escape(end) for end in lang.lines("entity-nationality-endings"))
    modifiers = "|".join(
        [*(re.escape(word) for word in lang.lines("entity-role-modifiers")), rf"[A-Z][a-z]+(?:{nationality})"]
    )
    honorifics = lang.lines("entity-honorifics")
    title = rf"(?P<title>(?i:(?:(?:{modifiers}){_SP}){{0,4}}(?:{roles})))"
    return _Rules(
        code=lang.code,
        title_before=re.compile(rf"{_OWNER}{title},?{_SP}{_NAME}"),
        title_after=re.compile(
            rf"{_NAME},{_SP}(?P<title2>(?:the{_SP}|a{_SP}|(?:[A-Z][\w]*(?:’s|'s)){_SP})?"
            rf"(?i:(?:(?:{modifiers}){_SP}){{0,4}}(?:{roles})))\b"
        ),
        bare_title=re.compile(title.replace("(?P<title>", "(?:")),
        leading_title=re.compile(
            rf"^(?:(?:(?i:{'|'.join(map(re.escape, honorifics))})\.?|(?:(?:{modifiers}|[A-Z][a-z]+)\s+)*(?i:{roles}))\s+)+"
        ),
        honorifics=frozenset(honorifics),
        place_nouns=lang.words("entity-place-nouns"),
        locatives=lang.words("entity-locatives"),
        seats=lang.words("entity-seats-of-power"),
        seat_nouns=lang.words("entity-seat-nouns"),
        country_aliases=lang.words("country-aliases"),
        kinship=lang.words("entity-kinship"),
        venue_nouns=lang.words("entity-venue-nouns"),
        club_words=lang.words("entity-club-words"),
        weekdays=lang.words("weekdays"),
    )


@dataclass
class _Draft:
    name: str
    type: EntityType
    mentions: list[Mention]
    titles: list[str]
    evidence: int = 0


def extract_entities(doc: Any, lang: Language = ENGLISH, cue_weight: int = 3) -> tuple[Entity, ...]:
    """Entities of one spaCy ``Doc`` (with NER), grouped and named canonically within the article;
    ``lang`` is the article's language, whose titles, roles and place words are read.

    A name has one type in the article, decided by the evidence of all its mentions (:func:`_vote`):
    a mention typed by the words around it ("in Lào Cai", "Foreign Minister X", "X Stadium") counts
    ``cue_weight`` times a mention the model alone labelled."""
    rules = _rules(lang)
    text = doc.text
    spans = _Spans()
    # The weight of each span's type: cue_weight when words around it decided it, else 1.
    weights: dict[tuple[int, int], int] = {}
    titles: dict[str, list[str]] = defaultdict(list)
    ents = [ent for ent in doc.ents if ent.label_ in _LABELS and not _not_a_name(ent)]
    kin = _kin_named(rules, ents)
    placed = {
        _trim(text, e.start_char, e.end_char)[2]
        for e in ents
        if e.label_ in ("GPE", "LOC", "FAC") and e.start not in kin
    }
    for ent in ents:
        kind = EntityType.PERSON if ent.start in kin else _LABELS[ent.label_]
        cued = ent.start in kin
        start, end, name = _trim(text, ent.start_char, ent.end_char)
        if kind is EntityType.PERSON:
            end, name = _extend_name(doc, text, ent, start, end)
        start, end, name = _cut_figures(start, end, name, person=kind is EntityType.PERSON)
        if kind is EntityType.PERSON:
            end, name = _cut_weekday(rules, end, name)
        if kind is EntityType.PERSON:
            found_at = start
            start, name, title = _split_title(rules, start, name)
            start, name = _split_kinship(rules, start, name)
            if title:
                titles[name].append(title)
            # A title, an honorific or a word of kinship taken off the front names a person.
            cued = cued or start != found_at
            typed = _person_or_not(rules, doc, ent, name, placed)
            if typed is None:
                continue
            kind, by_words = typed
            cued = cued or by_words
        if not name or _is_noise(rules, name, kind):
            continue
        if _is_seat(rules, name) or (kind is EntityType.ORGANISATION and _named_as_a_place(rules, doc, ent)):
            kind, cued = EntityType.PLACE, True
        spans[(start, end)] = (name, kind)
        weights[(start, end)] = cue_weight if cued else 1
    for start, end, name, title, strong in _titled_people(rules, text):
        overlapped = [spans[key][1] for key in spans.overlapping(start, end)]
        if not strong and any(kind is not EntityType.PERSON for kind in overlapped):
            continue  # "In the Kremlin, Russia's president": the Kremlin is a place, not a person
        _claim(spans, start, end, name, EntityType.PERSON)
        weights[(start, end)] = cue_weight
        titles[name].append(title)
    _vote(spans, weights)
    people = {name for name, kind in spans.items.values() if kind is EntityType.PERSON and " " in name}
    for full in sorted(people, key=lambda n: (-len(n), n)):
        surname = full.split()[-1]
        if not surname[:1].isupper():
            continue  # not a surname: every "58" of a results table would have been this person
        for match in re.finditer(rf"\b{re.escape(surname)}(?:’s|'s)?\b", text):
            _claim(spans, match.start(), match.start() + len(surname), surname, EntityType.PERSON)
    return _group(spans.items, titles, rules, weights)


def _vote(spans: _Spans, weights: dict[tuple[int, int], int]) -> None:
    """One type for each name across its mentions: the type with the most weight of evidence
    (the model took "Lào Cai" for a person once and a place twice, or for a person where the
    text said "in Lào Cai"). A tie leaves each mention its own type: nothing says which is right."""
    tally: dict[str, Counter[EntityType]] = defaultdict(Counter)
    for key, (name, kind) in spans.items.items():
        tally[name.casefold()][kind] += weights.get(key, 1)
    for key, (name, kind) in list(spans.items.items()):
        ranked = tally[name.casefold()].most_common(2)
        if len(ranked) == 2 and ranked[0][1] > ranked[1][1] and ranked[0][0] is not kind:
            spans[key] = (name, ranked[0][0])


class _Spans:
    """Mention spans by offset, with the overlap lookup that claiming a mention needs: a sorted index
    beside the dict, so a long article's thousands of claims each look at their neighbours, not at
    every span (which made entities quadratic in the article's length)."""

    def __init__(self) -> None:
        self.items: dict[tuple[int, int], tuple[str, EntityType]] = {}
        self._sorted: list[tuple[int, int]] = []
        self._born: dict[tuple[int, int], int] = {}  # insertion order, as the dict iterates
        self._inserted = 0
        self._longest = 0

    def __getitem__(self, key: tuple[int, int]) -> tuple[str, EntityType]:
        return self.items[key]

    def __setitem__(self, key: tuple[int, int], value: tuple[str, EntityType]) -> None:
        if key not in self.items:
            insort(self._sorted, key)
            self._inserted += 1
            self._born[key] = self._inserted
            self._longest = max(self._longest, key[1] - key[0])
        self.items[key] = value

    def __delitem__(self, key: tuple[int, int]) -> None:
        del self.items[key]
        del self._born[key]
        del self._sorted[bisect_left(self._sorted, key)]

    def overlapping(self, start: int, end: int) -> list[tuple[int, int]]:
        """Keys of the spans that overlap [start, end), in the dict's order."""
        low = bisect_left(self._sorted, (start - self._longest,))
        high = bisect_left(self._sorted, (end,))
        found = [key for key in self._sorted[low:high] if start < key[1] and key[0] < end]
        return sorted(found, key=self._born.__getitem__)


def _not_a_name(ent: Any) -> bool:
    """A span the model labels that names no one: a word with no capital letter ("n't", which the
    small model took for a place in nine articles of one collection), or a time zone written after
    a time ("2045 GMT", "8 p.m. EST"), which it takes for an organisation (and events then for an
    actor). The zones are dateparser's; one of zero offset (GMT, UTC) is a zone wherever it stands."""
    text = ent.text.strip()
    if not any(c.isupper() for c in text):
        return True
    if len(ent) != 1:
        return False
    offset = _time_zones().get(text)
    if offset is None:
        return False
    before = ent.doc[ent.start - 1] if ent.start > 0 else None
    after_a_time = before is not None and (
        any(c.isdigit() for c in before.text) or before.lower_.replace(".", "") in ("am", "pm")
    )
    return offset == 0 or after_a_time


@cache
def _time_zones() -> dict[str, int]:
    """Time-zone abbreviations (upper case, as written) with their offsets in seconds, from
    dateparser's table."""
    from dateparser.timezones import timezone_info_list

    zones: dict[str, int] = {}
    for group in timezone_info_list:
        for name, offset in group["timezones"]:
            if name.isalpha() and name.isupper():
                zones.setdefault(name, int(offset))
    return zones


def _kin_named(rules: _Rules, ents: list[Any]) -> set[int]:
    """Token starts of the names given as someone's relatives ("daughters Malia and Sasha", "his
    wife, Michelle"): people, whatever label the model gave them (a daughter was a place)."""
    found: set[int] = set()
    for ent in ents:
        index = ent.start - 1
        if index >= 0 and ent.doc[index].text == ",":
            index -= 1
        if index >= 0 and ent.doc[index].lower_ in rules.kinship:
            found.add(ent.start)
    # The names coordinated with one ("... Malia and Sasha").
    for ent in ents:
        head = ent.root.head
        if ent.root.dep_ == "conj" and any(other.start in found and other.root.i == head.i for other in ents):
            found.add(ent.start)
    return found


def _split_kinship(rules: _Rules, start: int, name: str) -> tuple[int, str]:
    """ "Husband Barack" is Barack: a word of kinship before a name is no part of it."""
    first, _, rest = name.partition(" ")
    if rest and first.lower() in rules.kinship:
        return start + len(first) + 1, rest.lstrip()
    return start, name


def _person_or_not(
    rules: _Rules, doc: Any, ent: Any, name: str, placed: set[str]
) -> tuple[EntityType, bool] | None:
    """The type of a name the model calls a person, by the evidence around it.

    A place: the model takes unfamiliar place names for people ("in Lào Cai", "near Gdańsk", "at
    the Bernabeu", "the port city of Bandar Abbas"), and a ground or hall for a person ("Emirates
    Stadium", "the Royal Albert Hall").
    An organisation: a club named after its town ("Manchester United", "Liverpool FC"), or any
    other name a determiner takes ("the Yankees" beat ...): a person's name takes none, where it
    heads its phrase ("the Obama administration" is the administration's). None: no entity. With
    the type, whether words around the name decided it (else the model's label, or its label of the
    same name elsewhere in the article, did)."""
    words = name.split()
    index = ent.start - 1
    determined = False
    if index >= 0 and doc[index].lower_ == "the":
        determined, index = True, index - 1
    determined = determined or ent.text.lower().startswith("the ")
    before = doc[index].lower_ if index >= 0 else ""
    after = doc[ent.end].lower_ if ent.end < len(doc) else ""
    if (before in rules.locatives and after not in ("'s", "’s")) or _named_as_a_place(rules, doc, ent):
        return EntityType.PLACE, True
    if name in placed:
        return EntityType.PLACE, False
    if words and words[-1] in rules.venue_nouns:
        return EntityType.PLACE, True
    if any(word in rules.club_words for word in words):
        return EntityType.ORGANISATION, True
    if determined and ent.root.dep_ not in ("compound", "poss", "amod", "nmod"):
        # A plural name is a team or a group ("the Steelers"); a singular one may be a building,
        # a film or a site ("the Acropolis", "The Departed"): unsure, so no entity.
        return (EntityType.ORGANISATION, True) if ent.root.tag_ == "NNPS" else None
    return EntityType.PERSON, False


def _named_as_a_place(rules: _Rules, doc: Any, ent: Any) -> bool:
    """A place noun says the name is a place's: "the town of Woodburn", "the port city of Bandar
    Abbas", "Jiangsu province" (the model calls such names people or organisations)."""
    index = ent.start - 1
    if index >= 0 and doc[index].lower_ == "the":
        index -= 1
    after = doc[ent.end].lower_ if ent.end < len(doc) else ""
    of_a_place = index >= 1 and doc[index].lower_ == "of" and doc[index - 1].lower_ in rules.place_nouns
    return of_a_place or after in rules.place_nouns


def _split_title(rules: _Rules, start: int, name: str) -> tuple[int, str, str]:
    """ "Infrastructure Minister Agnieszka Rudnicka" is Agnieszka Rudnicka, titled Infrastructure Minister."""
    match = rules.leading_title.match(name)
    if not match or match.end() >= len(name):
        return start, name, ""
    title = match.group(0).strip()
    honorific = title.rstrip(".").lower() in rules.honorifics
    return start + match.end(), name[match.end() :], "" if honorific else title


def _trim(text: str, start: int, end: int) -> tuple[int, int, str]:
    # Offsets move with the whitespace taken off: an entity ending a block can take in the blank
    # line after it ("Path A.\n\n"), and a name rebuilt from the offsets must not carry it.
    name = text[start:end]
    start += len(name) - len(name.lstrip())
    name = name.strip()
    end = start + len(name)
    stripped = _POSSESSIVE.sub("", name)
    end -= len(name) - len(stripped)
    if stripped.lower().startswith("the "):
        start, stripped = start + 4, stripped[4:]
    return start, end, stripped.strip()


def _cut_figures(start: int, end: int, name: str, *, person: bool) -> tuple[int, int, str]:
    """A name without the figures the small model runs into it from a results table or a
    dateline: "4 - Conchita Martinez", "C. Hooper 58", "Borac 4 0", "SEOUL 1996-08-30". A person's
    name never ends in a figure; another name may ("Channel 4", "Apollo 11"), so only a score or a
    date ("5-0", "1996-08-30") or a run of figures is taken off its end."""
    words = name.split(" ")
    while len(words) > 1 and _FIGURE.fullmatch(words[0]):
        start += len(words[0]) + 1
        words = words[1:]
    run = False
    while len(words) > 1 and _FIGURE.fullmatch(words[-1]):
        run = run or (len(words) > 2 and _FIGURE.fullmatch(words[-2]) is not None)
        if not (person or run or any(mark in words[-1] for mark in "-–:/")):
            break
        end -= len(words[-1]) + 1
        words = words[:-1]
    # A figure between words parts two names of a results line ("Baltimore 5 SEATTLE", "Hanwha 6
    # Ssangbangwool"): the first is kept. A lone dash does not: tokenised text spaces a hyphenated
    # name ("Hewlett - Packard", "Crawford - Smith").
    inner = next(
        (
            n
            for n, word in enumerate(words[1:-1], 1)
            if _FIGURE.fullmatch(word) and any(c.isdigit() for c in word)
        ),
        None,
    )
    if inner is not None and any(c.isupper() for c in words[inner + 1]):
        end -= len(" ".join(words[inner:])) + 1
        words = words[:inner]
    return start, end, " ".join(words)


def _cut_weekday(rules: _Rules, end: int, name: str) -> tuple[int, str]:
    """ "Foreign Minister Jose Miguel Insulza Monday" names Jose Miguel Insulza: a weekday after a
    person's name is when, not who (a month may be a name: "Theresa May")."""
    rest, _, last = name.rpartition(" ")
    if rest and last.lower() in rules.weekdays:
        return end - len(last) - 1, rest
    return end, name


def _extend_name(doc: Any, text: str, ent: Any, start: int, end: int) -> tuple[int, str]:
    """ "Seyed Abbas" followed by "Araghchi": take the capitalised proper nouns that follow."""
    index = ent.end
    while index < len(doc) and index < ent.end + 2:
        token = doc[index]
        if (
            "\n\n" in text[doc[index - 1].idx : token.idx]  # never into the next block
            or token.pos_ != "PROPN"
            or not token.text[:1].isupper()
            or token.ent_type_ not in ("", "PERSON", "ORG", "GPE")
        ):
            break
        index += 1
    if index > ent.end:
        end = doc[index - 1].idx + len(_POSSESSIVE.sub("", doc[index - 1].text))
    # A last token that is only a quote mark ends the name before it, with what came between
    # ("Herbert Flynn Jr: 'I'm ..." gave "Herbert Flynn Jr: "): a name never ends that way.
    name = text[start:end]
    kept = name.rstrip(_NOT_NAME_END)
    return end - (len(name) - len(kept)), kept


def _is_noise(rules: _Rules, name: str, kind: EntityType) -> bool:
    from wordfreq import zipf_frequency

    words = name.split()
    if rules.bare_title.fullmatch(name):
        return True  # "Defense", "Foreign Minister": a title, not an organisation
    # A lone capitalised common word ("Table" in a heading) is not an organisation.
    return (
        kind is EntityType.ORGANISATION
        and len(words) == 1
        and zipf_frequency(name.lower(), rules.code) >= 4.0
    )


def _is_seat(rules: _Rules, name: str) -> bool:
    """A building that stands for a government ("the Kremlin said") or a head of state's palace
    ("Élysée Palace"): a place, though the small model tags it as an organisation or a person."""
    if name in rules.seats or name.removeprefix("the ") in rules.seats:
        return True
    words = name.split()
    return len(words) > 1 and words[-1] in rules.seat_nouns


def _titled_people(rules: _Rules, text: str) -> Iterable[tuple[int, int, str, str, bool]]:
    """(start, end, name, title, strong): a title before the name is strong evidence of a person;
    "X, the president" is weaker, since X may be a place ("In the Kremlin, Russia's president")."""
    for match in rules.title_before.finditer(text):
        start, name, more = _split_title(rules, match.start("name"), _POSSESSIVE.sub("", match.group("name")))
        name = _cut_weekday(rules, 0, name)[1]
        if _plausible_name(name, rules.code):
            owner = match.group("owner") or ""
            title = f"{owner} {match.group('title')} {more}".strip()
            yield start, start + len(name), name, title, True
    for match in rules.title_after.finditer(text):
        name = _cut_weekday(rules, 0, _POSSESSIVE.sub("", match.group("name")))[1]
        if _plausible_name(name, rules.code):
            title = re.sub(r"^(the|a)\s+", "", match.group("title2"))
            yield match.start("name"), match.start("name") + len(name), name, title, False


@cache
def _plausible_name(name: str, code: str) -> bool:
    """A run of capitalised words is a name unless it is made of common words (The, In, Iran...)."""
    from wordfreq import zipf_frequency

    words = name.split()
    if not words or any(not w[:1].isupper() for w in words):
        return False
    return not all(zipf_frequency(w.lower(), code) >= 4.5 for w in words)


def _claim(spans: _Spans, start: int, end: int, name: str, kind: EntityType) -> None:
    """Put a mention in, replacing any span it overlaps (the stronger evidence wins)."""
    for key in spans.overlapping(start, end):
        old_name, old_kind = spans[key]
        if old_kind is EntityType.PERSON and len(old_name) > len(name) and key[0] <= start and end <= key[1]:
            return  # already inside a longer name of the same person
        del spans[key]
    spans[(start, end)] = (name, kind)


def _group(
    spans: dict[tuple[int, int], tuple[str, EntityType]],
    titles: dict[str, list[str]],
    rules: _Rules,
    weights: dict[tuple[int, int], int],
) -> tuple[Entity, ...]:
    drafts: dict[tuple[EntityType, str], _Draft] = {}
    # Full names in text order; ties broken by name, never by set order (which varies per process).
    full_names = [
        (start, n) for (start, _), (n, k) in sorted(spans.items()) if k is EntityType.PERSON and " " in n
    ]
    longest = sorted({n for _, n in full_names}, key=lambda n: (-len(n), n))
    # Full names by surname, and each name's longer form once: looked up per mention, not scanned.
    by_surname = _by_surname(full_names)
    longer: dict[str, str] = {}
    for (start, end), (name, kind) in sorted(spans.items()):
        if kind is EntityType.PLACE and is_country(name, rules.country_aliases):
            kind = EntityType.COUNTRY
        canonical = name
        if kind is EntityType.PERSON:
            canonical = _full_form(name, start, full_names, longest, by_surname=by_surname, longer=longer)
        key = (kind, canonical.lower())
        draft = drafts.setdefault(key, _Draft(canonical, kind, [], []))
        draft.mentions.append(Mention(name, start, end))
        draft.evidence += weights.get((start, end), 1)
    for (kind, _), draft in drafts.items():
        if kind is EntityType.PERSON:
            for name, found in titles.items():
                if set(name.split()) <= set(draft.name.split()):
                    draft.titles.extend(t for t in found if t not in draft.titles)
    ordered = sorted(drafts.values(), key=lambda d: (-len(d.mentions), d.mentions[0].start))
    return tuple(Entity(d.name, d.type, tuple(d.mentions), tuple(d.titles), d.evidence) for d in ordered)


def _full_form(
    name: str,
    start: int,
    full_names: list[tuple[int, str]],
    longest: list[str],
    *,
    by_surname: dict[str, list[tuple[int, str]]] | None = None,
    longer: dict[str, str] | None = None,
) -> str:
    """The article's fullest form of a person's name. "Raisi" is the Raisi last named in full
    before it (the first one named after it when none was); "Abbas Araghchi" is "Seyed Abbas
    Araghchi" when no other longer name could be meant; "Dorothy Brown" is never "LaTonya Brown",
    and "George W. Bush" never "George H. W. Bush". ``full_names`` are in text order; a caller
    asking for many mentions passes them indexed by surname (:func:`_by_surname`) and a dict that
    remembers :func:`_longer`'s answers, so each mention is a lookup, not a scan."""
    words = name.split()
    if len(words) == 1:
        same = (by_surname if by_surname is not None else _by_surname(full_names)).get(words[0], [])
        before = bisect_left(same, (start,))
        name = same[before - 1][1] if before else (same[0][1] if same else name)
    if longer is None:
        return _longer(name, longest)
    if name not in longer:
        longer[name] = _longer(name, longest)
    return longer[name]


def _by_surname(full_names: list[tuple[int, str]]) -> dict[str, list[tuple[int, str]]]:
    """Full names (in text order) by their last word."""
    index: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for at, full in full_names:
        index[full.split()[-1]].append((at, full))
    return index


def _longer(name: str, longest: list[str]) -> str:
    """The one longer name that holds this two-word one, words in order; else the name itself."""
    words = name.split()
    if len(words) != 2:
        return name
    holders = [
        full
        for full in longest
        if full != name and _in_order(words, full.split()) and full.split()[-1] == words[-1]
    ]
    return holders[0] if len(holders) == 1 else name


def _in_order(words: list[str], within: list[str]) -> bool:
    rest = iter(within)
    return all(word in rest for word in words)


@cache
def is_country(name: str, aliases: frozenset[str] | None = None) -> bool:
    """Whether a place's name is a country's: pycountry knows it, or ``aliases`` (English's
    country-aliases.txt when not given: the names news uses that pycountry's official ones miss)."""
    import pycountry

    cleaned = name.removeprefix("the ").strip()
    if cleaned.lower() in (ENGLISH.words("country-aliases") if aliases is None else aliases):
        return True
    try:
        pycountry.countries.lookup(cleaned)
    except LookupError:
        return False
    return True
