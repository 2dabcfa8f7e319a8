"""The whole pipeline's speed on real pages: raw page to stored, analysed, grouped article.

Ingests a folder of saved pages into a fresh store end to end (extract, furniture, repair, store,
analyse, group) and, in the same run on the same pages, the peers:

- trafilatura's extraction alone (the floor no pipeline that extracts with it can beat);
- the same models alone, with no storyline code: trafilatura, then stock spaCy (``nlp.pipe`` with the
  packaged English model, every component), then all-MiniLM-L6-v2 int8 on every spaCy sentence, in a
  pool of as many processes as the most ``--workers`` asked for, models loaded once per process.
  Nothing storyline does (repair, storing, grouping, the runner) is in it, so it is the ceiling of
  any runner built on these models on this machine. ``--no-models-peer`` leaves it out.

Prints pages/s for each, the ratios, the share of time per phase and peak memory, for 1 and 2
worker processes.

    python bench/pipeline.py [--data DIR] [--repeat N] [--workers 1,2] [--embedder NAME] [--json]

``--data`` is a folder of ``.html``/``.html.gz`` pages (default: the dev extraction pages).
``--repeat N`` ingests N copies of every page, each made distinct (a number in its title and first
paragraph), so fixed costs (loading models) and scaling show.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "datasets" / "extraction" / "html"


def load_pages(folder: Path) -> list[tuple[str, bytes]]:
    pages = []
    for path in sorted(folder.iterdir()):
        if path.name.endswith(".html.gz"):
            pages.append((path.name[:-3], gzip.decompress(path.read_bytes())))
        elif path.suffix in (".html", ".htm"):
            pages.append((path.name, path.read_bytes()))
    return pages


def distinct_copies(pages: list[tuple[str, bytes]], repeat: int) -> list[tuple[str, bytes]]:
    """``repeat`` copies of each page, each changed in its title and first paragraph so no two are
    the same document (nor near-duplicates by their first words)."""
    out = []
    for n in range(repeat):
        for name, data in pages:
            if n == 0:
                out.append((name, data))
                continue
            tag = f" (copy {n})".encode()
            changed = re.sub(rb"(</title>)", tag + rb"\1", data, count=1, flags=re.IGNORECASE)
            changed = re.sub(
                rb"(<p[^>]*>)", rb"\1" + f"Copy {n}: ".encode(), changed, count=1, flags=re.IGNORECASE
            )
            out.append((f"{n}-{name}", changed))
    return out


def peer(pages: list[tuple[str, bytes]]) -> float:
    """trafilatura's extraction alone: seconds for all pages."""
    import trafilatura

    start = time.perf_counter()
    for _, data in pages:
        trafilatura.extract(data.decode("utf-8", "replace"), fast=True)
    return time.perf_counter() - start


# The models-alone peer's state in each of its processes: loaded on the process's first chunk.
_MODELS: dict[str, Any] = {}


def _models_chunk(chunk: list[bytes]) -> tuple[int, float, float]:
    """Extract, parse and embed a chunk of pages; returns its sentences and the CPU seconds of
    spaCy and of the embedding."""
    import spacy
    import trafilatura

    from storyline.nlp.analyze import ENGLISH_MODEL
    from storyline.nlp.embed import MiniLMOnnx

    if not _MODELS:
        _MODELS["nlp"] = spacy.load(ENGLISH_MODEL)
        _MODELS["embedder"] = MiniLMOnnx()
    texts = [trafilatura.extract(data.decode("utf-8", "replace"), fast=True) or "" for data in chunk]
    start = time.process_time()
    docs = list(_MODELS["nlp"].pipe(texts))
    parsed = time.process_time()
    sentences = [sentence.text for doc in docs for sentence in doc.sents]
    _MODELS["embedder"].embed(sentences)
    return len(sentences), parsed - start, time.process_time() - parsed


def models_peer(pages: list[tuple[str, bytes]], processes: int) -> dict[str, Any]:
    """The same models with nothing around them (see the module's docstring): pages in chunks of 8
    (storyline's extraction chunk) over a forked pool; one embedding thread per process."""
    import multiprocessing
    import os

    os.environ["STORYLINE_EMBED_THREADS"] = "1"
    try:
        chunks = [[data for _, data in pages[i : i + 8]] for i in range(0, len(pages), 8)]
        start = time.perf_counter()
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            done = pool.map(_models_chunk, chunks, chunksize=1)
        seconds = time.perf_counter() - start
    finally:
        os.environ.pop("STORYLINE_EMBED_THREADS", None)
    return {
        "pages": len(pages),
        "processes": processes,
        "sentences": sum(n for n, _, _ in done),
        "pages_per_s": round(len(pages) / seconds, 2),
        "spacy_cpu_s_per_page": round(sum(p for _, p, _ in done) / len(pages), 4),
        "embedding_cpu_s_per_page": round(sum(e for _, _, e in done) / len(pages), 4),
    }


