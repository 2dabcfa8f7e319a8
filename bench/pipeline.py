"""The whole pipeline's speed on real pages: raw page to stored, analysed, grouped article.

Ingests a folder of saved pages into a fresh store end to end (extract, furniture, repair, store,
analyse, group) and, in the same run on the same pages, trafilatura's extraction alone (the peer:
the floor no pipeline that extracts with it can beat). Prints pages/s for both, the ratio, the share
of time per phase and peak memory, for 1 and 2 worker processes.

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
            # starts, and all analysed before the first is grouped.
            marks["analyzed" if outcome == "analyzed" else "grouped" if outcome == "grouped" else "text"] = (
                time.perf_counter()
            )

        with TreeSampler() as memory:
            start = time.perf_counter()
            report = storyline.ingest([folder], db=db, config=config, on_progress=on_progress)
            grouped = time.perf_counter()
        with Store.open(storyline.StoreConfig.for_path(db)) as store:
            stories = len(store.stories())
    total = grouped - start
    text_done = marks.get("text", start)
    analysed = marks.get("analyzed", text_done)
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
            "group": round((grouped - analysed) / total, 3),
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
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if not args.data.exists():
        sys.exit(f"no pages at {args.data}: pass --data DIR (a folder of .html or .html.gz pages)")
    pages = distinct_copies(load_pages(args.data), args.repeat)
    peer_seconds = peer(pages)
    peer_rate = len(pages) / peer_seconds
    results = {}
    for workers in (int(w) for w in args.workers.split(",")):
        results[f"{workers} process{'es' if workers > 1 else ''}"] = ours(pages, workers, args.embedder)
    out = {
        "ours": results,
        "peers": {"trafilatura extraction alone": {"pages": len(pages), "pages_per_s": round(peer_rate, 2)}},
    }
    if args.json:
        print(json.dumps(out, indent=2))
        return
    print(f"{len(pages)} pages; trafilatura extraction alone: {peer_rate:.1f} pages/s")
    for name, r in results.items():
        shares = ", ".join(f"{k} {v:.0%}" for k, v in r["share"].items())
        print(
            f"ours, {name}: {r['pages_per_s']:.2f} pages/s (ratio {r['pages_per_s'] / peer_rate:.3f}); "
            f"{r['ingested']} ingested, {r['skipped']} skipped, {r['stories']} stories; {shares}"
        )
        print(
            f"  peak memory {r['peak_memory_mb']:.0f} MB in all, {r['peak_worker_memory_mb']:.0f} MB in a worker"
        )


if __name__ == "__main__":
    main()
