"""Events from the dependency parse: meetings, talks, visits, arrivals, statements, agreements,
attacks — with actors (canonical entities), place, time (resolved against the article's date),
duration and modality.

Hand-written over spaCy's parse: no packaged model does news event extraction offline. A trigger is
a verb or noun of a known kind; actors are the entities inside its subject, object and "with"/
"between" phrases (a noun trigger takes the subject of the verb that governs it: "Putin and Raisi
completed a round of talks"); the place is an entity under an "in"/"at" phrase of the trigger or
its verb, else the sentence's first place. The words each of these steps reads (triggers, speech
and alleging verbs, future auxiliaries, prepositions, time words) are the article's language's
resources (lang/<code>/event-*.txt and the others named in :class:`_Words`).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache, lru_cache
from typing import Any

from storyline.lang import ENGLISH, Language
from storyline.model import Entity, EntityType, Event, Modality, Sentence

_ACTOR_DEPS = {"nsubj", "nsubjpass", "dobj", "agent"}
_ACTOR_TYPES = (EntityType.PERSON, EntityType.ORGANISATION, EntityType.COUNTRY)
# Relative base for dates written in full: any base after them resolves them the same.
_FAR_FUTURE = datetime(2100, 1, 1)
_YEAR = re.compile(r"\b(19|20)\d\d\b")


@dataclass(frozen=True, slots=True)
class _Words:
    """One language's event words (lang/<code>/event-*.txt and the rest named below), built once."""

    code: str
    verbs: dict[str, str]  # lemma -> kind of event (event-verbs.txt)
    nouns: dict[str, str]  # lemma or form -> kind of event (event-nouns.txt)
    speech: frozenset[str]
    alleging: frozenset[str]
    future: frozenset[str]
    actor_preps: frozenset[str]
    place_preps: frozenset[str]
    # A time expression that says when (a weekday, a month, "yesterday", a year), not a bare number.
    date_words: re.Pattern[str]
    month: re.Pattern[str]
    weekdays: tuple[str, ...]  # Monday first, as datetime.weekday() counts
    reactions: frozenset[str]  # event-reaction-verbs.txt
    idioms: frozenset[str]  # event-idioms.txt
    objects: dict[str, frozenset[str]]  # event-object-kinds.txt
    duration: re.Pattern[str]
    rough_duration: re.Pattern[str]
    leading_word: re.Pattern[str]


def _kinds(lang: Language, name: str) -> dict[str, str]:
    """A ``word = kind`` resource as a dict."""
    return {word: kind for word, _, kind in (line.partition(" = ") for line in lang.lines(name))}


@cache
def _words(lang: Language) -> _Words:
    months = [name for line in lang.lines("months") for name in line.split()]
    dated = [*lang.lines("weekdays"), *lang.lines("event-time-words"), *months]
    units = [line.split() for line in lang.lines("event-duration-units")]
    plurals = "|".join(unit[-1] for unit in units)
    approximations = "|".join(lang.lines("event-duration-approximations"))
    return _Words(
        code=lang.code,
        verbs=_kinds(lang, "event-verbs"),
        nouns=_kinds(lang, "event-nouns"),
        speech=lang.words("speech-verbs"),
        alleging=lang.words("alleging-verbs"),
        future=lang.words("future-auxiliaries"),
        actor_preps=lang.words("event-actor-prepositions"),
        place_preps=lang.words("event-place-prepositions"),
        date_words=re.compile(rf"\b({'|'.join(dated)}|\d{{4}})\b", re.IGNORECASE),
        month=re.compile(rf"\b({'|'.join(months)})\b", re.IGNORECASE),
        weekdays=tuple(lang.lines("weekdays")),
        reactions=lang.words("event-reaction-verbs"),
        idioms=lang.words("event-idioms"),
        objects={
            verb: frozenset(kinds.split())
            for verb, _, kinds in (line.partition(" = ") for line in lang.lines("event-object-kinds"))
        },
        duration=re.compile(rf"\b({'|'.join(form for unit in units for form in unit)})\b", re.IGNORECASE),
        rough_duration=re.compile(rf"\b(?:{approximations})?\s*\w+\s+(?:{plurals})\b"),
        leading_word=re.compile(rf"^({'|'.join(lang.lines('date-lead-words'))})\s+", re.IGNORECASE),
    )


