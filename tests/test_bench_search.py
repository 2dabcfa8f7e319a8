"""bench/search.py: its articles are distinct recombinations of real sentences, its agreement figure
is the overlap of two top-10 lists, and a small run on SQLite gives ours, the peer's and the plan."""

from __future__ import annotations

import json
import sys

import pytest

from tests.conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))

import search as bench

needs_data = pytest.mark.skipif(
    not (bench.DATASETS / "stories-ecbplus.jsonl").is_file(), reason="../shared/datasets is not here"
)


@needs_data
def test_articles_are_distinct_recombinations_of_real_sentences() -> None:
    sentences = {s for source in bench._sources() for s in source}
    made = list(bench.articles(2000))
    assert len(made) == 2000
    assert len({body for _, _, body, _ in made}) == 2000
    for _, title, body, _ in made[:200]:
        assert title in sentences
        assert all(paragraph in sentences for paragraph in body.split("\n\n"))
    # Seeded: the same run twice gives the same corpus.
    assert [a[2] for a in bench.articles(50)] == [a[2] for a in made[:50]]


def test_agreement_is_the_overlap_of_the_top_ten() -> None:
    queries = bench.QUERIES
    a = {q: list(range(10)) for q in queries}
    b = {q: list(range(5, 15)) for q in queries}
    b[queries[0]] = list(range(10))  # the same list: overlap 1, same first hit
    b[queries[1]] = []  # one backend finds nothing: overlap 0
    a[queries[3]] = b[queries[3]] = []  # neither finds anything: left out
    found = bench._agreement(a, b)
    assert found["overlap_at_10_by_query"][queries[0]] == 1.0
    assert found["overlap_at_10_by_query"][queries[1]] == 0.0
    assert found["overlap_at_10_by_query"][queries[2]] == 0.5
    assert queries[3] not in found["overlap_at_10_by_query"]
    assert found["same_first_hit"] == f"1/{len(queries) - 1}"


@needs_data
@pytest.mark.slow
def test_a_small_run_on_sqlite_reports_ours_the_peer_and_the_fts5_plan(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert bench.main(["--articles", "300", "--backends", "sqlite", "--repeats", "2", "--json"]) == 0
    out = capsys.readouterr().out
    report = json.loads(out[out.index("{") :])
    ours, peer = report["ours"]["sqlite"], report["peers"]["like-scan/sqlite"]
    assert ours["index_used"] and "VIRTUAL TABLE INDEX" in ours["plan"]
    assert set(ours["median_ms_by_query"]) == set(bench.QUERIES) == set(peer["median_ms_by_query"])
    assert 0 < ours["p50_ms"] <= ours["p95_ms"] and 0 < peer["p50_ms"] <= peer["p95_ms"]
    # For a plain name (no stemming at play) ours finds what the substring scan finds.
    assert 0 < peer["matches_first_20"]["Kilmarnock"] < 20
    assert ours["matches"]["Kilmarnock"] == peer["matches_first_20"]["Kilmarnock"]
    assert report["ratio_p50"]["sqlite"] == round(peer["p50_ms"] / ours["p50_ms"], 2)
