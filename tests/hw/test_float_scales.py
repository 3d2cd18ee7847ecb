"""Float (not power-of-two) quantizer scales, as Brevitas' defaults make them: the core computes on
integer codes (hwcnn.qonnx_transforms.FloatScalesToCodes), exact against DESIGN.md's exact
reference (each sum of products computed exactly, rounded once to float32), and every input where
plain float32 execution differs from it is traced to the sum of products where they part."""

from __future__ import annotations

import json
from functools import partial

import numpy as np
import pytest

from hwcnn.cli import main
from hwkit import brevitas_float_scales, plain_export

pytestmark = pytest.mark.slow

N = 1000
# pattern -> (builder, inputs): on the core's input grid fixed<8,1> where the input quantizer is a
# power of two, any float where the host's head quantizes a float-scale input
PATTERNS = {
    "brevitas-defaults-mlp-float-bias": (partial(brevitas_float_scales, float_part="defaults"), "float"),
    "cnn-per-channel-float-weight-scales": (partial(brevitas_float_scales, float_part="per-channel-conv"), "float"),
    "float-weight-scales-and-float-logits-quantizer": (partial(brevitas_float_scales, float_part="weights"), "grid"),
    "float-activation-scales-float-logits": (partial(brevitas_float_scales, float_part="activations"), "float"),
}


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_float_scales_are_exact_against_the_exact_reference(name, tmp_path):
    build, inputs = PATTERNS[name]
    onnx = plain_export(build(), (1, 8, 8), tmp_path / "m.onnx")
    x = np.random.default_rng(5).random((N, 1, 8, 8), dtype=np.float32) * 2 - 1
    if inputs == "grid":
        x = np.clip(np.round(x * 128), -128, 127) / 128
    np.save(tmp_path / "x.npy", x)
    assert main(["verify", str(onnx), "--n", str(N), "--inputs", str(tmp_path / "x.npy"), "--json",
                 str(tmp_path / "v.json"), "--project", str(tmp_path / "hls"), "--report", str(tmp_path / "r")]) == 0
    v = json.loads((tmp_path / "v.json").read_text())
    b, f = v["bit_exact"], v["float32_differences"]
    assert b["sim_vs_csim"] == b["qonnx_exact_vs_csim"] == b["qonnx_vs_csim_explained"] == 1.0
    assert f["explained"] == f["inputs_differing"] == sum(1 for r in f["inputs"] if r["op"] in ("MatMul", "Conv"))
    assert b["qonnx_vs_csim"] == pytest.approx(1 - f["inputs_differing"] / N)
    if name != "float-weight-scales-and-float-logits-quantizer":
        # float logits after a float-scale product: plain float32 sums differ in the last bit
        assert f["inputs_differing"] > 0
        assert "qonnx_exact vs csim | 1.0000" in (tmp_path / "r" / "report.md").read_text()
    outs = np.load(tmp_path / "hls" / "tb_output.npy")
    assert len(np.unique(outs, axis=0)) > 8  # far from a constant function
