"""Train the claim matcher (facts/match.py) on the tune part of the ECB+ sentence pairs.

    python bench/train_claims.py [--pairs FILE] [--stories FILE] [--write]

Fits a logistic regression over facts.match.FEATURES on the tune pairs (bench/data/SPLIT.md: no
pair touching a test story), chooses its regularisation by 4-fold cross-validation grouped by
topic, prints the cross-validated figures and the threshold that reaches precision 0.9 on them (the
value for FactConfig.same_claim), and with ``--write`` writes facts/match_weights.json. The test
pairs are never read here.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import claims as bench

WEIGHTS = bench.ROOT / "src" / "storyline" / "facts" / "match_weights.json"


def label_pairs(path: Path) -> list[tuple[str, str, bool, str]]:
    """Sentence pairs of two articles of one tune story: the same claim when one labelled fact (or
    the lead) lists both, another claim when they are listed only under different facts. Test
    stories (bench/data/split.json) are never read."""
    test = set(json.loads(bench.SPLIT.read_text(encoding="utf-8"))["test_stories"])
    out: list[tuple[str, str, bool, str]] = []
    with path.open(encoding="utf-8") as handle:
        labels = [json.loads(line) for line in handle if line.strip()]
    for label in labels:
        if label["story"] in test:
            continue
        facts = [label["lead"]["sentences"], *[f["sentences"] for f in label["facts"]]]
        member: dict[tuple[str, str], set[int]] = {}
        for n, sentences in enumerate(facts):
            for s in sentences:
                member.setdefault((s["article"], s["text"]), set()).add(n)
        keys = sorted(member)
        for i, a in enumerate(keys):
            for b in keys[i + 1 :]:
                if a[0] == b[0] or a[1] == b[1]:
                    continue
                out.append((a[1], b[1], bool(member[a] & member[b]), label["topic"]))
    return out


def main(argv: list[str] | None = None) -> int:
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import average_precision_score, precision_recall_curve
    from sklearn.model_selection import GroupKFold

    from storyline.facts.match import FEATURES

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pairs", type=Path, default=bench.DEFAULT_PAIRS)
    parser.add_argument("--stories", type=Path, default=bench.DEFAULT_STORIES)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--precision", type=float, default=0.9, help="the precision the threshold must reach")
    parser.add_argument(
        "--labels",
        type=Path,
        default=bench.ROOT / "bench" / "data" / "briefs-labels.jsonl",
        help="brief labels whose tune stories add same-claim pairs (sentences of one labelled fact) and "
        "hard negatives (sentences of two facts of one story); '' for the ECB+ pairs alone",
    )
    args = parser.parse_args(argv)
    pairs = bench.load(args.pairs, args.stories)
    tune = pairs.part == "tune"
    rows = [r for r, keep in zip(pairs.rows, tune, strict=True) if keep]
    topics = list(pairs.topic[tune])
    positive = list(pairs.positive[tune])
    if str(args.labels):
        extra = label_pairs(args.labels)
        rows += [{"a": {"text": a}, "b": {"text": b}} for a, b, _, _ in extra]
        positive += [same for _, _, same, _ in extra]
        topics += [topic for _, _, _, topic in extra]
        print(
            f"{len(extra)} pairs from the tune stories' brief labels ({sum(p for *_, p, _ in extra)} same claim)"
        )
    sentences = sorted({r["a"]["text"] for r in rows} | {r["b"]["text"] for r in rows})
    claims = bench.sentence_claims(sentences)
    vectors = bench.embed(sentences)
    n = len(rows)
    sub = bench.Pairs(rows, np.array(positive), np.ones(n, bool), np.array(["tune"] * n), np.array(topics))
    x = bench.feature_rows(sub, claims, vectors)
    y = sub.positive
    best: tuple[float, float, np.ndarray] | None = None
    for c in (0.01, 0.1, 1.0, 10.0):
        scores = np.zeros(len(y))
        for train, held in GroupKFold(4).split(x, y, groups=sub.topic):
            model = LogisticRegression(C=c, max_iter=5000).fit(x[train], y[train])
            scores[held] = model.predict_proba(x[held])[:, 1]
        ap = float(average_precision_score(y, scores))
        print(f"C={c}: cross-validated AP {ap:.4f}")
        if best is None or ap > best[1]:
            best = (c, ap, scores)
    assert best is not None
    c, ap, scores = best
    precision, recall, thresholds = precision_recall_curve(y, scores)
    reach = np.where(precision[:-1] >= args.precision)[0]
    threshold = (
        float(thresholds[reach[0]]) if len(reach) else float(thresholds[int(np.argmax(precision[:-1]))])
    )
    at = reach[0] if len(reach) else int(np.argmax(precision[:-1]))
    print(
        f"chosen C={c}: AP {ap:.4f}; threshold {threshold:.3f} gives precision {precision[at]:.3f}, "
        f"recall {recall[at]:.3f} (cross-validated on the tune pairs)"
    )
    model = LogisticRegression(C=c, max_iter=5000).fit(x, y)
    weights = {
        "features": list(FEATURES),
        "weights": [round(float(w), 6) for w in model.coef_[0]],
        "intercept": round(float(model.intercept_[0]), 6),
        "trained_on": "ECB+ sentence pairs, tune part (bench/data/SPLIT.md), bench/train_claims.py",
        "pairs": len(y),
        "C": c,
        "cv_average_precision": round(ap, 4),
        "threshold_at_precision": {"precision": args.precision, "threshold": round(threshold, 4)},
    }
    for name, w in zip(FEATURES, weights["weights"], strict=True):
        print(f"  {name:<18}{w:+.3f}")
    if args.write:
        WEIGHTS.write_text(json.dumps(weights, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {WEIGHTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
