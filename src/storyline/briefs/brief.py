"""Story briefs: what happened, the key developments, and the sources compared.

A brief reads the story's facts (storyline.facts): the claims of its articles (nlp/claims.py, their
figures read by nlp/quantities.py) grouped where the match model (facts/match.py) judges them one
statement, each fact citing every article and voice that states it. The brief leads with the fact that best says what happened
(early in its articles, reported by many voices, carrying a who-did-what-where event, not hedged),
then the key developments; then compares the sources: facts two or more voices agree on, claims
only one voice makes, speculation (hedged sentences with their cues), discrepancies (a person's
titles, briefs/compare.py; figures of one thing that voices give differently, facts/build.py) and
updates (a count that changed between reports). Every sentence is a source's own, verbatim:
nothing is written that is not in a source.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np

from storyline.briefs.cite import cited_sentence
from storyline.briefs.compare import title_conflict
from storyline.briefs.summarize import Length, select
from storyline.config import BriefConfig
from storyline.facts.build import Conflict, StoryFacts, story_facts
from storyline.facts.source import Source, eligible
from storyline.lang import language
from storyline.model import (
    Brief,
    BriefSentence,
    Discrepancy,
    EntityType,
    Event,
    Fact,
    Modality,
    Story,
    ThreadRef,
    TimelineEntry,
)

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Event kinds that say what happened, first among the rest.
_HEADLINE_EVENTS = {
    "meeting", "talks", "visit", "arrival", "agreement", "attack", "arrest", "charge", "conviction",
    "sentencing", "shooting", "death", "acquisition", "launch", "resignation", "appointment", "hiring",
    "evacuation", "restoration", "crash", "election",
}  # fmt: skip
# Parties that can act in an event: a place does not meet or attack.
_ACTOR_TYPES = (EntityType.PERSON, EntityType.ORGANISATION, EntityType.COUNTRY)


def brief_article(source: Source, config: BriefConfig | None = None, length: Length = Length.MEDIUM) -> Brief:
    """An article's brief: its summary, its speculation apart, its events in order."""
    config = config or BriefConfig()
    chosen = select(source.analysis.sentences, source.vectors, config.summary, length)
    lead = tuple(_sentence([source], [(0, i)]) for i in chosen)
    hedged = [
        i
        for i, s in enumerate(source.analysis.sentences)
        if s.hedged and i not in chosen and eligible(s, config.summary)
    ]
    speculation = tuple(_sentence([source], [(0, i)]) for i in hedged[: config.max_items])
    article = source.article
    return Brief(
        kind="article",
        id=source.article_id,
        title=article.title,
        length=length.value,
        outlets=(source.outlet,),
        first_seen=article.published,
        last_seen=article.published,
        lead=lead,
        speculation=speculation,
        timeline=_timeline([source], config),
        genre=source.analysis.genre.value,
    )


