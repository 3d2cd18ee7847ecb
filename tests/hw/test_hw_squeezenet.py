"""The hardware path on SqueezeNet: simulator == C simulation == Brevitas QAT, exactly.

Both presets at w8a8 (max weight scales) and w4a4 (mse weight scales), seeded random weights made
the way trained ones are (float model with batch norm -> BN folded -> QAT). SqueezeNet brings what
LeNet-5 does not: fire modules (a fan-out Clone, two expand branches concatenated), 1x1 (pointwise)
and zero-padded 3x3 convolutions, and a global average pool.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from numpy.testing import assert_array_equal

from hwkit import SQUEEZENET_CHANNELS, Shared, compiled, once, grid_inputs, make_project, random_qat_squeezenet
from hwcnn.hlsgen.csim import run_csim, trace_csim
from hwcnn.errors import HwcnnError
from hwcnn.sim import load_simulator

pytestmark = pytest.mark.slow

N_INPUTS = 200
# every preset at both widths, except: the narrow 1.0/1.1 presets (their topology is the full ones',
# with fewer channels; test_hw_squeezenet224.py runs them at their 224x224 size) and 1.0/1.1 at 8 bits
# (the 8-bit types are the 32x32 presets', the topologies are checked at 4 bits)
CASES = [(v, w, a) for v in SQUEEZENET_CHANNELS for (w, a) in ((8, 8), (4, 4))
         if "narrow" not in v and not (v.startswith("squeezenet1.") and w == 8)]
WEIGHT_SCALE = {8: "max", 4: "mse"}  # w4a4 as the shipped model is made: the mse scale clips outliers


@pytest.fixture(scope="module")
def squeezenets(tmp_path_factory):
    """{(variant, wbits, abits): (model, compiled project)}, each made on first use."""

    def make(c, path):
        model = random_qat_squeezenet(*c, seed=10 * c[1] + c[2], weight_scale=WEIGHT_SCALE[c[1]], side=32)
        return model, once(path, lambda p: compiled(make_project(model, p, channels=SQUEEZENET_CHANNELS[c[0]])))

    return Shared(tmp_path_factory, "squeezenet", make)


# the default run: the 3-channel variant at 4 bits (the golden test covers the shipped 1-channel w4a4
# models); `pytest -m extended` the others
COVERING = {("squeezenet-cifar", 4, 4)}


@pytest.mark.parametrize("case", [pytest.param(c, marks=() if c in COVERING else pytest.mark.extended) for c in CASES],
                         ids=[f"{v}-w{w}a{a}" for v, w, a in CASES])
def test_simulator_equals_csim_and_qat(squeezenets, case):
    model, project = squeezenets[case]
    x = grid_inputs(N_INPUTS, SQUEEZENET_CHANNELS[case[0]])
    res = load_simulator(project).run(x)
    csim = run_csim(project, x, progress=False)
    csim_raw = csim / res.output.type.lsb
    assert_array_equal(csim_raw, np.round(csim_raw))
    assert_array_equal(res.output.raw, csim_raw.astype(np.int64))
    with torch.no_grad():
        qat = model.double()(torch.from_numpy(x).double()).numpy()
    model.float()
    assert_array_equal(qat, csim)  # the QAT model is what the hardware computes
    assert res.overflow == {}
    # random weights, yet the core tells the inputs apart (4-bit outputs of a 1x1 map take few values,
    # so count distinct output vectors)
    assert len(np.unique(csim, axis=0)) > N_INPUTS // 4


def test_exported_graph_streams(squeezenets):
    """After hwcnn's qonnx passes: no Transpose but the input's, every Concat joins two tensors of
    one quantizer, the global average is a channels-last ReduceMean that ends the graph."""
    from qonnx.core.modelwrapper import ModelWrapper

    _, project = squeezenets[("squeezenet-cifar", 4, 4)]
    qmodel = ModelWrapper(str(project.with_suffix(".onnx")))
    ops = [n.op_type for n in qmodel.graph.node]
    assert ops.count("Transpose") == 1 and qmodel.find_consumer(qmodel.graph.input[0].name).op_type == "Transpose"
    assert "BatchNormalization" not in ops and "Reshape" not in ops
    concats = [n for n in qmodel.graph.node if n.op_type == "Concat"]
    assert len(concats) == 4
    for c in concats:
        quants = [qmodel.find_producer(t) for t in c.input]
        assert [q.op_type for q in quants] == ["Quant", "Quant"]
        params = [[qmodel.get_initializer(t).item() for t in q.input[1:]] for q in quants]
        assert params[0] == params[1]
    last = qmodel.graph.node[-1]
    assert last.op_type == "ReduceMean" and list(qmodel.get_initializer(last.input[1])) == [1, 2]


def test_qonnx_execution_equals_brevitas(squeezenets):
    from qonnx.core.modelwrapper import ModelWrapper

    from hwcnn.qonnx_exec import execute_qonnx

    model, project = squeezenets[("squeezenet-mnist", 8, 8)]
    x = grid_inputs(4, 1)
    with torch.no_grad():
        ref = model(torch.from_numpy(x)).numpy()
    assert_array_equal(execute_qonnx(ModelWrapper(str(project.with_suffix(".onnx"))), x), ref)


def test_traces_agree_layer_by_layer(squeezenets):
    _, project = squeezenets[("squeezenet-mnist", 8, 8)]
    x = grid_inputs(3, 1)
    s_tr = load_simulator(project).run(x, trace=True).traces
    c_tr = trace_csim(project, x)
    kinds = {layer["name"]: layer["kind"] for layer in load_simulator(project).layers}
    assert {"Concatenate", "Clone", "ZeroPadding2D", "PointwiseConv2D", "GlobalPooling2D"} <= {kinds[n] for n in c_tr}
    for name, c in c_tr.items():
        assert_array_equal(s_tr[name].to_float().reshape(3, -1), c, err_msg=name)


def test_fold_batch_norm_keeps_the_function():
    from hwcnn.config import ModelConfig
    from hwcnn.models import build_model
    from hwcnn.models.squeezenet import fold_batch_norm

    torch.manual_seed(0)
    model = build_model(ModelConfig(arch="squeezenet", variant="squeezenet-cifar", in_channels=3, batch_norm=True))
    for bn in (m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)):
        bn.running_mean.uniform_(-0.5, 0.5)
        bn.running_var.uniform_(0.5, 2.0)
        bn.weight.data.uniform_(0.5, 1.5)
        bn.bias.data.uniform_(-0.2, 0.2)
    folded = fold_batch_norm(model.eval()).eval()
    assert not any(isinstance(m, torch.nn.BatchNorm2d) for m in folded.modules())
    x = torch.from_numpy(grid_inputs(8, 3)).double()
    with torch.no_grad():
        want = model.double()(x).numpy()
        got = folded.double()(x).numpy()
    # equal up to the float32 rounding of the folded weights
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-6 * np.abs(want).max())


def test_equalize_keeps_the_function_and_balances_every_channel_across_each_relu():
    from hwcnn.config import ModelConfig, QuantConfig
    from hwcnn.models import build_model
    from hwcnn.models.squeezenet import _relu_pairs, equalize, fold_batch_norm

    torch.manual_seed(0)
    model = build_model(ModelConfig(arch="squeezenet", variant="squeezenet-mnist", batch_norm=True))
    for bn in (m for m in model.modules() if isinstance(m, torch.nn.BatchNorm2d)):
        bn.running_var.uniform_(0.5, 2.0)
        bn.weight.data.uniform_(0.5, 1.5)
        bn.weight.data[::5] *= 30  # outlier channels, as batch-norm gains fold into weights
        bn.bias.data.uniform_(-0.2, 0.2)
    folded = fold_batch_norm(model.eval()).eval()
    equalized = equalize(folded)

    def range_ratios(m):  # per channel: its weight range in the producer / in the consumers
        for producers, consumers in _relu_pairs(m):
            for conv, at in producers:
                c = conv.out_channels
                r1 = conv.weight.abs().reshape(c, -1).amax(1)
                r2 = torch.stack([k.weight[:, at:at + c].abs().transpose(0, 1).reshape(c, -1).amax(1)
                                  for k in consumers]).amax(0)
                yield r1 / r2

    assert len(list(range_ratios(folded))) == 13  # conv1 | 4 fires x (squeeze | expands, expands | next)
    assert max(r.max() / r.min() for r in range_ratios(folded)) > 40
    for r in range_ratios(equalized):  # balanced: every channel has the same ratio (a common factor is free)
        assert r.max() / r.min() < 1.001
    x = torch.from_numpy(grid_inputs(8, 1)).double()
    with torch.no_grad():
        want = folded.double()(x).numpy()
        got = equalized.double()(x).numpy()
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-6 * np.abs(want).max())  # float32 weight rounding
    assert torch.equal(folded.conv1.weight, fold_batch_norm(model).conv1.weight)  # the input is not changed
    with pytest.raises(HwcnnError, match="without batch norm"):
        equalize(model)
    with pytest.raises(HwcnnError, match="float SqueezeNet"):
        equalize(build_model(ModelConfig(arch="squeezenet", variant="squeezenet-mnist", quant=QuantConfig(4, 4))))

