"""Full-text search at scale on SQLite (FTS5) and PostgreSQL (the GIN index of schema v10), against
a plain ``LIKE '%word%'`` scan in the same run, with the ranking agreement of the two backends.

ARTICLES: N distinct articles recombined from the real sentences of ../shared/datasets (the 537
ECB+ stories and the 123 CNN/DailyMail articles, split into ~14,000 sentences). Article n takes one
source text (seeded) as its lead: its first sentence is the title, its next 4-8 sentences open the
body in their order; 4-8 more sentences drawn from the whole pool are put in at random places. Every
body is checked distinct (a repeat is drawn again), so no cache or de-duplication flatters a figure;
the text is real English (real names, real word frequencies) but the articles are not coherent
stories, so this measures speed and the agreement of the two rankings, not search quality (the
store's tests check that).

LOADING bypasses the NLP pipeline (no extraction, parsing, embedding or grouping): the articles go
in through the store gateway's bulk import, ``Store.save_many``, 1,000 to a transaction, so what is
timed is what the store does at each insert (PostgreSQL maintains the stored search vector and its
GIN index there; SQLite builds its FTS5 table at the first search, timed apart).

QUERIES: real words and pairs from rare to very common in this corpus (``QUERIES``). Each system
answers every query once to warm up and then ``--repeats`` times; reported per system are the
median and the p95 of all timed searches and the median per query.

- ours: ``Store.search`` (limit 20, ranked, with snippets) - FTS5 bm25 on SQLite, ``ts_rank_cd``
  over the GIN index on PostgreSQL. The plan of the store's own statement is caught as it goes to the
  server and EXPLAINed: ``index_used`` says whether PostgreSQL's reads ``ix_articles_search`` (on
  a few thousand articles its planner rightly prefers a scan) and SQLite's the FTS5 table.
- peer: a plain scan, what a search without an index does: every word as ``LIKE '%word%'`` (ILIKE on
  PostgreSQL) over title and text of the latest articles, newest 20 first (no ranking, no snippets,
  no stemming).
- ratio: the peer's latency over ours, at the median and at p95 (above 1: ours is faster). The
  peer stops at its 20th match, newest first, so it is quick on words most articles hold and reads
  the whole table for rare ones; ours ranks every match.
- agreement: for each query, the overlap of the two backends' top 10 (same articles, same order of
  insertion, so the same ids), averaged; and how many queries have the same first hit.

    python bench/search.py [--articles 10000] [--backends sqlite,postgresql] [--repeats 10] [--json]

PostgreSQL: a throwaway server from scripts/postgres in a temporary folder (fsync off), stopped at
the end (or ``--pg-url postgresql+psycopg://USER@HOST:PORT`` to use yours; the bench makes a
database of its own). ``--json`` prints {"ours": ..., "peers": ..., ...}.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT.parent / "shared" / "datasets"
# From absent to very common in the recombined corpus (articles matching of 100,000, counted as
# substrings): none, a rare pair (7), names and events of single sources (449 to 7,444), then words of
# many, then pairs. A search that finds little is where a scan reads the whole table.
QUERIES = [
    "walrus",
    "Kilmarnock Ketsoyan",
    "Ketsoyan",
    "Kilmarnock",
    "Lohan",
    "earthquake",
    "arrested",
    "police",
    "said",
    "government",
    "fire killed",
    "police shooting",
    "hospital said",
]
# A sentence ends at . ! or ? (a closing quote may follow) before a capital, digit or opening quote.
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'”’]))\s+(?=[\"'“‘A-Z0-9])")


def _sources() -> list[list[str]]:
    """The sentences of each real text (ECB+ stories, CNN/DailyMail articles), in order."""
    texts: list[str] = []
    for name, key in (("stories-ecbplus.jsonl", "text"), ("summaries-cnndm.jsonl", "article")):
        path = DATASETS / name
        if not path.is_file():
            raise SystemExit(f"{path} is missing: this bench needs ../shared/datasets (see its README)")
        texts += [json.loads(line)[key] for line in path.read_text(encoding="utf-8").splitlines()]
    sources = []
    for text in texts:
        sentences = [
            s.strip()
            for line in text.splitlines()
            for s in _SENTENCE_END.split(line)
            # URLs and datelines of ECB+ are not sentences.
            if len(s.split()) >= 5 and "http" not in s
        ]
        if len(sentences) >= 3:
            sources.append(sentences)
    return sources


def articles(count: int, seed: int = 11) -> Iterator[tuple[int, str, str, datetime]]:
    """``count`` distinct articles: (n, title, body, published); see the module's doc."""
    rng = random.Random(seed)
    sources = _sources()
    pool = [s for source in sources for s in source]
    seen: set[bytes] = set()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    n = 0
    while n < count:
        lead = rng.choice(sources)
        title, opening = lead[0], lead[1 : 1 + rng.randint(4, 8)]
        body = list(opening)
        for sentence in rng.sample(pool, rng.randint(4, 8)):
            body.insert(rng.randint(0, len(body)), sentence)
        text = "\n\n".join(body)
        digest = hashlib.blake2b(text.encode(), digest_size=16).digest()
        if digest in seen:
            continue
        seen.add(digest)
        yield n, title, text, start + timedelta(minutes=n)
        n += 1


