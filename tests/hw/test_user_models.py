"""Models as Brevitas users write and export them (plain `export_qonnx`, no hwcnn recipe): they
convert, and QONNX == simulator == C simulation exactly; a conversion that would not be exact is
refused, naming the first layer where the core and QONNX part."""

from __future__ import annotations

from functools import partial

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from hwcnn.cli import main
from hwcnn.errors import HwcnnError
from hwcnn.export import load_qonnx
from hwcnn.qonnx_exec import execute_qonnx
from hwcnn.hlsgen.csim import run_csim
from hwcnn.sim import load_simulator
from hwkit import (Shared, _brevitas_quants, brevitas_binary, brevitas_cnn, brevitas_input_scaling, brevitas_mlp,
                   brevitas_per_channel, brevitas_residual, compiled, once, plain_export)

pytestmark = pytest.mark.slow

N_INPUTS = 1000


def _inputs(qmodel, n: int, seed: int = 0) -> np.ndarray:
    """Inputs on the input quantizer's grid (what the core's input type holds), dense and extreme."""
    from hwcnn.hlsgen.convert import input_shape, input_type

    t = input_type(qmodel)
    rng = np.random.default_rng(seed)
    raw = rng.integers(t.min_raw, t.max_raw + 1, size=(n, *input_shape(qmodel)))
    raw[0], raw[1] = t.min_raw, t.max_raw
    return (raw * t.lsb).astype(np.float32)


