"""Fit the hedge model's weights (``src/storyline/nlp/hedge_weights.json``) on a labelled set.

    python bench/train_hedges.py [--data ../shared/datasets/hedges-conll2010.jsonl] [--folds 5]

Prints the k-fold cross-validated precision, recall and F1 of the uncertain class (the figure to
quote: no sentence is scored by weights fitted on it), then fits on every sentence and writes the
weights. Needs scikit-learn (installed with the ``bench`` extra's dependencies).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "datasets" / "hedges-conll2010.jsonl"
WEIGHTS = ROOT / "src" / "storyline" / "nlp" / "hedge_weights.json"
L2 = 1e-3  # light regularisation; nothing here is tuned beyond the cue list itself


def load(path: Path) -> tuple[list[str], list[int]]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r["sentence"] for r in rows], [int(bool(r["uncertain"])) for r in rows]


def _train(rows: list[dict[str, float]], labels: list[int]) -> tuple[float, dict[str, float]]:
    """L2-regularised logistic regression with cue weights bounded below by zero (L-BFGS-B)."""
    import numpy as np
    from scipy.optimize import minimize

    names = sorted({name for row in rows for name in row})
    index = {name: i for i, name in enumerate(names)}
    x = np.zeros((len(rows), len(names)))
    for r, row in enumerate(rows):
        for name, value in row.items():
            x[r, index[name]] = value
    y = np.asarray(labels, dtype=float)

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        bias, w = theta[0], theta[1:]
        z = bias + x @ w
        p = 1.0 / (1.0 + np.exp(-z))
        eps = 1e-12
        value = -np.mean(y * np.log(p + eps) + (1 - y) * np.log(1 - p + eps)) + 0.5 * L2 * np.sum(w**2)
        grad_z = (p - y) / len(y)
        return float(value), np.concatenate([[grad_z.sum()], x.T @ grad_z + L2 * w])

    bounds = [(None, None)] + [((0.0, None) if name.startswith("cue:") else (None, None)) for name in names]
    result = minimize(loss, np.zeros(len(names) + 1), jac=True, method="L-BFGS-B", bounds=bounds)
    return float(result.x[0]), {name: float(result.x[i + 1]) for i, name in enumerate(names)}


def cross_validate(sentences: list[str], labels: list[int], folds: int) -> dict[str, float]:
    from sklearn.metrics import precision_recall_fscore_support
    from sklearn.model_selection import StratifiedKFold

    from storyline.nlp.hedges import features, score_with

    rows = [features(s) for s in sentences]
    predicted = [0] * len(labels)
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=0).split(rows, labels):
        bias, weights = _train([rows[i] for i in train], [labels[i] for i in train])
        for i in test:
            predicted[i] = int(score_with(bias, weights, sentences[i]).hedged)
    p, r, f, _ = precision_recall_fscore_support(labels, predicted, average="binary")
    return {"precision": round(float(p), 4), "recall": round(float(r), 4), "f1": round(float(f), 4)}


def fit(sentences: list[str], labels: list[int]) -> dict[str, object]:
    from storyline.nlp.hedges import features

    bias, weights = _train([features(s) for s in sentences], labels)
    return {"bias": round(bias, 4), "weights": {k: round(v, 4) for k, v in sorted(weights.items())}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args(argv)
    sentences, labels = load(args.data)
    print("cross-validated:", cross_validate(sentences, labels, args.folds))
    model = fit(sentences, labels)
    model["trained_on"] = f"{args.data.name} ({len(sentences)} sentences)"
    WEIGHTS.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {WEIGHTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
