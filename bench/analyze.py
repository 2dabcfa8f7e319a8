"""Speed of the understanding stage: articles/s and sentences/s, peak memory, where the time goes.

Builds ``--articles`` synthetic articles of about 600 words from the demo corpus (three demo
articles per synthetic one, each copy numbered so no two are the same) and runs, with no cache:
spaCy (sentences, entities, events, hedges and genre included) and the sentence embedder.
``--workers N`` runs the same in N processes, models loaded once per process.

    python bench/analyze.py [--data demo/corpus] [--articles 2000] [--workers 1] [--embedder NAME] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / "demo" / "corpus"


def build(data: Path, count: int) -> list:  # type: ignore[type-arg]
    import storyline
    from storyline.config import PipelineConfig
    from storyline.model import Block, BlockKind

    with tempfile.TemporaryDirectory() as tmp:
        config = PipelineConfig(analyze_on_ingest=False)
        storyline.ingest([data], db=Path(tmp) / "b.db", config=config)
        base = [s.article for s in storyline.articles(db=Path(tmp) / "b.db") if s.article.language == "en"]
    made = []
    for n in range(count):
        parts = [base[(n * 3 + k) % len(base)] for k in range(3)]
        blocks = [b for p in parts for b in p.blocks]
        blocks.append(Block(BlockKind.PARAGRAPH, f"This is copy number {n} of the benchmark article."))
        made.append(replace(parts[0], blocks=tuple(blocks), content_hash=f"bench-{n}"))
    return made


def _worker_init() -> None:
    import torch

    torch.set_num_threads(1)  # one core per process: the processes are the parallelism


def _run_chunk(articles: list, embedder: str) -> tuple[int, dict[str, float]]:  # type: ignore[type-arg]
    from storyline.config import AnalyzeConfig
    from storyline.nlp.analyze import analyze_many
    from storyline.nlp.embed import get_embedder

    timings = {"spacy_and_rules": 0.0, "embeddings": 0.0}
    start = time.perf_counter()
    analyses = list(analyze_many(articles, AnalyzeConfig()))
    timings["spacy_and_rules"] += time.perf_counter() - start
    start = time.perf_counter()
    sentences = [s.text for a in analyses for s in a.sentences]
    get_embedder(embedder).embed(sentences)
    timings["embeddings"] += time.perf_counter() - start
    return len(sentences), timings


def run(data: Path, count: int, workers: int, embedder: str) -> dict[str, object]:
    articles = build(data, count)
    _run = partial(_run_chunk, embedder=embedder)
    words = sum(a.word_count for a in articles) / len(articles)
    # Load models before the clock starts: loading is once per process, not per article.
    _run(articles[:2])
    start = time.perf_counter()
    totals = {"spacy_and_rules": 0.0, "embeddings": 0.0}
    sentences = 0
    if workers <= 1:
        chunks = [articles[i : i + 64] for i in range(0, len(articles), 64)]
        for chunk in chunks:
            n, timing = _run(chunk)
            sentences += n
            for key in totals:
                totals[key] += timing[key]
    else:
        chunks = [articles[i : i + 64] for i in range(0, len(articles), 64)]
        with ProcessPoolExecutor(workers, initializer=_worker_init) as pool:
            list(pool.map(_run, [articles[:2]] * workers))  # warm every worker
            start = time.perf_counter()
            for n, timing in pool.map(_run, chunks):
                sentences += n
                for key in totals:
                    totals[key] += timing[key]
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    busy = sum(totals.values()) or 1.0
    return {
        "articles": count,
        "workers": workers,
        "embedder": embedder,
        "words_per_article": round(words),
        "articles_per_s": round(count / elapsed, 2),
        "sentences_per_s": round(sentences / elapsed, 1),
        "seconds": round(elapsed, 1),
        "share_spacy_and_rules": round(totals["spacy_and_rules"] / busy, 3),
        "share_embeddings": round(totals["embeddings"] / busy, 3),
        "peak_rss_mb_main": round(peak),
        "peak_rss_mb_worker": round(children),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--embedder", default="", help="minilm, minilm-onnx or minilm-static (default: the configured one)"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"no folder at {args.data}: pass --data", file=sys.stderr)
        return 2
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from storyline.config import DEFAULT_EMBEDDER

    result = run(args.data, args.articles, args.workers, args.embedder or DEFAULT_EMBEDDER)
    if args.json:
        print(json.dumps({"ours": result, "peers": {}}, indent=2))
    else:
        for key, value in result.items():
            print(f"{key:<24}{value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