def brief_story(
    story: Story, sources: Sequence[Source], config: BriefConfig | None = None, length: Length = Length.MEDIUM
) -> Brief:
    """A story's brief across its outlets (``sources`` are its articles, copies included), read
    from its facts (storyline.facts): the lead is the central fact most voices report, citing every
    one; developments are other facts, none restating one shown; agreed are facts two or more
    independent voices state; single-source a fact one voice states and no other echoes;
    discrepancies figures of one slot that voices give differently, and titles."""
    config = config or BriefConfig()
    sources = sorted(
        sources, key=lambda s: (s.article.published is None, s.article.published or _EPOCH, s.article_id)
    )
    if len({s.article.outlet for s in sources if s.duplicate_of is None}) <= 1:
        sources = [replace(s, voice=f"article {s.article_id}") for s in sources]
    found = story_facts(sources, config.facts, config.summary)
    facts = list(found.facts)
    all_voices = {v for f in facts for v in f.voices} or {s.outlet for s in sources}
    centre = _centre(sources)
    index = {s.article_id: n for n, s in enumerate(sources)}

    def vector(fact: Fact) -> np.ndarray | None:
        c = fact.wording.citation
        rows = sources[index[c.article_id]].vectors
        return rows[c.sentence] if len(rows) > c.sentence else None

    def position(fact: Fact) -> int:
        return min(
            _eligible_rank(sources[index[c.citation.article_id]], c.citation.sentence, config)
            for c in fact.claims
        )

    def importance(fact: Fact) -> float:
        v = vector(fact)
        central = float(v @ centre) if v is not None and centre is not None else 0.0
        prior = math.exp(-position(fact) / config.fact_position_decay)
        return fact.support / max(1, len(all_voices)) + prior + central

    n_articles = len({s.article_id for s in sources if s.duplicate_of is None}) or 1

    def opens(fact: Fact) -> float:
        """The share of the story's articles whose opening sentences (the first two a summary could
        use) state the fact: what most articles open with is what happened."""
        found = set()
        for claim in fact.claims:
            c = claim.citation
            source = sources[index[c.article_id]]
            if source.duplicate_of is None and _eligible_rank(source, c.sentence, config) <= 1:
                found.add(c.article_id)
        return len(found) / n_articles

    def lead_score(fact: Fact) -> float:
        return importance(fact) + _lead_bonus(fact, sources, index, config) + config.lead_opens * opens(fact)

    reported = [f for f in facts if not f.hedged and not f.wording.claim.negated]
    lead_fact = _lead(reported or facts, found, sources, index, config, lead_score)
    lead_origin = lead_fact  # the fact as the lists hold it, before the lead gathers its restatements
    shown: set[tuple[int, int]] = set()  # (article, sentence) already in the brief
    lead: tuple[BriefSentence, ...] = ()
    if lead_fact is not None:
        restated = found.restating(lead_fact, config.facts.lead_restates)
        lead_fact = replace(lead_fact, claims=lead_fact.claims + tuple(restated))
        lead = (_brief_sentence(sources, index, lead_fact),)
        shown |= _sentences_of(lead_fact)
    count = config.developments[length.value]

    def restates(fact: Fact, other: Fact) -> bool:
        return found.closeness(fact, other) >= config.facts.echo

    developments = _pick(
        [f for f in reported if f is not lead_fact],
        importance,
        vector,
        restates,
        count,
        config,
        shown,
        [lead_fact],
    )
    for fact in developments:
        shown |= _sentences_of(fact)
    developments.sort(key=lambda f: min((c.citation.article_id, c.citation.sentence) for c in f.claims))
    items = config.items.get(length.value, config.max_items)
    agreed = [f for f in reported if f.support >= config.agreed_min_outlets]
    agreed.sort(key=lambda f: (f.support, importance(f)), reverse=True)
    single: list[Fact] = []
    if len(all_voices) > 1:
        single = [
            f
            for f in reported
            if f.support == 1
            and f.echo < config.facts.echo
            and not (_sentences_of(f) & shown)
            and _checkable(f)
        ]
        single = _spread(sorted(single, key=importance, reverse=True))
    speculative = [f for f in facts if f.hedged]
    speculative.sort(key=lambda f: (-f.support, -_hedge(f, sources, index), position(f)))
    speculative = _once_each(_spread(speculative))
    agreed, single = _once_each(agreed), _once_each(single)
    published = [s.article.published for s in sources if s.article.published]
    return Brief(
        kind="story",
        id=story.id,
        title=story.title,
        length=length.value,
        outlets=story.outlets,
        independent_sources=story.independent_sources,
        # Dates the sources give; a story none of whose articles is dated shows none.
        first_seen=min(published) if published else None,
        last_seen=max(published) if published else None,
        lead=lead,
        developments=tuple(_brief_sentence(sources, index, f) for f in developments),
        agreed=tuple(
            replace(_brief_sentence(sources, index, f), above=_above(f, lead_origin, developments))
            for f in agreed[:items]
        ),
        single_source=tuple(_brief_sentence(sources, index, f) for f in single[:items]),
        speculation=tuple(_brief_sentence(sources, index, f) for f in speculative[:items]),
        discrepancies=tuple(
            _title_discrepancies(sources)
            + _figure_discrepancies([c for c in found.conflicts if not c.update], sources, index)
        ),
        updates=tuple(
            _figure_discrepancies([c for c in found.conflicts if c.update], sources, index, "update")
        ),
        timeline=_timeline(sources, config),
        thread=_thread(story),
        thread_id=story.thread,
        seen=story.read_last,
    )


