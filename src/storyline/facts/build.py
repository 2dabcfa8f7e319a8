"""Facts of a story: the claims of its articles that state the same thing, each with its support.

Two claims of two articles are the same claim when the match model (facts/match.py) gives them at
least ``FactConfig.same_claim``. Claims join into a fact from the surest pair down, and two groups
join only when every pair across them is at least an echo (``FactConfig.echo``) and no article
would have two claims in one fact: a chain of loose resemblances never makes one fact of two
claims that do not match (complete linkage at the echo bar). A fact's support is its voices, the
independent sources that state it (facts/source.py: a wire copy speaks for its agency, a syndicated
copy for its original, an article of unknown outlet for itself); a company's own release never
supports coverage of itself.

The pairs compared are those whose sentence cosine could reach the bar at all given the model's
other weights (the model is linear), so a 40-article story compares thousands of pairs, not
millions.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np

from storyline.config import FactConfig, SummaryConfig
from storyline.facts.match import FEATURES, MatchModel, features, match_model
from storyline.facts.source import Source, eligible
from storyline.lang import Language, language
from storyline.model import Claim, Fact, FactClaim, Quantity, Sentence
from storyline.nlp.quantities import compatible, names_thing, slot_key, written_values


@dataclass(frozen=True, slots=True)
class Conflict:
    """Two or more voices giving one slot different figures (same thing counted, same aggregate and
    period, claims about the same thing by the match model), each side a value with its claims."""

    thing: str
    sides: tuple[tuple[Quantity, tuple[FactClaim, ...]], ...]
    # A count that changed between articles of different days: an update, not a disagreement.
    update: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "thing": self.thing,
            "update": self.update,
            "sides": [
                {"value": q.to_dict(), "claims": [c.to_dict() for c in claims]} for q, claims in self.sides
            ],
        }


ClaimKey = tuple[int, int, int]  # (article id, sentence, claim start): one claim of the story


def claim_key(claim: FactClaim) -> ClaimKey:
    return claim.citation.article_id, claim.citation.sentence, claim.claim.start


@dataclass(frozen=True, slots=True)
class StoryFacts:
    """A story's facts, the figures its voices disagree on, and how close any two of its claims
    are (the match probabilities at least ``FactConfig.echo``), for whoever must tell whether one
    fact restates another."""

    facts: tuple[Fact, ...]
    conflicts: tuple[Conflict, ...]
    links: dict[tuple[ClaimKey, ClaimKey], float]
    # The links of claims that may be one statement (no differing times, figures or negation).
    joinable: dict[tuple[ClaimKey, ClaimKey], float] = field(default_factory=dict)

    def restating(self, fact: Fact, bar: float, *, loosely: bool = False) -> list[FactClaim]:
        """For each article the fact has no claim of, its claim that best restates the fact, when
        the match probability reaches ``bar`` and nothing rules them apart: the lead cites every
        article that tells what happened, even in words too loose to merge facts on. ``loosely``:
        also claims whose figures or times differ (they tell the same happening, differently)."""
        mine = {claim_key(c) for c in fact.claims}
        articles = {k[0] for k in mine}
        every = {claim_key(c): c for f in self.facts for c in f.claims}
        best: dict[int, tuple[float, FactClaim]] = {}
        for (a, b), value in (self.links if loosely else self.joinable).items():
            if value < bar or (a in mine) == (b in mine):
                continue
            other = b if a in mine else a
            if other[0] in articles or other not in every:
                continue
            if value > best.get(other[0], (0.0, every[other]))[0]:
                best[other[0]] = (value, every[other])
        return [claim for _, claim in sorted(best.values(), key=lambda vc: -vc[0])]

    def closeness(self, a: Fact, b: Fact) -> float:
        """The highest match probability between a claim of ``a`` and a claim of ``b`` (1 when they
        share a sentence: two clauses of one sentence are shown as that one sentence)."""
        keys_b = [claim_key(c) for c in b.claims]
        best = 0.0
        for ca in a.claims:
            ka = claim_key(ca)
            for kb in keys_b:
                if ka[:2] == kb[:2]:
                    return 1.0
                best = max(best, self.links.get((ka, kb), 0.0), self.links.get((kb, ka), 0.0))
        return best


@dataclass(frozen=True, slots=True)
class _Item:
    """One eligible claim: its source, the claim, and its sentence's vector row."""

    source: int
    index: int  # the claim's position in its analysis
    claim: Claim
    voice: str
    copy: bool


