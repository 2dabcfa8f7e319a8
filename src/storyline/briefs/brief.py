"""Story briefs: what happened, the key developments, and the sources compared.

Sentences from every article of the story are grouped into facts (sentences from different
articles whose embeddings are close say the same thing); a fact cites every article and outlet
that states it. The brief leads with the fact that best says what happened (early in its
articles, reported by many outlets, carrying a who-did-what-where event, not hedged), then the key
developments; then compares the sources: facts most outlets agree on, claims only one outlet makes,
speculation (hedged sentences with their cues) and discrepancies (titles, numbers). Every sentence
is a source's own, verbatim: nothing is written that is not in a source.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

import numpy as np

from storyline.briefs.compare import number_clashes, same_claim, title_conflict
from storyline.briefs.summarize import Length, eligible, select
from storyline.config import BriefConfig
from storyline.model import (
    Analysis,
    Article,
    Brief,
    BriefSentence,
    Citation,
    Discrepancy,
    EntityType,
    Event,
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


@dataclass(frozen=True, slots=True)
class Source:
    """One article of the story with what the brief needs of it."""

    article_id: int
    article: Article
    analysis: Analysis
    vectors: np.ndarray  # one row per sentence of the analysis
    duplicate_of: int | None = None
    # Who speaks: the outlet, or the article itself when the whole story comes from one outlet
    # (two articles of one site can still disagree).
    voice: str = ""

    @property
    def outlet(self) -> str:
        """Who independently says what this article says: a wire copy speaks for its agency (the
        outlets that run one Reuters story are one source), an article of unknown outlet for
        itself."""
        return self.voice or self.article.agency or self.article.outlet or f"article {self.article_id}"

    def citation(self, index: int) -> Citation:
        s = self.analysis.sentences[index]
        return Citation(self.article_id, self.article.outlet, self.article.title, index, s.start, s.end)


@dataclass(slots=True)
class _Fact:
    """Sentences from different articles that say one thing; the first is its wording."""

    members: list[tuple[int, int]] = field(default_factory=list)  # (source index, sentence index)
    vector: np.ndarray | None = None

    def outlets(self, sources: Sequence[Source]) -> set[str]:
        # A company's own release is not coverage agreeing with it: it never adds an outlet.
        return {
            sources[s].outlet
            for s, _ in self.members
            if sources[s].duplicate_of is None and not sources[s].article.primary_source
        }


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
    """A story's brief across its outlets (``sources`` are its articles, copies included)."""
    config = config or BriefConfig()
    sources = sorted(
        sources, key=lambda s: (s.article.published is None, s.article.published or _EPOCH, s.article_id)
    )
    if len({s.article.outlet for s in sources if s.duplicate_of is None}) <= 1:
        sources = [replace(s, voice=f"article {s.article_id}") for s in sources]
    facts = _facts(sources, config)
    outlets = {s.outlet for s in sources if s.duplicate_of is None and not s.article.primary_source}
    need = max(config.agreed_min_outlets, math.ceil(config.agreed_share * len(outlets)))
    centre = _centre(sources)

    def importance(fact: _Fact) -> float:
        s, i = fact.members[0]
        sentence = sources[s].analysis.sentences[i]
        position = min(p for _, p in fact.members)
        support = len(fact.outlets(sources)) / max(1, len(outlets))
        central = float(fact.vector @ centre) if fact.vector is not None and centre is not None else 0.0
        prior = math.exp(-position / config.fact_position_decay)
        return support + prior + central - (config.hedged_penalty if sentence.hedged else 0.0)

    reported = [f for f in facts if not _hedged(f, sources, config)]
    lead_fact = max(
        reported or facts, key=lambda f: importance(f) + _lead_bonus(f, sources, config), default=None
    )
    shown: set[int] = set()
    lead: tuple[BriefSentence, ...] = ()
    if lead_fact is not None:
        lead = (_sentence(sources, lead_fact.members),)
        shown.add(id(lead_fact))
    count = config.developments[length.value]
    developments = _pick(
        [f for f in reported if id(f) not in shown], importance, count, config, exclude=[lead_fact]
    )
    shown |= {id(f) for f in developments}
    # In order of when each development was first reported.
    developments.sort(key=lambda f: min(f.members))
    # Agreement is a view across the whole story: the developments above count, the lead does not.
    agreed = [f for f in reported if f is not lead_fact and len(f.outlets(sources)) >= need]
    agreed.sort(key=lambda f: (len(f.outlets(sources)), importance(f)), reverse=True)
    items = config.items.get(length.value, config.max_items)
    single: list[_Fact] = []
    if len(outlets) > 1:
        single = [
            f
            for f in reported
            if id(f) not in shown and len(f.outlets(sources)) == 1 and not _echoed(f, sources, config)
        ]
        single = _spread(sorted(single, key=importance, reverse=True), sources)
    speculative = [f for f in facts if _hedged(f, sources, config)]
    speculative.sort(key=lambda f: (-len(f.outlets(sources)), -_hedge(f, sources), min(f.members)))
    speculative = _spread(speculative, sources)
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
        developments=tuple(_sentence(sources, f.members) for f in developments),
        agreed=tuple(_sentence(sources, f.members) for f in agreed[:items]),
        single_source=tuple(_sentence(sources, f.members) for f in single[:items]),
        speculation=tuple(_sentence(sources, f.members) for f in speculative[:items]),
        discrepancies=tuple(_title_discrepancies(sources) + _number_discrepancies(sources, config)),
        timeline=_timeline(sources, config),
        thread=_thread(story),
        thread_id=story.thread,
        seen=story.read_last,
    )


