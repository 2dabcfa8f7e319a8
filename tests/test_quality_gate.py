"""Quality floors, pinned by the benchmarks themselves (bench/floors.json, see bench/floors.py). A
change that lowers a figure below its floor fails here. No number is typed into this file: each test
runs the same ``gate_figures`` as ``python bench/NAME.py --pin`` (the default configuration), and
after a change that raises a score, running ``--pin`` again raises its floor.

Without ../shared/datasets these tests skip, except where STORYLINE_REQUIRE_DATA=1 (.ci/run sets it):
there they fail, since a gate that skips guards nothing."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.conftest import DATASETS, REQUIRE_DATA, ROOT, need_data

sys.path.insert(0, str(ROOT / "bench"))

import floors

# Each runs a benchmark on shared data (ECB+, CNN/DailyMail, the extraction pages): minutes, so slow too.
pytestmark = [pytest.mark.gate, pytest.mark.slow]

# The benchmarks pinned in bench/floors.json, each checked by a test below. bench/briefs_quality.py's
# test part joins when it has a gate_figures and --pin (the recipe is in bench/floors.py).
GATED = ("briefs_quality", "charsets", "claims", "extraction", "hedges", "repair", "stories", "summaries")


def assert_floors(benchmark: str, measured: dict[str, float | floors.Figure]) -> None:
    failures = floors.check(benchmark, measured)
    assert not failures, "\n".join(failures)


def test_every_pinned_benchmark_is_gated() -> None:
    pinned = {name for name in floors.load() if name != "#"}
    assert pinned == set(GATED), f"pinned {sorted(pinned)}, gated here {sorted(GATED)}"
    for name in GATED:
        record = floors.load()[name]
        assert {"date", "command", "data", "config", "figures"} <= set(record), (name, record)
        for figure, entry in record["figures"].items():
            bound = entry.get("floor", entry.get("ceiling"))
            expected = (
                entry["value"] - entry["slack"] if "floor" in entry else entry["value"] + entry["slack"]
            )
            assert bound == round(expected, 4), (name, figure, entry)


def test_missing_data_fails_where_required(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-dataset"
    monkeypatch.setenv(REQUIRE_DATA, "1")
    with pytest.raises(pytest.fail.Exception, match="requires it"):
        need_data(missing)
    monkeypatch.delenv(REQUIRE_DATA)
    with pytest.raises(pytest.skip.Exception, match="quality gate not run"):
        need_data(missing)


def test_extraction_floor() -> None:
    import extraction

    assert_floors("extraction", extraction.gate_figures(need_data(DATASETS / "extraction")))


def test_repair_floors() -> None:
    import repair

    figures = repair.gate_figures(
        need_data(DATASETS / "mojibake-lossy.jsonl"), need_data(DATASETS / "mojibake-ftfy")
    )
    assert_floors("repair", figures)


def test_charsets_floor() -> None:
    import charsets

    data = need_data(DATASETS)
    ours = charsets.gate_figures(data)
    assert_floors("charsets", ours)
    # And above the best library alone on the same items.
    peer, _ = charsets.score(charsets.charset_normalizer_alone, charsets.items(data, None))
    assert ours["exact_rate"] > float(str(peer["exact_rate"])), (ours, peer)


def test_hedge_floor() -> None:
    import hedges

    assert_floors("hedges", hedges.gate_figures(need_data(DATASETS / "hedges-conll2010.jsonl")))


def test_summaries_floors_and_lead3() -> None:
    from rouge_score import rouge_scorer

    import summaries

    data = need_data(DATASETS / "summaries-cnndm.jsonl")
    ours = summaries.gate_figures(data)
    assert_floors("summaries", ours)
    items = summaries.load(data)
    scorer = rouge_scorer.RougeScorer(list(summaries.METRICS), use_stemmer=True)
    lead3 = summaries.score(scorer, [item["article_lines"][:3] for item in items], items)
    assert ours["rouge1"] > lead3["rouge1"] and ours["rougeLsum"] > lead3["rougeLsum"], (ours, lead3)


def test_story_grouping_floor(tmp_path: Path) -> None:
    import stories

    data = need_data(DATASETS / "stories-ecbplus.jsonl")
    ours = stories.gate_figures(data, tmp_path / "ecb.db")
    assert_floors("stories", ours)
    # And above TF-IDF average-link clustering of the same articles (its best threshold).
    items = stories.load(data)[: stories.GATE_ITEMS]
    gold = [item["story"] for item in items]
    peer = stories.tfidf_agglomerative([item["text"] for item in items], gold, stories.test_stories())["all"]
    assert ours["bcubed_f1"] > float(str(peer["bcubed_f1"])), (ours, peer)


def test_claim_matching_floors_on_the_test_pairs() -> None:
    import claims

    pairs = need_data(DATASETS / "ecbplus-sentence-pairs.jsonl.gz")
    stories = need_data(DATASETS / "stories-ecbplus.jsonl")
    assert_floors("claims", claims.gate_figures(pairs, stories))


def test_briefs_quality_floors_on_the_test_part() -> None:
    import briefs_quality

    data = need_data(DATASETS / "stories-ecbplus.jsonl")
    assert_floors("briefs_quality", briefs_quality.gate_figures(data))
