"""The one document model every stage reads and enriches.

Objects are frozen: a stage returns a new object (``dataclasses.replace``) instead of mutating, so
what was extracted, what was removed and what was repaired can always be traced back.

Longer than the ~600 lines a module aims for, on purpose: every record that crosses a stage
(document, article, analysis, claim, fact, story, brief) lives here with its one to/from-dict, so
no stage invents a shape of its own and a stored form changes in one place (DESIGN.md, "one
document model").
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from storyline.config import HEDGE_THRESHOLD

BLOCK_SEPARATOR = "\n\n"


class SourceKind(StrEnum):
    """Where a raw document came from."""

    FILE = "file"
    URL = "url"
    FEED = "feed"
    JSONL = "jsonl"
    WARC = "warc"


class ContentKind(StrEnum):
    """What the bytes are, sniffed from the content (not only the file name): sources/sniff.py
    decides, once, for every document; a container (feed, JSON Lines, WARC) is opened there and
    each of its entries given a kind of its own, so a document reaching extraction is HTML or TEXT
    (or, rarely, text that merely looks like a container, which extraction reads as text)."""

    HTML = "html"
    TEXT = "text"
    FEED = "feed"
    JSONL = "jsonl"
    WARC = "warc"


class BlockKind(StrEnum):
    """Kinds of text block kept apart in an article body."""

    HEADING = "heading"
    PARAGRAPH = "paragraph"
    LIST_ITEM = "list_item"
    QUOTE = "quote"
    CAPTION = "caption"


class DateSource(StrEnum):
    """Where an article's publication date came from; a reader is shown how sure it is."""

    METADATA = "metadata"  # the page's own metadata (meta tags, JSON-LD, <time>) or a JSON record
    FEED = "feed"  # the feed item's date
    DATELINE = "dateline"  # a date line at the top of a saved text ("Posted: Nov 27, 2005")
    ADDRESS = "address"  # a full date in the article's address (/2013/05/03/)
    # No longer given: the body's dates are its events'. Kept so that stores written before read.
    TEXT = "text"  # the date the lead sentences give for the main event


# Dates outside these bounds are misread or placeholder values (``0001-01-01`` in a template, a year
# typed as 2103): no news was published before 1900, and none tomorrow.
EARLIEST_DATE = datetime(1900, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)


def plausible_date(when: datetime | None, now: datetime | None = None) -> datetime | None:
    """``when`` (made time-zone aware, UTC if it had none) if it can be a news date, else None.

    The one gate every date passes before it reaches the model, the store or grouping, so date
    arithmetic downstream (time windows, ``date - 10 days``) can never overflow."""
    if when is None:
        return None
    aware = when if when.tzinfo else when.replace(tzinfo=UTC)
    try:
        latest = (now or datetime.now(UTC)) + FUTURE_SLACK
        return aware if EARLIEST_DATE <= aware <= latest else None
    except (OverflowError, ValueError):
        return None


# Scripts written without spaces between words: their words are counted by characters.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f]")
# A Chinese or Japanese word is about 1.7 characters long on average (Thai and Korean are near it).
_CHARS_PER_WORD = 1.7


def count_words(text: str) -> int:
    """Words in ``text``: spaced words, plus characters of unspaced scripts (Chinese, Japanese, Thai)
    counted at their average word length, so a Chinese article is not "0 words" (Korean
    spaces its words)."""
    unspaced = len(_UNSPACED.findall(text))
    if not unspaced:
        return len(text.split())
    spaced = len(_UNSPACED.sub(" ", text).split())
    return spaced + round(unspaced / _CHARS_PER_WORD)


def _frozen(mapping: Mapping[str, str] | None) -> Mapping[str, str]:
    return MappingProxyType(dict(mapping or {}))


def _build(cls: type[Any], values: dict[str, Any]) -> Any:
    return cls(**values)


def _reduce_thawed(obj: Any) -> tuple[Any, ...]:
    """Pickling for a record holding read-only mappings (which pickle refuses): rebuilt from its
    fields, the mappings as plain dicts, so documents can go to an engine's worker processes."""
    values = {f.name: getattr(obj, f.name) for f in fields(obj)}
    thawed = {k: dict(v) if isinstance(v, MappingProxyType) else v for k, v in values.items()}
    return (_build, (type(obj), thawed))