def _thread(story: Story) -> tuple[ThreadRef, ...]:
    """The thread's stories in time order, this one included."""
    if story.thread is None:
        return ()
    # Only a publication date: an undated story is listed as undated, never with an ingest time
    # or a neighbour's date.
    mine = ThreadRef(story.id, story.title, story.first_seen if story.dated else None, "this story")
    refs = [*story.related, mine]
    refs.sort(key=lambda r: (r.first_seen is None, r.first_seen.isoformat() if r.first_seen else "", r.story))
    return tuple(refs)


def _echoed(fact: _Fact, sources: Sequence[Source], config: BriefConfig) -> bool:
    """Whether another outlet says something close to the fact, if too loosely to be cited for it."""
    if fact.vector is None:
        return False
    own = {sources[s].outlet for s, _ in fact.members}
    for source in sources:
        if source.outlet in own or source.duplicate_of is not None or not len(source.vectors):
            continue
        if (
            source.vectors.shape[1] == len(fact.vector)
            and float(np.max(source.vectors @ fact.vector)) >= config.echo
        ):
            return True
    return False


def _facts(sources: Sequence[Source], config: BriefConfig) -> list[_Fact]:
    """Group the eligible sentences of all sources into facts, earliest report first."""
    facts: list[_Fact] = []
    matrix = np.zeros((0, 0), np.float32)
    for s, source in enumerate(sources):
        taken: set[int] = set()
        for i, sentence in enumerate(source.analysis.sentences):
            if not eligible(sentence, config.summary):
                continue
            vector = source.vectors[i] if len(source.vectors) > i else None
            match = -1
            if vector is not None and len(facts):
                sims = matrix @ vector
                for f in np.argsort(-sims):
                    if sims[f] < config.same_fact:
                        break
                    # One sentence per article in a fact: an article does not agree with itself.
                    if (
                        int(f) not in taken
                        and all(m[0] != s for m in facts[int(f)].members)
                        and same_claim(_wording(facts[int(f)], sources), sentence.text, config)
                    ):
                        match = int(f)
                        break
            if match >= 0:
                facts[match].members.append((s, i))
                taken.add(match)
                continue
            facts.append(_Fact([(s, i)], vector))
            if vector is not None:
                matrix = np.vstack([matrix.reshape(-1, len(vector)), vector[None, :]])
            else:
                matrix = (
                    np.vstack([matrix.reshape(-1, 1), np.zeros((1, 1), np.float32)])
                    if matrix.size
                    else matrix
                )
    return facts


def _wording(fact: _Fact, sources: Sequence[Source]) -> str:
    s, i = fact.members[0]
    return sources[s].analysis.sentences[i].text


def _spread(facts: list[_Fact], sources: Sequence[Source]) -> list[_Fact]:
    """The same facts, taken in turn from each voice (best first within each), so one long
    article does not fill a section that other sources also contribute to."""
    queues: dict[str, list[_Fact]] = {}
    for fact in facts:
        s, _ = fact.members[0]
        queues.setdefault(sources[s].outlet, []).append(fact)
    out: list[_Fact] = []
    while any(queues.values()):
        for queue in queues.values():
            if queue:
                out.append(queue.pop(0))
    return out


