"""Embeddings: a packaged model loaded offline, cached by text, article vectors that tell stories apart."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import storyline
from storyline.config import DEFAULT_EMBEDDER
from storyline.nlp.embed import get_embedder
from storyline.store import Store, StoredArticle

# The torch embedder and the static one's distillation need the torch extra, which the quick start
# leaves out and CI installs (scripts/setup --with-torch).
WITH_TORCH = "the torch extra is not installed: scripts/setup --with-torch"


def test_packaged_model_embeds_offline() -> None:
    import os

    pytest.importorskip("sentence_transformers", reason=WITH_TORCH)
    embedder = get_embedder("minilm")
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    vectors = embedder.embed(
        ["Putin met Araghchi in Moscow.", "Russia's president met Iran's foreign minister."]
    )
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert float(vectors[0] @ vectors[1]) > 0.5


def test_sentences_are_embedded_once(tmp_path: Path) -> None:
    from tests.conftest import DEMO

    db = tmp_path / "t.db"
    storyline.ingest([DEMO / "text/lakeside-observer"], db=db)

    def count() -> int:
        with sqlite3.connect(db) as connection:
            return int(connection.execute("select count(*) from embeddings").fetchone()[0])

    before = count()
    assert before > 0
    storyline.analyze(db, everything=True)
    assert count() == before  # nothing re-embedded: every sentence was in the cache


def test_article_vectors_group_the_same_event(
    demo_db: Path, truth: dict[str, Any], demo_articles: dict[str, StoredArticle]
) -> None:
    with Store.open(storyline.StoreConfig.for_path(demo_db)) as store:
        vectors = store.article_vectors(DEFAULT_EMBEDDER)
    english = [i for i in truth["articles"] if i["language"] == "en"]
    same, different = [], []
    for a in english:
        for b in english:
            if a["path"] >= b["path"]:
                continue
            va, vb = vectors[demo_articles[a["path"]].id], vectors[demo_articles[b["path"]].id]
            (same if a["event"] == b["event"] else different).append(float(va @ vb))
    assert np.mean(same) > np.mean(different) + 0.2


@pytest.mark.slow  # distils the static model from MiniLM: 164 s on a busy 2-core machine
def test_static_embedder_is_distilled_offline_and_cached(tmp_path: Path, monkeypatch: Any) -> None:
    from storyline.nlp.embed import MiniLMStatic

    pytest.importorskip("torch", reason=WITH_TORCH)
    monkeypatch.setenv("STORYLINE_CACHE", str(tmp_path))
    first = MiniLMStatic()  # distils from the packaged MiniLM: no network, about a minute
    assert (tmp_path / "models" / "minilm-static" / "model.safetensors").exists()
    vectors = MiniLMStatic().embed(  # the second load reads the cache
        [
            "The central bank cut interest rates.",
            "Rates were lowered by the central bank.",
            "The striker scored twice.",
        ]
    )
    assert vectors.shape == (3, first.dim)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert float(vectors[0] @ vectors[1]) > float(vectors[0] @ vectors[2])


@pytest.mark.slow  # loads torch and builds the ONNX model: 12 s
def test_onnx_embedder_agrees_with_the_torch_model(
    tmp_path: Path, monkeypatch: Any, demo_articles: dict[str, StoredArticle]
) -> None:
    from storyline.nlp.embed import MiniLM, MiniLMOnnx

    pytest.importorskip("sentence_transformers", reason=WITH_TORCH)

    # Real sentences, short and long, from the demo articles: headings, quotes, figures, names.
    sentences = [
        s.text
        for stored in sorted(demo_articles.values(), key=lambda a: a.id)
        if stored.analysis and stored.article.language == "en"
        for s in stored.analysis.sentences[:6]
    ]
    assert len(sentences) >= 30
    monkeypatch.setenv("STORYLINE_CACHE", str(tmp_path))
    MiniLMOnnx()  # builds and quantises the packaged model: no network, seconds
    assert (tmp_path / "models" / "minilm-onnx" / "model.onnx").exists()
    onnx = MiniLMOnnx().embed(sentences)  # the second load reads the cache
    torch = MiniLM().embed(sentences)
    assert onnx.shape == torch.shape == (len(sentences), 384) and onnx.dtype == np.float32
    assert np.allclose(np.linalg.norm(onnx, axis=1), 1.0, atol=1e-4)
    cosines = (onnx * torch).sum(axis=1)
    # int8 weights move each vector a little: about 0.99 on average, rarely below 0.97.
    assert cosines.mean() > 0.98 and cosines.min() > 0.95, cosines


def test_onnx_embedder_keeps_order_and_meaning() -> None:
    embedder = get_embedder("minilm-onnx")
    texts = [
        "The central bank cut interest rates.",
        "The striker scored twice.",
        "Rates were lowered by the central bank.",
        "",
    ]
    vectors = embedder.embed(texts)
    assert vectors.shape == (4, 384) and embedder.embed([]).shape == (0, 384)
    # Batched by length inside, returned in the caller's order: each row is its own sentence's.
    alone = np.stack([embedder.embed([t])[0] for t in texts])
    assert ((vectors * alone).sum(axis=1) > 0.95).all()
    assert float(vectors[0] @ vectors[2]) > float(vectors[0] @ vectors[1]) + 0.2
