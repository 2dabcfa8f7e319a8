"""Tables. SQLAlchemy Core keeps one schema for SQLite and PostgreSQL.

Migrations (store/migrations.py) are an ordered list of functions, each run once inside a transaction and recorded in
``schema_version``: the project has few tables and no models to autogenerate from, so Alembic's
machinery would add more than it saves.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect


class Instant(TypeDecorator[datetime]):
    """A moment in time, stored as UTC on every backend and read back as an aware UTC datetime.

    SQLite has no time-zone type: SQLAlchemy's DateTime writes a datetime's wall-clock digits and
    drops its offset, so a page published ``09:01:42+05:30`` was stored as ``09:01:42`` and read
    back as UTC, five and a half hours late (PostgreSQL's ``timestamptz`` converted it right). So
    every instant is converted to UTC before it is bound, whatever the backend; a naive one is taken
    as UTC already (every time the code makes is ``datetime.now(UTC)``)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        # PostgreSQL hands timestamptz back in the session's time zone; SQLite hands back naive UTC.
        return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("applied_at", Instant(), nullable=False),
)

documents = Table(
    "documents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("locator", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("url", Text),
    Column("content_type", Text),
    Column("hints", Text, nullable=False, default="{}"),
    Column("content", LargeBinary, nullable=False),  # zlib-compressed raw bytes, for re-processing
    Column("fetched_at", Instant(), nullable=False),
    Column("ingested_at", Instant(), nullable=False),
    UniqueConstraint("locator", "content_hash", name="uq_documents_locator_hash"),
)

articles = Table(
    "articles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id"), nullable=False, unique=True),
    Column("locator", Text, nullable=False),
    Column("content_hash", String(64), nullable=False),
    Column("revision", Integer, nullable=False),
    Column("is_latest", Boolean, nullable=False, default=True),
    Column("url", Text),
    Column("outlet", Text),
    Column("title", Text),
    Column("byline", Text),
    Column("published", Instant()),
    Column("date_source", String(16)),
    Column("title_derived", Boolean, nullable=False, default=False),
    Column("outlet_key", Text),
    Column("agency", Text),
    Column("primary_source", Boolean, nullable=False, default=False),
    Column("language", String(16)),
    Column("content_kind", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("text_hash", String(64), nullable=False),
    Column("blocks", Text, nullable=False),
    Column("removed", Text, nullable=False),
    Column("repairs", Text, nullable=False),
    Column("word_count", Integer, nullable=False),
    Column("ingested_at", Instant(), nullable=False),
    Column("updated_at", Instant(), nullable=False),
)
Index("ix_articles_locator", articles.c.locator)
Index("ix_articles_outlet", articles.c.outlet)
# The newest change (SQLite's search index catches up from it at every search, and the store's change
# stamp reads it): without it each search read the whole table, 0.8-0.9 s at 100,000 articles.
Index("ix_articles_updated_at", articles.c.updated_at)

skips = Table(
    "skips",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("locator", Text, nullable=False),
    Column("code", String(32), nullable=False),
    Column("message", Text, nullable=False),
    Column("at", Instant(), nullable=False),
    UniqueConstraint("locator", "code", name="uq_skips_locator_code"),
)

# Short lines per outlet and page: the evidence that a line is template furniture.
outlet_lines = Table(
    "outlet_lines",
    metadata,
    Column("outlet", Text, nullable=False, primary_key=True),
    Column("line_key", String(16), nullable=False, primary_key=True),
    Column("locator", Text, nullable=False, primary_key=True),
)