def _lead(
    facts: Sequence[Fact],
    found: StoryFacts,
    sources: Sequence[Source],
    index: dict[int, int],
    config: BriefConfig,
    score: Callable[[Fact], float],
) -> Fact | None:
    """The lead: among the facts some article opens with, the one the most articles tell (its own
    claims and the claims that restate it: ``StoryFacts.restating``), then the best by ``score``.
    What most outlets open with is what happened; a strict fact alone under-counts it, since
    outlets word the main event most differently of all."""
    if not facts:
        return None

    def opening(fact: Fact) -> bool:
        return any(
            _eligible_rank(sources[index[c.citation.article_id]], c.citation.sentence, config) <= 1
            for c in fact.claims
        )

    def told_by(fact: Fact) -> int:
        own = {c.citation.article_id for c in fact.claims}
        more = {
            c.citation.article_id for c in found.restating(fact, config.facts.lead_restates, loosely=True)
        }
        return len(own | more)

    candidates = [f for f in facts if opening(f)] or list(facts)
    # A sentence that points back ("This comes after police said ...") opens no brief: one that
    # stands alone is preferred whenever there is one.
    candidates = [f for f in candidates if _stands_alone(f, sources, index)] or candidates
    return max(candidates, key=lambda f: (told_by(f), score(f)))


_FIRST_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


def _stands_alone(fact: Fact, sources: Sequence[Source], index: dict[int, int]) -> bool:
    """Does the fact's wording open without pointing back to what a reader has not been told (its
    language's ``lead-back-references``: "This", "He", "But" ...)?"""
    c = fact.wording.citation
    source = sources[index[c.article_id]]
    first = _FIRST_WORD.search(source.analysis.sentences[c.sentence].text)
    back = language(source.article.language).words("lead-back-references")
    return first is None or first.group().lower() not in back


def _once_each(facts: Sequence[Fact]) -> list[Fact]:
    """The facts, each sentence shown once: a sentence holding three hedged claims ("...the buck
    may continue to lose...") is one item of a list, not the same sentence three times."""
    shown: set[tuple[int, int]] = set()
    kept = []
    for fact in facts:
        where = (fact.wording.citation.article_id, fact.wording.citation.sentence)
        if where not in shown:
            shown.add(where)
            kept.append(fact)
    return kept


def _sentences_of(fact: Fact) -> set[tuple[int, int]]:
    return {(c.citation.article_id, c.citation.sentence) for c in fact.claims}


def _above(fact: Fact, lead: Fact | None, developments: Sequence[Fact]) -> str:
    """Where the brief shows ``fact`` already: the lead, a development, or nowhere."""
    if fact is lead:
        return "lead"
    return "development" if any(fact is d for d in developments) else ""


def _brief_sentence(sources: Sequence[Source], index: dict[int, int], fact: Fact) -> BriefSentence:
    """The fact as the brief shows it: its wording's whole sentence (a source's own words, with its
    attribution), citing each sentence that states it once, a copy beside its original
    (briefs/cite.py)."""
    return cited_sentence(sources, index, [fact.wording.citation, *(c.citation for c in fact.claims)])


def _figure_discrepancies(
    conflicts: Sequence[Conflict], sources: Sequence[Source], index: dict[int, int], kind: str = "number"
) -> list[Discrepancy]:
    found = []
    for conflict in conflicts:
        sides = []
        for quantity, claims in conflict.sides:
            sides.append((quantity.text, cited_sentence(sources, index, [c.citation for c in claims])))
        found.append(Discrepancy(kind, _thing_label(conflict.thing), tuple(sides)))
    return found


