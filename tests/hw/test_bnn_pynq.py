"""Brevitas' own reference models (brevitas_examples.bnn_pynq, in the installed wheel), as a user
takes them: random weights, batch-norm statistics calibrated on images, plain `export_qonnx`, then
`hwcnn verify FILE.onnx --n 200 --inputs X.npy --json J`. Their input scaling (`2x - 1` after a
view) and TensorNorm tail run on the host (hwcnn/host.py); QONNX == simulator == C simulation."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from hwkit import ROOT, plain_export

pytestmark = pytest.mark.slow

N = 200
FC = ["TFC_1W1A", "TFC_1W2A", "TFC_2W2A", "SFC_1W1A", "SFC_1W2A", "SFC_2W2A", "LFC_1W1A", "LFC_1W2A"]
# one CNV (about 3 minutes on 2 cores): CNV_1W2A and CNV_2W2A are the same layers at other widths,
# which the FC models cover; the suite keeps within its time
CNV = ["CNV_1W1A"]
# the default run keeps one model per width pair; the others are extended points
DEFAULT = {"TFC_1W1A", "TFC_1W2A", "TFC_2W2A"}


def bnn_pynq(name: str, path):
    """The model `name` from bnn_pynq's model zoo (untrained), calibrated as training leaves it."""
    import torch
    from brevitas_examples.bnn_pynq.models import model_with_cfg

    model, _ = model_with_cfg(name, pretrained=False)
    shape = (3, 32, 32) if name.startswith("CNV") else (1, 28, 28)
    torch.manual_seed(0)
    model.train()
    with torch.no_grad():
        for _ in range(30):
            model(torch.rand(32, *shape))
    return plain_export(model.eval(), shape, path), shape


def _verify(name: str, tmp_path) -> tuple[dict, str]:
    """`hwcnn verify` of the exported model in a process of its own (its stderr as a user sees it)."""
    onnx, shape = bnn_pynq(name, tmp_path / f"{name}.onnx")
    x = np.random.default_rng(3).random((N, *shape), dtype=np.float32)
    if name.startswith("CNV"):  # no host head: the inputs on the core's input grid, pixels k/256
        x = np.floor(x * 256) / 256
    np.save(tmp_path / "x.npy", x)
    proc = subprocess.run([sys.executable, "-c", "import sys; from hwcnn.cli import main; sys.exit(main(sys.argv[1:]))",
                           "verify", str(onnx), "--n", str(N), "--inputs", str(tmp_path / "x.npy"), "--json",
                           str(tmp_path / "v.json"), "--project", str(tmp_path / "hls")],
                          capture_output=True, text=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr
    return json.loads((tmp_path / "v.json").read_text()), proc.stderr


@pytest.mark.parametrize("name", [pytest.param(n, marks=[] if n in DEFAULT else [pytest.mark.extended])
                                  for n in FC + CNV])
def test_bnn_pynq_model_is_exact(name, tmp_path):
    v, err = _verify(name, tmp_path)
    assert err == ""
    assert v["n_images"] == N
    assert v["bit_exact"] == {"sim_vs_csim": 1.0, "qonnx_vs_csim": 1.0, "qonnx_vs_sim": 1.0}
    # the host: the FC models' view and 2x - 1 before the input quantizer (CNV's 2x - 1 the core takes
    # exactly, on the input grid it maps onto the quantizer's), TensorNorm after the last layer
    part = v["partition"]
    assert [n["op"] for n in part["host_pre"]] == ([] if name.startswith("CNV") else ["Reshape", "Mul", "Sub", "Quant"])
    # (TensorNorm's weight 1 and bias 0, untrained, export as nothing: only its Sub and Div remain)
    assert [n["op"] for n in part["host_post"]] == ["Sub", "Div"]
    if name.startswith("CNV"):  # its input quantizer's grid: the core takes the pixels k/256 exactly
        assert v["inputs"] == {"inputs": str(tmp_path / "x.npy")}
    outs = np.load(tmp_path / "hls" / "tb_output.npy")
    assert len(np.unique(outs, axis=0)) > 1  # the testbench's core outputs are not one constant vector
