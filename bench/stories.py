"""Grouping articles into stories on ECB+: ours vs TF-IDF average-link agglomerative clustering.

Every article goes through the real pipeline (``storyline.ingest`` of a JSON Lines export, placed
strictly in file order: extraction, understanding, then grouping one article at a time, each
seeing only those before it). The ``topic`` field is never read: each topic holds two different
real events of the same kind, which is what makes the set hard. The peer, TF-IDF cosine with
average-link agglomerative clustering, sees all articles at once; its best of the distance
thresholds 0.7, 0.8 and 0.9 on the dev part is reported, on the file's raw text and on the text
storyline extracted (the raw text keeps each ECB+ article's address line, whose "http", "www" and
year tokens alone tell ECB+'s newer articles from its older ones).

Parts (bench/data/SPLIT.md): the articles of the 16 test stories of ``split.json`` are the
held-out part, printed first and never read item by item; the other 32 stories are dev; "all" is
the whole file. A part's figures average over its articles with whole clusters (an article of
the part put with one of another part still costs its precision).

Two modes, each against the peer in the same run:

- **normal**: the file as it is, with stories allowed to span 180 days (see ``ecb_config``) and with
  the default window;
- **hard**: every article's publication date removed (its address line and its date lines), and
  the articles arriving in a shuffled order (seed ``HARD_SEED``): grouping must place undated
  articles by what they report.

Each mode scores stories (gold: the ECB+ story) and threads (an article's story's thread, or its
story when the story is in none; gold: the ECB+ story too, a seminal event and its follow-ups:
a thread must hold every story of its subject, and never the topic's other event).

    python bench/stories.py [--data FILE] [--db-dir DIR] [--mode normal|hard|both] [--json]
                            [--sweep] [--dump-dev FILE]
    python bench/stories.py --pin    # the quality gate's floor (bench/floors.py)

``--db-dir`` keeps the ingested stores (normal.db, hard.db), so a second run (or ``--sweep``,
which regroups the stored articles under other settings) skips the slow part. ``--dump-dev``
writes the dev stories' clusters (never a test story's) for reading errors.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "datasets" / "stories-ecbplus.jsonl"
SPLIT = ROOT / "bench" / "data" / "split.json"
HARD_SEED = 20261207
PARTS = ("test", "dev", "all")


def load(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def test_stories() -> set[str]:
    return set(json.loads(SPLIT.read_text(encoding="utf-8"))["test_stories"])


def bcubed(pred: list[str], gold: list[str], part: list[int] | None = None) -> dict[str, float]:
    """BCubed and pairwise figures of ``pred`` against ``gold``, averaged over the items of
    ``part`` (all when None) with whole clusters: a held-out article put with an article of
    another part still costs its precision, so a part's figure is how its articles fared, not
    how a clustering of that part alone would have."""
    by_pred: dict[str, set[int]] = defaultdict(set)
    by_gold: dict[str, set[int]] = defaultdict(set)
    for i, (p, g) in enumerate(zip(pred, gold, strict=True)):
        by_pred[p].add(i)
        by_gold[g].add(i)
    chosen = list(range(len(pred))) if part is None else part
    inside = set(chosen)
    precision = recall = 0.0
    for i in chosen:
        overlap = len(by_pred[pred[i]] & by_gold[gold[i]])
        precision += overlap / len(by_pred[pred[i]])
        recall += overlap / len(by_gold[gold[i]])
    precision /= len(chosen)
    recall /= len(chosen)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    # Pairwise: every pair of articles with one in the part, same cluster or not.
    tp = fp = fn = 0
    for i in range(len(pred)):
        for j in range(i + 1, len(pred)):
            if i not in inside and j not in inside:
                continue
            same_pred, same_gold = pred[i] == pred[j], gold[i] == gold[j]
            tp += same_pred and same_gold
            fp += same_pred and not same_gold
            fn += same_gold and not same_pred
    pp = tp / (tp + fp) if tp + fp else 0.0
    pr = tp / (tp + fn) if tp + fn else 0.0
    return {
        "bcubed_precision": round(precision, 4),
        "bcubed_recall": round(recall, 4),
        "bcubed_f1": round(f1, 4),
        "pairwise_precision": round(pp, 4),
        "pairwise_recall": round(pr, 4),
        "pairwise_f1": round(2 * pp * pr / (pp + pr), 4) if pp + pr else 0.0,
        "clusters": len({pred[i] for i in chosen}),
    }


def by_part(pred: list[str], gold: list[str], test: set[str]) -> dict[str, dict[str, float]]:
    """Scores over the test stories' articles, the dev stories' and all (see :func:`bcubed`)."""
    out = {}
    for part in PARTS:
        keep = [i for i, g in enumerate(gold) if part == "all" or (g in test) == (part == "test")]
        out[part] = bcubed(pred, gold, keep)
    return out


def tfidf_agglomerative(texts: list[str], gold: list[str], test: set[str]) -> dict[str, Any]:
    """The peer's clusters at its best threshold on the dev part, scored by part."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    start = time.perf_counter()
    matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts).toarray()
    best: dict[str, Any] | None = None
    for threshold in (0.7, 0.8, 0.9):
        labels = AgglomerativeClustering(
            n_clusters=None, metric="cosine", linkage="average", distance_threshold=threshold
        ).fit_predict(matrix)
        scores: dict[str, Any] = {**by_part([str(x) for x in labels], gold, test), "threshold": threshold}
        if best is None or scores["dev"]["bcubed_f1"] > best["dev"]["bcubed_f1"]:
            best = scores
    assert best is not None
    best["seconds"] = round(time.perf_counter() - start, 2)
    return best


