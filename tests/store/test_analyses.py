"""Analyses, embeddings and failures: what a later stage stores per article, and what it could not do."""

from __future__ import annotations

import numpy as np

from storyline.model import Analysis, Genre, Skip
from storyline.store import Store, text_hash
from tests.store.conftest import put


def test_an_analysis_is_redone_only_when_the_text_changes(store: Store) -> None:
    article_id = put(store, "a.txt", "Bridge reopens", "The bridge reopened.")
    assert store.articles_needing_analysis() == [article_id]
    analysis = Analysis("hash", (), Genre.REPORT, 0.0)
    store.save_analysis(article_id, "The bridge reopened.", analysis)
    assert store.analysis(article_id) == analysis and store.article(article_id).analysis == analysis
    assert store.articles_needing_analysis() == []
    assert store.articles_needing_analysis(everything=True) == [article_id]
    store.save_analysis(article_id, "Other text.", analysis)  # computed from another text
    assert store.articles_needing_analysis() == [article_id]


def test_vectors_are_cached_by_model_and_text(store: Store) -> None:
    article_id = put(store, "a.txt", "Bridge reopens", "The bridge reopened.")
    one, two = np.ones(4, np.float32), np.full(4, 2.0, np.float32)
    store.save_vectors("m", {text_hash("one"): one})
    store.save_vectors("m", {text_hash("one"): two, text_hash("two"): two})  # the first one stays
    found = store.cached_vectors("m", [text_hash("one"), text_hash("two"), text_hash("three")])
    assert set(found) == {text_hash("one"), text_hash("two")}
    assert np.array_equal(found[text_hash("one")], one)
    assert store.cached_vectors("other", [text_hash("one")]) == {}
    store.save_article_vector(article_id, "m", one)
    store.save_article_vector(article_id, "m", two)
    assert np.array_equal(store.article_vectors("m")[article_id], two)
    assert list(store.article_vectors_for("m", [article_id, article_id + 1])) == [article_id]


def test_failures_are_counted_listed_and_cleared(store: Store) -> None:
    article_id = put(store, "a.txt", "Bridge reopens", "The bridge reopened.")
    store.record_failure(article_id, "analyze", "model crashed")
    store.record_failure(article_id, "analyze", "model crashed again")
    assert store.failures() == [(article_id, "analyze", "model crashed again", 2)]
    assert store.skips() == [
        Skip("/news/a.txt", "analyze-failed", "model crashed again (stored; retried on the next ingest)")
    ]
    store.clear_failures([article_id], "group")
    assert len(store.failures()) == 1
    store.clear_failures([article_id], "analyze")
    assert store.failures() == [] and store.skips() == []
