"""Cost of placing one article as stories accumulate: 10k, 100k and 1M stories.

Synthetic articles (random unit vectors in 384 dimensions, each with a few dozen random word and
name terms) are grouped into N existing stories; then ``--probe`` more articles are placed one at
a time through :class:`storyline.grouping.grouper.Grouper` and timed: half are new stories (far from
all), half belong to an existing one (a noisy copy of its vector and terms). The peer is the same
grouper without the index: an exact scan of every centroid (numpy), in the same run. Memory is the
process's resident size after the stories are loaded.

    python bench/stories_scale.py [--sizes 10000,100000,1000000] [--probe 500] [--json]
    python bench/stories_scale.py --store [--sizes ...]   # seconds to open the grouper on a store
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import time
from collections.abc import Iterator
from typing import Any

import numpy as np

DIM = 384


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * resource.getpagesize() / 1e6


def _terms(rng: np.random.Generator, count: int) -> Any:
    from storyline.grouping.terms import Terms

    ids = np.unique(rng.integers(0, 1 << 22, count).astype(np.int32))
    weights = rng.random(len(ids)).astype(np.float32)
    return Terms(ids, weights / np.linalg.norm(weights))


def _article(rng: np.random.Generator, article_id: int, near: Any = None) -> Any:
    from storyline.grouping.profile import ArticleProfile

    if near is None:
        vector = rng.standard_normal(DIM).astype(np.float32)
        words, proper = _terms(rng, 60), _terms(rng, 15)
    else:
        vector = near.vector + 0.3 * rng.standard_normal(DIM).astype(np.float32) / np.sqrt(DIM)
        words, proper = near.words, near.proper
    vector /= np.linalg.norm(vector)
    return ArticleProfile(article_id, vector, words, proper, {}, {}, None)


def run(size: int, probe: int, exact: bool, seed: int = 7) -> dict[str, float]:
    from storyline.config import StoryConfig
    from storyline.grouping.grouper import Grouper
    from storyline.grouping.state import StoryState

    rng = np.random.default_rng(seed)
    gc.collect()
    before = _rss_mb()
    start = time.perf_counter()
    states = []
    for sid in range(1, size + 1):
        item = _article(rng, sid)
        state = StoryState(sid, np.zeros(DIM, np.float32))
        state.add(item, 20)
        states.append(state)
    # ``candidates`` above the number of stories means "compare with every story": the exact peer.
    config = StoryConfig(candidates=size + 1 if exact else 32)
    grouper = Grouper(config, DIM, states)
    load_s = time.perf_counter() - start
    memory = _rss_mb() - before
    next_id = [size + 1]

    def new_story() -> int:
        next_id[0] += 1
        return next_id[0]

    timings = []
    for n in range(probe):
        if n % 2:
            target = grouper.stories[int(rng.integers(1, size + 1))] if size else None
            near = target.members[-1] if target and target.members else None
        else:
            near = None
        item = _article(rng, 10_000_000 + n, near)
        began = time.perf_counter()
        grouper.place(item, new_story)
        timings.append(time.perf_counter() - began)
    ms = np.array(timings) * 1000
    return {
        "stories": size,
        "ms_per_article_median": round(float(np.median(ms)), 3),
        "ms_per_article_p95": round(float(np.percentile(ms, 95)), 3),
        "load_seconds": round(load_s, 1),
        "memory_mb": round(memory, 1),
    }


def load_from_store(size: int, seed: int = 7) -> dict[str, float]:
    """Seconds to open the grouper on a SQLite store holding ``size`` stories, one a minute (what
    every ``storyline ingest`` pays before placing its first article): story rows and the index
    of those within the join window, no story's articles (those are read only for the stories an
    article is compared with); first building the index, then restoring the one saved."""
    import tempfile
    from datetime import UTC, datetime, timedelta
    from pathlib import Path

    from storyline.config import PipelineConfig, StoreConfig
    from storyline.model import StoryRecord
    from storyline.pipeline.group import _load_grouper, _save_index
    from storyline.store import Store

    rng = np.random.default_rng(seed)
    now = datetime.now(UTC)

    def records() -> Iterator[StoryRecord]:
        for n in range(size):
            total = rng.standard_normal(DIM).astype(np.float32)
            seen = now - timedelta(minutes=n)
            entities = StoryRecord.entities_from_dict({f"name{n}": [1, 1.0, f"Name {n}", "person"]})
            yield StoryRecord(0, total.tobytes(), 1, entities, seen, seen)

    with tempfile.TemporaryDirectory() as tmp, Store.open(StoreConfig.for_path(Path(tmp) / "s.db")) as store:
        store.add_stories("minilm-onnx", records())
        started = time.perf_counter()
        grouper, model, _ = _load_grouper(store, PipelineConfig())
        seconds = time.perf_counter() - started
        # What the next ingest pays: the index saved by this one is restored, not rebuilt.
        _save_index(store, grouper, model, PipelineConfig())
        started = time.perf_counter()
        again, _, _ = _load_grouper(store, PipelineConfig())
        reopen = time.perf_counter() - started
    return {
        "stories": len(grouper.stories),
        "indexed": len(again._index),
        "open_seconds": round(seconds, 2),
        "reopen_seconds": round(reopen, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--probe", type=int, default=500)
    parser.add_argument("--exact-up-to", type=int, default=100_000, help="run the exact peer up to this size")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--store", action="store_true", help="time opening the grouper on a SQLite store of each size instead"
    )
    args = parser.parse_args()
    if args.store:
        for size in (int(s) for s in args.sizes.split(",")):
            row = load_from_store(size)
            text = (
                f"{size:>9} stories ({row['indexed']} within the join window): grouper opened in "
                f"{row['open_seconds']:.2f} s building the index, {row['reopen_seconds']:.2f} s with the saved one"
            )
            print(json.dumps(row) if args.json else text, flush=True)
        return
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        ours = run(size, args.probe, exact=False)
        peer = run(size, max(20, args.probe // 10), exact=True) if size <= args.exact_up_to else None
        rows.append({"ours": ours, "peers": {"exact-scan": peer}})
        if not args.json:
            line = f"{size:>9} stories: ours {ours['ms_per_article_median']:.2f} ms/article (p95 {ours['ms_per_article_p95']:.2f}), {ours['memory_mb']:.0f} MB"
            if peer:
                line += f"; exact scan {peer['ms_per_article_median']:.2f} ms ({peer['ms_per_article_median'] / ours['ms_per_article_median']:.1f}x slower)"
            print(line, flush=True)
    if args.json:
        print(json.dumps(rows, indent=2))


if __name__ == "__main__":
    main()
