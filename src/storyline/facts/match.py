"""Do two claims of two articles state the same thing? A logistic model over what a paraphrase
shares and what a different claim of the same story gives away.

The model is trained here (``bench/train_claims.py``) on the tune part of the ECB+ sentence pairs
(``bench/data/SPLIT.md``: no sentence of a test story is seen), and its weights ship as
``facts/match_weights.json``; ``bench/claims.py`` measures it on the test part against TF-IDF and
MiniLM cosine. Features, each a number in [0, 1] or a 0/1 flag:

- ``cosine``: the sentences' MiniLM embeddings (what a paraphrase keeps);
- ``terms``: overlap of content lemmas (what the embedding blurs: "check in" vs "check out");
- ``names`` / ``names_differ``: the named entities the claims share, or that both name someone and
  share nobody ("Jackson arrested" vs "Williams arrested": same kind, another event);
- ``figures_agree`` / ``figures_differ``: a figure of one slot that both give, compatible or not;
- ``event_same`` / ``event_differ``: the understanding stage's event kinds;
- ``negation_differs``: one denies what the other asserts.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from storyline.lang import Language
from storyline.model import Claim
from storyline.nlp.quantities import compatible, slot_key

FEATURES = (
    "cosine",
    "terms",
    "names",
    "names_differ",
    "figures_agree",
    "figures_differ",
    "event_same",
    "event_differ",
    "negation_differs",
)
WEIGHTS_FILE = "match_weights.json"


@dataclass(frozen=True, slots=True)
class MatchModel:
    """Logistic weights over :data:`FEATURES` (and an intercept)."""

    weights: tuple[float, ...]
    intercept: float

    def probability(self, features: Sequence[float]) -> float:
        z = self.intercept + sum(w * x for w, x in zip(self.weights, features, strict=True))
        return 1.0 / (1.0 + math.exp(-z))

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        z = rows @ np.asarray(self.weights) + self.intercept
        result: np.ndarray = 1.0 / (1.0 + np.exp(-z))
        return result


@cache
def match_model() -> MatchModel:
    """The shipped model (``facts/match_weights.json``)."""
    data = json.loads(resources.files(__package__).joinpath(WEIGHTS_FILE).read_text(encoding="utf-8"))
    names = tuple(data["features"])
    if names != FEATURES:
        raise ValueError(f"{WEIGHTS_FILE} has features {names}, the code computes {FEATURES}: retrain it")
    return MatchModel(tuple(float(w) for w in data["weights"]), float(data["intercept"]))


def features(a: Claim, b: Claim, cosine: float, language: Language) -> list[float]:
    """The feature row of a claim pair (see the module docstring), in :data:`FEATURES` order."""
    terms_a, terms_b = set(a.terms), set(b.terms)
    union = terms_a | terms_b
    names_a, names_b = {n.lower() for n in a.names}, {n.lower() for n in b.names}
    shared = names_a & names_b
    agree = differ = 0.0
    slots_b: dict[tuple[str, str, str, str], list[int]] = {}
    for i, q in enumerate(b.quantities):
        slots_b.setdefault(slot_key(q, language), []).append(i)
    for q in a.quantities:
        for j in slots_b.get(slot_key(q, language), []):
            if compatible(q, b.quantities[j]):
                agree = 1.0
            else:
                differ = 1.0
    return [
        max(0.0, float(cosine)),
        len(terms_a & terms_b) / len(union) if union else 0.0,
        len(shared) / min(len(names_a), len(names_b)) if names_a and names_b else 0.0,
        1.0 if names_a and names_b and not shared else 0.0,
        agree,
        differ,
        1.0 if a.event and a.event == b.event else 0.0,
        1.0 if a.event and b.event and a.event != b.event else 0.0,
        1.0 if a.negated != b.negated else 0.0,
    ]


def same_claim_probability(a: Claim, b: Claim, cosine: float, language: Language) -> float:
    """How likely two claims state the same thing, by the shipped model."""
    return match_model().probability(features(a, b, cosine, language))