def _fill(url: str, count: int) -> float:
    from storyline.config import StoreConfig
    from storyline.model import Article, Block, BlockKind, RawDocument, SourceKind
    from storyline.store import Store

    started = time.perf_counter()

    def documents() -> Iterator[tuple[RawDocument, Article, tuple[str, ...]]]:
        for n, title, body, published in articles(count):
            raw = RawDocument(f"/bench/{n}.txt", SourceKind.FILE, body.encode(), published)
            article = Article(
                locator=raw.locator,
                content_hash=raw.content_hash,
                title=title,
                blocks=tuple(Block(BlockKind.PARAGRAPH, p) for p in body.split("\n\n")),
                outlet="Bench Wire",
                published=published,
            )
            if n and n % 10_000 == 0:
                print(f"  {url.split(':')[0]}: {n} stored, {time.perf_counter() - started:.0f} s", flush=True)
            yield raw, article, ()

    with Store.open(StoreConfig(url=url)) as store:
        stored = store.save_many(documents())
    if stored != count:
        raise SystemExit(f"stored {stored} of {count} articles: the corpus is not distinct")
    return time.perf_counter() - started


def _plan(store: Any, backend: str) -> str:
    """The plan of the store's own search statement, caught as it goes to the database."""
    from sqlalchemy import event

    from storyline.store.search import SearchConfig

    marker = "ts_rank_cd" if backend == "postgresql" else "bm25("
    caught: list[tuple[str, Any]] = []

    def catch(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if marker in statement and "snippet" in statement:
            caught.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", catch)
    try:
        store.search("Ketsoyan", limit=20, config=SearchConfig())
    finally:
        event.remove(store.engine, "before_cursor_execute", catch)
    statement, parameters = caught[0]
    explain = "EXPLAIN " if backend == "postgresql" else "EXPLAIN QUERY PLAN "
    with store.engine.connect() as c:
        rows = c.exec_driver_sql(explain + statement, parameters).all()
    plan = "\n".join(str(r[0]) if backend == "postgresql" else str(r[-1]) for r in rows)
    return plan


def _uses_index(plan: str, backend: str) -> bool:
    """Whether a plan reads the full-text index: the GIN index on PostgreSQL (on a small table the
    planner rightly prefers a scan), the FTS5 table's MATCH on SQLite."""
    return ("ix_articles_search" if backend == "postgresql" else "VIRTUAL TABLE INDEX") in plan


def _peer_search(store: Any, backend: str, query: str) -> list[int]:
    """The peer: each word as a substring of title or text, newest 20 first (a scan)."""
    from sqlalchemy import text

    from storyline.store.search import SearchConfig, search_words

    words = search_words(query, SearchConfig())
    like = "ILIKE" if backend == "postgresql" else "LIKE"
    where = " AND ".join(f"(coalesce(title, '') || ' ' || text) {like} :w{i}" for i in range(len(words)))
    statement = f"SELECT id FROM articles WHERE is_latest AND {where} ORDER BY id DESC LIMIT 20"
    params = {f"w{i}": f"%{w}%" for i, w in enumerate(words)}
    with store.engine.connect() as c:
        return [int(i) for i in c.execute(text(statement), params).scalars()]


def _timed(search: Any, repeats: int) -> dict[str, Any]:
    """Each query once to warm up, then ``repeats`` times: latencies in ms."""
    per_query: dict[str, Any] = {}
    every: list[float] = []
    for query in QUERIES:
        search(query)
        runs = []
        for _ in range(repeats):
            clock = time.perf_counter()
            search(query)
            runs.append((time.perf_counter() - clock) * 1000)
        every += runs
        per_query[query] = round(statistics.median(runs), 2)
    return {
        "p50_ms": round(statistics.median(every), 2),
        "p95_ms": round(statistics.quantiles(every, n=20)[-1], 2),
        "median_ms_by_query": per_query,
    }


def _measure(url: str, backend: str, repeats: int) -> dict[str, Any]:
    from storyline.config import StoreConfig
    from storyline.store import Store
    from storyline.store.search import SearchConfig

    config = SearchConfig()
    with Store.open(StoreConfig(url=url)) as store:
        if backend == "postgresql":
            with store.engine.begin() as c:
                # Statistics, as autovacuum would have gathered them after a bulk load.
                c.exec_driver_sql("ANALYZE articles")
        clock = time.perf_counter()
        store.search("Ketsoyan", limit=20, config=config)
        first = time.perf_counter() - clock  # SQLite builds its FTS5 table here
        plan = _plan(store, backend)
        ours = _timed(lambda q: store.search(q, limit=20, config=config), repeats)
        ours["first_search_s"] = round(first, 2)
        ours["plan"] = plan
        ours["index_used"] = _uses_index(plan, backend)
        ours["top10"] = {q: [h.article_id for h in store.search(q, limit=10, config=config)] for q in QUERIES}
        ours["matches"] = {q: store.search_page(q, limit=1, offset=0, config=config).total for q in QUERIES}
        peer = _timed(lambda q: _peer_search(store, backend, q), repeats)
        peer["matches_first_20"] = {q: len(_peer_search(store, backend, q)) for q in QUERIES}
    return {"ours": ours, "peer": peer}


def _agreement(a: dict[str, list[int]], b: dict[str, list[int]]) -> dict[str, Any]:
    """Overlap of the two top-10 lists of each query that finds something on either backend."""
    overlaps = {}
    for query in QUERIES:
        top_a, top_b = a[query][:10], b[query][:10]
        size = min(10, max(len(top_a), len(top_b)))
        if size:
            overlaps[query] = round(len(set(top_a) & set(top_b)) / size, 2)
    same_first = sum(bool(a[q]) and bool(b[q]) and a[q][0] == b[q][0] for q in overlaps)
    return {
        "mean_overlap_at_10": round(statistics.mean(overlaps.values()), 3) if overlaps else None,
        "overlap_at_10_by_query": overlaps,
        "same_first_hit": f"{same_first}/{len(overlaps)}",
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _postgres_database(base_url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(
        base_url.replace("postgresql+psycopg", "postgresql") + "/postgres", autocommit=True
    ) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}"')
        c.execute(f'CREATE DATABASE "{name}"')
    return f"{base_url}/{name}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--pg-url", help="a PostgreSQL server's URL without a database name")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    # A kill stops the throwaway server and removes the scratch folder too (the finally below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    results: dict[str, Any] = {}
    scratch = Path(tempfile.mkdtemp(prefix="storyline-bench-search-"))
    scratch.chmod(0o755)
    pg_folder = None
    try:
        for backend in args.backends.split(","):
            if backend == "sqlite":
                url = f"sqlite:///{scratch / 'search.db'}"
            else:
                base = args.pg_url
                if base is None:
                    pg_folder = scratch / "pg"
                    started = subprocess.run(
                        [str(ROOT / "scripts" / "postgres"), "start", str(pg_folder), str(_free_port())],
                        capture_output=True,
                        text=True,
                        check=True,
                    )
                    base = started.stdout.strip().rsplit("/", 1)[0]
                url = _postgres_database(base, "bench_search")
            fill = _fill(url, args.articles)
            results[backend] = {"store_s": round(fill, 1), **_measure(url, backend, args.repeats)}
            ours, peer = results[backend]["ours"], results[backend]["peer"]
            print(
                f"{backend}: stored {args.articles} in {fill:.0f} s; first search {ours['first_search_s']} s; "
                f"ours p50 {ours['p50_ms']} ms p95 {ours['p95_ms']} ms; "
                f"peer (LIKE scan) p50 {peer['p50_ms']} ms p95 {peer['p95_ms']} ms; "
                f"ratio p50 {peer['p50_ms'] / ours['p50_ms']:.2f}, p95 {peer['p95_ms'] / ours['p95_ms']:.2f}",
                flush=True,
            )
            print(
                f"  index used: {ours['index_used']}; plan: " + ours["plan"].replace("\n", "\n        "),
                flush=True,
            )
    finally:
        if pg_folder is not None:
            subprocess.run([str(ROOT / "scripts" / "postgres"), "stop", str(pg_folder)], capture_output=True)
        shutil.rmtree(scratch, ignore_errors=True)
    report = _report(args, results)
    if "agreement" in report:
        print(f"ranking agreement SQLite/PostgreSQL: {report['agreement']}")
    if args.json:
        print(json.dumps(report, indent=2))
    return 0


def _report(args: argparse.Namespace, results: dict[str, Any]) -> dict[str, Any]:
    report: dict[str, Any] = {
        "articles": args.articles,
        "corpus": "distinct recombinations of real sentences (ECB+, CNN/DailyMail)",
        "queries": QUERIES,
        "ours": {},
        "peers": {},
        "ratio_p50": {},
        "ratio_p95": {},
    }
    for backend, found in results.items():
        ours = {k: v for k, v in found["ours"].items() if k != "top10"}
        report["ours"][backend] = {"store_s": found["store_s"], **ours}
        report["peers"][f"like-scan/{backend}"] = found["peer"]
        report["ratio_p50"][backend] = round(found["peer"]["p50_ms"] / found["ours"]["p50_ms"], 2)
        report["ratio_p95"][backend] = round(found["peer"]["p95_ms"] / found["ours"]["p95_ms"], 2)
    if {"sqlite", "postgresql"} <= results.keys():
        report["agreement"] = _agreement(
            results["sqlite"]["ours"]["top10"], results["postgresql"]["ours"]["top10"]
        )
    return report


if __name__ == "__main__":
    raise SystemExit(main())