# A token's lemma: spaCy's ``Token.lemma_`` when the pipeline lemmatised every token, or a function
# that lemmatises the tokens asked about (storyline.nlp.analyze leaves the lemmatizer out of the
# pipe and passes one: events read the lemmas of a few tokens only).
Lemma = Callable[[Any], str]


def stored_lemma(token: Any) -> str:
    return str(token.lemma_)


def extract_events(
    doc: Any,
    sentences: Sequence[Sentence],
    entities: Sequence[Entity],
    published: datetime | None,
    *,
    lemma: Lemma = stored_lemma,
    lang: Language = ENGLISH,
) -> tuple[Event, ...]:
    """Events of one parsed article; ``sentences`` give the index each event cites, ``lang`` is the
    article's language (whose event words are read)."""
    words = _words(lang)
    mentions = _Mentions(entities)
    dated = _DocEnts(doc)
    starts = [s.start for s in sentences]
    events: list[Event] = []
    seen: set[tuple[str, tuple[str, ...], int]] = set()
    for token in _verbs_and_nouns(doc):
        kind = _trigger_kind(words, token, lemma)
        if kind is None or not _real_event(words, token, lemma):
            continue
        anchor = _anchor(token)
        actors = _actors(words, token, anchor, mentions, lemma)
        # An event needs a named party: "the meeting also highlighted..." is commentary, not an event.
        if not any(actor in mentions.named for actor in actors):
            continue
        index = _sentence_index(starts, token.idx)
        key = (kind, actors, index)
        if key in seen:
            continue
        seen.add(key)
        sent = token.sent
        time_text, duration = _times(words, sent, dated, token, anchor)
        events.append(
            Event(
                kind=kind,
                trigger=token.text,
                sentence=index,
                actors=actors,
                place=_place(words, token, anchor, sent, mentions),
                time_text=time_text,
                date=_resolve(words, time_text, published),
                duration=duration,
                modality=_modality(
                    words, token, anchor, sentences[index] if 0 <= index < len(sentences) else None, lemma
                ),
            )
        )
    return tuple(events)


class _Mentions:
    """An article's entity mentions, indexed by offset once per article: each trigger looks up the
    few mentions inside a phrase instead of scanning them all (which made a long article's events
    cubic in its length: 16 s for 100,000 characters). Lookups answer in the entities' own order,
    as the scans did."""

    def __init__(self, entities: Sequence[Entity]) -> None:
        self.items = [(m.start, m.end, e) for e in entities for m in e.mentions]
        self.named = {e.name for _, _, e in self.items}
        self._by_start = sorted(range(len(self.items)), key=lambda i: self.items[i][0])
        self._starts = [self.items[i][0] for i in self._by_start]
        people = sorted((s, e_) for s, e_, e in self.items if e.type is EntityType.PERSON)
        people_starts = [a for a, _ in people]
        longest = max((b - a for a, b in people), default=0)

        def in_a_name(offset: int) -> bool:
            k = bisect_right(people_starts, offset) - 1
            while k >= 0 and people[k][0] > offset - longest - 1:
                if offset < people[k][1]:
                    return True
                k -= 1
            return False

        # "Lima" inside "Marcos Tavares Lima" is part of a name, not a place.
        self._places = [
            i
            for i in self._by_start
            if self.items[i][2].type in (EntityType.PLACE, EntityType.COUNTRY)
            and not in_a_name(self.items[i][0])
        ]
        self._place_starts = [self.items[i][0] for i in self._places]

    def within(self, low: int, high: int) -> list[tuple[int, int, Entity]]:
        """Mentions wholly inside [low, high], in the entities' order."""
        found = self._by_start[bisect_left(self._starts, low) : bisect_right(self._starts, high)]
        return [self.items[i] for i in sorted(found) if self.items[i][1] <= high]

    def places_from(self, low: int, high: int) -> list[Entity]:
        """Places (and countries) mentioned from ``low`` up to ``high`` (excluded), entities' order."""
        found = self._places[bisect_left(self._place_starts, low) : bisect_left(self._place_starts, high)]
        return [self.items[i][2] for i in sorted(found)]