@dataclass(frozen=True, slots=True)
class RawDocument:
    """Bytes plus where they came from, before any interpretation.

    ``locator`` names the document uniquely and stably: a file path, a URL, or a container
    path plus ``#`` and the entry key (a feed item's id, a JSON Lines line number).
    ``hints`` carries metadata a container already gives (feed title, JSON ``published``...),
    which extraction prefers to guessing. ``kind`` is where it came from; ``content_kind`` what its
    bytes are, set by the source that read it (None only for a document built by hand: extraction
    then sniffs it).
    """

    locator: str
    kind: SourceKind
    content: bytes
    fetched_at: datetime
    url: str | None = None
    content_type: str | None = None
    hints: Mapping[str, str] = field(default_factory=dict)
    content_kind: ContentKind | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "hints", _frozen(self.hints))

    __reduce__ = _reduce_thawed

    @property
    def content_hash(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph, heading, list item, quote or caption of clean text."""

    kind: BlockKind
    text: str


@dataclass(frozen=True, slots=True)
class Removal:
    """A line that left the text, with the reason, so nothing is dropped silently."""

    text: str
    reason: str
    stage: str


@dataclass(frozen=True, slots=True)
class Repair:
    """One change to the text: ``offset`` is where ``after`` starts in the article's final ``text``."""

    kind: str
    before: str
    after: str
    offset: int


@dataclass(frozen=True, slots=True)
class Article:
    """An article's metadata and clean body, with everything removed or repaired on the way."""

    locator: str
    content_hash: str
    title: str | None
    blocks: tuple[Block, ...]
    url: str | None = None
    outlet: str | None = None
    byline: str | None = None
    published: datetime | None = None
    language: str | None = None
    content_kind: ContentKind = ContentKind.HTML
    removed: tuple[Removal, ...] = ()
    repairs: tuple[Repair, ...] = ()
    date_source: DateSource | None = None
    # True when the document had no title and one was taken from its first line or sentence.
    title_derived: bool = False
    # The outlet's identity across its names and subdomains (``amd.com``, ``name:meridian wire``);
    # None when nothing says who published it (then the article is its own source).
    outlet_key: str | None = None
    # How sure ``outlet`` is as the outlet's display name: 4 given by the user, 3 the site's own
    # name, 2 a feed's title, 1 the bare domain; the store shows each outlet by its surest name.
    outlet_rank: int = 0
    # The wire agency the article credits ("Reuters"): a wire copy counts once, for the agency.
    agency: str | None = None
    # A company's or government's own release: a primary source, not coverage agreeing with it.
    primary_source: bool = False

    @property
    def text(self) -> str:
        return BLOCK_SEPARATOR.join(block.text for block in self.blocks)

    @property
    def word_count(self) -> int:
        return sum(count_words(block.text) for block in self.blocks)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view, the shape of ``storyline articles --json``."""
        return {
            "locator": self.locator,
            "url": self.url,
            "outlet": self.outlet,
            "title": self.title,
            "byline": self.byline,
            "published": self.published.isoformat() if self.published else None,
            "date_source": self.date_source.value if self.date_source else None,
            "title_derived": self.title_derived,
            "outlet_key": self.outlet_key,
            "agency": self.agency,
            "primary_source": self.primary_source,
            "language": self.language,
            "content_kind": self.content_kind.value,
            "text": self.text,
            "blocks": [{"kind": b.kind.value, "text": b.text} for b in self.blocks],
            "removed": [{"text": r.text, "reason": r.reason, "stage": r.stage} for r in self.removed],
            "repairs": [
                {"kind": r.kind, "before": r.before, "after": r.after, "offset": r.offset}
                for r in self.repairs
            ],
        }


@dataclass(frozen=True, slots=True)
class Skip:
    """A document that was not ingested, and why: a named, recorded outcome, never a crash."""

    locator: str
    code: str
    message: str


# Skips that are not the input's fault: a stage lost a document it should have stored (a bug, or a
# worker process that died under it). A run with any of these, or with an article a later stage
# failed on, exits with LOST_EXIT_CODE.
LOST_SKIP_CODES = frozenset({"internal-error", "worker-crashed"})
# `storyline ingest` when a stage lost articles, `watch --once` when every due feed failed:
# the run finished and what it did is stored, but something needs a look (2 is a usage error).
LOST_EXIT_CODE = 3


@dataclass(frozen=True, slots=True)
class StageFailure:
    """An article a stage after storing (``analyze``, ``group``) could not finish, and why: recorded
    in the store and retried at the next run."""

    article_id: int
    stage: str
    reason: str


@dataclass(frozen=True, slots=True)
class IngestReport:
    """What one ``ingest`` call did."""

    ingested: tuple[int, ...] = ()
    # A count, not a list: re-running over a huge folder must not grow memory with every file.
    unchanged: int = 0
    skipped: tuple[Skip, ...] = ()
    revised: tuple[int, ...] = ()
    failed: tuple[StageFailure, ...] = ()

    @property
    def lost(self) -> int:
        """How many documents or articles a stage lost (not the input's fault): any makes the run
        exit with LOST_EXIT_CODE."""
        return sum(1 for s in self.skipped if s.code in LOST_SKIP_CODES) + len(self.failed)

    def failures_by_kind(self) -> dict[str, int]:
        """Every failure of the run by kind: each skip code, and ``analyze-failed`` /
        ``group-failed`` for the articles those stages could not finish."""
        kinds: dict[str, int] = {}
        for kind in [s.code for s in self.skipped] + [f"{f.stage}-failed" for f in self.failed]:
            kinds[kind] = kinds.get(kind, 0) + 1
        return dict(sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0])))

    def to_dict(self) -> dict[str, Any]:
        return {
            "ingested": len(self.ingested),
            "revised": len(self.revised),
            "unchanged": self.unchanged,
            "skipped": [{"locator": s.locator, "code": s.code, "message": s.message} for s in self.skipped],
            "failed": [
                {"article_id": f.article_id, "stage": f.stage, "reason": f.reason} for f in self.failed
            ],
            "failures_by_kind": self.failures_by_kind(),
            "lost": self.lost,
            "article_ids": list(self.ingested),
        }


class Genre(StrEnum):
    """What kind of piece an article is, judged from its hedging and its shape."""

    REPORT = "report"
    ANALYSIS = "analysis"
    SPECULATION = "speculation"
    OPINION = "opinion"


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence (or heading, list item, caption) of an article's clean text.

    ``start``/``end`` are character offsets into :attr:`Article.text`; ``kind`` is the kind of block
    it stands in, so headings and list items stay apart from running sentences.
    """

    start: int
    end: int
    text: str
    kind: BlockKind
    block: int
    hedge: float = 0.0
    cues: tuple[str, ...] = ()

    @property
    def hedged(self) -> bool:
        """Speculation: a hedge score at or above the one threshold (config.HEDGE_THRESHOLD)."""
        return self.hedge >= HEDGE_THRESHOLD

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view, the shape of ``storyline articles --json``'s sentences."""
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "kind": self.kind.value,
            "hedge": self.hedge,
            "cues": list(self.cues),
        }

    def to_row(self) -> list[Any]:
        """The stored form: a bare list (an article has hundreds of sentences; keys would double
        the size of every stored analysis). Read back by :meth:`from_row`."""
        return [self.start, self.end, self.text, self.kind.value, self.block, self.hedge, list(self.cues)]

    @classmethod
    def from_row(cls, row: Sequence[Any]) -> Sentence:
        start, end, text, kind, block, hedge, cues = row
        return cls(start, end, text, BlockKind(kind), block, hedge, tuple(cues))


@dataclass(frozen=True, slots=True)
class Analysis:
    """What the understanding stage adds to an article."""

    content_hash: str
    sentences: tuple[Sentence, ...]
    genre: Genre
    hedge_share: float
    entities: tuple[Entity, ...] = ()
    events: tuple[Event, ...] = ()
    # For a text longer than AnalyzeConfig.max_chars: how many of its first characters were analysed
    # (None: all of them).
    analysed_chars: int | None = None
    # What the article states, clause by clause, with who says it (storyline.nlp.claims). None:
    # an analysis stored before claims were made (the store analyses such articles again).
    claims: tuple[Claim, ...] | None = ()

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view, merged into a stored article's (``storyline articles --json``)."""
        return {
            "genre": self.genre.value,
            "hedge_share": self.hedge_share,
            "analysed_chars": self.analysed_chars,
            "entities": [entity.to_dict() for entity in self.entities],
            "events": [event.to_dict() for event in self.events],
            "sentences": [s.to_dict() for s in self.sentences],
        }

    def to_record(self) -> dict[str, Any]:
        """The stored form (the columns of the store's ``analyses`` table that the analysis owns):
        sentences, entities and events as JSON text. Read back by :meth:`from_record`."""
        return {
            "content_hash": self.content_hash,
            "genre": self.genre.value,
            "hedge_share": self.hedge_share,
            "sentences": json.dumps([s.to_row() for s in self.sentences], ensure_ascii=False),
            "entities": json.dumps([e.to_dict() for e in self.entities], ensure_ascii=False),
            "events": json.dumps([e.to_dict() for e in self.events], ensure_ascii=False),
            "analysed_chars": self.analysed_chars,
            "claims": None
            if self.claims is None
            else json.dumps([c.to_dict() for c in self.claims], ensure_ascii=False),
        }

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Analysis:
        """An analysis from its stored form (:meth:`to_record`; extra columns are ignored)."""
        return cls(
            record["content_hash"],
            tuple(Sentence.from_row(row) for row in json.loads(record["sentences"])),
            Genre(record["genre"]),
            float(record["hedge_share"]),
            tuple(Entity.from_dict(item) for item in json.loads(record["entities"])),
            tuple(Event.from_dict(item) for item in json.loads(record["events"])),
            record["analysed_chars"],
            None
            if record.get("claims") is None
            else tuple(Claim.from_dict(item) for item in json.loads(record["claims"])),
        )


class EntityType(StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"
    PLACE = "place"
    COUNTRY = "country"


@dataclass(frozen=True, slots=True)
class Mention:
    """Where an entity is named: character offsets into :attr:`Article.text`."""

    text: str
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "start": self.start, "end": self.end}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Mention:
        return cls(data["text"], data["start"], data["end"])


@dataclass(frozen=True, slots=True)
class Entity:
    """One person, organisation, place or country in one article, with every mention of it and
    the titles or roles the article gives it ("Iran's Foreign Minister")."""

    name: str
    type: EntityType
    mentions: tuple[Mention, ...]
    titles: tuple[str, ...] = ()
    # The weight of what typed it (nlp/entities.py): 1 for each mention only the model labelled,
    # more for one the words around it typed ("in X", "Minister X"); across articles the type with
    # the most evidence wins (nlp/resolve.py). 0: not known (an analysis stored before it was kept).
    evidence: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type.value,
            "titles": list(self.titles),
            "mentions": [m.to_dict() for m in self.mentions],
            "evidence": self.evidence,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Entity:
        """The entity :meth:`to_dict` gave (the store keeps entities in that form)."""
        return cls(
            data["name"],
            EntityType(data["type"]),
            tuple(Mention.from_dict(m) for m in data["mentions"]),
            tuple(data["titles"]),
            int(data.get("evidence", 0)),
        )


class Modality(StrEnum):
    ASSERTED = "asserted"
    HEDGED = "hedged"
    NEGATED = "negated"
    REPORTED = "reported"


@dataclass(frozen=True, slots=True)
class Event:
    """Who did what with whom, where and when, from one sentence of one article."""

    kind: str
    trigger: str
    sentence: int
    actors: tuple[str, ...]
    place: str | None = None
    time_text: str | None = None
    date: str | None = None
    duration: str | None = None
    modality: Modality = Modality.ASSERTED

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "trigger": self.trigger,
            "sentence": self.sentence,
            "actors": list(self.actors),
            "place": self.place,
            "time_text": self.time_text,
            "date": self.date,
            "duration": self.duration,
            "modality": self.modality.value,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Event:
        """The event :meth:`to_dict` gave (the store keeps events in that form)."""
        return cls(
            data["kind"],
            data["trigger"],
            data["sentence"],
            tuple(data["actors"]),
            data["place"],
            data["time_text"],
            data["date"],
            data["duration"],
            Modality(data["modality"]),
        )


@dataclass(frozen=True, slots=True)
class StoryArticle:
    """One article as a member of a story."""

    id: int
    outlet: str | None
    title: str | None
    source: str  # the URL when there is one, else where it was read from
    published: datetime | None
    score: float
    # A syndicated or lightly edited copy of this article id: not an independent source.
    duplicate_of: int | None = None
    pinned: bool = False
    # The wire agency it credits, and whether it is a company's or government's own release.
    agency: str | None = None
    primary_source: bool = False

    @property
    def source_key(self) -> str:
        """Who independently reports this: the agency for a wire copy (it counts once however many
        outlets run it), else the outlet, else the article itself (an unknown outlet is its own
        source)."""
        return f"agency:{self.agency}" if self.agency else (self.outlet or f"article:{self.id}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "outlet": self.outlet,
            "title": self.title,
            "source": self.source,
            "published": self.published.isoformat() if self.published else None,
            "score": round(self.score, 4),
            "duplicate_of": self.duplicate_of,
            "pinned": self.pinned,
            "agency": self.agency,
            "primary_source": self.primary_source,
        }


@dataclass(frozen=True, slots=True)
class StoryEntity:
    name: str
    type: EntityType
    articles: int


@dataclass(frozen=True, slots=True)
class ThreadRef:
    """A story linked to another in one running thread, and why."""

    story: int
    title: str | None
    first_seen: datetime | None
    reason: str


@dataclass(frozen=True, slots=True)
class Story:
    """The same event reported by one or more outlets."""

    id: int
    title: str | None
    thread: int | None
    first_seen: datetime | None
    last_seen: datetime | None
    articles: tuple[StoryArticle, ...]
    entities: tuple[StoryEntity, ...] = ()
    related: tuple[ThreadRef, ...] = ()
    # False when no article says when it was published: first/last seen are then None, and the story
    # is shown as undated with when its articles were read (``read_first``/``read_last``), never as
    # if that were its date.
    dated: bool = True
    read_first: datetime | None = None
    read_last: datetime | None = None

    @property
    def outlets(self) -> tuple[str, ...]:
        """Outlets reporting independently: copies of another article do not count."""
        seen: dict[str, None] = {}
        for item in self.articles:
            if item.duplicate_of is None and item.outlet:
                seen.setdefault(item.outlet)
        return tuple(seen)

    @property
    def independent_sources(self) -> int:
        """How many independent sources report the story: near-duplicates and wire copies of one
        agency count once, an article of unknown outlet counts as its own source, and a primary
        source (a company's own release) is not coverage."""
        return len({a.source_key for a in self.articles if a.duplicate_of is None and not a.primary_source})

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "thread": self.thread,
            "first_seen": self.first_seen.isoformat() if self.first_seen else None,
            "last_seen": self.last_seen.isoformat() if self.last_seen else None,
            "dated": self.dated,
            # When storyline read its articles: not a publication date, kept apart from one.
            "seen": {
                "first": self.read_first.isoformat() if self.read_first else None,
                "last": self.read_last.isoformat() if self.read_last else None,
            },
            "outlets": list(self.outlets),
            "independent_sources": self.independent_sources,
            "article_count": len(self.articles),
            "articles": [a.to_dict() for a in self.articles],
            "entities": [
                {"name": e.name, "type": e.type.value, "articles": e.articles} for e in self.entities
            ],
            "related": [
                {
                    "story": r.story,
                    "title": r.title,
                    "first_seen": r.first_seen.isoformat() if r.first_seen else None,
                    "reason": r.reason,
                }
                for r in self.related
            ],
        }