# What the understanding stage found, per article; ``content_hash`` says which text it was computed
# from, so a re-processed article is analysed again and an unchanged one never is.
analyses = Table(
    "analyses",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id"), primary_key=True),
    Column("content_hash", String(64), nullable=False),
    Column("text_hash", String(64), nullable=False),
    Column("genre", String(16), nullable=False),
    Column("hedge_share", Float, nullable=False),
    Column("sentences", Text, nullable=False),
    Column("entities", Text, nullable=False, default="[]"),
    Column("events", Text, nullable=False, default="[]"),
    Column("analyzed_at", Instant(), nullable=False),
    # For a text longer than AnalyzeConfig.max_chars: how many characters were analysed (else null).
    Column("analysed_chars", Integer, nullable=True),
    # The article's claims (storyline.nlp.claims) as JSON; null for an analysis made before claims
    # existed, which the store hands back for analysis again.
    Column("claims", Text, nullable=True),
)


# Embeddings by (model, hash of the text): the same sentence is never embedded twice, whichever
# article or revision it appears in.
embeddings = Table(
    "embeddings",
    metadata,
    Column("model", String(32), primary_key=True),
    Column("text_hash", String(64), primary_key=True),
    Column("vector", LargeBinary, nullable=False),
)

article_vectors = Table(
    "article_vectors",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id"), primary_key=True),
    Column("model", String(32), primary_key=True),
    Column("vector", LargeBinary, nullable=False),
)


# Stories: ``total`` is the sum of the member articles' vectors (the centroid, unnormalised, so an
# article joins or leaves by addition); ``entities`` maps an entity key to
# [articles naming it, summed salience, display name, type]. A merged story keeps its row with
# ``merged_into`` set, so an old id still leads somewhere.
stories = Table(
    "stories",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", Text),
    Column("model", String(32), nullable=False),
    Column("total", LargeBinary, nullable=False),
    Column("size", Integer, nullable=False),
    Column("entities", Text, nullable=False, default="{}"),
    Column("first_seen", Instant()),
    Column("last_seen", Instant()),
    Column("thread_id", Integer),
    Column("merged_into", Integer),
    Column("created_at", Instant(), nullable=False),
    Column("updated_at", Instant(), nullable=False),
)
Index("ix_stories_last_seen", stories.c.last_seen)

# Which story each article is in. ``duplicate_of`` marks a syndicated or lightly edited copy (it
# belongs to its original's story and never counts as an independent source); ``pinned`` marks a
# choice made by hand, which automatic grouping never undoes.
story_articles = Table(
    "story_articles",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id"), primary_key=True),
    Column("story_id", Integer, ForeignKey("stories.id"), nullable=False),
    Column("score", Float, nullable=False),
    Column("duplicate_of", Integer),
    Column("duplicate_score", Float),
    Column("pinned", Boolean, nullable=False, default=False),
    Column("assigned_at", Instant(), nullable=False),
)
Index("ix_story_articles_story", story_articles.c.story_id)

# Links between stories: ``thread`` (one running thread, with the reason), ``apart`` (split by a
# user: never merged back automatically), ``merged`` (history of merges).
story_links = Table(
    "story_links",
    metadata,
    Column("a", Integer, primary_key=True),
    Column("b", Integer, primary_key=True),
    Column("kind", String(16), primary_key=True),
    Column("reason", Text, nullable=False, default=""),
    Column("at", Instant(), nullable=False),
)
Index("ix_story_links_b", story_links.c.b)

# Each article's word and name vectors for grouping (hashed sparse vectors, see grouping/terms.py).
article_terms = Table(
    "article_terms",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id"), primary_key=True),
    Column("words", LargeBinary, nullable=False),
    Column("proper", LargeBinary, nullable=False),
)

