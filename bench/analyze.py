"""Speed of the understanding stage: articles/s and sentences/s, peak memory, where the time goes.

Builds ``--articles`` synthetic articles of about 600 words from the demo corpus (three demo
articles per synthetic one, each copy numbered so no two are the same) and runs, with no cache:
spaCy (sentences, entities, events, hedges and genre included) and the sentence embedder.
``--workers N`` runs the same in N processes, models loaded once per process.

``--as-is`` analyses the articles ingested from ``--data`` as they are (real pages, such as
../shared/datasets/extraction/html), ``--articles`` of them at most. ``--components`` adds the
CPU seconds of each part, in one process: spaCy's components one by one, storyline's stand-in for
the attribute ruler, sentences with hedges, entities, events, embeddings (English articles only).
CPU time (``cpu_articles_per_s``) is the figure to compare on a shared machine; wall time follows
the load of whatever else runs.

    python bench/analyze.py [--data demo/corpus] [--articles 2000] [--as-is] [--workers 1]
        [--embedder NAME] [--components] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT / "demo" / "corpus"


def build(data: Path, count: int, as_is: bool = False) -> list:  # type: ignore[type-arg]
    import storyline
    from storyline.config import PipelineConfig
    from storyline.model import Block, BlockKind

    with tempfile.TemporaryDirectory() as tmp:
        config = PipelineConfig(analyze_on_ingest=False)
        storyline.ingest([data], db=Path(tmp) / "b.db", config=config)
        stored = [s.article for s in storyline.articles(db=Path(tmp) / "b.db")]
    if as_is:
        return stored[:count]
    base = [a for a in stored if a.language == "en"]
    made = []
    for n in range(count):
        parts = [base[(n * 3 + k) % len(base)] for k in range(3)]
        blocks = [b for p in parts for b in p.blocks]
        blocks.append(Block(BlockKind.PARAGRAPH, f"This is copy number {n} of the benchmark article."))
        made.append(replace(parts[0], blocks=tuple(blocks), content_hash=f"bench-{n}"))
    return made


def _worker_init() -> None:
    try:
        import torch
    except ImportError:  # the default embedder runs on onnxruntime, which takes its threads per call
        return
    torch.set_num_threads(1)  # one core per process: the processes are the parallelism


def _run_chunk(articles: list, embedder: str) -> tuple[int, dict[str, float]]:  # type: ignore[type-arg]
    from storyline.config import AnalyzeConfig
    from storyline.nlp.analyze import analyze_many
    from storyline.nlp.embed import get_embedder

    timings = {"spacy_and_rules": 0.0, "embeddings": 0.0, "cpu_spacy_and_rules": 0.0, "cpu_embeddings": 0.0}
    start, cpu = time.perf_counter(), time.process_time()
    analyses = list(analyze_many(articles, AnalyzeConfig()))
    timings["spacy_and_rules"] += time.perf_counter() - start
    timings["cpu_spacy_and_rules"] += time.process_time() - cpu
    start, cpu = time.perf_counter(), time.process_time()
    sentences = [s.text for a in analyses for s in a.sentences]
    get_embedder(embedder).embed(sentences)
    timings["embeddings"] += time.perf_counter() - start
    timings["cpu_embeddings"] += time.process_time() - cpu
    return len(sentences), timings


def components(articles: list, embedder: str) -> dict[str, float]:  # type: ignore[type-arg]
    """CPU seconds of each part of the analysis of the English ``articles``, in this process
    (texts longer than a parse piece are parsed whole here)."""
    from storyline.config import AnalyzeConfig
    from storyline.nlp import analyze
    from storyline.nlp.embed import get_embedder
    from storyline.nlp.entities import extract_entities
    from storyline.nlp.events import extract_events

    config = AnalyzeConfig()
    model = analyze._english()
    english = [a for a in articles if a.language in (None, "en")]
    seconds: dict[str, float] = defaultdict(float)
    texts: list[str] = []

    def timed(name: str, work: Any) -> Any:
        cpu = time.process_time()
        result = work()
        seconds[name] += time.process_time() - cpu
        return result

    with analyze._one_blas_thread():
        for first in range(0, len(english), config.batch_size):
            chunk = english[first : first + config.batch_size]
            docs = timed(
                "spacy tokenizer",
                lambda chunk=chunk: [
                    model.nlp.make_doc(analyze._analysed_text(a.text, config.max_chars)) for a in chunk
                ],
            )
            for name, component in model.nlp.pipeline:
                docs = timed(f"spacy {name}", lambda c=component, d=docs: list(c.pipe(d)))
            if model.attributes is not None:
                docs = timed("attribute ruler (storyline's)", lambda d=docs: [model.attributes(x) for x in d])
            for article, doc in zip(chunk, docs, strict=True):
                sentences = timed(
                    "sentences and hedges",
                    lambda a=article, d=doc: tuple(analyze._sentences(a, d, score_hedges=True)),
                )
                entities = timed("entities", lambda d=doc: extract_entities(d))
                timed(
                    "events (lemmas included)",
                    lambda a=article, d=doc, s=sentences, e=entities: extract_events(
                        d, s, e, a.published, lemma=model.lemma
                    ),
                )
                texts.extend(s.text for s in sentences)
    timed("embeddings", lambda: get_embedder(embedder).embed(texts))
    total = sum(seconds.values())
    return {
        "articles": len(english),
        "sentences": len(texts),
        "cpu_seconds": round(total, 2),
        "cpu_articles_per_s": round(len(english) / total, 2),
        **{f"cpu_s {name}": round(value, 2) for name, value in seconds.items()},
    }


def run(data: Path, count: int, workers: int, embedder: str, as_is: bool = False) -> dict[str, object]:
    articles = build(data, count, as_is)
    count = len(articles)
    _run = partial(_run_chunk, embedder=embedder)
    words = sum(a.word_count for a in articles) / len(articles)
    # Load models before the clock starts: loading is once per process, not per article.
    _run(articles[:2])
    start = time.perf_counter()
    totals = {"spacy_and_rules": 0.0, "embeddings": 0.0, "cpu_spacy_and_rules": 0.0, "cpu_embeddings": 0.0}
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
    busy = totals["spacy_and_rules"] + totals["embeddings"] or 1.0
    cpu = totals["cpu_spacy_and_rules"] + totals["cpu_embeddings"] or 1.0
    return {
        "articles": count,
        "workers": workers,
        "embedder": embedder,
        "words_per_article": round(words),
        "articles_per_s": round(count / elapsed, 2),
        "sentences_per_s": round(sentences / elapsed, 1),
        "seconds": round(elapsed, 1),
        # CPU seconds of the workers' analysis and embedding: per core, whatever else the machine runs.
        "cpu_articles_per_s": round(count / cpu, 2),
        "cpu_sentences_per_s": round(sentences / cpu, 1),
        "cpu_share_embeddings": round(totals["cpu_embeddings"] / cpu, 3),
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
    parser.add_argument("--as-is", action="store_true", help="analyse the ingested articles themselves")
    parser.add_argument("--components", action="store_true", help="CPU seconds per part (one process)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"no folder at {args.data}: pass --data", file=sys.stderr)
        return 2
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from storyline.config import DEFAULT_EMBEDDER

    embedder = args.embedder or DEFAULT_EMBEDDER
    result = run(args.data, args.articles, args.workers, embedder, args.as_is)
    if args.components:
        result["components"] = components(build(args.data, args.articles, args.as_is), embedder)
    if args.json:
        print(json.dumps({"ours": result, "peers": {}}, indent=2))
    else:
        for key, value in result.items():
            if isinstance(value, dict):
                for part, seconds in value.items():
                    print(f"  {part:<38}{seconds}")
            else:
                print(f"{key:<24}{value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