def refused(model, shape, tmp_path, capsys, *needles: str) -> str:
    """Export `model` as a user would and convert it: refused in one line holding every needle,
    nothing written."""
    onnx = plain_export(model, shape, tmp_path / "m.onnx")
    capsys.readouterr()  # what torch's exporter printed
    assert main(["convert", str(onnx), "--out", str(tmp_path / "hls")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    for needle in needles:
        assert needle in err, err
    assert not (tmp_path / "hls").exists()
    return err


@pytest.fixture(scope="module")
def mlp_files(tmp_path_factory):
    root = tmp_path_factory.mktemp("mlp")
    onnx = plain_export(brevitas_mlp(), (1, 28, 28), root / "mlp.onnx")
    assert main(["convert", str(onnx), "--out", str(root / "hls")]) == 0
    return onnx, compiled(root / "hls")


@pytest.fixture(scope="module")
def mlp(mlp_files):
    onnx, project = mlp_files
    return load_qonnx(onnx), project


# pattern -> (builder, input shape): models as Brevitas users write them
PATTERNS = {
    # regression: the quantizer after a QuantLinear (no activation between) was dropped: hls4ml merges
    # it into the Dense result type and hwcnn's types overwrote it with the accumulator's
    "mlp-quantizer-after-each-linear": (brevitas_mlp, (1, 28, 28)),
    # a batch norm between each layer and its quantizer: a fixed-point scale and bias fitted to the
    # quantizer's level for every accumulator value (hwcnn/requant.py)
    "mlp-batchnorm1d-before-each-quantizer": (partial(brevitas_mlp, batch_norm=True), (1, 28, 28)),
    "cnn-3x32x32-batchnorm2d-relu-2bit-maxpool": (partial(brevitas_cnn, batch_norm=True), (3, 32, 32)),
    # binary weights (+-1 as a 2-bit narrow Quant) with bipolar (sign) or 2-bit activations after a batch
    # norm, fitted onto the levels -1 and +1 (saturating symmetrically) or the 2-bit quantizer's
    "binary-1w1a-mlp-batchnorm-sign": (brevitas_binary, (1, 8, 8)),
    "binary-1w2a-mlp-batchnorm": (partial(brevitas_binary, act_bits=2), (1, 8, 8)),
    # input scaling 2x - 1 before the input quantizer: the core's input is the grid the scaling maps
    # onto the quantizer's exactly (ufixed<8,0>), the scaling one fitted layer
    "input-scaling-2x-minus-1": (brevitas_input_scaling, (1, 8, 8)),
    # per-channel power-of-two weight scales: one finer scale with more bits (hwcnn's qonnx pass)
    "cnn-per-channel-pow2-weight-scales": (brevitas_per_channel, (1, 16, 16)),
    "residual-add-sharing-one-quantizer": (brevitas_residual, (1, 16, 16)),
    "cnn-3x32x32-2bit-maxpool-logits-quantizer": (brevitas_cnn, (3, 32, 32)),
    # 8-bit batch norms that no fixed-point scale and bias make exact (float32 rounding at a few level
    # boundaries) or whose accumulators take millions of values: per-channel thresholds found by
    # bisection (hwcnn/thresholds.py), one channel with a negative scale (levels falling)
    "mlp-batchnorm1d-8bit-thresholds": (partial(brevitas_mlp, bits=8, batch_norm=True), (1, 28, 28)),
    "cnn-3x32x32-batchnorm2d-8bit-thresholds": (partial(brevitas_cnn, bits=8, batch_norm=True), (3, 32, 32)),
    "residual-batchnorm-8bit": (partial(brevitas_residual, bits=8, batch_norm=True), (1, 16, 16)),
}
# the layers each pattern gets as thresholds (the others keep the affine form)
THRESHOLDED = {"mlp-batchnorm1d-8bit-thresholds": ["BatchNormalization_0", "BatchNormalization_1"],
               "cnn-3x32x32-batchnorm2d-8bit-thresholds": ["BatchNormalization_0", "BatchNormalization_1"],
               "residual-batchnorm-8bit": ["BatchNormalization_0"]}


@pytest.fixture(scope="session")
def patterns(tmp_path_factory):
    """{pattern: (QONNX graph, compiled project)}, each exported with plain export_qonnx and converted
    with `hwcnn convert FILE.onnx`."""

    def make(name, path):
        build, shape = PATTERNS[name]
        onnx = path.parent / f"{name}.onnx"

        def convert(p):
            plain_export(build(), shape, onnx)
            assert main(["convert", str(onnx), "--out", str(p)]) == 0
            compiled(p)

        once(path, convert)
        return load_qonnx(onnx), path

    return Shared(tmp_path_factory, "patterns", make)


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_user_model_pattern_is_exact_on_every_input(patterns, name):
    """QONNX == simulator == C simulation on 1,000 inputs on the input grid, raw values."""
    qmodel, project = patterns[name]
    x = _inputs(qmodel, N_INPUTS)
    want = execute_qonnx(qmodel, x)
    sim = load_simulator(project).run(x)
    assert_array_equal(sim.output.to_float(), want)
    assert_array_equal(run_csim(project, x, progress=False), want)
    assert len(np.unique(want, axis=0)) > 20  # far from a constant function
    desc = load_simulator(project).desc
    assert [la["name"] for la in desc["layers"] if la["kind"] == "ChannelThreshold"] == THRESHOLDED.get(name, [])
    if name == "input-scaling-2x-minus-1":  # the core's input: the grid 2x - 1 maps onto the quantizer's
        text = (project / "hwcnn_precision.md").read_text()
        assert "| global_in | Input | result: `ufixed<8,0>`" in text and "input scaling maps exactly" in text


def test_a_float_bias_is_refused_with_what_to_do(tmp_path, capsys):
    """Brevitas' default QuantConv2d bias is float: QONNX adds it in float32, not exactly."""
    import torch
    from brevitas import nn as qnn
    from brevitas.quant import Uint8ActPerTensorFixedPoint

    model = torch.nn.Sequential(qnn.QuantIdentity(act_quant=Uint8ActPerTensorFixedPoint),
                                qnn.QuantConv2d(1, 2, 3), torch.nn.Flatten()).eval()
    err = refused(model, (1, 8, 8), tmp_path, capsys, "unquantized (float) bias in Conv_0", "bias_quant")
    assert "quantizer scales that are not powers of two: Quant_" in err  # every reason at once: its weight scale too


def test_a_conversion_that_is_not_exact_is_refused_with_the_layer_named(tmp_path, monkeypatch):
    """With the quantizer fix taken out, the conversion's own check catches the wrong core."""
    import hwcnn.hlsgen.precision as precision

    weighted = precision.rules.weighted
    monkeypatch.setattr(precision.rules, "weighted", lambda *a, quantizer=None, **k: weighted(*a, **k))
    onnx = plain_export(brevitas_mlp(), (1, 28, 28), tmp_path / "mlp.onnx")
    with pytest.raises(HwcnnError, match=r"differs from the QONNX model on \d+ of 16 .* first at layer Dense_"):
        from hwcnn import pipeline

        pipeline.run(pipeline.RunConfig(project=tmp_path / "hls", qonnx=onnx, progress=False), "convert", "convert")
    assert not (tmp_path / "hls").exists() and not list(tmp_path.glob(".hwcnn-*"))  # nothing written


def test_bad59_a_batch_norm_with_no_quantizer_after_it_is_refused(tmp_path, capsys):
    """Its float output reaches the next layer: nothing in fixed point computes that exactly."""
    import torch
    from brevitas import nn as qnn
    from brevitas.quant import Uint8ActPerTensorFixedPoint

    model = torch.nn.Sequential(qnn.QuantIdentity(act_quant=Uint8ActPerTensorFixedPoint), torch.nn.Flatten(),
                                qnn.QuantLinear(64, 8, bias=False), torch.nn.BatchNorm1d(8),
                                qnn.QuantLinear(8, 4, bias=False)).eval()
    refused(model, (1, 8, 8), tmp_path, capsys, "BatchNormalization BatchNormalization_0 is not followed by a quantizer")


def test_csim_refuses_inputs_of_another_size(mlp):
    _, project = mlp
    with pytest.raises(HwcnnError, match="do not match the core's 784"):
        run_csim(project, np.zeros((2, 1, 32, 32), dtype=np.float32), progress=False)


def test_verify_a_qonnx_file_on_generated_and_given_inputs(mlp_files, tmp_path):
    import json

    onnx, project = mlp_files
    assert main(["verify", str(onnx), "--project", str(project), "--n", "300", "--report", str(tmp_path / "r"),
                 "--json", str(tmp_path / "v.json")]) == 0
    v = json.loads((tmp_path / "v.json").read_text())
    assert v["n_images"] == 300 and v["first_divergent_layer"] is None
    assert v["bit_exact"] == {"sim_vs_csim": 1.0, "qonnx_vs_csim": 1.0, "qonnx_vs_sim": 1.0}
    assert set(v["max_abs_diff"]) >= {"sim_vs_csim", "qonnx_vs_csim"}
    x = _inputs(load_qonnx(onnx), 40, seed=9)
    np.save(tmp_path / "x.npy", x)
    assert main(["verify", str(onnx), "--project", str(project), "--inputs", str(tmp_path / "x.npy"),
                 "--report", str(tmp_path / "r2"), "--json", str(tmp_path / "v2.json")]) == 0
    v2 = json.loads((tmp_path / "v2.json").read_text())
    assert v2["n_images"] == 40 and v2["bit_exact"]["qonnx_vs_csim"] == 1.0


def test_inputs_of_the_wrong_shape_are_refused(mlp_files, tmp_path, capsys):
    _, project = mlp_files
    np.save(tmp_path / "x.npy", np.zeros((3, 1, 32, 32), dtype=np.float32))
    for command in ("csim", "simulate"):
        assert main([command, str(project), "--inputs", str(tmp_path / "x.npy")]) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and "is not N images of the model's input shape (1, 28, 28)" in err


def test_bad64_inputs_off_the_input_grid_are_refused_naming_it(mlp_files, tmp_path, capsys):
    """The hardware's input port truncates where the quantizer rounds: not the same inputs."""
    _, project = mlp_files
    x = np.zeros((3, 1, 28, 28), dtype=np.float32)
    x[1, 0, 5, 5] = 0.3  # not a multiple of 2^-7
    np.save(tmp_path / "x.npy", x)
    for command in ("csim", "simulate"):
        assert main([command, str(project), "--inputs", str(tmp_path / "x.npy")]) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and "1 values are not on the core's input grid fixed<8,1>" in err


def test_bad61_per_channel_scales_on_an_activation_are_refused_by_name(tmp_path, capsys):
    """One scale per channel on an activation quantizer (per-channel float weights are carried:
    tests/hw/test_float_scales.py); made by hand, as Brevitas' activation quantizers have one scale."""
    from onnx import TensorProto, helper, save

    nodes = [helper.make_node("Quant", ["x", "s", "z", "b"], ["y"], domain="qonnx.custom_op.general", signed=1,
                              narrow=0, rounding_mode="ROUND")]
    inits = [helper.make_tensor("s", TensorProto.FLOAT, [1, 4], [0.1, 0.2, 0.3, 0.4]),
             helper.make_tensor("z", TensorProto.FLOAT, [], [0.0]), helper.make_tensor("b", TensorProto.FLOAT, [], [8.0])]
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
                              [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])], inits)
    save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)]), tmp_path / "m.onnx")
    capsys.readouterr()
    assert main(["convert", str(tmp_path / "m.onnx"), "--out", str(tmp_path / "hls")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "per-channel quantizer scales (Quant_0; Quant_0 has 4 scales" in err, err


def test_bad60_a_float_scale_into_an_average_is_refused_by_name(tmp_path, capsys):
    """Brevitas' default QuantIdentity before an average pool: the average of float-scale values has
    no integer-code form (float scales into convolutions and dense layers are carried:
    tests/hw/test_float_scales.py)."""
    import torch
    from brevitas import nn as qnn
    from brevitas.quant import Int8ActPerTensorFixedPoint

    from hwkit import _calibrated

    model = torch.nn.Sequential(qnn.QuantIdentity(), torch.nn.AvgPool2d(2),
                                qnn.QuantIdentity(act_quant=Int8ActPerTensorFixedPoint), torch.nn.Flatten())
    err = refused(_calibrated(model, (1, 8, 8), 0), (1, 8, 8), tmp_path, capsys, "quantizer scales that are not powers of two: Quant_")
    assert "(scale 0." in err and "an average" in err


def test_a_wrong_batch_norm_fit_is_caught_naming_the_layer(tmp_path, monkeypatch):
    """The conversion's own check compares each layer with QONNX's quantizer output after it."""
    import hwcnn.hlsgen.precision as precision

    fit = precision.rules.affine

    def off_by_one_bias(*args, **kwargs):
        choice = fit(*args, **kwargs)
        choice.weights["bias"] = choice.weights["bias"] + 2 ** choice.types["bias"].frac  # +1 in every channel
        return choice

    monkeypatch.setattr(precision.rules, "affine", off_by_one_bias)
    onnx = plain_export(brevitas_mlp(batch_norm=True), (1, 28, 28), tmp_path / "mlp.onnx")
    with pytest.raises(HwcnnError, match=r"differs from the QONNX model on \d+ of 16 .* first at layer "
                                         r"BatchNormalization_0"):
        from hwcnn import pipeline

        pipeline.run(pipeline.RunConfig(project=tmp_path / "hls", qonnx=onnx, progress=False), "convert", "convert")


def test_bad63_a_binary_activation_straight_after_a_layer_is_refused(tmp_path, capsys):
    import torch
    from brevitas import nn as qnn
    from brevitas.quant import SignedBinaryActPerTensorConst, Uint8ActPerTensorFixedPoint

    model = torch.nn.Sequential(qnn.QuantIdentity(act_quant=Uint8ActPerTensorFixedPoint), torch.nn.Flatten(),
                                qnn.QuantLinear(64, 4, bias=False, weight_quant=_brevitas_quants(4)[0]),
                                qnn.QuantIdentity(act_quant=SignedBinaryActPerTensorConst)).eval()
    refused(model, (1, 8, 8), tmp_path, capsys, "binary (bipolar) activation Quant_", "does not follow a batch")


def test_qonnx_execution_in_batches_equals_image_by_image(patterns, monkeypatch):
    """execute_qonnx runs a batched copy of the graph; image by image is the reference (and the
    fallback where a graph cannot be batched)."""
    from hwcnn import qonnx_exec

    qmodel, _ = patterns["cnn-3x32x32-batchnorm2d-relu-2bit-maxpool"]
    x = _inputs(qmodel, 40, seed=3)
    one_by_one = np.concatenate([qonnx_exec._execute(qmodel, x[i : i + 1]) for i in range(len(x))])
    assert_array_equal(execute_qonnx(qmodel, x, chunk=16), one_by_one)

    def cannot_batch(*args):
        raise RuntimeError("no batch dimension")

    monkeypatch.setattr(qonnx_exec, "batched", cannot_batch)
    assert_array_equal(execute_qonnx(qmodel, x), one_by_one)
    assert len(np.unique(one_by_one, axis=0)) > 5


def test_a_successful_conversion_says_nothing_on_stderr(tmp_path):
    """Library warnings (qonnx's GemmToMatMul on every Brevitas export) never reach the user: a
    process of its own, as pytest would catch the warnings itself."""
    import os
    import subprocess
    import sys

    from hwkit import ROOT

    onnx = plain_export(brevitas_mlp(), (1, 28, 28), tmp_path / "mlp.onnx")
    proc = subprocess.run([sys.executable, "-c", "import sys; from hwcnn.cli import main; sys.exit(main(sys.argv[1:]))",
                           "convert", str(onnx), "--out", str(tmp_path / "hls")], capture_output=True, text=True,
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""


def test_thresholds_per_channel_in_io_parallel_equal_qonnx(tmp_path):
    """The ChannelThreshold kernel's io_parallel form (the patterns above are io_stream): a channel
    is the element index modulo the channel count."""
    onnx = plain_export(brevitas_mlp(bits=8, batch_norm=True), (1, 28, 28), tmp_path / "mlp.onnx")
    assert main(["convert", str(onnx), "--out", str(tmp_path / "hls"), "--io-type", "io_parallel"]) == 0
    qmodel, project = load_qonnx(onnx), compiled(tmp_path / "hls")
    x = _inputs(qmodel, 200)
    want = execute_qonnx(qmodel, x)
    assert_array_equal(load_simulator(project).run(x).output.to_float(), want)
    assert_array_equal(run_csim(project, x, progress=False), want)
    assert sum(la["kind"] == "ChannelThreshold" for la in load_simulator(project).desc["layers"]) == 2
