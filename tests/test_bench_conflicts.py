"""bench/conflicts.py: a drawn pair stands for 1 / inclusion candidates of its story, unsure labels
are left out, and the shipped sample and labels agree with each other and with the split."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))

import conflicts as bench


def _row(positive: bool, inclusion: float) -> dict[str, object]:
    return {"positive": positive, "inclusion": inclusion}


def test_figures_are_weighted_back_to_the_pool() -> None:
    # One flagged pair drawn with certainty (wrong); one right pair drawn at 1 in 4 (it stands for
    # four); one missed contradiction drawn at 1 in 2 (it stands for two).
    rows = [_row(False, 1.0), _row(True, 0.25), _row(True, 0.5)]
    figures = bench.weighted([True, True, False], rows)
    assert figures["precision"] == 0.8  # 4 right of 5
    assert figures["recall"] == round(4 / 6, 4)
    assert (figures["flagged"], figures["right"], figures["positives"]) == (2, 1, 2)


def test_unsure_and_unlabelled_pairs_are_left_out(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.jsonl"
    labels = tmp_path / "labels.jsonl"
    rows = [{"id": f"c{n}", "story": "1-ecb", "part": "tune", "inclusion": 1.0} for n in range(3)]
    pairs.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    marks = [("c0", "contradiction"), ("c1", "unsure")]
    labels.write_text("".join(json.dumps({"id": i, "label": x}) + "\n" for i, x in marks), encoding="utf-8")
    (only,) = bench.load(pairs, labels)
    assert only["id"] == "c0" and only["positive"] is True


def test_a_pair_is_the_same_whichever_sentence_comes_first() -> None:
    assert bench.pair_key("1-ecb", "b", "a") == bench.pair_key("1-ecb", "a", "b")


def test_the_shipped_sample_and_labels_match_and_follow_the_split() -> None:
    rows = bench.load(bench.DEFAULT_PAIRS, bench.DEFAULT_LABELS)
    assert len(rows) == 336
    test = set(json.loads((ROOT / "bench" / "data" / "split.json").read_text())["test_stories"])
    assert all((r["story"] in test) == (r["part"] == "test") for r in rows)
    assert all(0 < r["inclusion"] <= 1 for r in rows)
