"""Claim matching across outlets on ECB+: ours (facts/match.py) vs TF-IDF and MiniLM cosine.

    python bench/claims.py [--pairs FILE] [--stories FILE] [--part test|tune|all] [--json]
                           [--labels FILE]
    python bench/claims.py --pin    # the quality gate's floor (bench/floors.py)

Items are the sentence pairs of ``ecbplus-sentence-pairs.jsonl.gz`` (two sentences of two articles
of one ECB+ topic). Positives are ``same_event`` pairs with ``same_sub_corpus`` true (the 190
cross-sub-corpus positives share only a background mention and are left out, as the data set's
README advises); negatives are every ``same_topic_other_event`` pair, whose precision is also given
split by ``same_sub_corpus`` (true: another sub-event of the same story, the hardest). The **test
part** (``bench/data/SPLIT.md``: pairs touching a test story) is printed first; the shipped model
was trained on the tune part only (``bench/train_claims.py``).

Each sentence goes through the real understanding stage as a one-sentence article (its claims
merged into one, since a pair is scored sentence against sentence), and the embedder the pipeline
uses. Ours is scored at the operating point the briefs use (``FactConfig.same_claim``); the peers at
the threshold that gives their best F1 on the tune part. Average precision is threshold-free.

ECB+'s label says "same event", which is not "same claim" (two sentences on one quake can state its
magnitude and its rescue work). ``--labels`` (default ``bench/data/claim-labels.jsonl``, when it
exists) adds a ``claims`` section: the sample of pairs labelled same/different *claim* by
docs/annotation.md section 6, test part first, scored the same way (peers' thresholds: best F1 on
the labelled tune pairs).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT.parent / "shared" / "datasets"
DEFAULT_PAIRS = DATASETS / "ecbplus-sentence-pairs.jsonl.gz"
DEFAULT_STORIES = DATASETS / "stories-ecbplus.jsonl"
SPLIT = ROOT / "bench" / "data" / "split.json"
CLAIM_LABELS = ROOT / "bench" / "data" / "claim-labels.jsonl"


@dataclass
class Pairs:
    rows: list[dict[str, Any]]
    positive: np.ndarray
    same_sub: np.ndarray
    part: np.ndarray  # "test" / "tune"
    topic: np.ndarray


def load(pairs: Path, stories: Path) -> Pairs:
    with gzip.open(pairs, "rt", encoding="utf-8") as handle:
        rows = [json.loads(line) for line in handle if line.strip()]
    rows = [r for r in rows if not (r["label"] == "same_event" and not r["same_sub_corpus"])]
    story = {}
    with stories.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                item = json.loads(line)
                story[item["id"]] = item["story"]
    test = set(json.loads(SPLIT.read_text(encoding="utf-8"))["test_stories"])
    part = ["test" if story[r["a"]["doc"]] in test or story[r["b"]["doc"]] in test else "tune" for r in rows]
    return Pairs(
        rows,
        np.array([r["label"] == "same_event" for r in rows]),
        np.array([bool(r["same_sub_corpus"]) for r in rows]),
        np.array(part),
        np.array([r["topic"] for r in rows]),
    )


def sentences_of(pairs: Pairs) -> list[str]:
    return sorted({r["a"]["text"] for r in pairs.rows} | {r["b"]["text"] for r in pairs.rows})


def sentence_claims(sentences: Sequence[str]) -> dict[str, Any]:
    """Each sentence's claims, merged into one claim: the sentence analysed as an article of its own."""
    from storyline.model import Article, Block, BlockKind, Claim
    from storyline.nlp.analyze import analyze_many

    articles = [
        Article(locator=str(i), content_hash=str(i), title=None, blocks=(Block(BlockKind.PARAGRAPH, text),))
        for i, text in enumerate(sentences)
    ]
    merged: dict[str, Any] = {}
    for text, analysis in zip(sentences, analyze_many(articles), strict=True):
        claims = analysis.claims or ()
        events = [c.event for c in claims if c.event]
        merged[text] = Claim(
            sentence=0,
            start=0,
            end=len(text),
            text=text,
            event=events[0] if events else "",
            quantities=tuple(q for c in claims for q in c.quantities),
            names=tuple(dict.fromkeys(n for c in claims for n in c.names)),
            terms=tuple(dict.fromkeys(t for c in claims for t in c.terms)),
            negated=any(c.negated for c in claims),
        )
    return merged


def embed(sentences: Sequence[str]) -> dict[str, np.ndarray]:
    from storyline.config import DEFAULT_EMBEDDER
    from storyline.nlp.embed import get_embedder

    vectors = get_embedder(DEFAULT_EMBEDDER).embed(list(sentences))
    return dict(zip(sentences, vectors, strict=True))