def ecb_config(window_days: float | None = 180.0) -> Any:
    """The grouping settings this benchmark runs: storyline's defaults, fed strictly in file order,
    with stories allowed to run 180 days instead of the default (``None``). An ECB+ story is a
    seminal event with its follow-ups, months or years apart (a polygamist leader charged in 2008,
    arraigned in 2010, convicted in 2011); storyline files such follow-ups as separate stories of
    one thread. The default window's figure is reported beside it."""
    from storyline.config import StoryConfig

    config = StoryConfig(batch_order="read")
    return config if window_days is None else replace(config, window_days=window_days)


# The lines that date an ECB+ article: its address (whose path carries the date), and lines that
# are nothing but a date or a posting stamp ("May 2, 2013 | 5: 03pm", "Published: July 29, 2004",
# "Posted 2 / 3 / 2009 11: 11 PM", "Thursday, Aug 18, 2011", "18 September 2013 Last updated at
# 13: 59 GMT"): once their date words are out, at most one word is left.
_ADDRESS = re.compile(r"^\s*https?\s*:", re.IGNORECASE)
_DATE_BITS = re.compile(
    r"\b(?:19|20)\d\d\b|\b\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{2,4}\b|\b\d{1,2}\s*:\s*\d\d|"
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2}(?:st|nd|rd|th)?\b|"
    r"\b\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\b",
    re.IGNORECASE,
)
_DATE_WORDS = re.compile(
    r"^(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*|(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*|"
    r"posted|published|updated|last|first|created|on|at|by|am|pm|a|p|m|[a-z]{2,4}t|gmt|bst|utc|\d+(?:st|nd|rd|th)?)$",
    re.IGNORECASE,
)


def undated(text: str) -> str:
    """``text`` without the lines that say when it was published: its address line, and every
    line that is only a date or a posting stamp. A date inside a sentence of the story stays
    ("Jackson is due in court Feb. 17."): it is what the article reports, not when it appeared."""
    kept = []
    for line in text.split("\n"):
        words = re.findall(r"[A-Za-z]+|\d+(?:st|nd|rd|th)?", line)
        rest = [w for w in words if not _DATE_WORDS.match(w)]
        if _ADDRESS.match(line) or (_DATE_BITS.search(line) and len(rest) <= 1):
            continue
        kept.append(line)
    return "\n".join(kept)


def harden(items: list[dict[str, str]], seed: int = HARD_SEED) -> list[dict[str, str]]:
    """The hard mode's articles: undated (see :func:`undated`) and in a shuffled order."""
    out = [{**item, "text": undated(item["text"])} for item in items]
    random.Random(seed).shuffle(out)
    return out


def ingest(items: list[dict[str, str]], db: Path, config: Any = None) -> float:
    """Ingest ``items`` into ``db`` grouping with the StoryConfig ``config`` (by default this
    benchmark's: ``ecb_config``)."""
    import storyline

    export = db.with_suffix(".jsonl")
    with export.open("w", encoding="utf-8") as handle:
        for item in items:
            # Each item its own outlet: furniture evidence must not cross unrelated articles.
            record = {"text": item["text"], "outlet": f"source {item['id']}"}
            handle.write(json.dumps(record) + "\n")
    from storyline.config import PipelineConfig

    start = time.perf_counter()
    storyline.ingest([export], db=db, config=PipelineConfig(stories=config or ecb_config()))
    return time.perf_counter() - start


# The quality gate groups the first 200 articles, not all 537: a few minutes, not a quarter hour.
GATE_ITEMS = 200