# MinHash signatures and their LSH buckets, for near-duplicate lookups in SQL.
minhashes = Table(
    "minhashes",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id"), primary_key=True),
    Column("signature", LargeBinary, nullable=False),
)
minhash_bands = Table(
    "minhash_bands",
    metadata,
    Column("band", Integer, primary_key=True),
    Column("bucket", BigInteger, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id"), primary_key=True),
)


# An article a later stage (analysis, grouping) failed on: recorded with the reason, retried on the
# next ingest, never blocking the others. Cleared when the stage succeeds.
article_failures = Table(
    "article_failures",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id"), primary_key=True),
    Column("stage", String(16), primary_key=True),
    Column("reason", Text, nullable=False),
    Column("attempts", Integer, nullable=False, default=1),
    Column("at", Instant(), nullable=False),
)


# One row per outlet identity: the name shown for it (the surest one seen: given by the user, the
# site's own, a feed's title, the bare domain) and every name and domain folded into it.
outlets = Table(
    "outlets",
    metadata,
    Column("key", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("rank", Integer, nullable=False),
    Column("names", Text, nullable=False, default="[]"),
    Column("domains", Text, nullable=False, default="[]"),
)


# Outlets whose pages changed since their last furniture re-pass: the re-pass is resumable.
repass_outlets = Table("repass_outlets", metadata, Column("outlet", Text, primary_key=True))


# One row per watched feed (`storyline watch`): the validators its server gave for a conditional
# request, when it is next due, and how it fared, so a restarted watcher carries on where it stopped.
feeds = Table(
    "feeds",
    metadata,
    Column("url", Text, primary_key=True),
    Column("etag", Text),
    Column("last_modified", Text),
    Column("next_due", Instant(), nullable=False),
    Column("failures", Integer, nullable=False, default=0),
    Column("last_status", String(16)),
    Column("last_polled", Instant()),
)


# One row per item of a watched feed: a fingerprint of what the feed said of it (an item whose guid
# stays while its title or text changes is fetched again, as a new revision), and for an item whose
# page failed, when to try it again (its own schedule, not the feed's next change).
feed_items = Table(
    "feed_items",
    metadata,
    Column("locator", Text, primary_key=True),
    Column("feed_url", Text, nullable=False),
    Column("fingerprint", String(64), nullable=False),
    Column("failures", Integer, nullable=False, default=0),
    Column("next_try", Instant()),
    # Why a skipped or failed item was not stored (v12): a skipped one is not fetched again until
    # its feed changes what it says of it.
    Column("reason", Text),
)
Index("ix_feed_items_feed", feed_items.c.feed_url)


# --- readers: what a reader follows, what they have seen, and the briefs kept warm for them ---

# A reader is a random id (a browser's cookie, or one named on the command line): no account, no
# personal data. Each follow has a random ``key`` of its own, so its Atom feed can be read by a feed
# reader that has no cookie without giving away the reader's id.
follows = Table(
    "follows",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("reader", String(64), nullable=False),
    Column("kind", String(16), nullable=False),  # entity, query, outlet or thread
    Column("value", Text, nullable=False),
    Column("key", String(64), nullable=False, unique=True),
    Column("created_at", Instant(), nullable=False),
    UniqueConstraint("reader", "kind", "value", name="uq_follows_reader_kind_value"),
)

# What a reader saw of a story at their last visit: its articles (ids, JSON) and the figures its
# brief gave (JSON: subject -> value), so the next visit can mark what is new or changed.
story_visits = Table(
    "story_visits",
    metadata,
    Column("reader", String(64), primary_key=True),
    Column("story_id", Integer, primary_key=True),
    Column("articles", Text, nullable=False),
    Column("figures", Text, nullable=False, default="{}"),
    Column("seen_at", Instant(), nullable=False),
)

# Briefs computed when a story changes (ingest, merge, split), so the first reader does not wait.
# ``members`` is a fingerprint of the story when it was computed (its article ids, title and thread;
# see pipeline/brief.py) and ``settings`` one of the settings a brief depends on: a brief whose
# story has changed since, or that was made under other settings, is stale and never served.
story_briefs = Table(
    "story_briefs",
    metadata,
    Column("story_id", Integer, primary_key=True),
    Column("length", String(8), primary_key=True),
    Column("members", Text, nullable=False),
    Column("settings", String(16), nullable=False),
    Column("body", Text, nullable=False),
    Column("made_at", Instant(), nullable=False),
)