def feature_rows(pairs: Pairs, claims: dict[str, Any], vectors: dict[str, np.ndarray]) -> np.ndarray:
    from storyline.facts.match import features
    from storyline.lang import ENGLISH

    rows = []
    for r in pairs.rows:
        a, b = r["a"]["text"], r["b"]["text"]
        rows.append(features(claims[a], claims[b], float(vectors[a] @ vectors[b]), ENGLISH))
    return np.array(rows, dtype=float)


def tfidf_scores(pairs: Pairs, stories: Path) -> np.ndarray:
    from sklearn.feature_extraction.text import TfidfVectorizer

    with stories.open(encoding="utf-8") as handle:
        corpus = [json.loads(line)["text"] for line in handle if line.strip()]
    model = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit(corpus)
    a = model.transform([r["a"]["text"] for r in pairs.rows])
    b = model.transform([r["b"]["text"] for r in pairs.rows])
    return np.asarray(a.multiply(b).sum(axis=1)).ravel()


def pair_id(row: dict[str, Any]) -> str:
    return f"{row['a']['doc']}:{row['a']['sent']}|{row['b']['doc']}:{row['b']['sent']}"


def claim_labels(path: Path, pairs: Pairs) -> tuple[np.ndarray, np.ndarray]:
    """Indices into ``pairs`` of the pairs labelled same/different claim (unsure left out), and
    whether each is the same claim."""
    where = {pair_id(r): i for i, r in enumerate(pairs.rows)}
    index: list[int] = []
    same: list[bool] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            item = json.loads(line)
            if item["label"] in ("same", "different") and item["id"] in where:
                index.append(where[item["id"]])
                same.append(item["label"] == "same")
    return np.array(index, dtype=int), np.array(same, dtype=bool)


def claims_section(
    path: Path, pairs: Pairs, scores: dict[str, np.ndarray], ours_threshold: float, parts: list[str]
) -> dict[str, Any]:
    """The ``claims`` section: ours and the peers against the same-claim labels, part by part."""
    index, same = claim_labels(path, pairs)
    part = pairs.part[index]
    same_sub = pairs.same_sub[index]
    tune = part == "tune"
    thresholds = {
        name: ours_threshold if name == "ours" else best_f1_threshold(s[index][tune], same[tune])
        for name, s in scores.items()
    }
    out: dict[str, Any] = {"labels": str(path)}
    for name in parts:
        mask = part == name
        if not mask.any() or same[mask].all() or not same[mask].any():
            continue
        measured = {
            system: measure(s[index][mask], same[mask], same_sub[mask], thresholds[system])
            for system, s in scores.items()
        }
        out[name] = {
            "pairs": int(mask.sum()),
            "same_claim": int(same[mask].sum()),
            "ours": measured.pop("ours"),
            "peers": measured,
        }
    return out


def measure(
    scores: np.ndarray, positive: np.ndarray, same_sub: np.ndarray, threshold: float
) -> dict[str, Any]:
    from sklearn.metrics import average_precision_score

    said = scores >= threshold
    tp = int((said & positive).sum())
    fp = int((said & ~positive).sum())
    fn = int((~said & positive).sum())
    out: dict[str, Any] = {
        "precision": round(tp / (tp + fp), 4) if tp + fp else None,
        "recall": round(tp / (tp + fn), 4) if tp + fn else None,
        "average_precision": round(float(average_precision_score(positive, scores)), 4),
        "threshold": round(float(threshold), 4),
    }
    # Precision against each kind of negative: another sub-event of the same story, or another event.
    for name, mask in (("same_sub_corpus", same_sub), ("other_sub_corpus", ~same_sub)):
        neg_fp = int((said & ~positive & mask).sum())
        out[f"precision_vs_{name}_negatives"] = round(tp / (tp + neg_fp), 4) if tp + neg_fp else None
    return out


def best_f1_threshold(scores: np.ndarray, positive: np.ndarray) -> float:
    from sklearn.metrics import precision_recall_curve

    precision, recall, thresholds = precision_recall_curve(positive, scores)
    f1 = 2 * precision[:-1] * recall[:-1] / np.maximum(precision[:-1] + recall[:-1], 1e-9)
    return float(thresholds[int(np.argmax(f1))])