def _hedge(fact: _Fact, sources: Sequence[Source]) -> float:
    return max(sources[s].analysis.sentences[i].hedge for s, i in fact.members)


def _hedged(fact: _Fact, sources: Sequence[Source], config: BriefConfig) -> bool:
    hedged = [sources[s].analysis.sentences[i].hedged for s, i in fact.members]
    return sum(hedged) > config.hedged_fact_share * len(hedged)


def _lead_bonus(fact: _Fact, sources: Sequence[Source], config: BriefConfig) -> float:
    """What makes a fact the opening of the brief: it opens an article (the lead, where news says
    what happened), and it is told rather than quoted."""
    bonus = _event_bonus(fact, sources, config)
    s, i = fact.members[0]
    rank = _eligible_rank(sources[s], i, config)
    bonus += config.lead_first if rank == 0 else config.lead_second if rank == 1 else 0.0
    text = sources[s].analysis.sentences[i].text
    if text[:1] in "\"“‘'" or "”" in text or "“" in text:
        bonus -= config.lead_quote_penalty
    return bonus


def _eligible_rank(source: Source, index: int, config: BriefConfig) -> int:
    """The position of sentence ``index`` among the article's sentences that could be chosen."""
    return sum(1 for s in source.analysis.sentences[:index] if eligible(s, config.summary))


def _event_bonus(fact: _Fact, sources: Sequence[Source], config: BriefConfig) -> float:
    """A fact that carries an asserted who-did-what event, with people and a place, says what happened."""
    best = 0.0
    for s, i in fact.members:
        for event in sources[s].analysis.events:
            if event.sentence != i or event.modality in (Modality.HEDGED, Modality.NEGATED):
                continue
            value = config.event_headline if event.kind in _HEADLINE_EVENTS else config.event_other
            value += config.event_actor * min(config.event_actors, len(event.actors))
            value += config.event_place if event.place else 0.0
            best = max(best, value)
    return best


def _pick(
    facts: list[_Fact], importance: object, count: int, config: BriefConfig, exclude: Sequence[_Fact | None]
) -> list[_Fact]:
    """The ``count`` most important facts, none a restatement of one already chosen."""
    assert callable(importance)
    ranked = sorted(facts, key=importance, reverse=True)
    chosen: list[_Fact] = []
    taken = [f.vector for f in exclude if f is not None and f.vector is not None]
    for fact in ranked:
        if len(chosen) >= count:
            break
        if fact.vector is not None and any(
            float(fact.vector @ v) >= config.summary.max_redundancy - config.development_margin for v in taken
        ):
            continue
        chosen.append(fact)
        if fact.vector is not None:
            taken.append(fact.vector)
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
    s, i = members[0]
    first = sources[s].analysis.sentences[i]
    return BriefSentence(
        first.text,
        tuple(sources[m].citation(k) for m, k in members),
        hedged=first.hedged,
        cues=first.cues,
    )


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


def _number_discrepancies(sources: Sequence[Source], config: BriefConfig) -> list[Discrepancy]:
    rows: list[tuple[int, int, str]] = []
    vectors: list[np.ndarray] = []
    for s, source in enumerate(sources):
        if source.duplicate_of is not None:
            continue
        for i, sentence in enumerate(source.analysis.sentences):
            if len(source.vectors) > i:
                rows.append((s, i, sentence.text))
                vectors.append(source.vectors[i])
    if not rows:
        return []
    clashes = number_clashes(rows, np.stack(vectors), [s.outlet for s in sources], config)
    return [
        Discrepancy(
            "number",
            clash.unit,
            tuple((text, _sentence(sources, [(s, i)])) for text, s, i in clash.sides),
        )
        for clash in clashes
    ]


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
        named = {e.name for e in source.analysis.entities if e.type in _ACTOR_TYPES}
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
        entries.append(
            TimelineEntry(
                _when(event.date, article.published, config) or published,
                event.kind,
                event.actors,
                event.place,
                event.modality.value,
                _sentence(sources, [(s, event.sentence)]),
            )
        )
    entries.sort(
        key=lambda e: (e.when or "~", e.sentence.citations[0].article_id, e.sentence.citations[0].sentence)
    )
    return tuple(entries)