def _thing_label(thing: str) -> str:
    """What a slot counts, as a reader would say it ("deaths", "people gathered", "amount (usd)")."""
    if thing.startswith("people:"):
        return f"people ({thing.split(':', 1)[1]})"
    if thing in ("usd", "gbp", "eur", "jpy"):
        return f"amount ({thing.upper()})"
    return {"death": "deaths", "injury": "injured", "arrest": "arrests", "casualty": "casualties"}.get(
        thing, thing
    )


def _thread(story: Story) -> tuple[ThreadRef, ...]:
    """The thread's stories in time order, this one included; none when no other story of the
    thread is live (a thread of this story alone, its others merged into it, is no thread to show:
    "In the same thread" listed only "this story")."""
    if story.thread is None or not story.related:
        return ()
    # Only a publication date: an undated story is listed as undated, never with an ingest time
    # or a neighbour's date.
    mine = ThreadRef(story.id, story.title, story.first_seen if story.dated else None, "this story")
    refs = [*story.related, mine]
    refs.sort(key=lambda r: (r.first_seen is None, r.first_seen.isoformat() if r.first_seen else "", r.story))
    return tuple(refs)


def _checkable(fact: Fact) -> bool:
    """A claim another outlet could confirm or contradict: it names someone or somewhere, gives a
    figure, or reports an event. "The reality is more complicated" is a view, not a single source's
    claim: listing it under "only one source says" tells a reader nothing to check."""
    claim = fact.wording.claim
    return bool(claim.names or claim.quantities or claim.event or claim.date)


def _spread(facts: list[Fact]) -> list[Fact]:
    """The same facts, taken in turn from each voice (best first within each), so one long
    article does not fill a section that other sources also contribute to."""
    queues: dict[str, list[Fact]] = {}
    for fact in facts:
        queues.setdefault(fact.wording.voice, []).append(fact)
    out: list[Fact] = []
    while any(queues.values()):
        for queue in queues.values():
            if queue:
                out.append(queue.pop(0))
    return out


def _hedge(fact: Fact, sources: Sequence[Source], index: dict[int, int]) -> float:
    return max(
        sources[index[c.citation.article_id]].analysis.sentences[c.citation.sentence].hedge
        for c in fact.claims
    )


def _lead_bonus(fact: Fact, sources: Sequence[Source], index: dict[int, int], config: BriefConfig) -> float:
    """What makes a fact the opening of the brief: it opens an article (the lead, where news says
    what happened), it carries a who-did-what event, and it is told rather than quoted."""
    bonus = _event_bonus(fact, sources, index, config)
    first = fact.wording.citation
    source = sources[index[first.article_id]]
    rank = _eligible_rank(source, first.sentence, config)
    bonus += config.lead_first if rank == 0 else config.lead_second if rank == 1 else 0.0
    text = source.analysis.sentences[first.sentence].text
    if text[:1] in "\"“‘'" or "”" in text or "“" in text:
        bonus -= config.lead_quote_penalty
    return bonus


def _eligible_rank(source: Source, index: int, config: BriefConfig) -> int:
    """The position of sentence ``index`` among the article's sentences that could be chosen."""
    return sum(1 for s in source.analysis.sentences[:index] if eligible(s, config.summary))


def _event_bonus(fact: Fact, sources: Sequence[Source], index: dict[int, int], config: BriefConfig) -> float:
    """A fact that carries an asserted who-did-what event, with people and a place, says what happened."""
    best = 0.0
    for claim in fact.claims:
        analysis = sources[index[claim.citation.article_id]].analysis
        for event in analysis.events:
            if event.sentence != claim.citation.sentence or event.modality in (
                Modality.HEDGED,
                Modality.NEGATED,
            ):
                continue
            value = config.event_headline if event.kind in _HEADLINE_EVENTS else config.event_other
            value += config.event_actor * min(config.event_actors, len(event.actors))
            value += config.event_place if event.place else 0.0
            best = max(best, value)
    return best