def gate_figures(data: Path, db: Path) -> dict[str, float]:
    """The quality gate's figure (bench/floors.py): BCubed F1 of the first ``GATE_ITEMS`` articles
    ingested into ``db`` with the default configuration (10-day stories, placed in publication
    order), not this benchmark's 180 days in file order."""
    from storyline.config import StoryConfig

    items = load(data)[:GATE_ITEMS]
    ingest(items, db, StoryConfig())
    stories, _ = assignments(db, items)
    return {"bcubed_f1": bcubed(stories, [item["story"] for item in items])["bcubed_f1"]}


def assignments(db: Path, items: list[dict[str, str]]) -> tuple[list[str], list[str]]:
    """Each item's story, and its thread (its story when the story is in no thread)."""
    from storyline.config import StoreConfig
    from storyline.store import Store

    with Store.open(StoreConfig.for_path(db)) as store:
        # An article's locator is the export's path and its line number.
        by_line = {int(a.article.locator.rsplit("#", 1)[1]): a.id for a in store.articles()}
        ids = [by_line.get(n) for n in range(1, len(items) + 1)]
        story_of = store.story_ids_of([i for i in ids if i is not None])
        thread_of = {s.id: s.thread for s in store.stories()}
    stories, threads = [], []
    for n, i in enumerate(ids):
        # An article that did not make it into the store is a cluster of its own.
        story = story_of.get(i) if i is not None else None
        stories.append(str(story) if story is not None else f"missing-{n}")
        thread = thread_of.get(story) if story is not None else None
        threads.append(f"thread-{thread}" if thread is not None else stories[-1])
    return stories, threads


def extracted_texts(db: Path, items: list[dict[str, str]]) -> list[str]:
    """Each item's title and text as storyline extracted them (address and date lines out)."""
    from storyline.config import StoreConfig
    from storyline.store import Store

    with Store.open(StoreConfig.for_path(db)) as store:
        by_line = {int(a.article.locator.rsplit("#", 1)[1]): a.article for a in store.articles()}
    texts = []
    for n, item in enumerate(items, start=1):
        article = by_line.get(n)
        texts.append(f"{article.title or ''}\n{article.text}" if article else item["text"])
    return texts


def regroup(db: Path, stories_config: Any) -> float:
    """Forget every story and group the stored articles again under ``stories_config``."""
    from storyline.config import PipelineConfig, StoreConfig
    from storyline.pipeline import group_pending
    from storyline.store import Store

    with Store.open(StoreConfig.for_path(db)) as store:
        store.forget_stories()
        start = time.perf_counter()
        group_pending(store, PipelineConfig(stories=replace(stories_config, batch_order="read")))
        return time.perf_counter() - start


def prepare(items: list[dict[str, str]], db: Path, config: Any) -> dict[str, Any]:
    """Ingest ``items`` into ``db`` under ``config``, or regroup a kept store under it."""
    if db.exists():
        return {"regroup_seconds": round(regroup(db, config), 1)}
    seconds = ingest(items, db, config)
    return {"ingest_seconds": round(seconds, 1), "articles_per_second": round(len(items) / seconds, 2)}


def run_normal(items: list[dict[str, str]], db: Path, test: set[str]) -> dict[str, Any]:
    gold = [item["story"] for item in items]
    timing = prepare(items, db, ecb_config())
    wide, _ = assignments(db, items)
    clean = extracted_texts(db, items)
    regroup(db, ecb_config(None))
    stories, threads = assignments(db, items)
    return {
        "ours_180_days": by_part(wide, gold, test),
        "ours_stories": by_part(stories, gold, test),
        "ours_threads": by_part(threads, gold, test),
        "timing": timing,
        "peers": {
            "tfidf-agglomerative": tfidf_agglomerative([item["text"] for item in items], gold, test),
            "tfidf-agglomerative-on-extracted-text": tfidf_agglomerative(clean, gold, test),
        },
        "_pred": stories,
    }


def run_hard(items: list[dict[str, str]], db: Path, test: set[str]) -> dict[str, Any]:
    hard = harden(items)
    gold = [item["story"] for item in hard]
    timing = prepare(hard, db, ecb_config(None))
    stories, threads = assignments(db, hard)
    return {
        "ours_stories": by_part(stories, gold, test),
        "ours_threads": by_part(threads, gold, test),
        "timing": timing,
        "peers": {"tfidf-agglomerative": tfidf_agglomerative([item["text"] for item in hard], gold, test)},
        "_pred": stories,
        "_items": hard,
    }