# --- stored stories: what grouping keeps of a story between runs, as the store holds it ---------


def entity_key(entity: Entity) -> str:
    """The key one entity is counted under across articles: the surname for a person ("Raisi" and
    "Ebrahim Raisi" are one key), else the lower-cased name. Grouping and briefs both count by it."""
    name = entity.name.lower().removesuffix("’s").removesuffix("'s")
    words = [w for w in name.split() if any(c.isalpha() for c in w)]
    return words[-1] if entity.type is EntityType.PERSON and words else name


@dataclass(frozen=True, slots=True)
class EntityTally:
    """One entity's count in a story: how many of its articles name it and their summed salience,
    with the longest name any of them gave it."""

    articles: float
    salience: float
    name: str
    type: EntityType


@dataclass(frozen=True, slots=True)
class StoryRecord:
    """A story's grouping state as stored: the sum of its articles' vectors, its entity tallies
    and its date span. Grouping turns it into its own working state and back; the store reads
    and writes only this."""

    id: int
    # The sum of the story's independent articles' vectors, float32 bytes (the stored form).
    total: bytes
    size: int
    entities: Mapping[str, EntityTally]
    first: datetime | None
    last: datetime | None
    title: str | None = None
    # Stories a user split from this one (never merged back automatically). Read from the
    # story's "apart" links; a record saved never writes them (a split or a merge does).
    apart: frozenset[int] = frozenset()

    def entities_to_dict(self) -> dict[str, list[Any]]:
        """The stored JSON of :attr:`entities`: key -> [articles, salience, name, type]."""
        return {
            key: [tally.articles, round(tally.salience, 4), tally.name, tally.type.value]
            for key, tally in self.entities.items()
        }

    @staticmethod
    def entities_from_dict(data: Mapping[str, Any]) -> Mapping[str, EntityTally]:
        return MappingProxyType(
            {
                key: EntityTally(float(count), float(mass), name, EntityType(kind))
                for key, (count, mass, name, kind) in data.items()
            }
        )


