"""Discrepancies on unseen articles: are the pairs the facts layer shows as "sources disagree" real
contradictions, and how many real ones does it find?

    python bench/conflicts.py [--db STORE | --db-dir DIR] [--pairs FILE] [--labels FILE] [--json]

The labels (docs/annotation.md, section 7) judge sentence pairs drawn from *every* article of the
48 ECB+ stories (about eleven a story), not only the four articles each brief label covers, so most
of what is scored here was never looked at while the brief code was tuned. The candidates are pairs
of claims of two articles whose figures share a slot with values that do not fit each other; the
sample (``bench/data/sample_conflict_pairs.py``) holds every candidate the code of 2026-12-08
flagged and a random draw of the others, each with its inclusion probability. Figures are weighted
back to the whole pool (a drawn pair stands for ``1 / inclusion`` candidates), test part first
(``bench/data/SPLIT.md``).

Ours: the pairs the facts layer puts on two sides of one discrepancy when it reads each gold story
whole (``storyline.facts.build.story_facts``, the brief's own configuration). A flagged pair outside
the pool cannot be judged and is counted apart (``flagged_outside_pool``).

Peers, on the same candidates: a candidate is a discrepancy when its two sentences are close enough
(TF-IDF cosine; the MiniLM cosine of the packaged embedder), the threshold being the best weighted
F1 on the tune part: what a reader of "same event, different number" would build without a slot
reader.

``STORE`` holds every article of ``stories-ecbplus.jsonl`` as ``bench/stories.py`` ingests them;
without ``--db`` one is ingested into ``--db-dir`` (default: a temporary folder; about ten minutes
on two cores) and reused when it is there.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

DEFAULT_STORIES = HERE.parent.parent / "shared" / "datasets" / "stories-ecbplus.jsonl"
DEFAULT_PAIRS = HERE / "data" / "conflict-pairs.jsonl"
DEFAULT_LABELS = HERE / "data" / "conflict-labels.jsonl"
PARTS = ("test", "tune")

Key = tuple[str, str, str]


def pair_key(story: str, a: str, b: str) -> Key:
    first, second = sorted((a, b))
    return story, first, second


def candidates(
    db: Path, stories_file: Path, config: Any = None, shown: str = "disputes"
) -> tuple[list[dict[str, Any]], set[Key]]:
    """Every candidate pair of the store's gold stories, and the pairs the facts layer flags now:
    ``shown`` "disputes" (the brief's "Sources disagree"), "updates" (a figure that changed between
    articles of different days, shown apart) or "all" (what the sample was drawn with)."""
    from storyline.config import PipelineConfig, StoreConfig
    from storyline.facts.build import _items, _slots, story_facts
    from storyline.lang import language
    from storyline.nlp.quantities import compatible
    from storyline.pipeline.brief import _sources
    from storyline.store import Store

    rows = [json.loads(line) for line in stories_file.open(encoding="utf-8")]
    by_line = {n: row for n, row in enumerate(rows, start=1)}
    config = config or PipelineConfig()
    lang = language("en")
    pool: list[dict[str, Any]] = []
    flagged: set[Key] = set()
    with Store.open(StoreConfig.for_path(db)) as store:
        members = store.articles_by_ids([a.id for a in store.articles()])
        by_story: dict[str, list[Any]] = defaultdict(list)
        doc_of: dict[int, str] = {}
        for m in members:
            row = by_line[int(m.article.locator.rsplit("#", 1)[1])]
            by_story[row["story"]].append(m)
            doc_of[m.id] = row["id"]
        for story, group in sorted(by_story.items()):
            sources = _sources(store, group, config, {})
            text = {
                (s.article_id, i): sentence.text
                for s in sources
                for i, sentence in enumerate(s.analysis.sentences)
            }
            items = _items(sources, config.briefs.summary)
            for x, y in itertools.combinations(items, 2):
                if x.source == y.source:
                    continue
                sx, sy = sources[x.source], sources[y.source]
                slots_x, slots_y = _slots(x.claim.quantities, lang), _slots(y.claim.quantities, lang)
                for key in sorted(slots_x.keys() & slots_y.keys()):
                    if any(compatible(p, q) for p in slots_x[key] for q in slots_y[key]):
                        continue
                    pool.append(
                        {
                            "story": story,
                            "a": {
                                "doc": doc_of[sx.article_id],
                                "text": text[(sx.article_id, x.claim.sentence)],
                            },
                            "b": {
                                "doc": doc_of[sy.article_id],
                                "text": text[(sy.article_id, y.claim.sentence)],
                            },
                        }
                    )
                    break
            found = story_facts(sources, config.briefs.facts, config.briefs.summary)
            for conflict in found.conflicts:
                if shown != "all" and conflict.update != (shown == "updates"):
                    continue  # the brief shows updates apart from disputes
                for (_, one), (_, other) in itertools.combinations(conflict.sides, 2):
                    for p in one:
                        for q in other:
                            ta = text[(p.citation.article_id, p.citation.sentence)]
                            tb = text[(q.citation.article_id, q.citation.sentence)]
                            flagged.add(pair_key(story, ta, tb))
    # One row per sentence pair (two claims of one sentence pair give one candidate).
    seen: dict[Key, dict[str, Any]] = {}
    for row in pool:
        seen.setdefault(pair_key(row["story"], row["a"]["text"], row["b"]["text"]), row)
    return list(seen.values()), flagged


def store_of(args: argparse.Namespace) -> Path:
    """The store of every ECB+ article: ``--db``, or one ingested into ``--db-dir``."""
    if args.db is not None:
        return Path(args.db)
    folder = Path(args.db_dir or tempfile.mkdtemp(prefix="conflicts-"))
    db = folder / "all.db"
    if not db.exists():
        import stories

        folder.mkdir(parents=True, exist_ok=True)
        stories.ingest(stories.load(args.stories), db, stories.ecb_config())
    return db


def load(pairs: Path, labels: Path) -> list[dict[str, Any]]:
    """The sampled pairs with their labels (unsure and unlabelled pairs left out)."""
    rows = {r["id"]: r for r in map(json.loads, pairs.open(encoding="utf-8"))}
    out = []
    for label in map(json.loads, labels.open(encoding="utf-8")):
        row = rows.get(label["id"])
        if row is None or label["label"] not in ("contradiction", "not"):
            continue
        out.append({**row, "positive": label["label"] == "contradiction", "kind": label.get("kind", "")})
    return out


def weighted(said: Sequence[bool], rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Precision and recall of ``said`` weighted back to the pool, with the plain counts."""
    tp = fp = fn = 0.0
    counts = {"flagged": 0, "right": 0, "positives": 0}
    for flag, row in zip(said, rows, strict=True):
        w = 1.0 / row["inclusion"]
        positive = row["positive"]
        tp += w * (flag and positive)
        fp += w * (flag and not positive)
        fn += w * (positive and not flag)
        counts["flagged"] += int(flag)
        counts["right"] += int(flag and positive)
        counts["positives"] += int(positive)
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    f1 = 2 * precision * recall / (precision + recall) if precision and recall else 0.0
    return {
        "precision": round(precision, 4) if precision is not None else None,
        "recall": round(recall, 4) if recall is not None else None,
        "f1": round(f1, 4),
        **counts,
        "pairs": len(rows),
    }


