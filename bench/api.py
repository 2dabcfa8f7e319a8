"""Load on the HTTP API: many concurrent clients against `storyline serve` on a store of >= 10,000
articles.

The store is built once from synthetic articles (distinct events, each reported by a few outlets,
so they group into stories) through the real pipeline (``storyline.ingest`` of a JSON Lines export,
with the fast static embedder) and cached at ``--db`` (default ``/tmp/storyline-bench-api.db``);
later runs reuse it. The server runs in its own process on 127.0.0.1 on a free port. Each scenario
runs ``--clients`` concurrent keep-alive clients for ``--seconds`` seconds (both bounded), then the same
requests with one client as the baseline: no other HTTP API over this data exists to compare with.

    python bench/api.py [--articles 10000] [--db FILE] [--clients 50] [--seconds 10] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# The fast static embedder: 10,000 articles build in minutes, and the server is given it too.
EMBEDDER = "minilm-static"
MAX_CLIENTS = 200  # a bench, not a flood: bounded whatever the flags say
MAX_SECONDS = 120

FIRST = ["Anna", "Rui", "Helena", "Tomas", "Mei", "Kofi", "Lena", "Omar", "Ines", "Pavel", "Sara", "Jonas"]
LAST = [
    "Valadares",
    "Amaral",
    "Novak",
    "Okafor",
    "Lindqvist",
    "Haddad",
    "Moreau",
    "Tanaka",
    "Silva",
    "Brandt",
]
PLACES = [
    "Lisbon",
    "Brasilia",
    "Nairobi",
    "Oslo",
    "Hanoi",
    "Quito",
    "Tunis",
    "Riga",
    "Accra",
    "Lima",
    "Dakar",
]
ROLES = ["Foreign Minister", "President", "Prime Minister", "Finance Minister", "Trade Minister"]
TOPICS = [
    "pensions",
    "fisheries",
    "rail links",
    "water rights",
    "grain exports",
    "vaccines",
    "tariffs",
    "satellites",
]
OUTLETS = ["Meridian Wire", "Harbor Courier", "Northgate Ledger", "Bayline Daily", "Capital Dispatch"]
VERBS = ["met", "held talks with", "signed an agreement with", "visited"]


def synthetic(count: int, seed: int = 13) -> list[dict[str, str]]:
    """``count`` distinct articles: events of about four outlets each, spread over a year."""
    rng = random.Random(seed)
    items: list[dict[str, str]] = []
    start = datetime(2025, 1, 1, tzinfo=UTC)
    event = 0
    while len(items) < count:
        event += 1
        a = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        b = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        place, topic, verb = rng.choice(PLACES), rng.choice(TOPICS), rng.choice(VERBS)
        role_a, role_b = rng.choice(ROLES), rng.choice(ROLES)
        day = start + timedelta(hours=event * 7 % (365 * 24))
        hours, amount = rng.randint(2, 9), rng.randint(10, 900)
        for outlet in rng.sample(OUTLETS, rng.randint(2, 5)):
            if len(items) >= count:
                break
            n = len(items)
            # Each outlet words the event its own way (a few of several sentences, in its own order),
            # so the articles are distinct reports and not copies of one another.
            pool = [
                f"{role_a} {a} {verb} {role_b} {b} in {place} on {day:%A} about {topic}, officials said.",
                f"The meeting on {topic} lasted {hours} hours, according to a statement from {place}.",
                f"The two sides discussed a package worth {amount} million dollars for {topic}.",
                f"{a} said the talks were constructive and that a further round could follow.",
                f"Analysts said the deal could possibly reshape {topic} policy in the region.",
                f"{b} told reporters in {place} that {rng.randint(2, 30)} agreements were still under review.",
                f"Observers counted {rng.randint(3, 99)} delegates and {rng.randint(2, 40)} journalists at the venue.",
                f"Critics in {rng.choice(PLACES)} questioned whether the {topic} plan would survive {rng.randint(2, 9)} more months of debate.",
                f"{outlet} first reported the talks in its {rng.choice(['morning', 'evening', 'weekend'])} edition, report {n}.",
            ]
            chosen = [pool[0], *rng.sample(pool[1:-1], 5), pool[-1]]
            text = " ".join(chosen)
            items.append(
                {
                    "url": f"https://{outlet.lower().replace(' ', '')}.example/{day:%Y/%m/%d}/event-{event}-{n}",
                    "outlet": outlet,
                    "title": f"{a} and {b} discuss {topic} in {place} (event {event})",
                    "published": (day + timedelta(minutes=rng.randint(0, 600))).isoformat(),
                    "author": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    "text": text,
                }
            )
    return items


def build(db: Path, count: int) -> float:
    """Ingest ``count`` synthetic articles into ``db`` (once); returns the seconds it took."""
    import storyline
    from storyline.config import AnalyzeConfig, PipelineConfig

    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "synthetic.jsonl"
        export.write_text("".join(json.dumps(item) + "\n" for item in synthetic(count)), encoding="utf-8")
        started = time.perf_counter()
        # Briefs are made after the regrouping below, not at ingest: before it, the grouper's one
        # giant story would be briefed for nothing.
        config = PipelineConfig(analyze=AnalyzeConfig(embedder=EMBEDDER), warm_lengths=())
        storyline.ingest([export], db=db, config=config)
        regroup_by_event(db)
        return time.perf_counter() - started


def warm_store(db: Path) -> float:
    """Make the briefs an ingest makes when stories change (once per store; a store built before
    briefs were kept gets them here); returns the seconds it took."""
    import storyline
    from storyline.config import AnalyzeConfig, PipelineConfig
    from storyline.pipeline import warm_briefs
    from storyline.store import Store

    started = time.perf_counter()
    with Store.open(storyline._store_config(db)) as store:
        warm_briefs(store, PipelineConfig(analyze=AnalyzeConfig(embedder=EMBEDDER)))
    return time.perf_counter() - started


def regroup_by_event(db: Path) -> int:
    """Put each synthetic event's articles in a story of their own; returns the story count.

    The generator's articles share a handful of sentence templates, so the grouper (with the
    static embedder) lumps most of them into one story (9,257 of 10,000 in one run), which is no
    news site's shape. Splitting ~2,600 events through ``split_story`` takes 5-8 s each on this
    machine, so this step writes the known grouping straight into the store's story tables: one
    story per event (title, size, first/last seen and leading entities from its articles; the
    centroid is copied, since serving never reads it). Only this bench does this; the grouping's
    own quality is measured by bench/stories.py."""
    import re
    import sqlite3

    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    with sqlite3.connect(db) as connection:
        members = connection.execute(
            "SELECT sa.story_id, a.id, a.title, a.published, an.entities FROM story_articles sa "
            "JOIN articles a ON a.id = sa.article_id LEFT JOIN analyses an ON an.article_id = a.id "
            "WHERE a.is_latest ORDER BY a.id"
        ).fetchall()
        events: dict[tuple[int, str], list[tuple[int, str, str, str]]] = {}
        for story, article, title, published, entities in members:
            found = re.search(r"\(event (\d+)\)", title or "")
            key = (int(story), found.group(1) if found else f"a{article}")
            events.setdefault(key, []).append((int(article), title, published, entities or "[]"))
        kept: set[int] = set()
        for (story, _event), items in sorted(events.items(), key=lambda kv: -len(kv[1])):
            tally: dict[str, list[Any]] = {}
            for _, _, _, entities in items:
                for entity in json.loads(entities):
                    slot = tally.setdefault(
                        entity["name"].lower(), [0.0, 0.0, entity["name"], entity["type"]]
                    )
                    slot[0] += 1.0
                    slot[1] += 1.0
            dates = sorted(p for _, _, p, _ in items if p)
            values = {
                "title": items[0][1],
                "size": len(items),
                "entities": json.dumps(tally),
                "first": dates[0] if dates else None,
                "last": dates[-1] if dates else None,
                "now": now,
            }
            if story not in kept:
                kept.add(story)
                target = story
                connection.execute(
                    "UPDATE stories SET title=:title, size=:size, entities=:entities, first_seen=:first, "
                    "last_seen=:last, thread_id=NULL, updated_at=:now WHERE id=:id",
                    {**values, "id": story},
                )
            else:
                cursor = connection.execute(
                    "INSERT INTO stories (title, model, total, size, entities, first_seen, last_seen, "
                    "created_at, updated_at) SELECT :title, model, total, :size, :entities, :first, :last, "
                    ":now, :now FROM stories WHERE id=:id",
                    {**values, "id": story},
                )
                target = int(cursor.lastrowid or 0)
            connection.executemany(
                "UPDATE story_articles SET story_id=?, duplicate_of=NULL WHERE article_id=?",
                [(target, article) for article, _, _, _ in items],
            )
        connection.execute("DELETE FROM story_links")
        count = int(
            connection.execute("SELECT count(*) FROM stories WHERE merged_into IS NULL").fetchone()[0]
        )
    for index in db.parent.glob(db.name + ".stories.usearch*"):
        index.unlink()  # the next ingest rebuilds the centroid index from the tables
    return count


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(db: Path, workers: int = 1) -> tuple[subprocess.Popen[bytes], str]:
    """`storyline serve` in its own process on 127.0.0.1 (a free port); waits until it answers."""
    import httpx

    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    env.pop("STORYLINE_TOKEN", None)  # read-only: the bench never writes
    # The server runs with the settings the store was built with (the static embedder), as a user
    # who ingested with them would serve it: its briefs are the ones made at ingest.
    settings = db.with_name(db.name + ".toml")
    settings.write_text(f'[analyze]\nembedder = "{EMBEDDER}"\n', encoding="utf-8")
    env["STORYLINE_CONFIG"] = str(settings)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "storyline.cli",
            "serve",
            "--db",
            str(db),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/api/health", timeout=2).status_code == 200:
                return process, url
        except httpx.TransportError:
            time.sleep(0.2)
    process.send_signal(signal.SIGTERM)
    raise SystemExit("storyline serve did not start within 60 s")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def pools(url: str, rng: random.Random) -> dict[str, list[str]]:
    """The requests each scenario draws from: the front pages of the story list, the 100 latest
    stories (their page and brief), 200 searches and 200 articles, and the web UI's story page and
    "Get a summary" fragment of the next 100 stories (other stories than the API's, so their first
    visit finds nothing cached by the API scenarios)."""
    import httpx

    page = httpx.get(url + "/api/stories", params={"limit": 200}, timeout=120).json()
    story_ids = [s["id"] for s in page["stories"][:100]]
    web_ids = [s["id"] for s in page["stories"][100:]] or story_ids
    total = int(httpx.get(url + "/api/health", timeout=30).json()["articles"] or 0)
    article_ids = rng.sample(range(1, total + 1), min(200, total))
    searches = [f"{rng.choice(TOPICS)} {rng.choice(PLACES)}" for _ in range(200)]
    return {
        "story list": [f"/api/stories?limit=20&offset={20 * p}" for p in range(5)],
        "story page": [f"/api/stories/{i}" for i in story_ids],
        "brief": [f"/api/stories/{i}/brief?length=medium" for i in story_ids],
        "search": [f"/api/search?q={q.replace(' ', '+')}" for q in searches],
        "article": [f"/api/articles/{i}" for i in article_ids],
        "web story": [f"/stories/{i}" for i in web_ids],
        "web summary": [f"/stories/{i}/summary?length=short" for i in web_ids],
        "front page": ["/", "/?view=covered", "/?view=latest", "/?page=2", "/?view=covered&page=2"],
    }


async def _get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str) -> int:
    """One GET on a kept-alive connection; returns the status (the body is read and dropped)."""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":", 1)[1])
    await reader.readexactly(length)
    return int(head.split(b" ", 2)[1])


async def _drive(url: str, paths: list[str], clients: int, seconds: float, seed: int) -> dict[str, float]:
    """``clients`` concurrent keep-alive connections, each sending its next request as soon as the
    last one is answered, for ``seconds``. The load generator is a bare asyncio HTTP/1.1 client:
    httpx's async client costs ~4 ms of CPU per request on this machine, which would make the
    client, not the server, what is measured (1.4 ms per cached request with http.client, 6 ms
    with httpx, same server)."""
    rng = random.Random(seed)
    host, port = url.removeprefix("http://").split(":")
    latencies: list[float] = []
    errors = 0
    stop = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            while time.perf_counter() < stop:
                path = rng.choice(paths)
                started = time.perf_counter()
                status = await _get(reader, writer, path)
                latencies.append(time.perf_counter() - started)
                errors += status != 200
        finally:
            writer.close()

    began = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    return summary(latencies, time.perf_counter() - began, errors)


def summary(latencies: list[float], elapsed: float, errors: int) -> dict[str, float]:
    ordered = sorted(latencies)

    def pct(p: float) -> float:
        return (
            round(1000 * ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))], 1) if ordered else 0.0
        )

    return {
        "requests": len(ordered),
        "errors": errors,
        "p50_ms": pct(50),
        "p95_ms": pct(95),
        "p99_ms": pct(99),
        "req_per_s": round(len(ordered) / elapsed, 1) if elapsed else 0.0,
    }


def cold(url: str, paths: list[str], count: int) -> dict[str, float]:
    """The first request for ``count`` keys never asked before (nothing cached), one at a time."""
    import httpx

    latencies = []
    errors = 0
    with httpx.Client(base_url=url, timeout=120) as client:
        for path in paths[-count:]:
            started = time.perf_counter()
            errors += client.get(path).status_code != 200
            latencies.append(time.perf_counter() - started)
    return {k: v for k, v in summary(latencies, sum(latencies), errors).items() if k != "req_per_s"}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--db", type=Path, default=Path(tempfile.gettempdir()) / "storyline-bench-api.db")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--cold", type=int, default=20, help="uncached first requests timed per scenario")
    parser.add_argument("--workers", type=int, default=1, help="server processes (storyline serve --workers)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    clients = max(1, min(args.clients, MAX_CLIENTS))
    seconds = max(1.0, min(args.seconds, MAX_SECONDS))
    built = None
    if not args.db.exists():
        print(
            f"building a store of {args.articles} synthetic articles at {args.db} (once)...", file=sys.stderr
        )
        built = round(build(args.db, args.articles), 1)
    print("making the briefs of stories changed since theirs were made...", file=sys.stderr)
    warmed = round(warm_store(args.db), 1)
    process, url = start_server(args.db, max(1, min(args.workers, 8)))
    try:
        rng = random.Random(7)
        requests = pools(url, rng)
        first = {name: cold(url, paths, min(args.cold, len(paths))) for name, paths in requests.items()}
        loaded = {
            name: asyncio.run(_drive(url, paths, clients, seconds, seed=1))
            for name, paths in requests.items()
        }
        single = {
            name: asyncio.run(_drive(url, paths, 1, seconds, seed=2)) for name, paths in requests.items()
        }
        # Again at full load, now that most answers are cached (a site's steady state).
        warm = {
            name: asyncio.run(_drive(url, paths, clients, seconds, seed=3))
            for name, paths in requests.items()
        }
    finally:
        stop_server(process)
    result: dict[str, Any] = {
        "ours": {
            "store_articles": args.articles,
            "build_seconds": built,
            "warm_briefs_seconds": warmed,
            "clients": clients,
            "workers": max(1, min(args.workers, 8)),
            "seconds": seconds,
            "concurrent": loaded,
            "concurrent_warm": warm,
            "uncached_first_request": first,
        },
        # No other HTTP API serves this data: the baseline is the same requests from one client.
        "peers": {"same requests, 1 client": single},
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"storyline serve, {args.articles} articles, {clients} concurrent clients for {seconds:.0f} s each")
    header = f"{'':12} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>8}   | 1 client: {'p50':>6} {'p95':>6} {'req/s':>7}   ratio req/s"
    print(header)
    for name in requests:
        ours, base = loaded[name], single[name]
        ratio = ours["req_per_s"] / base["req_per_s"] if base["req_per_s"] else 0.0
        print(
            f"{name:12} {ours['p50_ms']:8} {ours['p95_ms']:8} {ours['p99_ms']:8} {ours['req_per_s']:8}   |"
            f"           {base['p50_ms']:6} {base['p95_ms']:6} {base['req_per_s']:7}   {ratio:5.2f}x"
        )
    print(f"\nagain with {clients} clients, most answers now cached:")
    for name, stats in warm.items():
        print(f"{name:12} {stats['p50_ms']:8} {stats['p95_ms']:8} {stats['p99_ms']:8} {stats['req_per_s']:8}")
    print("\nfirst request of a key (nothing cached yet), one at a time:")
    for name, stats in first.items():
        print(f"{name:12} p50 {stats['p50_ms']} ms  p95 {stats['p95_ms']} ms  ({stats['requests']} keys)")
    errors = sum(v["errors"] for v in (*loaded.values(), *warm.values(), *single.values(), *first.values()))
    if errors:
        print(f"\n{errors} requests failed", file=sys.stderr)


if __name__ == "__main__":
    main()