def story_facts(
    sources: Sequence[Source],
    config: FactConfig | None = None,
    summary: SummaryConfig | None = None,
) -> StoryFacts:
    """The facts of a story's articles, most supported first (then in reading order), and the
    figures its voices disagree on."""
    config = config or FactConfig()
    summary = summary or SummaryConfig()
    lang = language(next((s.article.language for s in sources if s.article.language), None))
    items = _items(sources, summary)
    if not items:
        return StoryFacts((), (), {})
    model = match_model()
    probabilities = _probabilities(items, sources, model, config, lang)
    joinable = _joinable(items, probabilities, lang)
    groups = _cluster(items, joinable, config)
    facts = [_fact(group, items, sources, probabilities, config) for group in groups]
    order = {id(f): n for n, f in enumerate(facts)}
    facts.sort(key=lambda f: (-f.support, order[id(f)]))
    keys = [(sources[it.source].article_id, it.claim.sentence, it.claim.start) for it in items]
    links = {(keys[a], keys[b]): p for (a, b), p in probabilities.items()}
    same = {(keys[a], keys[b]): p for (a, b), p in joinable.items()}
    return StoryFacts(tuple(facts), _conflicts(items, sources, probabilities, config, lang), links, same)


def voices(sources: Sequence[Source]) -> list[str]:
    """Each source's voice: its own, or for a copy its original's (a copy adds no voice)."""
    by_id = {s.article_id: s for s in sources}
    out = []
    for source in sources:
        original = by_id.get(source.duplicate_of) if source.duplicate_of is not None else None
        out.append((original or source).outlet)
    return out


def _items(sources: Sequence[Source], summary: SummaryConfig) -> list[_Item]:
    spoken = voices(sources)
    items: list[_Item] = []
    for s, source in enumerate(sources):
        sentences = source.analysis.sentences
        claims = source.analysis.claims or _sentence_claims(sentences)
        for i, claim in enumerate(claims):
            if not 0 <= claim.sentence < len(sentences) or not eligible(sentences[claim.sentence], summary):
                continue
            if len(claim.terms) < 2:
                continue  # "he said", "It was": nothing another outlet could state
            if _fragment(sentences[claim.sentence].text):
                continue
            items.append(_Item(s, i, claim, spoken[s], source.duplicate_of is not None))
    return items


_OPENING = '“‘"«'
_CLOSING = '”’"»'


def _fragment(text: str) -> bool:
    """A sentence that is no claim of its own: wholly in brackets ("(Reporting by ...; Editing by
    ...)", a credit), or a piece of a longer quotation the sentence splitter cut (it opens a quote
    it never closes: '“The science is the easy part.')."""
    stripped = text.strip()
    if stripped.startswith("(") and stripped.rstrip(".").endswith(")"):
        return True
    opened = sum(stripped.count(q) for q in "“«") + (stripped.count('"') % 2 if stripped[:1] == '"' else 0)
    closed = sum(stripped.count(q) for q in "”»")
    return stripped[:1] in '“«"' and opened > closed


_WORD = re.compile(r"[^\W\d_]{3,}")
_NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?!\d)|(?<![\w.])\d+(?:\.\d+)?(?![\w])")