class _DocEnts:
    """spaCy's entities of a Doc by token position: ``Span.ents`` walks every entity of the Doc
    from its start, once per trigger."""

    def __init__(self, doc: Any) -> None:
        self.ents = list(doc.ents)
        self._starts = [ent.start for ent in self.ents]

    def of(self, sent: Any) -> list[Any]:
        first = bisect_left(self._starts, sent.start)
        last = bisect_left(self._starts, sent.end)
        return [ent for ent in self.ents[first:last] if ent.end <= sent.end]


def _verbs_and_nouns(doc: Any) -> Iterator[Any]:
    """The Doc's verbs and nouns in order, the only tokens that can trigger an event: picked from
    the part-of-speech column, so the other two thirds of the tokens are never made into Python
    objects."""
    from spacy.attrs import POS
    from spacy.parts_of_speech import NOUN, VERB

    if not len(doc):
        return
    column = doc.to_array(POS)
    for index in ((column == VERB) | (column == NOUN)).nonzero()[0].tolist():
        yield doc[index]


def _trigger_kind(words: _Words, token: Any, lemma: Lemma = stored_lemma) -> str | None:
    if token.pos_ == "VERB":
        return words.verbs.get(lemma(token).lower())
    if token.pos_ == "NOUN":
        return words.nouns.get(lemma(token).lower()) or words.nouns.get(token.lower_)
    return None


def _real_event(words: _Words, token: Any, lemma: Lemma) -> bool:
    """Whether a trigger word names its event here: not as an adjective ("a visiting professor"),
    not in an idiom ("shot to prominence"), and with the object its event takes ("signed a deal",
    not "signed 'Happy Birthday'"; "resigned his post", not "resigning the striker")."""
    if token.dep_ == "amod" or _before_a_titled_name(token):
        return False
    word = lemma(token).lower()
    for child in token.children:
        if child.dep_ == "prt":  # "shot up the charts": the particle's object makes the idiom
            for obj in token.children:
                if obj.dep_ == "dobj":
                    phrase = " ".join(t.lower_ for t in obj.subtree)
                    if f"{word} {child.lower_} {phrase}" in words.idioms:
                        return False
        if child.dep_ == "prep":
            for pobj in child.children:
                if pobj.dep_ == "pobj" and f"{word} {child.lower_} {pobj.lower_}" in words.idioms:
                    return False
                phrase = " ".join(t.lower_ for t in pobj.subtree)
                if f"{word} {child.lower_} {phrase}" in words.idioms:
                    return False
    wanted = words.objects.get(word)
    if token.pos_ == "VERB" and wanted is not None:
        objects = [c for c in token.children if c.dep_ == "dobj"]
        if objects and not any(lemma(o).lower() in wanted or o.lower_ in wanted for o in objects):
            return False
    return True


def _before_a_titled_name(token: Any) -> bool:
    """A participle that describes the titled person after it: "Visiting Chinese Premier Wen
    Jiabao met ...", "met visiting Pope Benedict" (the parser makes it a clause of the sentence's
    verb). Capitalised words (a title, a nationality) between it and the name tell the adjective
    from the verb: "visiting Iraq", "visiting Maliki" are visits."""
    if token.tag_ != "VBG":
        return False
    doc, index = token.doc, token.i + 1
    while index < len(doc) and doc[index].text[:1].isupper() and doc[index].ent_type_ != "PERSON":
        index += 1
    return index > token.i + 1 and index < len(doc) and bool(doc[index].ent_type_ == "PERSON")


def _anchor(token: Any) -> Any:
    """The verb a noun trigger hangs from ("completed" in "completed a round of talks")."""
    current = token
    for _ in range(4):
        if current.pos_ in ("VERB", "AUX") or current.head is current:
            return current
        current = current.head
    return current


