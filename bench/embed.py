"""Embedder candidates compared on the job they do here: telling stories apart.

For each embedder, every article of ``--data`` (JSON Lines with ``text`` and a gold ``story``) gets
the vector storyline gives it (the normalised mean of its sentence vectors). Quality: the share of
articles whose nearest other article belongs to the same story (``nn_same_story``), and the gap
between the mean cosine of same-story and different-story pairs. Speed: sentences per second, of
wall time and of CPU time (all threads).

    python bench/embed.py [--data ../shared/datasets/stories-ecbplus.jsonl] [--json]

The torch embedder and the static one's distillation need the torch extra (``scripts/setup --with-torch``).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "datasets" / "stories-ecbplus.jsonl"
CANDIDATES = ("minilm", "minilm-onnx", "minilm-static")
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"“‘])")


def evaluate(name: str, texts: list[str], stories: list[str]) -> dict[str, float]:
    from storyline.nlp.embed import get_embedder, mean_vector

    embedder = get_embedder(name)
    embedder.embed(["warm up"])
    sentences = [[s for s in _SENTENCE.split(" ".join(t.split())) if s] or [t] for t in texts]
    flat = [s for group in sentences for s in group]
    start, cpu = time.perf_counter(), time.process_time()
    vectors = embedder.embed(flat)
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    articles, cursor = [], 0
    for group in sentences:
        articles.append(mean_vector(vectors[cursor : cursor + len(group)]))
        cursor += len(group)
    matrix = np.stack(articles)
    similarity = matrix @ matrix.T
    np.fill_diagonal(similarity, -np.inf)
    labels = np.asarray(stories)
    nearest = similarity.argmax(axis=1)
    same = labels[:, None] == labels[None, :]
    np.fill_diagonal(same, False)
    off_diagonal = ~np.eye(len(labels), dtype=bool)
    finite = np.where(np.isfinite(similarity), similarity, 0.0)
    return {
        "nn_same_story": round(float((labels[nearest] == labels).mean()), 4),
        "same_minus_different_cosine": round(
            float(finite[same].mean() - finite[off_diagonal & ~same].mean()), 4
        ),
        "sentences_per_s": round(len(flat) / elapsed, 1),
        # CPU seconds of every thread: the cost per core, whatever else the machine runs.
        "sentences_per_cpu_s": round(len(flat) / cpu, 1),
        "sentences": len(flat),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if not args.data.exists():
        print(f"no data at {args.data}: pass --data", file=sys.stderr)
        return 2
    rows = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    texts, stories = [r["text"] for r in rows], [str(r["story"]) for r in rows]
    results = {name: evaluate(name, texts, stories) for name in CANDIDATES}
    from storyline.config import AnalyzeConfig

    chosen = AnalyzeConfig().embedder
    if args.json:
        print(
            json.dumps(
                {"ours": results[chosen], "peers": {k: v for k, v in results.items() if k != chosen}},
                indent=2,
            )
        )
        return 0
    print(f"{'embedder':<16}{'nn same story':>15}{'cos gap':>10}{'sent/s':>10}{'sent/cpu-s':>12}")
    for name, result in results.items():
        mark = " (default)" if name == chosen else ""
        print(
            f"{name:<16}{result['nn_same_story']:>15.4f}{result['same_minus_different_cosine']:>10.4f}"
            f"{result['sentences_per_s']:>10.1f}{result['sentences_per_cpu_s']:>12.1f}{mark}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