def peer_scores(rows: Sequence[dict[str, Any]], stories_file: Path) -> dict[str, np.ndarray]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    from storyline.config import DEFAULT_EMBEDDER
    from storyline.nlp.embed import get_embedder

    with stories_file.open(encoding="utf-8") as handle:
        corpus = [json.loads(line)["text"] for line in handle if line.strip()]
    model = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit(corpus)
    a = model.transform([r["a"]["text"] for r in rows])
    b = model.transform([r["b"]["text"] for r in rows])
    tfidf = np.asarray(a.multiply(b).sum(axis=1)).ravel()
    sentences = sorted({r[side]["text"] for r in rows for side in ("a", "b")})
    vectors = dict(zip(sentences, get_embedder(DEFAULT_EMBEDDER).embed(sentences), strict=True))
    minilm = np.array([float(vectors[r["a"]["text"]] @ vectors[r["b"]["text"]]) for r in rows])
    return {"tfidf_cosine": tfidf, "minilm_cosine": minilm}


def best_threshold(scores: np.ndarray, rows: Sequence[dict[str, Any]]) -> float:
    from sklearn.metrics import precision_recall_curve

    positive = np.array([r["positive"] for r in rows])
    weights = np.array([1.0 / r["inclusion"] for r in rows])
    precision, recall, thresholds = precision_recall_curve(positive, scores, sample_weight=weights)
    f1 = 2 * precision[:-1] * recall[:-1] / np.maximum(precision[:-1] + recall[:-1], 1e-9)
    return float(thresholds[int(np.argmax(f1))])


