"""One frozen config per stage. Defaults are the embedded, offline ones: SQLite, no network beyond
what the user names, no settings needed.

Over ~600 lines because every threshold and weight sits beside the reason for its value, and the
configs are read together (storyline.toml's tables map onto them, settings.py): split by stage, the
settings file's reader and `storyline config` would import a dozen modules for one table each.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

DEFAULT_DB_ENV = "STORYLINE_DB"
# A news page is rarely above 2 MB; 20 MB leaves room for inline images and feeds while a 200 MB
# dump is refused before it is read into memory.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# all-MiniLM-L6-v2 separates stories best (bench/embed.py). "minilm-onnx" is that model with int8
# weights under onnxruntime: the same nearest-neighbour accuracy on ECB+ as "minilm" (torch) at five
# times its speed; "minilm-static" is faster still but separates stories worse.
DEFAULT_EMBEDDER = "minilm-onnx"
# A sentence is hedged (speculation) when its hedge score is at least this. The score is a
# probability (nlp/hedges.py: a logistic model over cue words, plus a fixed prior for each strong
# hedge), so this is where speculation becomes more likely than not. The one cut everywhere a
# sentence is called hedged (``Sentence.hedged``): an article's hedge share and genre, an event's
# modality, a brief's speculation and lead, the terminal and web views. bench/briefs_quality.py
# scores it against hand labels ("speculation (sentences)": precision 0.85, recall 0.78).
HEDGE_THRESHOLD = 0.5


def default_db_path() -> Path:
    """``$STORYLINE_DB`` if set, else ``storyline.db`` in the working directory (visible, easy to delete)."""
    return Path(os.environ.get(DEFAULT_DB_ENV, "storyline.db"))


@dataclass(frozen=True, slots=True)
class SourceConfig:
    """Reading files and folders."""

    # Every read is bounded by this, whatever stat says (a symlink to /dev/zero says 0 bytes), and so is
    # a gzip file's inflated size and each WARC record's payload.
    max_bytes: int = DEFAULT_MAX_BYTES
    include_hidden: bool = False
    # A symlink is followed only when it leads to a file inside a folder the user named: a link to
    # /etc/passwd or a home folder dropped into a shared folder must not become an article anyone
    # with the web UI can read. True follows links anywhere (/proc, /sys and /dev are never read).
    follow_links: bool = False
    # WARC files hold many pages, so they are streamed record by record; the whole inflated stream is
    # capped too. A Common Crawl WARC is ~1 GB gzipped and ~5 GB inflated; past 8 GiB a file is a bomb
    # (a few MB of gzipped zeros), not an archive, and reading on only burns time.
    max_archive_bytes: int = 8 * 1024**3
    # WARC and HTTP header lines are short (servers refuse lines over 8-16 KB); a longer "line" is a
    # bomb that warcio would otherwise buffer whole while looking for its end.
    max_header_line_bytes: int = 64 * 1024
    # A live feed carries 10-100 items and an archive export a few thousand; past this a feed is a
    # flood, and the rest become one named skip instead of one skip (or one fetch) per item.
    max_feed_items: int = 5000
    # Files whose name says they are program source, configuration or a notebook: a folder of news
    # often sits beside the scripts that fetched it, and a ".py" file reads as plain text (a demo
    # folder's make_corpus.py became a story titled "#!/usr/bin/env python3"). Each is a named skip,
    # ``not-news``. Text, HTML, feeds, JSON Lines, WARC and unknown suffixes are read by content.
    code_suffixes: tuple[str, ...] = (
        ".py", ".pyc", ".ipynb", ".js", ".mjs", ".ts", ".css", ".scss", ".sh", ".bash", ".ps1", ".bat",
        ".c", ".h", ".cc", ".cpp", ".hpp", ".java", ".kt", ".go", ".rs", ".rb", ".php", ".pl", ".r",
        ".sql", ".toml", ".yaml", ".yml", ".ini", ".cfg", ".conf", ".lock", ".env",
    )  # fmt: skip
    # Teaser items whose linked pages fail this many times in a row (a dead or hostile site) stop the
    # feed's fetching: the rest are one summarised skip, not one slow failure each.
    max_feed_fetch_failures: int = 10


@dataclass(frozen=True, slots=True)
class FetchConfig:
    """Polite HTTP: timeouts, a size cap, a User-Agent, robots.txt, no private addresses."""

    # Per network operation (connect, one read): a silent server is given up on after this long.
    timeout_s: float = 15.0
    # The whole document, redirects and robots.txt included: a server dripping one byte every few
    # seconds never trips the per-read timeout, so only an overall deadline bounds it. News pages arrive
    # in well under a second; a minute is generous for a slow link.
    deadline_s: float = 60.0
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    user_agent: str = "storyline/0.1 (+https://github.com/storyline-news/storyline; offline news reader)"
    respect_robots: bool = True
    allow_private: bool = False
    # Addresses or networks fetched from whatever else refuses them (--allow-address): the one way to
    # reach a link-local or cloud metadata address (169.254.169.254), which allow_private does not
    # open, or one private host without opening the whole private network.
    allow_addresses: tuple[str, ...] = ()
    # Feeds whose items carry only a teaser: fetch the linked page for the full text.
    fetch_feed_links: bool = True


class Favor(StrEnum):
    BALANCED = "balanced"
    PRECISION = "precision"
    RECALL = "recall"


@dataclass(frozen=True, slots=True)
class ExtractConfig:
    """HTML to article."""

    favor: Favor = Favor.BALANCED
    # trafilatura's fast mode skips its readability/jusText fallbacks: on the extraction benchmark it
    # scores the same F1 in two thirds of the time (bench/extraction.py --slow compares).
    fast: bool = True
    # Below this many words the page has no article (an index page, a login wall): a named skip.
    min_words: int = 25
    # Plain text and JSON records carry no template, so only a near-empty one is refused.
    min_text_words: int = 8
    # Lines of the page outside the main text are recorded as removed, up to this many.
    max_recorded_removals: int = 400
    # A main text longer than this is a log or a data dump, not an article: a too-long skip, refused
    # in the worker before the runner's repairs and the store hold it (19 MB of text cost minutes
    # of repair and a 19 MB row). Five million characters is ~750,000 words, more than the longest
    # novel; a long report stays (the analysis reads its first 300,000 characters, and says so).
    max_text_chars: int = 5_000_000
    # A page whose blocks hold this much text in all is refused before its main text is looked for
    # (trafilatura took 30 minutes and 3 GB over a 200 MB page): twice the longest main text, so a
    # long article under a large comment thread still comes through.
    max_page_text_chars: int = 10_000_000
    # The outlet the user says every document is from (``ingest --outlet``), and folders the user
    # maps to outlets (``ingest --outlets FILE``). Folder names are never outlets by default.
    outlet: str | None = None
    outlet_folders: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class FurnitureConfig:
    """Site furniture: paywall, subscription, share, follow, comment and cookie prompts, navigation
    menus, read-more and previous/next links, related lists, image credits, ads, timestamps; the
    named kinds are in ``storyline.lines`` (each a whole-line pattern or shape, see there)."""

    # Furniture is short; a long line that happens to contain "subscribe" is article text.
    max_words: int = 14
    # A short line seen on this many different pages of the same outlet is template, not news.
    repeat_threshold: int = 3
    # After "Previous Article"/"Next Article" the next short line is an unrelated headline.
    drop_headline_after_link: bool = True


class QuoteStyle(StrEnum):
    AUTO = "auto"
    SINGLE = "single"
    DOUBLE = "double"


@dataclass(frozen=True, slots=True)
class RepairConfig:
    """Encoding and text repairs."""

    fix_classic_mojibake: bool = True
    fix_lossy_mojibake: bool = True
    split_merged_words: bool = True
    normalize_whitespace: bool = True
    # Lossy mojibake erased which quote it was; AUTO reads the text's house style (mojibake.house_style:
    # intact curly marks, straight ones, then single quotes for British-spelled text, the style of
    # the British tabloid press the CNN/DailyMail sets hold, and double quotes otherwise).
    quote_style: QuoteStyle = QuoteStyle.AUTO
    # Straight quote marks show the house style only with at least this many votes (a single quote
    # opening a sentence counts two): one inside a sentence is as often a quote within a quote
    # whose outer marks were lost (said, 'Congratulations,').
    straight_quote_votes: int = 2
    # Merged words ("themoment"), precision first: a split that damages a correct word (a name such
    # as Bethan -> "Be than", a compound such as superphone) is worse than a merge left alone. A token
    # is split only when wordfreq knows it in none of ``known_languages`` (any frequency at all: the
    # lists hold names, typos and closed compounds down to Zipf ~1), so every word, name or compound
    # a dictionary has seen stays. Languages beyond English catch foreign words and place names
    # quoted in English news (Tournon, dessous).
    known_languages: tuple[str, ...] = ("en", "fr", "de", "es", "it", "pt", "nl")
    # One half a function word (the+moment, officials+said, which+killed) and both halves at least
    # this common: the seeds' content halves are 4.07 (sectors) and 5.24 (moment), while the rarest
    # damaging half seen on real text was 3.42 (selves in "theselves", a typo of themselves).
    part_zipf: float = 3.5
    # Two content words only in a token this long with both halves this common: every such split
    # on 319k words of clean news was a closed compound of 10-12 letters (photosharing,
    # longrunning, steamfields, funnybooks), while a lost space between two whole words
    # (Governmentofficials, 19 letters) makes a longer token.
    content_merge_min_length: int = 14
    content_part_zipf: float = 4.5
    # The split form must be far more frequent than the joined one: wordfreq's estimate for the two
    # words together must beat the joined token by this many Zipf points (100x).
    split_margin_zipf: float = 2.0
    # A token one typing slip away (one letter added, dropped, changed or swapped) from a word at
    # least this common is a misspelling (theselves -> themselves), not two words run together.
    typo_zipf: float = 3.0
    # Shorter tokens collide with rare real words: below this length only two function words are
    # split (tothe, onthe). Two function words are split at any length (withthe, Beyondthe) when the
    # token is rarer than ``short_unknown_zipf``: wordfreq knows these scraping accidents as typos
    # (tothe 2.2, withthe 2.0), while anon (3.3), into and whereby stay.
    min_merged_length: int = 7
    short_unknown_zipf: float = 2.5


@dataclass(frozen=True, slots=True)
class AnalyzeConfig:
    """The understanding stage: genre thresholds (checked on the seeds and the demo's truth)."""

    # Share of a piece's sentences that are hedged above which it is speculation, not reporting.
    speculation_share: float = 0.4
    # Long, sectioned pieces are analysis.
    analysis_min_words: int = 700
    analysis_min_headings: int = 3
    batch_size: int = 16
    # Sentence embedder by name (storyline.nlp.embed.EMBEDDERS); empty to skip embeddings.
    embedder: str = DEFAULT_EMBEDDER
    # Longest text analysed, in characters: the rest of a longer article (a book pasted into a
    # page, a log dump) is left out and the cut recorded with its analysis (Analysis.analysed_chars).
    # 300,000 characters is over 40,000 words, far past any article; spaCy's time and memory grow
    # with the text, so one pathological document could otherwise hold a batch for minutes.
    max_chars: int = 300_000
    # Pieces handed to spaCy at once, cut at paragraph boundaries: spaCy refuses texts over its
    # max_length (1,000,000, error E088), and its parser's working memory grows with the piece, not
    # the article. Sentences never span a paragraph here, so pieces change no parse.
    piece_chars: int = 50_000
    # How a sentence's speculation is scored (HedgeConfig is defined below, with the briefs' configs).
    hedges: HedgeConfig = field(default_factory=lambda: HedgeConfig())
    # A name's type is voted by its mentions (nlp/entities.py): one the words around it typed ("in
    # X", "Minister X", "X Stadium") counts this many times one the model alone labelled, so one
    # such cue outweighs two bare labels but not three. Tune parts, type precision on the brief
    # labels' names / CoNLL-2003 F1 (bench/ner.py): 1 0.9589 / 0.7202, 3 0.9609 / 0.7204, 5 0.9609
    # / 0.7210; 3 is the least weight that gives the labelled names their gain.
    entity_cue_weight: int = 3

    def __post_init__(self) -> None:
        if self.piece_chars < 1_000 or self.max_chars < 1:
            raise ValueError(
                "AnalyzeConfig: piece_chars must be at least 1000 and max_chars at least 1 "
                f"(got {self.piece_chars} and {self.max_chars})"
            )


@dataclass(frozen=True, slots=True)
class DedupConfig:
    """Near-duplicate copies (MinHash over word shingles)."""

    # Three-word shingles: a lightly edited copy (a changed headline, a dropped paragraph, a
    # reworded line) keeps most of them, while two reports of one event written apart share few.
    shingle_words: int = 3
    num_perm: int = 64
    # 16 bands of 4 rows: a pair at similarity 0.7 shares a band with probability 0.99.
    bands: int = 16
    threshold: float = 0.7


@dataclass(frozen=True, slots=True)
class TermsConfig:
    """The word and name vectors grouping compares (grouping/terms.py). They are stored with each
    article: a change here reaches the articles grouped after it, not those already stored."""

    # Terms kept per vector, the most weighted: a long article's vocabulary is cut to the words
    # that set it apart, and every vector stays small to store and to compare.
    limit: int = 200
    # A term weighs its rarity, 8 less its Zipf frequency (that of "the" is about 8, that of a
    # name wordfreq never saw 0), floored here so that no term weighs nothing.
    rarity_floor: float = 0.5
    # Shorter words are initials and stray marks, not vocabulary.
    min_word_chars: int = 2
    # Words of an address's path shorter than this are codes (en, uk, a1), not a headline's words.
    min_slug_chars: int = 3


@dataclass(frozen=True, slots=True)
class EvidenceConfig:
    """The core facts of an event that grouping compares beyond words (grouping/evidence.py): two
    reports whose leads disagree on what happened, where, in which year or by how much are of two
    events, however alike their words. Each conflict is taken off the similarity of the two."""

    # The lead: the title and this many first sentences (or this many characters when the text
    # has no sentences): what an article reports first is its event; later sentences give background.
    lead_sentences: int = 2
    lead_chars: int = 400
    # Leads reporting kinds of event the other article never reports (an arrest against a fire).
    kind_penalty: float = 0.0
    # Leads set in places the other never names (a fire in Banstead against one in Leeds).
    place_penalty: float = 0.05
    # Leads giving years the other never gives (the 2014 Oscars against the 2010 ones).
    year_penalty: float = 0.05
    # Leads stating one thing with different figures (23 pirates against 26; magnitude 5.6
    # against 5.9).
    figure_penalty: float = 0.1


@dataclass(frozen=True, slots=True)
class StoryConfig:
    """Grouping articles into stories and stories into threads (tuned by bench/stories.py)."""

    # An article joins the best story whose every recent article it is at least this similar to
    # ((word cosine + name cosine + embedding_weight * embedding cosine) / (2 + embedding_weight)).
    join_threshold: float = 0.27
    embedding_weight: float = 0.5
    # Plus up to this much for two dated articles published together, nothing once
    # ``time_scale_days`` apart.
    time_weight: float = 0.1
    time_scale_days: float = 7.0
    # Minus this for two articles that each lead with someone the other never names.
    conflict_penalty: float = 0.1
    # A story leads with the people at least this share of its recent articles lead with (one
    # article's stray lead name must not speak for the story), else with its most common ones.
    principal_share: float = 0.5
    # Repair after arrival (grouping/recluster.py): once a batch is placed, the articles of the
    # stories it touched and of their nearest neighbours are clustered again by average link, and
    # groups this alike on average are one story (bench/stories.py --sweep tunes it on dev)...
    merge_threshold: float = 0.3
    # How the alikeness of two groups is read: "average" (the mean over every pair of their
    # articles, UPGMA) or "weighted" (the mean of the two halves' own alikeness, WPGMA: a big
    # half does not outvote a small one).
    repair_linkage: str = "weighted"
    # (never joining two articles published more than ``window_days`` apart: a story is one
    # event's coverage, and a follow-up weeks later another story of its thread)...
    # ...in groups of at most this many articles (the cost of a repair grows with its square).
    repair_pool: int = 600
    # 0 compares with the story's least similar article (complete link), 1 with the mean of all.
    average_link: float = 0.5
    # Recent articles kept per story for that comparison.
    members: int = 30
    # Candidate stories come from the nearest-neighbour index over centroids...
    candidates: int = 32
    # ...and the best few of them are repaired after each placement...
    repair_stories: int = 5
    # ...in up to this many passes of moving articles that fit a neighbour better, as one move
    # can prompt another.
    repair_passes: int = 2
    # Dated articles only join stories seen within this many days of them.
    window_days: float = 10.0
    # A story date more than this many days after now is a misread one, and must not push every
    # story out of the window; a day allows for time zones.
    future_days: float = 1.0
    # Every this many placements, stories past the windows leave the index (and, past the
    # thread window, memory): often enough to bound memory on any stream, seldom enough to cost
    # nothing.
    evict_every: int = 1000
    # Threads: stories of one subject (a crash and the search that follows, a killing and its
    # trial) seen within this many days of each other; a trial comes a year or more after the
    # crime, a crash's search and report run a year (ECB+ holds follow-ups 18 months on).
    thread_window_days: float = 730.0
    # Stories are of one subject when their articles, clustered as a repair clusters stories but
    # with no bound on the span, are this alike (``repair_linkage``): on ECB+ dev threads score
    # BCubed F1 0.929 at 0.25, 0.926 at 0.3, 0.903 at 0.22; at 0.25 two Russia-Iran visits to
    # Moscow (the seeds) are one thread.
    thread_threshold: float = 0.25
    # A story's leading entities (where its older stories of one subject are looked for, and what
    # a thread link is named by) are its most named ones, up to this many, that at least
    # ``leading_share`` of its articles name: a name one report drops in is not what it is about.
    thread_leading: int = 6
    leading_share: float = 0.5
    # A thread link's reason names what both stories are about: up to this many entities.
    thread_reason_names: int = 8
    # A batch is placed in publication order ("published"; undated articles last, in the order
    # read), or strictly in the order read ("read": a benchmark's file order).
    batch_order: str = "published"
    dedup: DedupConfig = field(default_factory=DedupConfig)
    terms: TermsConfig = field(default_factory=TermsConfig)
    evidence: EvidenceConfig = field(default_factory=EvidenceConfig)

    def __post_init__(self) -> None:
        if self.repair_linkage not in ("average", "weighted"):
            raise ValueError(f"repair_linkage must be 'average' or 'weighted', not {self.repair_linkage!r}")
        if self.batch_order not in ("published", "read"):
            raise ValueError(f"batch_order must be 'published' or 'read', not {self.batch_order!r}")


@dataclass(frozen=True, slots=True)
class SummaryConfig:
    """Extractive article summaries (tuned by bench/summaries.py on CNN/DailyMail)."""

    # A sentence shorter or longer than this cannot stand alone in a summary.
    min_words: int = 6
    max_words: int = 60
    # A line this long that lacks only its full stop still stands alone (a standfirst).
    standfirst_words: int = 12
    # Score = position_weight * exp(-position / position_decay) + centrality (cosine to the mean).
    position_weight: float = 1.0
    position_decay: float = 5.0
    # Maximal marginal relevance: a sentence loses this much per unit of cosine to one chosen
    # already, and is never chosen above ``max_redundancy`` (it would say the same thing again).
    redundancy_weight: float = 0.5
    max_redundancy: float = 0.9
    # How much a summary says: one sentence (short), three (medium, what Lead-3 and the CNN/DailyMail
    # highlights give), or sentences up to about this many words (long: a paragraph)...
    short_sentences: int = 1
    medium_sentences: int = 3
    long_words: int = 120
    # ...where a sentence that would take a long summary past this multiple of ``long_words`` is
    # passed over for a shorter one (a paragraph may run a little long, not double).
    long_overshoot: float = 1.25
    # A sentence opening with a quotation is someone's words, rarely the news itself: it loses this
    # much. Longer sentences carry more of the story: they gain ``length_weight`` times their length
    # in words over ``length_cap_words`` (capped at 1: a run-on sentence is no better). Both are off:
    # ``bench/summaries.py --tune`` grids them (0, 0.2, 0.4) and they did not help ROUGE.
    quote_penalty: float = 0.0
    length_weight: float = 0.0
    length_cap_words: int = 30


@dataclass(frozen=True, slots=True)
class HedgeConfig:
    """Speculation in the news sense (nlp/hedges.py): possibility, unconfirmed reports, predictions,
    hedged attributions. The fitted model learned Wikipedia's weasel task (CoNLL-2010), where plain
    quantifiers and praise ("many", "some", "one of the", "famous") are weasel words; in news they
    state facts ("many residents fled"), so their weight is left out when scoring news. Which cues
    those are, and which are strong hedges, is each language's data
    (lang/<code>/hedge-not-news-cues.txt, hedge-strong-cues.txt); a setting here replaces it."""

    # Weasel and peacock cues that are not speculation in news (docs/annotation.md); unset, the
    # language's lang/<code>/hedge-not-news-cues.txt.
    not_news: frozenset[str] | None = None
    # Hedges that alone make a news sentence speculative (each adds ``strong_prior`` of
    # probability): modal possibility, unconfirmed or alleged, appearance, expectation, estimates.
    # Unset, both sections of the language's lang/<code>/hedge-strong-cues.txt.
    strong: tuple[str, ...] | None = None
    # Probability of speculation each strong hedge ("may", "reportedly", "unconfirmed"...) adds,
    # combined as independent evidence: the model's score m becomes 1 - (1 - m) * 0.65 per hedge, so
    # one strong hedge makes a sentence hedged once the model gives it 0.23 or more.
    strong_prior: float = 0.35
    # Where a score makes a sentence hedged: HEDGE_THRESHOLD (one cut for every stage).


@dataclass(frozen=True, slots=True)
class BriefConfig:
    """Story briefs: facts across sources, agreement, speculation, discrepancies."""

    summary: SummaryConfig = field(default_factory=SummaryConfig)
    # The facts the brief reads (storyline.facts): which claims of the story's articles are one.
    facts: FactConfig = field(default_factory=lambda: FactConfig())
    # A timeline entry needs a time in its sentence ("on Friday", "in 2006"): an undated mention of
    # an arrest is more often background than the arrest itself.
    timeline_needs_time: bool = True
    # Facts that at least this many of the story's independent voices report are "agreed": one
    # voice alone agrees with nobody.
    agreed_min_outlets: int = 2
    # How many key developments each length shows.
    developments: dict[str, int] = field(default_factory=lambda: {"short": 2, "medium": 4, "long": 8})
    # How many agreed, single-source and speculative items each length lists.
    items: dict[str, int] = field(default_factory=lambda: {"short": 2, "medium": 4, "long": 6})
    max_items: int = 6
    # A fact's importance (what the lead and the developments are chosen by): the share of the
    # story's outlets that state it, plus exp(-position / ``fact_position_decay``) for the earliest
    # place it stands in an article (news tells what happened first), plus its cosine to the
    # story's centre. A hedged fact is neither the lead (unless every fact is hedged) nor a
    # development: a brief says what happened before what may happen.
    fact_position_decay: float = 4.0
    # A development is dropped when its cosine to the lead or to a development already chosen is at
    # least the summaries' max_redundancy less this margin: a restatement of a fact shown is no
    # new development.
    development_margin: float = 0.1
    # The lead is the fact that best opens the brief: its importance plus these bonuses. Standing
    # first (then second) among its article's sentences that could open a summary: where news
    # says what happened...
    lead_first: float = 1.0
    lead_second: float = 0.5
    # ...plus this times the share of the story's articles that open with the fact (state it in their
    # first two sentences a summary could use)...
    lead_opens: float = 0.0
    # ...less this when it is quoted (someone's words, rarely what happened)...
    lead_quote_penalty: float = 0.75
    # ...plus, for the best asserted event in it (not hedged or negated), ``event_headline`` for a
    # kind that says what happened (a meeting, an arrest, a death) or ``event_other`` for another,
    # ``event_actor`` for each party taking part (up to ``event_actors``) and ``event_place`` for a
    # place: who did what where is what a lead tells.
    event_headline: float = 0.5
    event_other: float = 0.2
    event_actor: float = 0.25
    event_actors: int = 2
    event_place: float = 0.25
    # An event's own date ("on May 3") is trusted only within this many days of its article's date:
    # a month named in a quote or in background is not when the event happened.
    event_date_days: float = 31.0

    def __post_init__(self) -> None:
        missing = {"short", "medium", "long"} - set(self.developments)
        if missing:
            raise ValueError(f"BriefConfig.developments needs a count for {', '.join(sorted(missing))}")


@dataclass(frozen=True, slots=True)
class StoreConfig:
    """Where articles live: a SQLAlchemy URL, or a SQLite file path."""

    url: str = field(default_factory=lambda: f"sqlite:///{default_db_path()}")
    # Seconds a writer waits for another process's write to finish before giving up with a
    # message (SQLite allows one writer at a time; readers never wait).
    lock_timeout: float = 60.0

    @staticmethod
    def for_path(path: str | Path | None) -> StoreConfig:
        if path is None:
            return StoreConfig()
        text = str(path)
        if "://" in text:
            return StoreConfig(url=text)
        return StoreConfig(url=f"sqlite:///{text}")


@dataclass(frozen=True, slots=True)
class EngineConfig:
    """Where the heavy, independent work (extraction, repair, analysis) runs: see storyline.engines."""

    # "local" (this machine's processes), "dask" (a Dask LocalCluster on 127.0.0.1) or
    # "dask=tcp://HOST:PORT" (an existing cluster's scheduler).
    name: str = "local"
    # Local worker processes, or workers of the LocalCluster "dask" starts. Each holds the spaCy
    # model (~300 MB resident with its working memory); one means the work runs in this process.
    workers: int = field(default_factory=lambda: min(2, os.cpu_count() or 1))
    # Tasks in flight per worker: two keeps each worker busy while the runner stores the results of
    # the last, and bounds memory on any stream.
    window: int = 2
    # Documents per extraction task: enough to amortise sending them to a worker, few enough that
    # the workers share a small batch evenly.
    extract_chunk: int = 8
    # A Dask cluster left with no worker at all (every one killed, none restarted) would hold its
    # tasks for ever: after this long without one the run stops with an error. A nanny restarts a
    # killed worker in a few seconds (its models load in its first task), so a minute is long
    # enough not to stop a run that is recovering.
    no_worker_timeout_s: float = 60.0
    # The longest one document's extraction, or its analysis, may take in a worker: past it the
    # document is a too-slow skip (extraction) or a failed analysis (tried again next run), and the
    # worker goes on. A news page extracts in well under a second and a 300,000-character article
    # (the longest analysed) is analysed in ~45 s on a loaded 2-core machine; a page built to make a
    # parser crawl ran for over 30 minutes. A worker stuck in native code, where the deadline cannot
    # reach, is killed by the kernel at twice it in CPU time (RLIMIT_CPU). 0: no deadline.
    document_seconds: float = 120.0
    # How far a worker process's address space may grow past what it started with (RLIMIT_AS;
    # Linux does not enforce a limit on resident memory): a document that needs more is a
    # too-large-in-memory skip and the worker goes on. A worker grows by ~1.4 GB with spaCy and the
    # embedder loaded, and by 1.5 GB at its peak analysing and embedding a batch that holds a
    # 300,000-character article (the longest analysed); twice that leaves room for a slow host's
    # libraries, while a 200 MB page, which took 3.2 GB and more, is stopped. Applied to the local
    # engine's worker processes and a Dask cluster this run starts, never to --workers 1 (the work
    # runs in the runner itself). 0: no limit.
    worker_memory_bytes: int = 3 * 1024**3

    def __post_init__(self) -> None:
        if self.workers < 1 or self.window < 1 or self.extract_chunk < 1:
            raise ValueError("EngineConfig: workers, window and extract_chunk must be at least 1")
        if self.document_seconds < 0 or self.worker_memory_bytes < 0:
            raise ValueError("EngineConfig: document_seconds and worker_memory_bytes must be 0 (off) or more")


@dataclass(frozen=True, slots=True)
class PipelineConfig:
    """Everything ``ingest`` needs, one frozen config per stage."""

    sources: SourceConfig = field(default_factory=SourceConfig)
    fetch: FetchConfig = field(default_factory=FetchConfig)
    extract: ExtractConfig = field(default_factory=ExtractConfig)
    furniture: FurnitureConfig = field(default_factory=FurnitureConfig)
    repair: RepairConfig = field(default_factory=RepairConfig)
    analyze: AnalyzeConfig = field(default_factory=AnalyzeConfig)
    stories: StoryConfig = field(default_factory=StoryConfig)
    briefs: BriefConfig = field(default_factory=BriefConfig)
    engine: EngineConfig = field(default_factory=EngineConfig)
    # Understanding and grouping run right after ingest; off, `storyline analyze` does them later.
    analyze_on_ingest: bool = True
    # Brief lengths computed and stored whenever a story changes (ingest, merge, split), so the
    # first reader of a story does not wait seconds for it: "short" is the front page's "Get a
    # summary", "medium" the story page's. "long" is asked for rarely and made on demand.
    warm_lengths: tuple[str, ...] = ("short", "medium")


@dataclass(frozen=True, slots=True)
class WatchConfig:
    """`storyline watch`: how often feeds are polled, how failures back off, how polite to a host."""

    # Each feed's default poll interval: news feeds change every few minutes at most, and feed readers
    # commonly poll every 15 minutes to an hour. A line of the feeds file can give its own.
    interval_s: float = 15 * 60.0
    # A failed poll waits interval * 2**failures, capped here: a feed down for a day is still tried a
    # few times a day, and a dead one costs almost nothing.
    backoff_max_s: float = 6 * 3600.0
    # The least time between two requests to one host (feeds and their pages alike): one request
    # every couple of seconds is what crawlers' politeness conventions allow a small site.
    host_gap_s: float = 2.0
    # The longest the watcher sleeps at once when nothing is due, so a stop signal or a newly due
    # feed is noticed promptly.
    max_sleep_s: float = 5.0
    # A store or cluster that cannot be reached (a PostgreSQL restart, a Dask scheduler restart) is
    # tried again after this, doubling up to the cap: a restart of a few seconds is noticed within
    # seconds, a long outage costs one line every few minutes. The feeds are not backed off for it.
    reconnect_first_s: float = 2.0
    reconnect_max_s: float = 300.0
    # With nothing due for this long, the engine's workers are stopped (a local pool's processes, a
    # LocalCluster; a remote cluster is only disconnected): each holds ~1 GB of models, and an idle
    # watcher should give that back. They start again, loading their models, at the next poll.
    idle_release_s: float = 600.0
    # One poll of one feed takes at most this many new items, this many bytes of teaser pages and
    # starts no item after this long (the ones under way finish); then the rest of the feed waits
    # for the next poll (nothing is lost: those items are still new then, and the feed is fetched
    # whole). A live feed brings 10-100 new items a poll and its pages ~1 MB each at
    # most, so these bind only on a flood (an archive of 5,000 teasers at the 2 s host gap was 2.8 h
    # a poll, holding every other feed back) and keep one hostile feed from taking the watcher.
    poll_max_items: int = 200
    poll_max_bytes: int = 256 * 1024**2
    poll_max_s: float = 300.0
    # Teaser pages of this many hosts are fetched at once (each host still one request at a time,
    # host_gap_s apart): a feed that links many sites is not held to the pace of the slowest.
    hosts_at_once: int = 4
    # After a stop signal (SIGTERM, Ctrl-C) the poll under way has this long to reach the end of
    # a document (fetches and waits notice the signal within a second); past it the document in
    # progress is abandoned (the store keeps every document committed before it, and it is taken
    # again next run), so a supervisor's stop is honoured within a few seconds.
    stop_grace_s: float = 3.0

    def __post_init__(self) -> None:
        if self.poll_max_items < 1 or self.poll_max_bytes < 1 or self.poll_max_s <= 0:
            raise ValueError("WatchConfig: poll_max_items, poll_max_bytes and poll_max_s must be positive")
        if self.hosts_at_once < 1 or self.stop_grace_s < 0:
            raise ValueError("WatchConfig: hosts_at_once must be at least 1 and stop_grace_s not negative")


@dataclass(frozen=True, slots=True)
class FactConfig:
    """Facts across outlets (storyline.facts): claims of different articles that state one thing."""

    # The match model's probability (facts/match.py) at which two claims are the same claim. Chosen
    # by bench/train_claims.py on the tune pairs alone, cross-validated by topic: the lowest
    # threshold whose precision there is at least 0.9 (a false "agreed" costs a reader's trust
    # more than a missed one). bench/claims.py reports the test pairs at this point.
    same_claim: float = 0.8
    # The lead cites, beside its own fact's claims, each other article's claim that restates it at
    # least this surely (and names no other time or figure): an article that tells what happened in
    # looser words still tells it, and the lead should say how many do.
    lead_restates: float = 0.6
    # Below ``same_claim`` but at least this: a paraphrase too loose to cite as the same claim, yet
    # enough that the claim is not "reported by one source only" (single-source needs no such echo).
    echo: float = 0.3
    # A fact is speculation when more than this share of its claims are hedged (a flat report and
    # a "may have" of the same thing: the fact stands as reported).
    hedged_share: float = 0.5
    # Two claims' figures can conflict only when the claims are about the same thing: at least this
    # match probability (an echo). Below it, "five sites" and "seven attackers" never meet.
    conflict_context: float = 0.5
    # Articles this many hours apart may report a count that changed in between ("9 dead", later
    # "12 dead"): an update, never a discrepancy (docs/annotation.md).
    update_hours: float = 12.0
    # A claim with more figures than this (a results table, share prices) is never one side of a
    # dispute: which of its figures another outlet's answers is unsure.
    max_figures: int = 3
    # Counts that change as a story unfolds: tolls and arrests.
    changing_counts: tuple[str, ...] = ("death", "injury", "casualty", "arrest")