def _sentence_claims(sentences: Sequence[Sentence]) -> tuple[Claim, ...]:
    """Claims for an article the understanding stage made none for (a language without a parser,
    an analysis stored before claims): each sentence one claim, its words its terms."""
    return tuple(
        Claim(
            sentence=i,
            start=s.start,
            end=s.end,
            text=s.text,
            # Without a parse a figure's slot is unknown: every number is one slot, so two sentences
            # whose numbers all differ ("killed 11", "killed 14") are never cited for each other.
            quantities=tuple(
                Quantity(n.group(0), float(n.group(0).replace(",", "")), thing="number")
                for n in _NUMBER.finditer(s.text)
            ),
            terms=tuple(dict.fromkeys(w.lower() for w in _WORD.findall(s.text))),
            hedged=s.hedged,
        )
        for i, s in enumerate(sentences)
    )


def _probabilities(
    items: Sequence[_Item], sources: Sequence[Source], model: MatchModel, config: FactConfig, lang: Language
) -> dict[tuple[int, int], float]:
    """Match probabilities of the claim pairs (of two articles) that could reach the echo bar."""
    dims = {len(s.vectors[0]) for s in sources if len(s.vectors)}
    if len(dims) != 1:
        return {}
    (dim,) = dims
    blank = np.zeros(dim, np.float32)
    rows = np.stack(
        [
            sources[it.source].vectors[it.claim.sentence]
            if len(sources[it.source].vectors) > it.claim.sentence
            else blank
            for it in items
        ]
    )
    cosine = rows @ rows.T
    floor = _cosine_floor(model, config.echo)
    candidates = np.argwhere(np.triu(cosine >= floor, k=1))
    out: dict[tuple[int, int], float] = {}
    for a, b in candidates:
        if items[a].source == items[b].source:
            continue
        row = features(items[a].claim, items[b].claim, float(cosine[a, b]), lang)
        p = model.probability(row)
        if p >= config.echo:
            out[(int(a), int(b))] = p
    return out


def _cosine_floor(model: MatchModel, bar: float) -> float:
    """The lowest cosine at which a pair could still reach ``bar``: every other feature at its most
    favourable value (each is in [0, 1])."""
    index = FEATURES.index("cosine")
    weight = model.weights[index]
    if weight <= 0:
        return -1.0
    best_rest = sum(max(0.0, w) for n, w in enumerate(model.weights) if n != index)
    logit = math.log(bar / (1 - bar))
    return (logit - model.intercept - best_rest) / weight


def _joinable(
    items: Sequence[_Item], probabilities: dict[tuple[int, int], float], lang: Language
) -> dict[tuple[int, int], float]:
    """The pairs that may be one claim: the match model's probabilities, less the pairs that cannot
    both be one statement whatever their words share — they name different times ("restored on 14
    October" and "on 20 October"), give one slot figures that cannot both hold, or one denies what
    the other asserts. (Their probabilities still tie them as about the same thing: a figure
    dispute is found between such claims.)"""
    out = {}
    for (a, b), value in probabilities.items():
        left, right = items[a].claim, items[b].claim
        if left.negated != right.negated or _times_differ(left.text, right.text, lang):
            continue
        slots_a, slots_b = _slots(left.quantities, lang), _slots(right.quantities, lang)
        if any(
            not any(compatible(x, y) for x in slots_a[key] for y in slots_b[key])
            for key in slots_a.keys() & slots_b.keys()
        ):
            continue
        out[(a, b)] = value
    return out


def _cluster(
    items: Sequence[_Item], probabilities: dict[tuple[int, int], float], config: FactConfig
) -> list[list[int]]:
    group_of = list(range(len(items)))
    members: dict[int, list[int]] = {i: [i] for i in range(len(items))}

    def p(a: int, b: int) -> float:
        return probabilities.get((a, b) if a < b else (b, a), 0.0)

    for (a, b), value in sorted(probabilities.items(), key=lambda kv: -kv[1]):
        if value < config.same_claim:
            break
        ga, gb = group_of[a], group_of[b]
        if ga == gb:
            continue
        left, right = members[ga], members[gb]
        if {items[m].source for m in left} & {items[m].source for m in right}:
            continue  # an article does not agree with itself
        if any(p(m, n) < config.echo for m in left for n in right):
            continue
        for n in right:
            group_of[n] = ga
        left.extend(right)
        del members[gb]
    return [sorted(group) for group in members.values()]


