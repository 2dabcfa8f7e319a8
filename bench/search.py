"""Full-text search at scale, on SQLite (FTS5) and PostgreSQL (the GIN expression index of schema v9).

SYNTHETIC articles, for speed only: N distinct articles of ~300 words drawn (seeded, Zipf-like) from
a vocabulary of 30,000 made-up words, with a few real words planted at chosen rates so the queries
have known numbers of matches: ``walrus`` (0.01 %), ``strike`` (1 %), ``harbour`` (10 %),
``council`` (30 %), and ``harbour strike`` (both). Every article differs from every other, so no
cache or deduplication flatters the figures; the texts say nothing about ranking quality, which the
store's tests check. Articles go in through the store gateway (``Store.save``), as an ingest stores
them; the clock then times ``Store.search`` (limit 20, with snippets), the median of 5 runs per
query after one warm-up (SQLite's first search also builds its FTS5 table: timed apart).

    python bench/search.py [--articles 100000] [--backends sqlite,postgresql] [--json]

PostgreSQL: a throwaway server from scripts/postgres in a temporary folder, stopped at the end
(or ``--pg-url postgresql+psycopg://...`` to use yours; the bench makes a database of its own).
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import shutil
import socket
import statistics
import subprocess
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
PLANTED = {"walrus": 0.0001, "strike": 0.01, "harbour": 0.10, "council": 0.30}
QUERIES = ["walrus", "strike", "harbour", "council", "harbour strike"]
_SYLLABLES = [c + v for c in "bcdfghklmnprstvz" for v in "aeiou"]


def _vocabulary(rng: random.Random, size: int) -> list[str]:
    words: set[str] = set()
    while len(words) < size:
        words.add("".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4))))
    return sorted(words)


def _articles(count: int, seed: int = 11) -> Any:
    rng = random.Random(seed)
    vocabulary = _vocabulary(rng, 30_000)
    # Zipf-like: the k-th word drawn with weight 1/(k+10).
    weights = list(itertools.accumulate(1 / (k + 10) for k in range(len(vocabulary))))
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(count):
        words = rng.choices(vocabulary, cum_weights=weights, k=300)
        for word, rate in PLANTED.items():
            if rng.random() < rate:
                words[rng.randrange(len(words))] = word
        title = " ".join(rng.choices(vocabulary, cum_weights=weights, k=6)).capitalize()
        sentences = [" ".join(words[i : i + 15]).capitalize() + "." for i in range(0, len(words), 15)]
        yield n, title, " ".join(sentences), start + timedelta(minutes=n)


def _fill(url: str, count: int) -> tuple[float, dict[str, int]]:
    from storyline.config import StoreConfig
    from storyline.model import Article, Block, BlockKind, RawDocument, SourceKind
    from storyline.store import Store

    started = time.perf_counter()
    matches = dict.fromkeys(QUERIES, 0)

    def documents() -> Any:
        for n, title, body, published in _articles(count):
            present = set(body.lower().replace(".", "").split())
            for query in QUERIES:
                matches[query] += all(word in present for word in query.split())
            raw = RawDocument(f"/bench/{n}.txt", SourceKind.FILE, body.encode(), published)
            article = Article(
                locator=raw.locator,
                content_hash=raw.content_hash,
                title=title,
                blocks=(Block(BlockKind.PARAGRAPH, body),),
                outlet="Bench Wire",
                published=published,
            )
            if n and n % 10_000 == 0:
                print(
                    f"  {url.split(':')[0]}: {n} articles, {time.perf_counter() - started:.0f} s", flush=True
                )
            yield raw, article, ()

    with Store.open(StoreConfig(url=url)) as store:
        store.save_many(documents())
    return time.perf_counter() - started, matches


def _time_queries(url: str, matches: dict[str, int]) -> dict[str, Any]:
    from storyline.config import StoreConfig
    from storyline.store import Store
    from storyline.store.search import SearchConfig

    config = SearchConfig()
    out: dict[str, Any] = {}
    with Store.open(StoreConfig(url=url)) as store:
        clock = time.perf_counter()
        store.search("walrus", limit=20, config=config)
        out["first_search_s"] = round(time.perf_counter() - clock, 2)  # SQLite: builds FTS5 here
        for query in QUERIES:
            runs = []
            for _ in range(6):
                clock = time.perf_counter()
                hits = store.search(query, limit=20, config=config)
                runs.append(time.perf_counter() - clock)
            out[query] = {
                "median_ms": round(statistics.median(runs[1:]) * 1000, 1),
                "hits_returned": len(hits),
                "matches": matches[query],
            }
    return out


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


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-url", help="a PostgreSQL server's URL without a database name")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results: dict[str, Any] = {"articles": args.articles, "synthetic": True}
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
            fill, matches = _fill(url, args.articles)
            results[backend] = {"store_s": round(fill, 1), "queries": _time_queries(url, matches)}
            print(
                f"{backend}: stored {args.articles} in {fill:.0f} s; {results[backend]['queries']}",
                flush=True,
            )
    finally:
        if pg_folder is not None:
            subprocess.run([str(ROOT / "scripts" / "postgres"), "stop", str(pg_folder)], capture_output=True)
        shutil.rmtree(scratch, ignore_errors=True)
    if args.json:
        print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
