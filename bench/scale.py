"""Scaling out: articles/s of the whole pipeline on the local engine (1 and 2 processes) and on a
Dask LocalCluster (2 workers), on the same articles, with memory; and a peer in the same run.

    python bench/scale.py [--data DIR] [--articles N] [--engines local:1,local:2,dask:2] [--json]

Each engine ingests the same ``N`` articles (default 5,000) into a fresh SQLite store through the
public API, ``storyline.ingest(paths, db=..., config=...)``: extraction, furniture, repair,
storing, analysis, embedding and story assignment, everything a user's ``storyline ingest`` does.

Data: real news text. The 537 ECB+ articles (../shared/datasets/stories-ecbplus.jsonl) and the
123 CNN/DailyMail articles (../shared/datasets/summaries-cnndm.jsonl), each written as a ``.txt``
file (a title line, a blank line, the text; the title is the article's first words). To reach
``N`` the set is repeated; copy ``k`` > 0 of an article is made distinct by a prefix on its title
and first sentence ("Update k: ..."), so each copy is a new document with its own content hash.
Copies of one text are near-duplicates, which the grouping stage detects as such: the story counts
are not those of N unrelated articles, and the sentences a copy shares with its original come
from the store's vector cache instead of the embedder; every other stage does its work on every
article.
``--data DIR`` uses the ``.txt``/``.html`` files of a folder instead (repeated the same way).

Memory: the process tree (this process, and the engine's worker processes: the forked
pool workers, or the LocalCluster's nannies and workers) is sampled every 0.2 s with psutil; reported
are the peak of the summed RSS (shared pages counted once per process, so an over-estimate) and
the largest RSS of the runner (this process) and of any single worker. CPU: user+sys seconds of every process of the tree (each
process's last sample), which on a loaded machine is steadier than wall-clock time.

Phases (from the progress hook, in the runner): ``store`` is reading, extraction (on the engine),
furniture, repair and saving until the last document is stored; ``analyze`` runs until the first
article is placed in a story; ``group`` is story assignment to the end (one ordered consumer in
the runner, whatever the engine). ``runner_cpu_s`` is this process's CPU in each phase: the serial
part that more workers do not shorten.

Peer: the cheapest work comparable to ours, in the same run on the same files: read each ``.txt``
and parse it with the same spaCy model through ``nlp.pipe(n_process=2)`` (spaCy's own
multiprocessing, the usual way to scale a spaCy job on one machine). It extracts, repairs,
embeds, stores and groups nothing: it is the floor for any pipeline that parses with this model,
and the ratio says what the rest of our pipeline and the engine cost on top of it.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT.parent / "shared" / "datasets"
ECB = DATASETS / "stories-ecbplus.jsonl"
CNNDM = DATASETS / "summaries-cnndm.jsonl"


def base_articles(data: Path | None) -> list[tuple[str, str, str]]:
    """(name, title, text) of every distinct article of the data set."""
    if data is not None:
        out = []
        for path in sorted(data.rglob("*")):
            if path.suffix in (".txt", ".html", ".htm"):
                text = path.read_text(encoding="utf-8", errors="replace")
                out.append((path.stem, "", text))
        return out
    out = []
    for source, field in ((ECB, "text"), (CNNDM, "article")):
        with source.open(encoding="utf-8") as lines:
            for number, line in enumerate(lines):
                record = json.loads(line)
                text = " ".join(str(record[field]).split("\n")).strip()
                if not text:
                    continue
                title = " ".join(text.split()[:10]).rstrip(".,;:")
                out.append((f"{source.stem}-{number:04d}", title, str(record[field]).strip()))
    return out


def write_corpus(folder: Path, articles: list[tuple[str, str, str]], count: int) -> list[Path]:
    """``count`` files in ``folder``: the articles, then prefixed copies of them."""
    paths = []
    for n in range(count):
        name, title, text = articles[n % len(articles)]
        copy = n // len(articles)
        if copy:
            title, text = f"Update {copy}: {title}", f"Update {copy}: {text}"
        # Folders of 1,000 files: the walk is deterministic (sorted) and no folder is huge.
        path = folder / f"{n // 1000:03d}" / f"{copy:02d}-{name}.txt"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{title}\n\n{text}\n" if title else text, encoding="utf-8")
        paths.append(path)
    return paths


class TreeSampler:
    """Peak memory and CPU of this process and all its descendants, sampled in a thread."""

    def __init__(self, interval: float = 0.2) -> None:
        import psutil

        self._root = psutil.Process()
        self._interval = interval
        self._stop = threading.Event()
        self.peak_rss = 0
        self.peak_worker_rss = 0
        self.peak_runner_rss = 0
        self._cpu: dict[int, float] = {}
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeSampler:
        self._base = self._sample_cpu_now()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self._sample()

    def _sample_cpu_now(self) -> float:
        times = self._root.cpu_times()
        return float(times.user + times.system)

    def _sample(self) -> None:
        import psutil

        total = 0
        processes = [self._root, *self._root.children(recursive=True)]
        for process in processes:
            try:
                rss = process.memory_info().rss
                times = process.cpu_times()
            except psutil.Error:
                continue  # exited between listing and reading
            total += rss
            if process.pid != self._root.pid:
                self.peak_worker_rss = max(self.peak_worker_rss, rss)
            else:
                self.peak_runner_rss = max(self.peak_runner_rss, rss)
            self._cpu[process.pid] = times.user + times.system
        self.peak_rss = max(self.peak_rss, total)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self._sample()

    @property
    def cpu_s(self) -> float:
        """CPU seconds of the tree since entering (this process's from its start mark)."""
        own = self._cpu.get(self._root.pid, self._base) - self._base
        return own + sum(v for pid, v in self._cpu.items() if pid != self._root.pid)


def ours(corpus: Path, engine: str, workers: int, tmp: Path) -> dict[str, Any]:
    import storyline
    from storyline.config import EngineConfig

    config = storyline.PipelineConfig(engine=EngineConfig(name=engine, workers=workers))
    marks: dict[str, tuple[float, float]] = {}

    def progress(_: str, outcome: str) -> None:
        now = (time.perf_counter(), time.process_time())
        if outcome in ("ingested", "revised", "unchanged", "skipped"):
            marks["stored"] = now
        elif outcome == "grouped" and "grouping" not in marks:
            marks["grouping"] = now
        elif outcome == "briefed" and "briefing" not in marks:
            marks["briefing"] = now  # the briefs kept for the first reader: part of "group" below

    db = tmp / f"{engine}-{workers}.db"
    with TreeSampler() as sampler:
        start = (time.perf_counter(), time.process_time())
        report = storyline.ingest([corpus], db=db, config=config, on_progress=progress)
        end = (time.perf_counter(), time.process_time())
    stored, grouping = marks.get("stored", start), marks.get("grouping", end)
    wall = end[0] - start[0]
    ingested = len(report.ingested)
    stories = len(storyline.stories(db=db))
    # The store's size per article: raw bytes (compressed), clean text, analysis, vectors, indexes.
    store_bytes = sum(f.stat().st_size for f in tmp.glob(f"{db.name}*"))
    return {
        "engine": engine,
        "workers": workers,
        "articles": ingested,
        "skipped": len(report.skipped),
        "stories": stories,
        "seconds": round(wall, 1),
        "articles_per_s": round(ingested / wall, 2),
        "cpu_s": round(sampler.cpu_s, 1),
        "articles_per_cpu_s": round(ingested / sampler.cpu_s, 2) if sampler.cpu_s else None,
        "phases_s": {
            "store": round(stored[0] - start[0], 1),
            "analyze": round(grouping[0] - stored[0], 1),
            "group": round(end[0] - grouping[0], 1),
        },
        "runner_cpu_s": {
            "store": round(stored[1] - start[1], 1),
            "analyze": round(grouping[1] - stored[1], 1),
            "group": round(end[1] - grouping[1], 1),
        },
        "store_kb_per_article": round(store_bytes / 1024 / max(1, ingested), 1),
        "peak_rss_mb": round(sampler.peak_rss / 2**20),
        "peak_runner_rss_mb": round(sampler.peak_runner_rss / 2**20),
        "peak_worker_rss_mb": round(sampler.peak_worker_rss / 2**20),
    }


def peer(paths: list[Path], processes: int) -> dict[str, Any]:
    """Read every file and parse it with spaCy's nlp.pipe(n_process=...)."""
    import spacy

    from storyline.nlp.analyze import ENGLISH_MODEL

    with TreeSampler() as sampler:
        start = time.perf_counter()
        nlp = spacy.load(ENGLISH_MODEL)
        texts = (p.read_text(encoding="utf-8") for p in paths)
        parsed = sum(1 for _ in nlp.pipe(texts, n_process=processes, batch_size=16))
        wall = time.perf_counter() - start
    return {
        "what": f"read + spaCy {ENGLISH_MODEL} nlp.pipe(n_process={processes})",
        "articles": parsed,
        "seconds": round(wall, 1),
        "articles_per_s": round(parsed / wall, 2),
        "cpu_s": round(sampler.cpu_s, 1),
        "articles_per_cpu_s": round(parsed / sampler.cpu_s, 2) if sampler.cpu_s else None,
        "peak_rss_mb": round(sampler.peak_rss / 2**20),
    }


def _engines(spec: str) -> Iterator[tuple[str, int]]:
    for item in spec.split(","):
        name, _, workers = item.partition(":")
        yield name, int(workers or 1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, help="folder of .txt/.html articles (default: ECB+ and CNN/DM)")
    parser.add_argument("--articles", type=int, default=5000)
    parser.add_argument("--engines", default="local:1,local:2,dask:2", help="engine:workers, comma-separated")
    parser.add_argument("--peer-processes", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    articles = base_articles(args.data)
    if not articles:
        print("no articles found", file=sys.stderr)
        return 1
    results: dict[str, Any] = {"ours": {}, "peers": {}}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        paths = write_corpus(tmp / "corpus", articles, args.articles)
        for engine, workers in _engines(args.engines):
            key = f"{engine}-{workers}"
            results["ours"][key] = ours(tmp / "corpus", engine, workers, tmp)
            if not args.json:
                print(key, results["ours"][key], flush=True)
        results["peers"]["spacy-pipe"] = peer(paths, args.peer_processes)
    best = max(r["articles_per_s"] for r in results["ours"].values())
    results["ratio_best_ours_to_peer"] = round(best / results["peers"]["spacy-pipe"]["articles_per_s"], 3)
    results["machine"] = {"cpus": os.cpu_count(), "articles": args.articles, "distinct": len(articles)}
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print("peer", results["peers"]["spacy-pipe"])
        print("ratio (best of ours / peer articles/s):", results["ratio_best_ours_to_peer"])
    return 0


if __name__ == "__main__":
    # The engines start worker processes by forkserver (local) or spawn (Dask): this module is
    # re-imported in them, so the run is under this guard.
    sys.exit(main())