def _pick(
    facts: list[Fact],
    importance: Callable[[Fact], float],
    vector: Callable[[Fact], np.ndarray | None],
    restates: Callable[[Fact, Fact], bool],
    count: int,
    config: BriefConfig,
    shown: set[tuple[int, int]],
    exclude: Sequence[Fact | None],
) -> list[Fact]:
    """The ``count`` most important facts, none a restatement of one already chosen (a sentence
    already shown, a claim the match model ties to one shown, or a wording as close as the
    summaries' redundancy bar)."""
    ranked = sorted(facts, key=importance, reverse=True)
    chosen: list[Fact] = []
    taken = [v for f in exclude if f is not None and (v := vector(f)) is not None]
    before = [f for f in exclude if f is not None]
    seen = set(shown)
    for fact in ranked:
        if len(chosen) >= count:
            break
        if _sentences_of(fact) & seen or any(restates(fact, other) for other in [*before, *chosen]):
            continue
        v = vector(fact)
        if v is not None and any(
            float(v @ t) >= config.summary.max_redundancy - config.development_margin for t in taken
        ):
            continue
        chosen.append(fact)
        seen |= _sentences_of(fact)
        if v is not None:
            taken.append(v)
    return chosen


def _centre(sources: Sequence[Source]) -> np.ndarray | None:
    rows = [s.vectors for s in sources if len(s.vectors)]
    if not rows:
        return None
    centre = np.concatenate(rows).mean(axis=0)
    norm = float(np.linalg.norm(centre)) or 1.0
    result: np.ndarray = centre / norm
    return result


def _sentence(sources: Sequence[Source], members: Sequence[tuple[int, int]]) -> BriefSentence:
    index = {s.article_id: n for n, s in enumerate(sources)}
    return cited_sentence(sources, index, [sources[m].citation(k) for m, k in members])


def _title_discrepancies(sources: Sequence[Source]) -> list[Discrepancy]:
    """The same person given conflicting titles by different outlets, each with its sentence."""
    from storyline.model import entity_key

    by_person: dict[str, list[tuple[str, int, int]]] = {}
    names: dict[str, str] = {}
    for s, source in enumerate(sources):
        if source.duplicate_of is not None:
            continue
        for entity in source.analysis.entities:
            if not entity.titles:
                continue
            key = entity_key(entity)
            if len(entity.name) > len(names.get(key, "")):
                names[key] = entity.name
            for title in entity.titles:
                # A title must be written as whole words: "king" is not a title in "ta-king".
                index = _sentence_with(source, title)
                if index is None:
                    continue
                by_person.setdefault(key, []).append((title, s, index))
    found = []
    for key, titles in by_person.items():
        # One side per distinct title (its first sentence); a discrepancy when two voices give
        # titles that conflict.
        sides: dict[str, tuple[str, int, int]] = {}
        for title, s, i in titles:
            sides.setdefault(title.lower(), (title, s, i))
        values = list(sides.values())
        clash = any(
            title_conflict(a[0], b[0]) and sources[a[1]].outlet != sources[b[1]].outlet
            for n, a in enumerate(values)
            for b in values[n + 1 :]
        )
        if clash:
            found.append(
                Discrepancy(
                    "title",
                    names[key],
                    tuple((title, _sentence(sources, [(s, i)])) for title, s, i in values),
                )
            )
    return found


def _sentence_with(source: Source, text: str) -> int | None:
    """Index of the sentence where ``text`` (a title) is written as whole words (a hyphen or a
    letter on either side makes it part of another word), else None: a title the text does not
    show is not shown."""
    pattern = re.compile(rf"(?<![\w-]){re.escape(text)}(?![\w-])", re.IGNORECASE)
    for i, sentence in enumerate(source.analysis.sentences):
        if pattern.search(sentence.text):
            return i
    return None