def _actors(
    words: _Words, token: Any, anchor: Any, mentions: _Mentions, lemma: Lemma = stored_lemma
) -> tuple[str, ...]:
    # Under a verb of reacting or speaking ("the president condemned the attack", "Isaacs told The
    # Christian Post that the bombing ..."), the verb's parties are the commentators and their
    # audience: a noun event's actors come from its own phrase ("Israel's attack") alone.
    reacting = token is not anchor and (
        lemma(anchor).lower() in words.reactions or lemma(anchor).lower() in words.speech
    )
    around = (*token.children,) if reacting else (*token.children, *anchor.children)
    roles = [child for child in around if child.dep_ in _ACTOR_DEPS]
    for child in around:
        if child.dep_ == "prep" and child.lower_ in words.actor_preps:
            roles.extend(grand for grand in child.children if grand.dep_ == "pobj")
    if token is not anchor and token.dep_ == "poss":
        roles.append(token.head)
    if token.pos_ == "NOUN":
        roles.extend(child for child in token.children if child.dep_ == "poss")
    names: list[str] = []
    for role in roles:
        span = (role.left_edge.idx, role.right_edge.idx + len(role.right_edge.text))
        found = [e for _, _, e in mentions.within(*span) if e.type in _ACTOR_TYPES]
        people = [e for e in found if e.type is EntityType.PERSON]
        for entity in people or found:
            if entity.name not in names:
                names.append(entity.name)
        if (
            not found
            and role.pos_ in ("NOUN", "PROPN")
            and role.dep_ != "dobj"
            and _trigger_kind(words, role, lemma) is None
        ):
            phrase = " ".join(t.text for t in role.subtree if t.dep_ not in ("det", "punct")).strip()
            if phrase and len(phrase.split()) <= 5 and phrase not in names:
                names.append(phrase)  # "other senior officials": an unnamed party still counts
    return tuple(names)


def _place(words: _Words, token: Any, anchor: Any, sent: Any, mentions: _Mentions) -> str | None:
    for child in (*token.children, *anchor.children):
        if child.dep_ == "prep" and child.lower_ in words.place_preps:
            low, high = child.left_edge.idx, child.right_edge.idx + len(child.right_edge.text)
            inside = mentions.places_from(low, high)
            if inside:
                return inside[0].name
    in_sentence = [
        e for e in mentions.places_from(sent.start_char, sent.end_char) if e.type is EntityType.PLACE
    ]
    return in_sentence[0].name if in_sentence else None


def _times(
    words: _Words, sent: Any, dated: _DocEnts, token: Any = None, anchor: Any = None
) -> tuple[str | None, str | None]:
    """The event's time and duration: a time in the event's own clause first ("the gunman who killed
    the girl in May" is dated May, not by the "Tuesday" the witness spoke), else the sentence's."""
    when = duration = None
    ents = [ent for ent in dated.of(sent) if ent.label_ in ("DATE", "TIME") and not _a_length(ent)]
    if token is not None:
        own = [ent for ent in ents if _belongs(ent.root, token, anchor)]
        ents = own + [ent for ent in ents if ent not in own]
    for ent in ents:
        if words.duration.search(ent.text) and duration is None:
            duration = ent.text
        elif when is None and words.date_words.search(ent.text):
            when = ent.text  # a bare number ("41", an age) is not a time
    if duration is None:
        match = words.rough_duration.search(sent.text)
        duration = match.group(0).strip() if match else None
    return when, duration


def _a_length(ent: Any) -> bool:
    """A time expression that gives a length or an age, not a time: "an eight-year deal", "a 10-day
    contract", "16-year-old Kimani Gray" (a number joined by a hyphen to its unit); the model labels
    them dates, "eight-year" was dated August and "16 - year - old" was a shooting's time."""
    return len(ent) > 2 and ent[0].like_num and ent[1].text == "-"


def _belongs(word: Any, token: Any, anchor: Any) -> bool:
    """Whether ``word`` hangs from the trigger (or its anchor verb) without passing another verb's
    clause on the way up."""
    current = word
    for _ in range(12):
        if current.i in (token.i, anchor.i if anchor is not None else token.i):
            return True
        if current.head.i == current.i:
            return False
        current = current.head
        if current.pos_ in ("VERB", "AUX") and current.i not in (
            token.i,
            anchor.i if anchor is not None else token.i,
        ):
            return False
    return False


