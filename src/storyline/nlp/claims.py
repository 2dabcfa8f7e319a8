"""An article's claims: what each sentence states, who says it, what it is about and its figures.

Read from spaCy's dependency parse during the understanding stage (the parse is not kept, so claims
are made where it exists and stored with the analysis). Written here because no packaged model does
attribution and clause splitting offline; the rules are the textbook ones of the parse:

- **Attribution.** A speech verb ("say", "tell", "according to"; ``lang/en/claim-speech-verbs.txt``) with
  a clause under it (``ccomp``) makes that clause a claim of the verb's subject: "Police said the man
  was arrested" is the claim "the man was arrested", said by "Police". Words inside quotation marks
  are a direct quote. A pronoun speaker is the person last named before the sentence.
- **Clauses.** A claim whose verb has a coordinated verb with its own subject ("Ten people died and
  forty were injured") is two claims: one sentence can support two facts.
- **About.** The named entities inside the claim (their canonical names), its content lemmas, the
  event of the understanding stage whose trigger is inside it (kind, actors, place, date), and its
  figures (nlp/quantities.py).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from storyline.lang import Language
from storyline.model import Claim, Entity, EntityType, Event, Modality, Sentence, Speech
from storyline.nlp.quantities import quantities

Lemma = Callable[[Any], str]

_QUOTES = '"“”«»'
_CONTENT_POS = {"NOUN", "VERB", "PROPN", "ADJ", "NUM"}
_SUBJECTS = {"nsubj", "nsubjpass"}


@dataclass(frozen=True)
class _Named:
    """Entity mentions by offset, to name what a span mentions and who a pronoun is. Looked up by
    bisection: a long text has thousands of mentions and a claim per sentence asks for them."""

    spans: tuple[tuple[int, int, str, EntityType], ...]
    starts: tuple[int, ...]
    longest: int
    people: tuple[tuple[int, str], ...]

    @classmethod
    def of(cls, entities: Sequence[Entity]) -> _Named:
        rows = tuple(sorted((m.start, m.end, e.name, e.type) for e in entities for m in e.mentions))
        return cls(
            spans=rows,
            starts=tuple(r[0] for r in rows),
            longest=max((r[1] - r[0] for r in rows), default=0),
            people=tuple((r[0], r[2]) for r in rows if r[3] is EntityType.PERSON),
        )

    def inside(self, start: int, end: int) -> tuple[str, ...]:
        first, last = bisect_left(self.starts, start), bisect_left(self.starts, end)
        return tuple(dict.fromkeys(name for _, e, name, _ in self.spans[first:last] if e <= end))

    def overlapping(self, start: int, end: int) -> str:
        """The longest entity named inside [start, end), else ""."""
        best = ""
        first, last = bisect_left(self.starts, start - self.longest), bisect_left(self.starts, end)
        for s, e, name, _ in self.spans[first:last]:
            if s < end and e > start and len(name) > len(best):
                best = name
        return best

    def last_person_before(self, offset: int) -> str:
        at = bisect_left(self.people, (offset, ""))
        return self.people[at - 1][1] if at else ""


def extract_claims(
    doc: Any,
    sentences: Sequence[Sentence],
    entities: Sequence[Entity],
    events: Sequence[Event],
    language: Language,
    lemma: Lemma,
) -> tuple[Claim, ...]:
    """The claims of one parsed article, sentence by sentence, in text order."""
    speech = language.words("claim-speech-verbs")
    stop = language.words("claim-stop-words")
    named = _Named.of(entities)
    # spaCy's Doc.text joins every token on each call: read once, or a long text is quadratic.
    whole = doc.text
    by_sentence: dict[int, list[Event]] = defaultdict(list)
    for known in events:
        by_sentence[known.sentence].append(known)
    read: list[tuple[int, Any, str, Speech, list[Any]]] = []
    for index, sentence in enumerate(sentences):
        span = doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
        if span is None or not len(span):
            continue
        read.append((index, span, *_attribution(span, speech, named, lemma, whole)))
    claims: list[Claim] = []
    for index, span, speaker, mode, content in _quotations_carried(read, sentences):
        sentence = sentences[index]
        mine = by_sentence.get(index, [])
        for piece in _clauses(content, span):
            start, end = _bounds(piece)
            if end <= start:
                continue
            text = whole[start:end].strip()
            if not re.search(r"\w", text):
                continue
            event = _event_in(mine, whole[start:end])
            head = _root(piece)
            negated = (event is not None and event.modality is Modality.NEGATED) or (
                head is not None and any(c.dep_ == "neg" for c in head.children)
            )
            claims.append(
                Claim(
                    sentence=index,
                    start=start + (len(whole[start:end]) - len(whole[start:end].lstrip())),
                    end=end,
                    text=text,
                    speaker=speaker,
                    speech=mode,
                    event=event.kind if event else "",
                    actors=event.actors if event else (),
                    place=event.place if event else None,
                    date=event.date if event else None,
                    quantities=quantities(doc[piece[0].i : piece[-1].i + 1], language, lemma),
                    names=named.inside(start, end),
                    terms=_terms(piece, stop, lemma),
                    hedged=sentence.hedged,
                    negated=negated,
                )
            )
    return tuple(claims)


def _attribution(
    span: Any, speech: frozenset[str], named: _Named, lemma: Lemma, whole: str
) -> tuple[str, Speech, list[Any]]:
    """(speaker, how, the tokens of what is said). An unattributed sentence is the outlet's own:
    ("", NONE, all its tokens)."""
    tokens = list(span)
    for token in tokens:
        if token.lower_ == "according" and any(c.lower_ == "to" for c in token.children):
            to = next(c for c in token.children if c.lower_ == "to")
            who = next((c for c in to.children if c.dep_ == "pobj"), None)
            if who is None:
                continue
            said = set(token.subtree)
            # "..., according to X.": the full stop after the attribution is no part of what X says
            # (kept, it stretched the claim's span over the attribution to the sentence's end).
            last_said = max(t.i for t in said)
            content = [t for t in tokens if t not in said and not (t.i > last_said and t.is_punct)]
            return _speaker(who, named), _mode(content, whole), content
    for token in tokens:
        if token.pos_ != "VERB" or lemma(token).lower() not in speech:
            continue
        clause = next((c for c in token.children if c.dep_ in ("ccomp", "parataxis")), None)
        subject = _subject(token, named)
        if clause is None:
            # "The man was arrested, police said": spaCy may hang the speech verb under the
            # reported clause instead (parataxis or ccomp of it).
            if token.dep_ in ("parataxis", "ccomp") and token.head.i != token.i and subject is not None:
                said = set(token.subtree)
                content = [t for t in tokens if t not in said]
                if content:
                    return _speaker(subject, named), _mode(content, whole), content
            continue
        if subject is None:
            continue
        content = [t for t in clause.subtree if t.i >= span.start and t.i < span.end]
        quoted = _whole_quotation(tokens, sorted(content, key=lambda t: t.i), token)
        if quoted:
            return _speaker(subject, named), Speech.DIRECT, quoted
        if content:
            return _speaker(subject, named), _mode(content, whole), content
    return _quoted_then_said(tokens, speech, named, lemma) or ("", Speech.NONE, tokens)


def _quoted_then_said(
    tokens: list[Any], speech: frozenset[str], named: _Named, lemma: Lemma
) -> tuple[str, Speech, list[Any]] | None:
    """ "“...,” Valadares told reporters." where the parse ties the speech verb to nothing the rules
    above read (a long quotation parses as a sentence of its own): a sentence that opens with a
    quotation mark, closes it, and goes on with a speaker and a speech verb ("X said", "said X")."""
    if not tokens or tokens[0].text not in _QUOTES:
        return None
    close = next((k for k in range(1, len(tokens)) if tokens[k].text in _QUOTES), None)
    if close is None or close < 2:
        return None
    after = tokens[close + 1 : close + 7]
    verb = next((t for t in after if t.pos_ == "VERB" and lemma(t).lower() in speech), None)
    if verb is None:
        return None
    subject = next((c for c in verb.children if c.dep_ in _SUBJECTS and c.i > tokens[close].i), None)
    if subject is None:
        return None
    content = tokens[: close + 1]
    return _speaker(subject, named), Speech.DIRECT, content


def _quotations_carried(
    read: list[tuple[int, Any, str, Speech, list[Any]]], sentences: Sequence[Sentence]
) -> list[tuple[int, Any, str, Speech, list[Any]]]:
    """A quotation over several sentences is its speaker's: "“We did not come for photographs. We
    came to close files,” Valadares told reporters." The sentences after the opening mark, up to
    the one that closes it and names the speaker, are direct speech of that speaker (each read
    alone, the first was the outlet's own words). Only sentences of one block, one after another."""
    out = list(read)
    pending: list[int] = []  # positions in ``out`` inside a quotation not yet closed
    for n, (index, span, speaker, _, content) in enumerate(read):
        text = span.text
        opens, closes = text.count("“") + text.count("«"), text.count("”") + text.count("»")
        previous = out[n - 1][0] if n else -1
        if pending and (index != previous + 1 or sentences[index].block != sentences[previous].block):
            pending = []
        if pending and closes > opens and speaker:
            for m in pending:
                i, s, _, _, tokens = out[m]
                out[m] = (i, s, speaker, Speech.DIRECT, [t for t in tokens if not t.is_space])
            out[n] = (index, span, speaker, Speech.DIRECT, content)
            pending = []
        elif pending and closes >= opens and opens:
            pending = []
        if opens > closes and not speaker:
            pending = [n]
        elif pending and opens == closes == 0 and not speaker:
            pending.append(n)
        elif opens == closes:
            pending = [] if opens else pending
    return out


def _whole_quotation(tokens: list[Any], content: list[Any], verb: Any) -> list[Any] | None:
    """The quoted words when the parse cut the quotation short: "“It was a long meeting because
    there was a lot to discuss, and because ... not principles,” Valadares told ..." hangs part of
    the quotation on the speech verb, and the clause under it ended at "and". The quotation runs
    from its opening mark (just before the content) to the closing mark before the speech verb;
    the words between the marks are the claim, as for any quotation."""
    if not content:
        return None
    at = next((k for k, t in enumerate(tokens) if t.i == content[0].i), None)
    if at is None or at == 0 or tokens[at - 1].text not in '“«"':
        return None
    close = next((k for k in range(at, len(tokens)) if tokens[k].text in '”»"'), None)
    if close is None or tokens[close].i <= content[-1].i or tokens[close].i > verb.i:
        return None
    return tokens[at:close]


def _subject(verb: Any, named: _Named) -> Any:
    """The speech verb's subject; of two, the one that names someone: the parse of "said police
    Const. Ann Lee" gives both "police" and "Lee" as subjects, and the speaker is Ann Lee."""
    subjects = [c for c in verb.children if c.dep_ in _SUBJECTS]
    for subject in subjects:
        subtree = list(subject.subtree)
        if named.overlapping(subtree[0].idx, subtree[-1].idx + len(subtree[-1].text)):
            return subject
    return subjects[0] if subjects else None


def _speaker(token: Any, named: _Named) -> str:
    """Who a speech verb's subject is: the entity named in it, the person last named for a pronoun,
    else its own words ("police", "a spokesman for the ministry")."""
    subtree = list(token.subtree)
    start, end = subtree[0].idx, subtree[-1].idx + len(subtree[-1].text)
    name = named.overlapping(start, end)
    if name:
        return name
    if token.pos_ == "PRON":
        return named.last_person_before(start)
    return " ".join(t.text for t in subtree if not t.is_punct).strip()


def _mode(content: Sequence[Any], text: str) -> Speech:
    if not content:
        return Speech.NONE
    left = text[max(0, content[0].idx - 3) : content[0].idx]
    inside = text[content[0].idx : content[-1].idx + len(content[-1].text)]
    right = text[content[-1].idx + len(content[-1].text) : content[-1].idx + len(content[-1].text) + 3]
    if any(q in left + inside[:2] for q in _QUOTES) and any(q in inside[-3:] + right for q in _QUOTES):
        return Speech.DIRECT
    # "“It was a long meeting,” he told reporters.": the speech verb hangs under the quote, so the
    # content runs to the sentence's end; it opens on a quotation mark that closes inside it.
    if inside[:1] in _QUOTES and any(q in inside[1:] for q in _QUOTES):
        return Speech.DIRECT
    return Speech.REPORTED


def _clauses(content: list[Any], span: Any) -> list[list[Any]]:
    """The content cut where a coordinated verb has its own subject: "Ten died and forty were
    injured" gives two clauses; "He was arrested and charged" stays one."""
    if not content:
        return []
    inside = {t.i for t in content}
    root = _root(content)
    if root is None:
        return [content]
    parts: list[list[Any]] = []
    taken: set[int] = set()
    for conj in root.children:
        if conj.dep_ != "conj" or conj.pos_ not in ("VERB", "AUX") or conj.i not in inside:
            continue
        if not any(c.dep_ in _SUBJECTS for c in conj.children):
            continue
        sub = [t for t in conj.subtree if t.i in inside]
        if len(sub) >= 3:
            parts.append(sub)
            taken.update(t.i for t in sub)
    if not parts:
        return [content]
    first = [t for t in content if t.i not in taken]
    # The coordinating word and punctuation between clauses belong to neither.
    while first and (first[-1].is_punct or first[-1].dep_ == "cc"):
        first.pop()
    return [p for p in [first, *parts] if p]


def _root(tokens: Sequence[Any]) -> Any:
    inside = {t.i for t in tokens}
    for token in tokens:
        if token.head.i not in inside or token.head.i == token.i:
            return token
    return None


def _bounds(tokens: Sequence[Any]) -> tuple[int, int]:
    ordered = sorted(tokens, key=lambda t: t.i)
    # Leading punctuation and the complementiser of reported speech ("that the session aimed...").
    while ordered and (
        (ordered[0].is_punct and ordered[0].text not in _QUOTES)
        or (ordered[0].dep_ == "mark" and len(ordered) > 1)
    ):
        ordered.pop(0)
    while ordered and ordered[-1].is_punct and ordered[-1].text not in ".!?" + _QUOTES:
        ordered.pop()
    if not ordered:
        return 0, 0
    return ordered[0].idx, ordered[-1].idx + len(ordered[-1].text)


def _event_in(events: Sequence[Event], text: str) -> Event | None:
    for event in events:
        if event.kind != "statement" and re.search(rf"\b{re.escape(event.trigger)}\b", text, re.IGNORECASE):
            return event
    return None


def _terms(tokens: Sequence[Any], stop: frozenset[str], lemma: Lemma) -> tuple[str, ...]:
    """The claim's content words as lemmas, in order, once each: what a paraphrase shares."""
    out: dict[str, None] = {}
    for token in tokens:
        if token.pos_ not in _CONTENT_POS or token.is_stop or not token.is_alpha:
            continue
        word = (token.lower_ if token.pos_ == "PROPN" else lemma(token).lower()).strip()
        if word and word not in stop:
            out[word] = None
    return tuple(out)