def _when(date: str | None, published: datetime | None, config: BriefConfig) -> str | None:
    """An event's own date, trusted only near the report's date (a month name in a quote is not
    when the event happened)."""
    if date is None or published is None:
        return date
    try:
        parsed = datetime.fromisoformat(date)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=published.tzinfo)
    return date if abs(parsed - published) <= timedelta(days=config.event_date_days) else None


def _done_by_nobody(event: Event, text: str) -> bool:
    """A passive event with no one named doing it ("Horton was shot", "two leaders have been
    arrested"): its named party is who it happened to, and who acted is unknown. The timeline
    shows who did what; the sentence still stands in the brief's other sections."""
    trigger = re.escape(event.trigger)
    passive = re.search(
        rf"\b(?:was|were|been|being|is|are|be)\s+(?:\w+ly\s+)?{trigger}\b(?P<rest>.*)", text, re.I
    )
    return passive is not None and not re.match(r"\s*(?:\S+\s+){0,3}?by\s+[A-Z]", passive.group("rest"))


def _timeline(sources: Sequence[Source], config: BriefConfig | None = None) -> tuple[TimelineEntry, ...]:
    """The story's events in time order, each once, with the sentence that best dates it.

    An event is kept only when it happened (asserted or reported, not hedged, negated or planned),
    a named party (a person, organisation or country the article names) takes part, and its
    sentence could stand in a summary: navigation, headings and list lines are never events."""
    config = config or BriefConfig()
    groups: list[tuple[str, set[str], list[tuple[int, Event]]]] = []
    for s, source in enumerate(sources):
        # The outlet or agency that reports it is no party to what happened, though its dateline
        # credit ("BRASÍLIA, Oct 27 (Meridian Wire) — X and Y agreed") parses as a subject.
        reporters = {source.article.outlet, source.article.agency} - {None}
        named = {e.name for e in source.analysis.entities if e.type in _ACTOR_TYPES} - reporters
        sentences = source.analysis.sentences
        for event in source.analysis.events:
            if event.modality in (Modality.HEDGED, Modality.NEGATED):
                continue
            # Statements are reporting, not happenings: a timeline of who said what is not one of
            # what happened (docs/annotation.md lists reactions and quotes apart from events).
            if event.kind not in _HEADLINE_EVENTS:
                continue
            if not 0 <= event.sentence < len(sentences) or not eligible(
                sentences[event.sentence], config.summary
            ):
                continue
            parties = {a for a in event.actors if a in named}
            if not parties or _done_by_nobody(event, sentences[event.sentence].text):
                continue
            # A speculative sentence is no source for what happened, whatever its clause says.
            if sentences[event.sentence].hedged:
                continue
            if config.timeline_needs_time and not event.time_text:
                continue
            # One entry per happening: the same kind with a party in common is the same event
            # told again ("Horton was shot", "the shooting of Zurana Horton").
            group = next((g for g in groups if g[0] == event.kind and g[1] & parties), None)
            if group is None:
                groups.append((event.kind, set(parties), [(s, event)]))
            else:
                group[1].update(parties)
                group[2].append((s, event))
    entries = []
    for _, _, reports in groups:
        # The report that dates it (a time in its sentence), else the first.
        s, event = next(((s, e) for s, e in reports if e.time_text), reports[0])
        article = sources[s].article
        published = article.published.isoformat() if article.published else None
        # An event that names its own time is dated by it or not at all: "arrested in 2005" in a
        # 2008 report is no 2008 event (it was stamped with the report's date).
        fallback = None if event.time_text else published
        entries.append(
            TimelineEntry(
                _when(event.date, article.published, config) or fallback,
                event.kind,
                tuple(a for a in event.actors if a not in {article.outlet, article.agency}),
                event.place,
                event.modality.value,
                _sentence(sources, [(s, event.sentence)]),
            )
        )
    entries.sort(
        key=lambda e: (e.when or "~", e.sentence.citations[0].article_id, e.sentence.citations[0].sentence)
    )
    return tuple(entries)