def print_mode(name: str, result: dict[str, Any]) -> None:
    rows = [(k.replace("_", " "), v) for k, v in result.items() if k.startswith("ours")]
    rows += [(k, v) for k, v in result["peers"].items()]
    print(f"\n{name}")
    print(
        f"{'system':<40}{'part':>6}{'B3 P':>8}{'B3 R':>8}{'B3 F1':>8}{'pair P':>8}{'pair R':>8}{'pair F1':>9}{'clusters':>9}"
    )
    for part in PARTS:
        for label, row in rows:
            s = row[part]
            print(
                f"{label:<40}{part:>6}{s['bcubed_precision']:>8.4f}{s['bcubed_recall']:>8.4f}{s['bcubed_f1']:>8.4f}"
                f"{s['pairwise_precision']:>8.4f}{s['pairwise_recall']:>8.4f}{s['pairwise_f1']:>9.4f}{s['clusters']:>9}"
            )
    thresholds = ", ".join(f"{k} {v['threshold']}" for k, v in result["peers"].items())
    print(f"peer thresholds (best on dev): {thresholds}; timing: {result['timing']}")


def dump_dev(path: Path, items: list[dict[str, str]], pred: list[str], test: set[str]) -> None:
    """The dev stories' clusters, one a line: never a test story's article."""
    clusters: dict[str, list[dict[str, str]]] = defaultdict(list)
    for item, story in zip(items, pred, strict=True):
        if item["story"] not in test:
            first = next((ln for ln in item["text"].split("\n") if ln.strip() and not _ADDRESS.match(ln)), "")
            clusters[story].append({"id": item["id"], "gold": item["story"], "lead": first[:100]})
    with path.open("w", encoding="utf-8") as handle:
        for story, members in sorted(clusters.items(), key=lambda kv: kv[1][0]["gold"]):
            handle.write(json.dumps({"story": story, "members": members}) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--db-dir", type=Path, help="keep the ingested stores here (reused when they exist)")
    parser.add_argument("--mode", choices=("normal", "hard", "both"), default="both")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--sweep", action="store_true", help="try other grouping settings on the stored articles"
    )
    parser.add_argument("--dump-dev", type=Path, help="write the dev stories' clusters here (normal mode)")
    parser.add_argument(
        "--pin",
        action="store_true",
        help="measure the quality gate's figure and write it to bench/floors.json",
    )
    args = parser.parse_args()
    if not args.data.exists():
        sys.exit(f"no data at {args.data}: pass --data PATH (stories-ecbplus.jsonl from ../shared/datasets)")
    if args.pin:
        import floors

        with tempfile.TemporaryDirectory() as tmp:
            figures = gate_figures(args.data, Path(tmp) / "gate.db")
        floors.pin("stories", figures, data=f"the first {GATE_ITEMS} articles of {args.data.name}")
        return
    items = load(args.data)
    test = test_stories()
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.db_dir or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        if args.sweep:
            db = folder / "normal.db"
            if not db.exists():
                ingest(items, db, ecb_config(None))
            sweep(db, items, test)
            return
        result: dict[str, Any] = {"items": len(items), "gold_stories": len({i["story"] for i in items})}
        if args.mode in ("normal", "both"):
            result["normal"] = run_normal(items, folder / "normal.db", test)
        if args.mode in ("hard", "both"):
            result["hard"] = run_hard(items, folder / "hard.db", test)
    if args.dump_dev and "normal" in result:
        dump_dev(args.dump_dev, items, result["normal"]["_pred"], test)
    for mode in ("normal", "hard"):
        if mode in result:
            result[mode] = {k: v for k, v in result[mode].items() if not k.startswith("_")}
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(
        f"{result['items']} articles, {result['gold_stories']} gold stories ({len(test)} held out: "
        "the test part, printed first); ours fed one at a time"
    )
    if "normal" in result:
        print_mode(
            "normal mode (file order, dates as given; 'stories'/'threads' with the default window)",
            result["normal"],
        )
    if "hard" in result:
        print_mode(f"hard mode (no publication dates, shuffled arrival, seed {HARD_SEED})", result["hard"])


def sweep(db: Path, items: list[dict[str, str]], test: set[str]) -> None:
    """Other join thresholds and embedding weights under the default window: chosen on dev, the
    test part printed beside each as an aggregate only."""
    gold = [item["story"] for item in items]
    rows = []
    for join in (0.25, 0.27, 0.3):
        for weight in (0.25, 0.5, 1.0):
            regroup(db, replace(ecb_config(None), join_threshold=join, embedding_weight=weight))
            scores = by_part(assignments(db, items)[0], gold, test)
            rows.append((scores["dev"]["bcubed_f1"], scores["test"]["bcubed_f1"], join, weight))
            print(
                f"join {join:.2f} embedding {weight:.2f}: test {rows[-1][1]:.4f} dev {rows[-1][0]:.4f}",
                flush=True,
            )
    best = max(rows)
    print(f"best on dev: join {best[2]} embedding {best[3]} -> dev {best[0]} test {best[1]}")


if __name__ == "__main__":
    main()