def _fact(
    group: list[int],
    items: Sequence[_Item],
    sources: Sequence[Source],
    probabilities: dict[tuple[int, int], float],
    config: FactConfig,
) -> Fact:
    def p(a: int, b: int) -> float:
        return probabilities.get((a, b) if a < b else (b, a), 0.0)

    # The wording: the claim the others match best (ties: the earliest in reading order), so the
    # text shown is the one most of the sources would recognise as theirs.
    wording = max(group, key=lambda m: (sum(p(m, n) for n in group if n != m), -m))
    ordered = [wording, *[m for m in group if m != wording]]
    claims = tuple(
        FactClaim(
            items[m].claim,
            sources[items[m].source].citation(items[m].claim.sentence),
            items[m].voice,
            items[m].copy,
        )
        for m in ordered
    )
    counted = [m for m in group if not sources[items[m].source].article.primary_source]
    voice_list = list(dict.fromkeys(items[m].voice for m in counted))
    unknown = sum(
        1
        for v in voice_list
        if any(items[m].voice == v and sources[items[m].source].unknown_outlet for m in counted)
    )
    own = {items[m].voice for m in group}
    inside = set(group)
    echo = 0.0
    for (a, b), value in probabilities.items():
        if (a in inside) == (b in inside):
            continue
        outside = b if a in inside else a
        if items[outside].voice not in own:
            echo = max(echo, value)
    hedged = sum(items[m].claim.hedged for m in group) > config.hedged_share * len(group)
    return Fact(claims, tuple(voice_list), unknown, hedged, round(echo, 4))


