"""The host's float32 head and tail (hwcnn/host.py, hwcnn/hlsgen/partition.py): models with float
work before the first quantizer or after the last quantized tensor convert, the host runs that work
in QONNX's order, and QONNX == simulator == C simulation exactly, on the model's outputs and on the
core's."""

from __future__ import annotations

import json
from functools import partial

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from hwcnn.cli import main
from hwcnn.export import load_qonnx
from hwcnn.hlsgen.csim import run_csim
from hwcnn.project import BuiltProject
from hwcnn.qonnx_exec import execute_qonnx
from hwkit import Shared, brevitas_host_ends, brevitas_mlp, compiled, once, plain_export

pytestmark = pytest.mark.slow

N_INPUTS = 1000


def _flatten_first():
    """brevitas_mlp with the Flatten before the input quantizer (a common way to write an MLP)."""
    import torch

    m = brevitas_mlp()
    return torch.nn.Sequential(m[1], m[0], *list(m)[2:]).eval()


# pattern -> (builder, input shape, the host's operations before the core, after it)
PATTERNS = {
    "normalised-input-tensornorm-tail": (brevitas_host_ends, (1, 8, 8),
                                         ["Transpose", "Sub", "Div", "Quant"], ["Sub", "Div", "Mul", "Add"]),
    "per-channel-mean-std-softmax-tail": (partial(brevitas_host_ends, per_channel=True, tail="softmax"), (3, 8, 8),
                                          ["Sub", "Div", "Transpose", "Quant"], ["Sub", "Div", "Mul", "Add", "Softmax"]),
    # hls4ml 1.3.0's io_stream core computes another function with a Flatten before the input
    # quantizer (its C simulation differs from QONNX): the host flattens (torch exports a Reshape) and quantizes
    "flatten-before-the-input-quantizer": (_flatten_first, (1, 28, 28), ["Reshape", "Quant"], []),
}


@pytest.fixture(scope="session")
def ends(tmp_path_factory):
    """{pattern: (QONNX file, compiled project)}, exported with plain export_qonnx, `hwcnn convert`."""

    def make(name, path):
        build, shape, _, _ = PATTERNS[name]
        onnx = path.parent / f"{name}.onnx"

        def convert(p):
            plain_export(build(), shape, onnx)
            assert main(["convert", str(onnx), "--out", str(p)]) == 0
            compiled(p)

        once(path, convert)
        return onnx, path

    return Shared(tmp_path_factory, "host-ends", make)


def _float_inputs(shape, n: int, seed: int = 0) -> np.ndarray:
    """Float inputs as images are (uniform in [0, 1)), with the extremes 0 and 1 first."""
    x = np.random.default_rng(seed).random((n, *shape), dtype=np.float32)
    x[0], x[1] = 0.0, 1.0
    return x


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_host_ends_are_exact_on_every_input(ends, name):
    onnx, path = ends[name]
    _, shape, pre, post = PATTERNS[name]
    qmodel, project = load_qonnx(onnx), BuiltProject.open(path)
    part = project.desc["partition"]
    assert [n["op"] for n in part["host_pre"]] == pre and [n["op"] for n in part["host_post"]] == post
    assert json.loads(project.files.manifest_path.read_text())["input_type"] == "float32"
    x = _float_inputs(shape, N_INPUTS)
    if name == "flatten-before-the-input-quantizer":
        x = 2 * x - 1  # what brevitas_mlp was calibrated on
    want = execute_qonnx(qmodel, x)
    core_in = project.to_core(x)
    sim_core = project.simulator.run(core_in).output.to_float()
    csim_core = run_csim(project, core_in, progress=False)
    assert_array_equal(sim_core, csim_core)
    assert_array_equal(project.from_core(sim_core), want)
    assert_array_equal(project.from_core(csim_core), want)
    assert len(np.unique(want, axis=0)) > 20  # far from a constant function


def test_verify_with_host_ends_on_any_float_inputs(ends, tmp_path, capsys):
    """`hwcnn verify FILE.onnx --inputs X.npy`: inputs off every grid are the host's to quantize;
    the report says where the core begins and ends."""
    onnx, path = ends["per-channel-mean-std-softmax-tail"]
    np.save(tmp_path / "x.npy", np.random.default_rng(4).normal(0.5, 1.0, size=(300, 3, 8, 8)).astype(np.float32))
    capsys.readouterr()
    assert main(["verify", str(onnx), "--project", str(path), "--inputs", str(tmp_path / "x.npy"), "--n", "300",
                 "--report", str(tmp_path / "r"), "--json", str(tmp_path / "v.json")]) == 0
    assert capsys.readouterr().err == ""
    v = json.loads((tmp_path / "v.json").read_text())
    assert v["n_images"] == 300 and v["bit_exact"] == {"sim_vs_csim": 1.0, "qonnx_vs_csim": 1.0, "qonnx_vs_sim": 1.0}
    assert [n["op"] for n in v["partition"]["host_post"]][-1] == "Softmax"
    report = (tmp_path / "r" / "report.md").read_text()
    assert "before the core: Sub Sub_0" in report and "Softmax Softmax_0" in report
    assert "after it:" in (path / "README_hwcnn.md").read_text()


def test_a_changed_host_graph_is_refused(ends, tmp_path, capsys):
    """The host's graphs are bound to the description by sha256: a project whose tail was replaced
    (another scale, or code) is not run."""
    import shutil

    _, path = ends["normalised-input-tensornorm-tail"]
    copy = tmp_path / "hls"
    shutil.copytree(path, copy)
    tail = copy / "hwcnn_host_post.onnx"
    tail.write_bytes(tail.read_bytes().replace(b"Mul_0", b"Mul_9"))
    capsys.readouterr()
    assert main(["csim", str(copy), "--n", "4"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "hwcnn_host_post.onnx" in err and "sha256" in err, err


def test_a_board_project_with_host_ends_is_refused(ends, tmp_path, capsys):
    """The board's PYNQ driver does not run the host's graphs yet: refused, not a core fed raw floats."""
    onnx, _ = ends["normalised-input-tensornorm-tail"]
    capsys.readouterr()
    assert main(["convert", str(onnx), "--out", str(tmp_path / "hls"), "--board", "pynq-z2"]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "host" in err and "--board" in err, err
    assert not (tmp_path / "hls").exists()
