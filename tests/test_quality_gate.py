"""Quality floors, pinned from the benchmarks (bench/*.py). A change that lowers a score below its
pin fails here; raise a pin when a change raises the score."""

from __future__ import annotations

import sys

from tests.conftest import DATASETS, ROOT, need

sys.path.insert(0, str(ROOT / "bench"))

# Measured 2026-11-22 with `python bench/extraction.py` (F1 0.9351, trafilatura 0.9249 in the same run).
EXTRACTION_F1 = 0.93
# Measured with `python bench/repair.py`: exact 28/36, no stray marks, ftfy cases 119/120.
LOSSY_EXACT_RATE = 0.77
FTFY_CASES_PASS_RATE = 0.99


def test_extraction_f1_floor() -> None:
    import extraction

    data = need(DATASETS / "extraction")
    items = extraction.load(data, None)
    f1 = sum(extraction.score(extraction.ours(html, url), body)[2] for html, body, url in items) / len(items)
    assert f1 >= EXTRACTION_F1, f"extraction F1 fell to {f1:.4f} (floor {EXTRACTION_F1})"


def test_repair_floors() -> None:
    import repair

    result = repair.lossy(need(DATASETS / "mojibake-lossy.jsonl"), repair.ours)
    assert result["exact_rate"] >= LOSSY_EXACT_RATE, result
    assert result["stray_left"] == 0, result
    cases = repair.ftfy_cases(need(DATASETS / "mojibake-ftfy"), repair.ours)
    assert cases["ftfy_cases_pass_rate"] >= FTFY_CASES_PASS_RATE, cases
    assert cases["negative_unchanged_rate"] >= 0.96, cases


# Measured with `python bench/hedges.py`: 5-fold cross-validated F1 0.7607 (cue lexicon 0.7179).
HEDGE_F1 = 0.75


def test_hedge_f1_floor() -> None:
    import train_hedges

    sentences, labels = train_hedges.load(need(DATASETS / "hedges-conll2010.jsonl"))
    result = train_hedges.cross_validate(sentences, labels, 5)
    assert result["f1"] >= HEDGE_F1, result