def run(pairs_path: Path, stories: Path, labels: Path, parts: list[str]) -> dict[str, Any]:
    """Ours and the peers on the ECB+ pairs and, when ``labels`` exists, on the same-claim labels,
    part by part (the first part's figures are also the top-level ``ours`` and ``peers``)."""
    from storyline.config import FactConfig
    from storyline.facts.match import match_model

    pairs = load(pairs_path, stories)
    sentences = sentences_of(pairs)
    claims = sentence_claims(sentences)
    vectors = embed(sentences)
    ours = match_model().probabilities(feature_rows(pairs, claims, vectors))
    minilm = np.array([float(vectors[r["a"]["text"]] @ vectors[r["b"]["text"]]) for r in pairs.rows])
    tfidf = tfidf_scores(pairs, stories)
    tune = pairs.part == "tune"
    thresholds = {
        "ours": FactConfig().same_claim,
        "tfidf_cosine": best_f1_threshold(tfidf[tune], pairs.positive[tune]),
        "minilm_cosine": best_f1_threshold(minilm[tune], pairs.positive[tune]),
    }
    report: dict[str, Any] = {}
    for part in parts:
        mask = pairs.part == part
        report[part] = {
            "pairs": int(mask.sum()),
            "positives": int(pairs.positive[mask].sum()),
            "ours": measure(ours[mask], pairs.positive[mask], pairs.same_sub[mask], thresholds["ours"]),
            "peers": {
                name: measure(scores[mask], pairs.positive[mask], pairs.same_sub[mask], thresholds[name])
                for name, scores in (("tfidf_cosine", tfidf), ("minilm_cosine", minilm))
            },
        }
    first = report[parts[0]]
    result: dict[str, Any] = {
        "ours": first["ours"],
        "peers": first["peers"],
        "pairs": first["pairs"],
        "part": parts[0],
        **report,
    }
    if labels.exists():
        scores = {"ours": ours, "tfidf_cosine": tfidf, "minilm_cosine": minilm}
        result["claims"] = claims_section(labels, pairs, scores, thresholds["ours"], parts)
    return result


def gate_figures(pairs: Path, stories: Path, labels: Path = CLAIM_LABELS) -> dict[str, float]:
    """The quality gate's figures, test part only: ours on the ECB+ pairs (same event) and on the
    same-claim labels, average precision and precision at the briefs' operating point."""
    result = run(pairs, stories, labels, ["test"])
    claims = result["claims"]["test"]["ours"]
    return {
        "ecb_test_average_precision": result["ours"]["average_precision"],
        "ecb_test_precision": result["ours"]["precision"],
        "claim_test_average_precision": claims["average_precision"],
        "claim_test_precision": claims["precision"],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pairs", "--data", type=Path, default=DEFAULT_PAIRS, dest="pairs")
    parser.add_argument("--stories", type=Path, default=DEFAULT_STORIES)
    parser.add_argument("--part", choices=("test", "tune", "all"), default="all")
    parser.add_argument("--json", action="store_true")
    parser.add_argument(
        "--labels", type=Path, default=CLAIM_LABELS, help="same-claim labels (docs/annotation.md section 6)"
    )
    parser.add_argument("--pin", action="store_true", help="write the gate's figures to bench/floors.json")
    args = parser.parse_args(argv)
    if not args.pairs.exists() or not args.stories.exists():
        print(
            f"no ECB+ pairs at {args.pairs} (or stories at {args.stories}): pass --pairs/--stories",
            file=sys.stderr,
        )
        return 2
    if args.pin:
        import floors  # bench/ is on the path of a script run from it

        floors.pin(
            "claims",
            gate_figures(args.pairs, args.stories, args.labels),
            data=f"{args.pairs.name}, test part; {args.labels.name}, test part",
        )
        return 0
    parts = ["test", "tune"] if args.part == "all" else [args.part]
    result = run(args.pairs, args.stories, args.labels, parts)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    for part in parts:
        section = result[part]
        print(f"{part} part: {section['pairs']} pairs, {section['positives']} positive")
        print(f"  {'system':<16}{'AP':>8}{'P':>8}{'R':>8}{'thr':>8}{'P/same-sub':>12}{'P/other':>9}")
        rows = [("ours", section["ours"]), *section["peers"].items()]
        for name, m in rows:
            p = "-" if m["precision"] is None else f"{m['precision']:.3f}"
            r = "-" if m["recall"] is None else f"{m['recall']:.3f}"
            ps = m["precision_vs_same_sub_corpus_negatives"]
            po = m["precision_vs_other_sub_corpus_negatives"]
            print(
                f"  {name:<16}{m['average_precision']:>8.3f}{p:>8}{r:>8}{m['threshold']:>8.3f}"
                f"{'-' if ps is None else f'{ps:.3f}':>12}{'-' if po is None else f'{po:.3f}':>9}"
            )
        best_peer = max(m["average_precision"] for m in section["peers"].values())
        print(f"  AP ratio to the best peer: {section['ours']['average_precision'] / best_peer:.3f}")
    for part in parts:
        labelled = result.get("claims", {}).get(part)
        if labelled is None:
            continue
        print(
            f"same-claim labels, {part} part: {labelled['pairs']} pairs, {labelled['same_claim']} same claim"
        )
        for name, m in [("ours", labelled["ours"]), *labelled["peers"].items()]:
            p = "-" if m["precision"] is None else f"{m['precision']:.3f}"
            r = "-" if m["recall"] is None else f"{m['recall']:.3f}"
            print(f"  {name:<16}{m['average_precision']:>8.3f}{p:>8}{r:>8}{m['threshold']:>8.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