def top_entities(
    entities: Mapping[str, EntityTally], limit: int = 8, reporters: Iterable[str] = ()
) -> tuple[StoryEntity, ...]:
    """A story's most salient entities, for the story view: one per name shown ("Ceres Robotics"
    tallied both as a person under "robotics" and as an organisation is one entity to a reader,
    by its most salient tally). ``reporters``: the outlets and agencies that report the story,
    which its dateline credits ("NEW YORK (Reuters) -") make an entity of it; they are not what
    the story is about."""
    left_out = {name.casefold() for name in reporters}
    chosen: dict[str, StoryEntity] = {}
    for _, t in sorted(entities.items(), key=lambda kv: (-kv[1].salience, kv[0])):
        if len(chosen) >= limit:
            break
        if t.name.casefold() not in left_out:
            chosen.setdefault(t.name.casefold(), StoryEntity(t.name, t.type, int(t.articles)))
    return tuple(chosen.values())


@dataclass(frozen=True, slots=True)
class ThreadLink:
    """Two stories of one running thread (``a`` < ``b``) and the entities both are about."""

    a: int
    b: int
    shared: tuple[tuple[str, EntityType], ...]

    def reason(self) -> str:
        actors = [n for n, t in self.shared if t in (EntityType.PERSON, EntityType.ORGANISATION)]
        places = [n for n, t in self.shared if t in (EntityType.PLACE, EntityType.COUNTRY)]
        parts = []
        if actors:
            parts.append("shared actors: " + ", ".join(actors))
        if places:
            parts.append("shared places: " + ", ".join(places))
        return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a brief sentence comes from: the article, its outlet, and the sentence's place in it
    (its index in the analysis and its character offsets into the article's clean text)."""

    article_id: int
    outlet: str | None
    title: str | None
    sentence: int
    start: int
    end: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "outlet": self.outlet,
            "title": self.title,
            "sentence": self.sentence,
            "start": self.start,
            "end": self.end,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Citation:
        return cls(
            int(data["article_id"]),
            data["outlet"],
            data["title"],
            int(data["sentence"]),
            int(data["start"]),
            int(data["end"]),
        )


@dataclass(frozen=True, slots=True)
class BriefSentence:
    """One sentence of a brief: a source's own words, with every article that reports the same."""

    text: str
    citations: tuple[Citation, ...]
    hedged: bool = False
    cues: tuple[str, ...] = ()
    # Where the brief already shows this fact ("lead", "development"): a list of what sources agree
    # on names it again, marked, so that a reader sees it is the same fact and not a new one.
    above: str = ""
    # Copies of a cited article (syndicated, or a wire story run word for word) that say the same:
    # the same source again, so shown as "also carried by", never cited as sources of their own.
    carried_by: tuple[Citation, ...] = ()

    @property
    def outlets(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(c.outlet or f"article {c.article_id}" for c in self.citations))

    @property
    def carriers(self) -> tuple[Citation, ...]:
        """The copies to name after the citations: one for each outlet that also carries the
        sentence and is not cited already."""
        cited = set(self.outlets)
        first = {c.outlet or f"article {c.article_id}": c for c in reversed(self.carried_by)}
        return tuple(c for name, c in reversed(first.items()) if name not in cited)

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "citations": [c.to_dict() for c in self.citations],
            "outlets": list(self.outlets),
            "hedged": self.hedged,
            "cues": list(self.cues),
            "above": self.above or None,
            "carried_by": [c.to_dict() for c in self.carried_by],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> BriefSentence:
        return cls(
            data["text"],
            tuple(Citation.from_dict(c) for c in data["citations"]),
            bool(data["hedged"]),
            tuple(data["cues"]),
            data.get("above") or "",
            tuple(Citation.from_dict(c) for c in data.get("carried_by", ())),
        )


@dataclass(frozen=True, slots=True)
class Discrepancy:
    """Sources that disagree on one thing: a person's title, a number, a duration or a date. Each
    side is a value with the sentence (and outlets) that give it."""

    kind: str
    subject: str
    sides: tuple[tuple[str, BriefSentence], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "subject": self.subject,
            "sides": [{"value": value, "sentence": sentence.to_dict()} for value, sentence in self.sides],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Discrepancy:
        sides = tuple((str(s["value"]), BriefSentence.from_dict(s["sentence"])) for s in data["sides"])
        return cls(data["kind"], data["subject"], sides)


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    """One event of a story, placed in time (its own date when the text gives one, else when the
    article reporting it was published)."""

    when: str | None
    kind: str
    actors: tuple[str, ...]
    place: str | None
    modality: str
    sentence: BriefSentence

    def to_dict(self) -> dict[str, Any]:
        return {
            "when": self.when,
            "kind": self.kind,
            "actors": list(self.actors),
            "place": self.place,
            "modality": self.modality,
            "sentence": self.sentence.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TimelineEntry:
        return cls(
            data["when"],
            data["kind"],
            tuple(data["actors"]),
            data["place"],
            data["modality"],
            BriefSentence.from_dict(data["sentence"]),
        )


@dataclass(frozen=True, slots=True)
class Brief:
    """ "Get a summary": what happened, then the key developments, then the sources compared.

    ``agreed`` holds facts most outlets report; ``single_source`` claims only one outlet makes;
    ``speculation`` hedged sentences, kept apart and labelled with their cues; ``discrepancies``
    sources that disagree. Every sentence is a source's own and cites it.
    """

    kind: str  # "story" or "article"
    id: int
    title: str | None
    length: str
    outlets: tuple[str, ...]
    first_seen: datetime | None
    last_seen: datetime | None
    lead: tuple[BriefSentence, ...]
    developments: tuple[BriefSentence, ...] = ()
    agreed: tuple[BriefSentence, ...] = ()
    single_source: tuple[BriefSentence, ...] = ()
    speculation: tuple[BriefSentence, ...] = ()
    discrepancies: tuple[Discrepancy, ...] = ()
    # Counts that changed between reports of different days ("at least 12 dead", a day later "14"):
    # an update, not a disagreement; each side a value in the order it was published.
    updates: tuple[Discrepancy, ...] = ()
    timeline: tuple[TimelineEntry, ...] = ()
    thread: tuple[ThreadRef, ...] = ()
    thread_id: int | None = None
    genre: str | None = None
    # Wire copies of one agency once, unknown outlets each their own, primary sources not at all.
    independent_sources: int = 0
    # When storyline last read an article of it: not a publication date (first/last_seen are those).
    seen: datetime | None = None

    def sentences(self) -> tuple[BriefSentence, ...]:
        """Every sentence the brief shows, in order, discrepancies' sides included."""
        sides = tuple(s for d in self.discrepancies + self.updates for _, s in d.sides)
        timeline = tuple(t.sentence for t in self.timeline)
        return (
            self.lead
            + self.developments
            + self.agreed
            + self.single_source
            + self.speculation
            + sides
            + timeline
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "title": self.title,
            "length": self.length,
            "genre": self.genre,
            "outlets": list(self.outlets),
            "independent_sources": self.independent_sources,
            "first_seen": self.first_seen.isoformat() if self.first_seen else None,
            "last_seen": self.last_seen.isoformat() if self.last_seen else None,
            "seen": self.seen.isoformat() if self.seen else None,
            "lead": [s.to_dict() for s in self.lead],
            "developments": [s.to_dict() for s in self.developments],
            "agreed": [s.to_dict() for s in self.agreed],
            "single_source": [s.to_dict() for s in self.single_source],
            "speculation": [s.to_dict() for s in self.speculation],
            "discrepancies": [d.to_dict() for d in self.discrepancies],
            "updates": [d.to_dict() for d in self.updates],
            "timeline": [t.to_dict() for t in self.timeline],
            "thread_id": self.thread_id,
            "thread": [
                {
                    "story": r.story,
                    "title": r.title,
                    "first_seen": r.first_seen.isoformat() if r.first_seen else None,
                    "reason": r.reason,
                }
                for r in self.thread
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Brief:
        """The brief :meth:`to_dict` gave (how the store keeps briefs computed ahead of a reader)."""

        def when(value: str | None) -> datetime | None:
            return datetime.fromisoformat(value) if value else None

        def said(name: str) -> tuple[BriefSentence, ...]:
            return tuple(BriefSentence.from_dict(s) for s in data[name])

        return cls(
            kind=data["kind"],
            id=int(data["id"]),
            title=data["title"],
            length=data["length"],
            outlets=tuple(data["outlets"]),
            first_seen=when(data["first_seen"]),
            last_seen=when(data["last_seen"]),
            lead=said("lead"),
            developments=said("developments"),
            agreed=said("agreed"),
            single_source=said("single_source"),
            speculation=said("speculation"),
            discrepancies=tuple(Discrepancy.from_dict(d) for d in data["discrepancies"]),
            updates=tuple(Discrepancy.from_dict(d) for d in data.get("updates", ())),
            timeline=tuple(TimelineEntry.from_dict(t) for t in data["timeline"]),
            thread=tuple(
                ThreadRef(int(r["story"]), r["title"], when(r["first_seen"]), r["reason"])
                for r in data["thread"]
            ),
            thread_id=data["thread_id"],
            genre=data["genre"],
            independent_sources=int(data["independent_sources"]),
            seen=when(data.get("seen")),
        )


# --- claims and facts (storyline.facts) ------------------------------------------------------------


class Scope(StrEnum):
    """How a figure is given: exactly, or as a bound or an approximation of the true value."""

    EXACT = "exact"
    AT_LEAST = "at least"  # "at least 12", "more than 40", "over 100"
    AT_MOST = "at most"  # "up to 300", "fewer than 10", "under 5"
    ABOUT = "about"  # "about 40", "nearly 3,000", "some 2,500"
    RANGE = "range"  # "between 5 and 7", "5-7"


@dataclass(frozen=True, slots=True)
class Quantity:
    """A figure a claim states, with what it counts: "at least 127 people were killed" is 127, at
    least, counting ``people`` under ``kill``.

    ``thing`` is the counted noun's lemma (or the unit: "dollar", "percent", "magnitude"), ``verb``
    the lemma of the verb it hangs from; together with ``aggregate`` and ``period`` they are the slot
    two figures must share before their values can disagree."""

    text: str
    value: float
    high: float | None = None  # a range's upper end
    scope: Scope = Scope.EXACT
    thing: str = ""
    verb: str = ""
    # "total", "average", "so far" (a running total), "each": a total is not one incident's figure.
    aggregate: str = ""
    # A year or period the figure belongs to ("in 2004", "last season"), as written.
    period: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "value": self.value,
            "high": self.high,
            "scope": self.scope.value,
            "thing": self.thing,
            "verb": self.verb,
            "aggregate": self.aggregate,
            "period": self.period,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Quantity:
        return cls(
            data["text"],
            float(data["value"]),
            None if data.get("high") is None else float(data["high"]),
            Scope(data.get("scope", "exact")),
            data.get("thing", ""),
            data.get("verb", ""),
            data.get("aggregate", ""),
            data.get("period", ""),
        )


class Speech(StrEnum):
    """How a claim reaches the reader: told by the outlet, or as someone's words."""

    NONE = "none"  # the outlet's own statement
    DIRECT = "direct"  # quoted verbatim: “We will rebuild,” the mayor said.
    REPORTED = "reported"  # reported speech: the mayor said the town would rebuild.


@dataclass(frozen=True, slots=True)
class Claim:
    """One thing an article states: a sentence, or a clause of one when a sentence carries two
    claims, with who says it and what it is about. Offsets are the article text's."""

    sentence: int
    start: int
    end: int
    text: str
    # Who says it when it is attributed ("police", "Vladimir Putin"); "" for the outlet itself.
    speaker: str = ""
    speech: Speech = Speech.NONE
    # The event the claim reports (an Event.kind), its actors (canonical entity names), place, time.
    event: str = ""
    actors: tuple[str, ...] = ()
    place: str | None = None
    date: str | None = None
    quantities: tuple[Quantity, ...] = ()
    # Named entities the claim mentions (canonical names), and its content lemmas: what a
    # paraphrase in another article must share.
    names: tuple[str, ...] = ()
    terms: tuple[str, ...] = ()
    hedged: bool = False
    negated: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "sentence": self.sentence,
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "speaker": self.speaker,
            "speech": self.speech.value,
            "event": self.event,
            "actors": list(self.actors),
            "place": self.place,
            "date": self.date,
            "quantities": [q.to_dict() for q in self.quantities],
            "names": list(self.names),
            "terms": list(self.terms),
            "hedged": self.hedged,
            "negated": self.negated,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Claim:
        return cls(
            data["sentence"],
            data["start"],
            data["end"],
            data["text"],
            data.get("speaker", ""),
            Speech(data.get("speech", "none")),
            data.get("event", ""),
            tuple(data.get("actors", ())),
            data.get("place"),
            data.get("date"),
            tuple(Quantity.from_dict(q) for q in data.get("quantities", ())),
            tuple(data.get("names", ())),
            tuple(data.get("terms", ())),
            bool(data.get("hedged", False)),
            bool(data.get("negated", False)),
        )


@dataclass(frozen=True, slots=True)
class FactClaim:
    """One article's claim that states a fact, with where it stands and whose voice it is."""

    claim: Claim
    citation: Citation
    # Who independently says it: the outlet, the agency of a wire copy, "article N" when the outlet
    # is unknown. Copies of one wire story share a voice.
    voice: str
    copy: bool = False  # a syndicated or wire copy of another article of the story

    def to_dict(self) -> dict[str, Any]:
        return {
            "claim": self.claim.to_dict(),
            "citation": self.citation.to_dict(),
            "voice": self.voice,
            "copy": self.copy,
        }


@dataclass(frozen=True, slots=True)
class Fact:
    """Claims of different articles that state one thing (storyline.facts). The first claim is its
    wording; ``voices`` are its independent sources (a wire copy, a syndicated copy and an outlet's
    rewrite of a wire story count once; an article of unknown outlet counts as its own voice, and
    ``unknown`` says how many of the voices are such)."""

    claims: tuple[FactClaim, ...]
    voices: tuple[str, ...]
    unknown: int = 0
    hedged: bool = False
    # The highest match probability of this fact's wording with a claim of another voice that is
    # not part of it: a paraphrase too loose to cite, enough to say the fact is not one source's.
    echo: float = 0.0

    @property
    def wording(self) -> FactClaim:
        return self.claims[0]

    @property
    def support(self) -> int:
        return len(self.voices)

    def to_dict(self) -> dict[str, Any]:
        first = self.wording.claim
        return {
            "text": first.text,
            "support": self.support,
            "voices": list(self.voices),
            "unknown_voices": self.unknown,
            "hedged": self.hedged,
            "event": first.event,
            "date": first.date,
            "quantities": [q.to_dict() for q in first.quantities],
            "speaker": first.speaker,
            "claims": [c.to_dict() for c in self.claims],
        }
