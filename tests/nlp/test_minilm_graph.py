"""The shipped MiniLM graph: rebuilt from the packaged weights without torch, into the very bytes
torch exports, so the int8 model and every vector are those the figures were measured with."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from storyline.nlp.minilm_graph import GRAPH_FILE, RECIPE_FILE, float_model, regenerate


def test_the_weights_go_back_into_the_exported_bytes_without_torch() -> None:
    # In a fresh process: nothing imported by the other tests counts.
    code = (
        "import hashlib, sys; from storyline.nlp.minilm_graph import float_model; "
        "print(hashlib.sha256(float_model()).hexdigest(), 'torch' in sys.modules, "
        "'transformers' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    recipe = json.loads(RECIPE_FILE.read_text(encoding="utf-8"))
    assert out.split() == [recipe["float_sha256"], "False", "False"]


def test_the_shipped_graph_carries_no_weights() -> None:
    import onnx

    graph = onnx.load_from_string(GRAPH_FILE.read_bytes())
    assert len(graph.graph.initializer) == 101
    assert not any(i.raw_data for i in graph.graph.initializer)
    assert GRAPH_FILE.stat().st_size < 200_000  # the weights are 90 MB


def test_weights_that_do_not_fit_the_graph_are_refused(tmp_path: Path) -> None:
    recipe = json.loads(RECIPE_FILE.read_text(encoding="utf-8"))
    # Every MatMul weight read as is: the transposed shapes no longer fit (the 384 x 1536 ones).
    for entry in recipe["initializers"]:
        entry["transpose"] = False
    wrong = tmp_path / "recipe.json"
    wrong.write_text(json.dumps(recipe), encoding="utf-8")
    with pytest.raises(ValueError, match="not the ones the graph was exported from"):
        float_model(GRAPH_FILE, wrong)


@pytest.mark.slow  # exports the packaged model with torch: 15 s
def test_the_shipped_graph_and_recipe_are_the_torch_export(tmp_path: Path) -> None:
    pytest.importorskip("torch", reason="the torch extra is not installed: scripts/setup --with-torch")
    recipe = regenerate(tmp_path / "graph.onnx", tmp_path / "recipe.json")  # checks the rebuild too
    assert (tmp_path / "graph.onnx").read_bytes() == GRAPH_FILE.read_bytes()
    assert (tmp_path / "recipe.json").read_text(encoding="utf-8") == RECIPE_FILE.read_text(encoding="utf-8")
    assert recipe["float_sha256"] == hashlib.sha256(float_model()).hexdigest()