@lru_cache(maxsize=4096)
def _resolve_cached(text: str, base: datetime, code: str) -> str | None:
    import dateparser

    # A day only where the text gives one: "in 2005" or "December 2005" had the article's own
    # month and day filled in (a 2005 event dated 2005-12-11 from a 2008-12-11 article), and
    # "eight-year" (a contract's length) was read as August.
    parsed = dateparser.parse(
        text,
        languages=[code],
        settings={
            "RELATIVE_BASE": base.replace(tzinfo=None),
            "PREFER_DATES_FROM": "past",
            "REQUIRE_PARTS": ["day"],
        },
    )
    return parsed.date().isoformat() if parsed else None


def _resolve(words: _Words, text: str | None, published: datetime | None) -> str | None:
    """ "on Tuesday", "yesterday", "14 October" as a calendar date, relative to the article's date."""
    if not text:
        return None
    cleaned = words.leading_word.sub("", text.strip())
    if published is None:
        # An undated article still dates what it writes in full ("on December 12, 2008"); a weekday
        # or "yesterday" needs the article's own date, so stays undated.
        if not _YEAR.search(cleaned) or not words.month.search(cleaned):
            return None
        return _resolve_cached(cleaned, _FAR_FUTURE, words.code)
    day = cleaned.lower().rstrip(".,")
    if day in words.weekdays:
        return _weekday(words, day, published)
    found = _resolve_cached(cleaned, published, words.code)
    first = day.split()[0] if day.split() else ""
    if found is None and first.rstrip(".,") in words.weekdays:
        return _weekday(words, first.rstrip(".,"), published)  # "Monday night"
    return found


def _weekday(words: _Words, day: str, published: datetime) -> str:
    """The most recent such day on or before the article's own day: "Tuesday" in a Tuesday article
    is that day (dateparser's "past" preference put it a week earlier), as
    text/datelines.weekday_on_or_before reads a dateline's weekday."""
    back = (published.weekday() - words.weekdays.index(day)) % 7
    return (published - timedelta(days=back)).date().isoformat()


def _modality(
    words: _Words, token: Any, anchor: Any, sentence: Sentence | None, lemma: Lemma = stored_lemma
) -> Modality:
    if any(child.dep_ == "neg" for child in token.children) or (
        any(child.dep_ == "neg" for child in anchor.children) and not _described(token, anchor, lemma)
    ):
        return Modality.NEGATED
    # What will happen, or what someone agreed or plans to do, has not happened: "will launch",
    # "agreed to buy", "is set to visit".
    if any(child.dep_ == "aux" and child.lower_ in words.future for child in anchor.children):
        return Modality.HEDGED
    if anchor.dep_ == "xcomp" and lemma(anchor.head).lower() not in words.speech:
        return Modality.HEDGED
    # What someone is accused or suspected of is alleged, not established: "the two men accused
    # of killing Horton".
    if anchor.dep_ == "pcomp" and lemma(anchor.head.head).lower() in words.alleging:
        return Modality.HEDGED
    current = anchor
    for _ in range(4):
        if current.dep_ in ("ccomp", "xcomp") and lemma(current.head).lower() in words.speech:
            return Modality.REPORTED
        if current.head is current:
            break
        current = current.head
    if sentence is not None and sentence.hedged:
        return Modality.HEDGED

    return Modality.ASSERTED


def _described(token: Any, anchor: Any, lemma: Lemma) -> bool:
    """Whether a noun trigger hangs from "be" with a complement other than itself: "the trip was
    not a success", "the talks were not productive". The negation there denies the description, not
    the event, which the sentence takes as having happened ("the trip did not take place" has a
    verb of its own and stays negated)."""
    # Tokens compare by position: spaCy makes a new Token object each time one is looked up. The
    # trigger need not be parsed as the subject (the small model sometimes attaches it to "be" as
    # an object); only a trigger that is the complement itself ("it was not a meeting") has its
    # event denied.
    return (
        token.i != anchor.i
        and token.head.i == anchor.i
        and token.dep_ not in ("acomp", "attr")
        and lemma(anchor).lower() == "be"
        and any(child.dep_ in ("acomp", "attr") and child.i != token.i for child in anchor.children)
    )


def _sentence_index(starts: list[int], offset: int) -> int:
    return max(0, bisect_right(starts, offset) - 1)