def run(db: Path, stories_file: Path, pairs: Path, labels: Path, config: Any = None) -> dict[str, Any]:
    """Ours and the peers on the labelled pairs, part by part (test first)."""
    rows = load(pairs, labels)
    pool, flagged = candidates(db, stories_file, config)
    pooled = {pair_key(r["story"], r["a"]["text"], r["b"]["text"]) for r in pool}
    keys = [pair_key(r["story"], r["a"]["text"], r["b"]["text"]) for r in rows]
    ours = [k in flagged for k in keys]
    _, updated = candidates(db, stories_file, config, shown="updates")
    scores = peer_scores(rows, stories_file)
    tune = [i for i, r in enumerate(rows) if r["part"] == "tune"]
    thresholds = {name: best_threshold(s[tune], [rows[i] for i in tune]) for name, s in scores.items()}
    out: dict[str, Any] = {"parts": {}}
    for part in PARTS:
        index = [i for i, r in enumerate(rows) if r["part"] == part]
        part_rows = [rows[i] for i in index]
        stories_of_part = {r["story"] for r in part_rows}
        out["parts"][part] = {
            "ours": {
                **weighted([ours[i] for i in index], part_rows),
                "flagged_outside_pool": sum(1 for k in flagged - pooled if k[0] in stories_of_part),
                # The "Updates" list: right when the pair is one figure of one thing that differs
                # (labelled an update, or a contradiction the dates may explain).
                "updates": weighted(
                    [keys[i] in updated for i in index],
                    [{**r, "positive": r["positive"] or r["kind"] == "update"} for r in part_rows],
                ),
            },
            "peers": {
                name: {
                    **weighted([bool(s[i] >= thresholds[name]) for i in index], part_rows),
                    "threshold": round(thresholds[name], 4),
                }
                for name, s in scores.items()
            },
        }
    out["ours"] = out["parts"][PARTS[0]]["ours"]
    out["peers"] = out["parts"][PARTS[0]]["peers"]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", type=Path, help="a store of every ECB+ article (bench/stories.py)")
    parser.add_argument("--db-dir", type=Path, help="ingest the store here when --db is not given (reused)")
    parser.add_argument("--data", "--stories", dest="stories", type=Path, default=DEFAULT_STORIES)
    parser.add_argument("--pairs", type=Path, default=DEFAULT_PAIRS)
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS)
    parser.add_argument(
        "--part", choices=PARTS, action="append", help="print only this part (tuning reads --part tune)"
    )
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = run(store_of(args), args.stories, args.pairs, args.labels)
    if args.part:
        result["parts"] = {p: f for p, f in result["parts"].items() if p in args.part}
        result["ours"] = result["parts"][args.part[0]]["ours"]
        result["peers"] = result["parts"][args.part[0]]["peers"]
    if args.json:
        print(json.dumps(result))
        return 0
    for part, figures in result["parts"].items():
        ours = figures["ours"]
        print(f"\n{part} part: {ours['pairs']} labelled pairs, {ours['positives']} contradictions")
        print(f"{'':16} {'precision':>9} {'recall':>7} {'F1':>6} {'flagged':>8} {'right':>6}")
        for name, f in (("ours", ours), *figures["peers"].items()):
            p = "-" if f["precision"] is None else f"{f['precision']:.3f}"
            r = "-" if f["recall"] is None else f"{f['recall']:.3f}"
            print(f"{name:16} {p:>9} {r:>7} {f['f1']:>6.3f} {f['flagged']:>8} {f['right']:>6}")
        best = max(f["f1"] for f in figures["peers"].values())
        print(f"ours / best peer F1: {ours['f1'] / best:.2f}" if best else "no peer flagged a contradiction")
        print(f"flagged outside the labelled pool: {ours['flagged_outside_pool']}")
        up = ours["updates"]
        shown = "-" if up["precision"] is None else f"{up['precision']:.3f}"
        print(f"updates: {up['flagged']} labelled pairs shown as updates, precision {shown}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
