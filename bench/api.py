"""Load on the HTTP API: many concurrent clients against `storyline serve` on a store of >= 10,000
articles.

The store is built once from synthetic articles (distinct events, each reported by a few outlets,
so they group into stories) through the real pipeline (``storyline.ingest`` of a JSON Lines export,
with the fast static embedder) and cached at ``--db`` (default ``/tmp/storyline-bench-api.db``);
later runs reuse it. The server runs in its own process on 127.0.0.1 on a free port. Each scenario
runs ``--clients`` concurrent httpx clients for ``--seconds`` seconds (both bounded), then the same
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
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MAX_CLIENTS = 200  # a bench, not a flood: bounded whatever the flags say
MAX_SECONDS = 120

FIRST = ["Anna", "Rui", "Helena", "Tomas", "Mei", "Kofi", "Lena", "Omar", "Ines", "Pavel", "Sara", "Jonas"]
LAST = ["Valadares", "Amaral", "Novak", "Okafor", "Lindqvist", "Haddad", "Moreau", "Tanaka", "Silva", "Brandt"]
PLACES = ["Lisbon", "Brasilia", "Nairobi", "Oslo", "Hanoi", "Quito", "Tunis", "Riga", "Accra", "Lima", "Dakar"]
ROLES = ["Foreign Minister", "President", "Prime Minister", "Finance Minister", "Trade Minister"]
TOPICS = ["pensions", "fisheries", "rail links", "water rights", "grain exports", "vaccines", "tariffs", "satellites"]
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
        export.write_text(
            "".join(json.dumps(item) + "\n" for item in synthetic(count)), encoding="utf-8"
        )
        started = time.perf_counter()
        config = PipelineConfig(analyze=AnalyzeConfig(embedder="minilm-static"))
        storyline.ingest([export], db=db, config=config)
        return time.perf_counter() - started