def _conflicts(
    items: Sequence[_Item],
    sources: Sequence[Source],
    probabilities: dict[tuple[int, int], float],
    config: FactConfig,
    lang: Language,
) -> tuple[Conflict, ...]:
    """Figures of one slot that two voices give differently, in claims about the same thing.

    Not a conflict (docs/annotation.md): a hedged figure; values their scopes reconcile ("about 40"
    and 43); a count that changes over time (the dead, the injured, arrests) in articles of
    different days, which is an update, not a disagreement."""
    found: dict[
        tuple[bool, tuple[str, str, str, str]], list[tuple[tuple[Quantity, int], tuple[Quantity, int], float]]
    ] = {}

    def sentences_of(m: int) -> str:
        return sources[items[m].source].analysis.sentences[items[m].claim.sentence].text

    for (a, b), value in probabilities.items():
        if value < config.conflict_context:
            continue
        left, right = items[a], items[b]
        if left.voice == right.voice or left.claim.hedged or right.claim.hedged:
            continue
        # A sentence full of figures (a results table, a list of share prices) gives no one slot a
        # reader could check across outlets.
        if max(len(left.claim.quantities), len(right.claim.quantities)) > config.max_figures:
            continue
        later = _update(sources[left.source], sources[right.source], config)
        # "A 6.1 quake in September" is another quake than Sunday's 5.6; but a toll reported on
        # Monday and again on Wednesday names two days of one count.
        apart = _times_differ(left.claim.text, right.claim.text, lang)
        if apart and not later:
            continue
        # "Another UN school", "elsewhere": a claim that tells another happening counts its own.
        if _other_incident(left.claim.text, lang) or _other_incident(right.claim.text, lang):
            continue
        # Both name who or where, and name no one in common: two people, two places, two events.
        if _names_differ(left.claim, right.claim):
            continue
        slots_a = _slots(left.claim.quantities, lang)
        slots_b = _slots(right.claim.quantities, lang)
        # Two claims at odds on two figures at once (a 6.1 quake injuring 40, a 5.2 quake injuring
        # three) tell two happenings; one happening told two ways disagrees on one figure.
        differing = [
            key
            for key in slots_a.keys() & slots_b.keys()
            if not any(compatible(x, y) for x in slots_a[key] for y in slots_b[key])
        ]
        if len(differing) > 1:
            continue
        for key in slots_a.keys() & slots_b.keys():
            update = later and key[0] in config.changing_counts
            if apart and not update:
                continue
            ours, theirs = slots_a[key], slots_b[key]
            # A figure of no known slot ("percent", a currency, "units") says too little of what it
            # counts: its claims must be the same claim but for the figure.
            if not names_thing(ours[0], lang) and value < config.same_claim:
                continue
            # Two values of one slot disagree only when no value one claim gives fits any the other
            # gives ("36-3 (24 KOs)" read twice is not 36 against 3).
            # (An update shows any new count: "at least 12" then "14" is the count a reader sees
            # change, though the first allowed the second.)
            if update:
                # An update is one claim told again with a new count: the same claim but for it.
                if value < config.same_claim or any(x.value == y.value for x in ours for y in theirs):
                    continue
            elif any(compatible(x, y) for x in ours for y in theirs):
                continue
            if len(ours) > 1 or len(theirs) > 1:
                continue  # several values of one thing in one claim: which one is meant is unsure
            if _writes(sentences_of(b), ours[0], lang) or _writes(sentences_of(a), theirs[0], lang):
                continue  # each sentence gives both figures ("91.4% against 90.8%"): no dispute
            found.setdefault((update, key), []).append(((ours[0], a), (theirs[0], b), value))
    conflicts = []
    for (update, key), sides in _disputes(found):
        # A voice on two sides contradicts itself, not another outlet: its claims leave the dispute.
        voices_of = {v: {items[m].voice for m in members} for v, (_, members) in sides.items()}
        torn = {
            voice
            for v, mine in voices_of.items()
            for w, theirs in voices_of.items()
            if v != w
            for voice in mine & theirs
        }
        sides = {
            v: (q, [m for m in members if items[m].voice not in torn]) for v, (q, members) in sides.items()
        }
        sides = {v: side for v, side in sides.items() if side[1]}
        if len(sides) < 2:
            continue
        conflicts.append(
            Conflict(
                key[0],
                tuple(
                    (
                        q,
                        tuple(
                            FactClaim(
                                items[m].claim,
                                sources[items[m].source].citation(items[m].claim.sentence),
                                items[m].voice,
                                items[m].copy,
                            )
                            for m in members
                        ),
                    )
                    for q, members in sorted(
                        sides.values(), key=lambda side: _order(side, items, sources, update)
                    )
                ),
                update,
            )
        )
    return tuple(conflicts)


def _disputes(
    found: dict[
        tuple[bool, tuple[str, str, str, str]], list[tuple[tuple[Quantity, int], tuple[Quantity, int], float]]
    ],
) -> list[tuple[tuple[bool, tuple[str, str, str, str]], dict[int, tuple[Quantity, list[int]]]]]:
    """Each slot's disagreeing pairs, joined into one dispute only where every two claims of
    different values are themselves at odds (complete linkage): two outlets at odds on Sunday's
    quake (2 injured, 5 injured) and two at odds on September's (40, almost 50) are two disputes,
    and a chain of loose links (Sunday's 5 to September's 40 through a third claim) makes none.
    A claim that cannot join a dispute without such a gap is left out of it: where the code cannot
    be sure two figures are of one thing, it shows nothing."""
    out: list[tuple[tuple[bool, tuple[str, str, str, str]], dict[int, tuple[Quantity, list[int]]]]] = []
    for slot, pairs in found.items():
        odds = {frozenset((a, b)) for (_, a), (_, b), _ in pairs}
        groups: list[dict[int, Quantity]] = []
        for (qa, a), (qb, b), _ in sorted(pairs, key=lambda pair: -pair[2]):
            home = [g for g in groups if a in g or b in g]
            if len(home) > 1:
                continue  # a and b already stand in two disputes: joining them would need every link
            group = home[0] if home else {}
            joined = {**group, a: qa, b: qb}
            if all(
                _value_key(joined[m]) == _value_key(joined[n]) or frozenset((m, n)) in odds
                for m in joined
                for n in joined
                if m < n
            ):
                if home:
                    group.update(joined)
                else:
                    groups.append(joined)
        for group in groups:
            sides: dict[int, tuple[Quantity, list[int]]] = {}
            for m, q in group.items():
                sides.setdefault(_value_key(q), (q, []))[1].append(m)
            out.append((slot, sides))
    return out