class TreeSampler:
    """Peak proportional memory (PSS) of this process and every process under it (the engine's workers are
    the forkserver's children, which getrusage's RUSAGE_CHILDREN never sees), sampled every 0.5 s."""

    def __init__(self) -> None:
        import threading

        import psutil

        self._me = psutil.Process()
        self.peak_mb = 0.0
        self.peak_worker_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psutil

        while not self._stop.wait(0.5):
            try:
                children = self._me.children(recursive=True)
                # PSS, not RSS: forked workers share the runner's pages until they write them, and
                # RSS would count those once per process.
                sizes = [c.memory_full_info().pss for c in children]
                total = self._me.memory_full_info().pss + sum(sizes)
            except psutil.Error:
                continue
            self.peak_mb = max(self.peak_mb, total / 2**20)
            self.peak_worker_mb = max(self.peak_worker_mb, max(sizes, default=0) / 2**20)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def ours(pages: list[tuple[str, bytes]], workers: int, embedder: str | None = None) -> dict[str, Any]:
    """One `storyline.ingest` of the folder, as a user runs it (extract, furniture, repair, store,
    analyse, group in one call, on one engine); the phases are timed by the progress events."""
    import storyline
    from storyline.config import AnalyzeConfig, EngineConfig, PipelineConfig
    from storyline.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "pages"
        folder.mkdir()
        for name, data in pages:
            (folder / name).write_bytes(data)
        db = Path(tmp) / "s.db"
        analyze = AnalyzeConfig() if embedder is None else AnalyzeConfig(embedder=embedder)
        config = PipelineConfig(analyze=analyze, engine=EngineConfig(workers=workers))
        marks: dict[str, float] = {}

        def on_progress(locator: str, outcome: str) -> None:
            # The last event of each kind: documents are all stored before the first analysis
            # starts, all analysed before the first is grouped, all grouped before the first
            # story is briefed (phase totals and the furniture re-pass are no phase's end).
            kind = {"analyzed": "analyzed", "grouped": "grouped", "briefed": "briefed"}.get(outcome)
            if kind is None and outcome in ("ingested", "revised", "unchanged", "skipped"):
                kind = "text"
            if kind is not None:
                marks[kind] = time.perf_counter()

        with TreeSampler() as memory:
            start = time.perf_counter()
            report = storyline.ingest([folder], db=db, config=config, on_progress=on_progress)
            grouped = time.perf_counter()
        with Store.open(storyline.StoreConfig.for_path(db)) as store:
            stories = len(store.stories())
    total = grouped - start
    text_done = marks.get("text", start)
    analysed = marks.get("analyzed", text_done)
    placed = marks.get("grouped", grouped)
    return {
        "pages": len(pages),
        "ingested": len(report.ingested),
        "skipped": len(report.skipped),
        "stories": stories,
        "seconds": round(total, 2),
        "pages_per_s": round(len(pages) / total, 2),
        "share": {
            "extract, furniture, repair, store": round((text_done - start) / total, 3),
            "analyse": round((analysed - text_done) / total, 3),
            "group": round((placed - analysed) / total, 3),
            "brief (kept for the first reader)": round((grouped - placed) / total, 3),
        },
        "peak_memory_mb": round(memory.peak_mb, 1),
        "peak_worker_memory_mb": round(memory.peak_worker_mb, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--embedder", default=None, help="sentence embedder (default: the configured one)")
    parser.add_argument("--no-models-peer", action="store_true", help="leave out the models-alone peer")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not args.data.exists():
        sys.exit(f"no pages at {args.data}: pass --data DIR (a folder of .html or .html.gz pages)")
    pages = distinct_copies(load_pages(args.data), args.repeat)
    peer_seconds = peer(pages)
    peer_rate = len(pages) / peer_seconds
    counts = [int(w) for w in args.workers.split(",")]
    peers: dict[str, Any] = {
        "trafilatura extraction alone": {"pages": len(pages), "pages_per_s": round(peer_rate, 2)}
    }
    models = None if args.no_models_peer else models_peer(pages, max(counts))
    if models is not None:
        models["ratio_to_trafilatura"] = round(models["pages_per_s"] / peer_rate, 3)
        peers["the same models alone"] = models
    results = {}
    for workers in counts:
        result = ours(pages, workers, args.embedder)
        result["ratio_to_trafilatura"] = round(result["pages_per_s"] / peer_rate, 3)
        if models is not None and workers == models["processes"]:
            result["ratio_to_models_alone"] = round(result["pages_per_s"] / models["pages_per_s"], 3)
        results[f"{workers} process{'es' if workers > 1 else ''}"] = result
    out = {"ours": results, "peers": peers}
    if args.json:
        print(json.dumps(out, indent=2))
        return
    print(f"{len(pages)} pages; trafilatura extraction alone: {peer_rate:.1f} pages/s")
    if models is not None:
        print(
            f"the same models alone, {models['processes']} processes: {models['pages_per_s']:.2f} pages/s "
            f"(ratio {models['ratio_to_trafilatura']:.3f}); per page, spaCy "
            f"{models['spacy_cpu_s_per_page']:.3f} CPU-s, embedding {models['embedding_cpu_s_per_page']:.3f} CPU-s"
        )
    for name, r in results.items():
        shares = ", ".join(f"{k} {v:.0%}" for k, v in r["share"].items())
        against = r.get("ratio_to_models_alone")
        print(
            f"ours, {name}: {r['pages_per_s']:.2f} pages/s (ratio {r['ratio_to_trafilatura']:.3f}"
            + (f"; {against:.2f} x the models alone" if against is not None else "")
            + f"); {r['ingested']} ingested, {r['skipped']} skipped, {r['stories']} stories; {shares}"
        )
        print(
            f"  peak memory {r['peak_memory_mb']:.0f} MB in all, {r['peak_worker_memory_mb']:.0f} MB in a worker"
        )


if __name__ == "__main__":
    main()
