"""Events from the dependency parse: meetings, talks, visits, arrivals, statements, agreements,
attacks — with actors (canonical entities), place, time (resolved against the article's date),
duration and modality.

Hand-written over spaCy's parse: no packaged model does news event extraction offline. A trigger is
a verb or noun of a known kind; actors are the entities inside its subject, object and "with"/
"between" phrases (a noun trigger takes the subject of the verb that governs it: "Putin and Raisi
completed a round of talks"); the place is an entity under an "in"/"at" phrase of the trigger or
its verb, else the sentence's first place.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from functools import lru_cache
from typing import Any

from storyline.model import Entity, EntityType, Event, Modality, Sentence

VERB_TRIGGERS = {
    "meet": "meeting",
    "talk": "talks",
    "discuss": "talks",
    "negotiate": "talks",
    "visit": "visit",
    "arrive": "arrival",
    "land": "arrival",
    "say": "statement",
    "announce": "statement",
    "declare": "statement",
    "state": "statement",
    "warn": "statement",
    "sign": "agreement",
    "agree": "agreement",
    "ratify": "agreement",
    "attack": "attack",
    "bomb": "attack",
    "shell": "attack",
    "raid": "attack",
    "kill": "attack",
    # Happenings news reports besides diplomacy and attacks (docs/annotation.md, dated events).
    "arrest": "arrest",
    "detain": "arrest",
    "charge": "charge",
    "indict": "charge",
    "convict": "conviction",
    "sentence": "sentencing",
    "shoot": "shooting",
    "stab": "attack",
    "die": "death",
    "acquire": "acquisition",
    "buy": "acquisition",
    "launch": "launch",
    "unveil": "launch",
    "resign": "resignation",
    "appoint": "appointment",
    "hire": "hiring",
    "evacuate": "evacuation",
    "restore": "restoration",
    "crash": "crash",
    "elect": "election",
}
NOUN_TRIGGERS = {
    "talk": "talks",
    "talks": "talks",
    "discussion": "talks",
    "negotiation": "talks",
    "meeting": "meeting",
    "summit": "meeting",
    "visit": "visit",
    "trip": "visit",
    "arrival": "arrival",
    "agreement": "agreement",
    "deal": "agreement",
    "accord": "agreement",
    "memorandum": "agreement",
    "attack": "attack",
    "airstrike": "attack",
    # "strike" alone is as often a walk-out ("a general strike paralysed Greece") as an attack.
    "bombing": "attack",
}
# The happenings added beside diplomacy and attacks are read from verbs only: as nouns they are
# as often talked about as done ("calls for his resignation", "the re-election committee").
_SPEECH = {"say", "tell", "report", "claim", "announce", "state", "add", "note", "suggest", "according"}
_ALLEGING = {"accuse", "suspect", "charge", "allege", "deny", "acquit", "convict"}
_FUTURE = {"will", "would", "shall", "'ll", "’ll"}
_ACTOR_DEPS = {"nsubj", "nsubjpass", "dobj", "agent"}
_ACTOR_PREPS = {"with", "between", "by"}
_PLACE_PREPS = {"in", "at", "inside", "near"}
_ACTOR_TYPES = (EntityType.PERSON, EntityType.ORGANISATION, EntityType.COUNTRY)
_DATE_WORDS = re.compile(
    r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday|tomorrow|tonight|morning|"
    r"afternoon|evening|night|week|month|year|january|february|march|april|may|june|july|august|september|"
    r"october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|\d{4})\b",
    re.IGNORECASE,
)
_MONTH = re.compile(
    r"\b(january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec)\b",
    re.IGNORECASE,
)
# Relative base for dates written in full: any base after them resolves them the same.
_FAR_FUTURE = datetime(2100, 1, 1)
_DURATION = re.compile(r"\b(hours?|minutes?)\b", re.IGNORECASE)
_ROUGH_DURATION = re.compile(
    r"\b(?:more than|over|beyond|nearly|almost|about|around)?\s*\w+\s+(?:hours|minutes)\b"
)
_LEADING_WORD = re.compile(r"^(on|earlier|later|last|this)\s+", re.IGNORECASE)
_YEAR = re.compile(r"\b(19|20)\d\d\b")

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
) -> tuple[Event, ...]:
    """Events of one parsed article; ``sentences`` give the index each event cites."""
    mentions = _Mentions(entities)
    dated = _DocEnts(doc)
    starts = [s.start for s in sentences]
    events: list[Event] = []
    seen: set[tuple[str, tuple[str, ...], int]] = set()
    for token in _verbs_and_nouns(doc):
        kind = _trigger_kind(token, lemma)
        if kind is None:
            continue
        anchor = _anchor(token)
        actors = _actors(token, anchor, mentions, lemma)
        # An event needs a named party: "the meeting also highlighted..." is commentary, not an event.
        if not any(actor in mentions.named for actor in actors):
            continue
        index = _sentence_index(starts, token.idx)
        key = (kind, actors, index)
        if key in seen:
            continue
        seen.add(key)
        sent = token.sent
        time_text, duration = _times(sent, dated)
        events.append(
            Event(
                kind=kind,
                trigger=token.text,
                sentence=index,
                actors=actors,
                place=_place(token, anchor, sent, mentions),
                time_text=time_text,
                date=_resolve(time_text, published),
                duration=duration,
                modality=_modality(
                    token, anchor, sentences[index] if 0 <= index < len(sentences) else None, lemma
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


def _trigger_kind(token: Any, lemma: Lemma = stored_lemma) -> str | None:
    if token.pos_ == "VERB":
        return VERB_TRIGGERS.get(lemma(token).lower())
    if token.pos_ == "NOUN":
        return NOUN_TRIGGERS.get(lemma(token).lower()) or NOUN_TRIGGERS.get(token.lower_)
    return None


def _anchor(token: Any) -> Any:
    """The verb a noun trigger hangs from ("completed" in "completed a round of talks")."""
    current = token
    for _ in range(4):
        if current.pos_ in ("VERB", "AUX") or current.head is current:
            return current
        current = current.head
    return current


def _actors(token: Any, anchor: Any, mentions: _Mentions, lemma: Lemma = stored_lemma) -> tuple[str, ...]:
    roles = [child for child in (*token.children, *anchor.children) if child.dep_ in _ACTOR_DEPS]
    for child in (*token.children, *anchor.children):
        if child.dep_ == "prep" and child.lower_ in _ACTOR_PREPS:
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
            and _trigger_kind(role, lemma) is None
        ):
            phrase = " ".join(t.text for t in role.subtree if t.dep_ not in ("det", "punct")).strip()
            if phrase and len(phrase.split()) <= 5 and phrase not in names:
                names.append(phrase)  # "other senior officials": an unnamed party still counts
    return tuple(names)


def _place(token: Any, anchor: Any, sent: Any, mentions: _Mentions) -> str | None:
    for child in (*token.children, *anchor.children):
        if child.dep_ == "prep" and child.lower_ in _PLACE_PREPS:
            low, high = child.left_edge.idx, child.right_edge.idx + len(child.right_edge.text)
            inside = mentions.places_from(low, high)
            if inside:
                return inside[0].name
    in_sentence = [
        e for e in mentions.places_from(sent.start_char, sent.end_char) if e.type is EntityType.PLACE
    ]
    return in_sentence[0].name if in_sentence else None


def _times(sent: Any, dated: _DocEnts) -> tuple[str | None, str | None]:
    when = duration = None
    for ent in dated.of(sent):
        if ent.label_ not in ("DATE", "TIME"):
            continue
        if _DURATION.search(ent.text) and duration is None:
            duration = ent.text
        elif when is None and _DATE_WORDS.search(ent.text):
            when = ent.text  # a bare number ("41", an age) is not a time
    if duration is None:
        match = _ROUGH_DURATION.search(sent.text)
        duration = match.group(0).strip() if match else None
    return when, duration


@lru_cache(maxsize=4096)
def _resolve_cached(text: str, base: datetime) -> str | None:
    import dateparser

    parsed = dateparser.parse(
        text,
        languages=["en"],
        settings={"RELATIVE_BASE": base.replace(tzinfo=None), "PREFER_DATES_FROM": "past"},
    )
    return parsed.date().isoformat() if parsed else None


def _resolve(text: str | None, published: datetime | None) -> str | None:
    """ "on Tuesday", "yesterday", "14 October" as a calendar date, relative to the article's date."""
    if not text:
        return None
    cleaned = _LEADING_WORD.sub("", text.strip())
    if published is None:
        # An undated article still dates what it writes in full ("on December 12, 2008"); a weekday
        # or "yesterday" needs the article's own date, so stays undated.
        if not _YEAR.search(cleaned) or not _MONTH.search(cleaned):
            return None
        return _resolve_cached(cleaned, _FAR_FUTURE)
    return _resolve_cached(cleaned, published)


def _modality(token: Any, anchor: Any, sentence: Sentence | None, lemma: Lemma = stored_lemma) -> Modality:
    if any(child.dep_ == "neg" for child in token.children) or (
        any(child.dep_ == "neg" for child in anchor.children) and not _described(token, anchor, lemma)
    ):
        return Modality.NEGATED
    # What will happen, or what someone agreed or plans to do, has not happened: "will launch",
    # "agreed to buy", "is set to visit".
    if any(child.dep_ == "aux" and child.lower_ in _FUTURE for child in anchor.children):
        return Modality.HEDGED
    if anchor.dep_ == "xcomp" and lemma(anchor.head).lower() not in _SPEECH:
        return Modality.HEDGED
    # What someone is accused or suspected of is alleged, not established: "the two men accused
    # of killing Horton".
    if anchor.dep_ == "pcomp" and lemma(anchor.head.head).lower() in _ALLEGING:
        return Modality.HEDGED
    current = anchor
    for _ in range(4):
        if current.dep_ in ("ccomp", "xcomp") and lemma(current.head).lower() in _SPEECH:
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