def _names_differ(a: Claim, b: Claim) -> bool:
    names_a, names_b = {n.lower() for n in a.names}, {n.lower() for n in b.names}
    return bool(names_a and names_b and not names_a & names_b)


def _other_incident(text: str, lang: Language) -> bool:
    return bool(_other_incident_pattern(lang).search(text))


@cache
def _other_incident_pattern(lang: Language) -> re.Pattern[str]:
    words = "|".join(r"\s+".join(map(re.escape, line.split())) for line in lang.lines("other-incident-words"))
    return re.compile(rf"\b(?:{words})\b", re.IGNORECASE)


def _order(
    side: tuple[Quantity, list[int]], items: Sequence[_Item], sources: Sequence[Source], update: bool
) -> tuple[float, float]:
    """Sides of a dispute by value; of an update, by when each value was first published."""
    if not update:
        return 0.0, side[0].value
    times = [sources[items[m].source].article.published for m in side[1]]
    first = min((t.timestamp() for t in times if t is not None), default=float("inf"))
    return first, side[0].value


def _writes(text: str, quantity: Quantity, lang: Language) -> bool:
    """Whether ``text`` writes the figure's value ("90.8" in "... against 90.8% on the usual ..."),
    as a whole number: "2 1/2 years" does not write 2."""
    return quantity.value in written_values(text, lang) or (
        quantity.high is not None and quantity.high in written_values(text, lang)
    )


def _times_differ(a: str, b: str, lang: Language) -> bool:
    """Whether two claims each name when they happened and name nothing in common (a month, a
    weekday, a year): then they are about two happenings, whatever else they share."""
    ta, tb = _times(a, lang), _times(b, lang)
    return bool(ta and tb and not ta & tb)


def _times(text: str, lang: Language) -> set[str]:
    names = _time_words(lang)
    words = re.findall(r"[a-z]+|\d{4}", text.lower())
    found = {names[w] for w in words if w in names}
    return found | {w for w in words if re.fullmatch(r"(19|20)\d\d", w)}


@cache
def _time_words(lang: Language) -> dict[str, str]:
    """Month and weekday names (and abbreviations) to one name each, from the language's data."""
    out: dict[str, str] = {}
    for line in lang.lines("months"):
        forms = line.split()
        for form in forms:
            out[form] = forms[-1]
    for day in lang.lines("weekdays"):
        out[day] = day
    out.pop("may", None)  # the modal verb far more often than the month
    return out


def _slots(quantities: Sequence[Quantity], lang: Language) -> dict[tuple[str, str, str, str], list[Quantity]]:
    out: dict[tuple[str, str, str, str], list[Quantity]] = {}
    for q in quantities:
        out.setdefault(slot_key(q, lang), []).append(q)
    return out


def _value_key(q: Quantity) -> int:
    return hash((q.value, q.high, q.scope))


def _update(a: Source, b: Source, config: FactConfig) -> bool:
    """Articles of different days: a count may have changed between them."""
    pa, pb = a.article.published, b.article.published
    if pa is None or pb is None:
        return False
    return abs((pa - pb).total_seconds()) >= config.update_hours * 3600
