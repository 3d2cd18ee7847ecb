"""hwcnn's io_stream pooling (hwcnn/hlsgen/pooling.py): overlapping windows, padded and ceil-mode max
pools, and global averages over areas that are not powers of two, exact against the QAT model (PyTorch)
and hls4ml's C simulation."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from numpy.testing import assert_array_equal

from hwkit import Shared, compiled, grid_inputs, make_project, once
from hwcnn import average
from hwcnn.errors import HwcnnError
from hwcnn.fixed import FixedType
from hwcnn.hlsgen.csim import run_csim
from hwcnn.models import quant
from hwcnn.sim import load_simulator

pytestmark = pytest.mark.slow


def calibrated(layers: list, seed: int) -> torch.nn.Sequential:
    """A QAT model with seeded weights whose activation quantizers saw random images (their scales set)."""
    torch.manual_seed(seed)
    model = torch.nn.Sequential(*layers).train()
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for _ in range(4):
            model(torch.randint(0, 256, (32, 1, 32, 32), generator=gen).float() / 256)
    return model.eval()


class Plain(torch.nn.Module):
    """The network's output as a plain tensor (what Brevitas' last quantizer gives with return_quant_tensor=False)."""

    def forward(self, x):
        return quant.plain(x)


def model_for(area: int, seed: int = 0, average_bits: int | None = 16, signed: bool = True):
    """A map of 7x7 (conv 2x2/2, max pool 3x3/2: 32 -> 16 -> 7, its last row and column in no window) or
    13x13 (conv 8x8/2: 32 -> 13),
    then conv 1x1 to 10 channels, ReLU, the global average and its quantizer (signed, or unsigned as squeezenet-seed's)."""
    torch.manual_seed(seed)
    if area == 49:
        front = [quant.conv2d(1, 6, 2, stride=2, weight_bits=4), quant.relu(4), torch.nn.MaxPool2d(3, 2)]
    else:
        front = [quant.conv2d(1, 6, 8, stride=2, weight_bits=4), quant.relu(4)]
    layers = [quant.input_quant(8), *front, quant.conv2d(6, 10, 1, weight_bits=4), quant.relu(4),
              torch.nn.AdaptiveAvgPool2d(1)]
    layers += [quant.average_quant(average_bits, signed)] if average_bits else [Plain()]
    return calibrated(layers + [torch.nn.Flatten()], seed)


def padded_pools_model(activation: str = "relu"):
    """Four max pools the padding or ceil mode reshapes: 3x3/2 in ceil mode (30 -> 15, floor: 14),
    2x2/2 in ceil mode (15 -> 8, floor: 7), 3x3/2 padded 1 (8 -> 4, a window starting above the image),
    3x3/1 padded 1 on every side (two windows end on the last row and column); then conv 1x1, ReLU and
    a global average over 4x4 (an exact shift)."""
    act = quant.relu(4) if activation == "relu" else quant.tanh(4)  # tanh: a signed input to the pools
    layers = [quant.input_quant(8), quant.conv2d(1, 6, 3, weight_bits=4), act,
              torch.nn.MaxPool2d(3, 2, ceil_mode=True), torch.nn.MaxPool2d(2, 2, ceil_mode=True),
              torch.nn.MaxPool2d(3, 2, padding=1), torch.nn.MaxPool2d(3, 1, padding=1),
              quant.conv2d(6, 10, 1, weight_bits=4), quant.relu(4), torch.nn.AdaptiveAvgPool2d(1), Plain(),
              torch.nn.Flatten()]
    return calibrated(layers, seed=3)


@pytest.fixture(scope="module")
def projects(tmp_path_factory):
    def make(key, path):
        if key[0] == "padded":
            model = padded_pools_model(key[1])
            io = "io_stream" if key[1] == "relu" else "io_parallel"
            return model, once(path, lambda p: compiled(make_project(model, p, io_type=io)))
        area, bits = key
        model = model_for(area, seed=area + bits, average_bits=bits, signed=area != 49)  # 49: unsigned, as squeezenet-seed
        return model, once(path, lambda p: compiled(make_project(model, p)))

    return Shared(tmp_path_factory, "pooling", make)


def qat(model, x):
    with torch.no_grad():
        out = model.double()(torch.from_numpy(x).double())
    model.float()
    return quant.plain(out).numpy()


@pytest.mark.parametrize("key", [(49, 16), (169, 16), pytest.param((49, 8), marks=pytest.mark.extended)],
                         ids=lambda k: f"area{k[0]}-avg{k[1]}bits")
def test_core_equals_qat_model(projects, key):
    """sim == csim == QAT (float64) on every value, for the rounded average over 49 and 169 positions
    (and an overlapping 3x3/2 max pool before the 49)."""
    model, project = projects[key]
    x = grid_inputs(300)
    sim = load_simulator(project)
    res = sim.run(x, trace=True)
    csim = run_csim(project, x, progress=False)
    assert_array_equal(res.output.to_float(), csim)
    assert_array_equal(csim, qat(model, x))
    assert np.unique(csim).size > 20  # the averages vary (a constant output would pass trivially)
    # the quantizer's saturation of the largest means is counted as its clipping (the model's), not overflow
    (gap,) = [layer for layer in sim.layers if layer["kind"] == "GlobalPooling2D"]
    (before,) = [layer for layer in sim.layers if layer["output"] == gap["inputs"][0]]
    xin, out = res.traces[before["name"]], FixedType.parse(gap["types"]["result"])
    wide = FixedType(out.width + 40, out.integer + 40, out.signed)
    rounded = average.rounded_average(xin.raw.sum(axis=(1, 2)), key[0], xin.type.frac, wide)
    assert res.clipped.get(gap["name"], 0) == np.count_nonzero((rounded > out.max_raw) | (rounded < out.min_raw))
    assert gap["name"] not in res.overflow
    cpp = (project / "firmware" / "myproject.cpp").read_text()
    assert "nnet::global_pooling2d_rounded_cl<" in cpp
    assert ("nnet::pooling2d_window_cl<" in cpp) == (key[0] == 49)


def test_overlapping_max_pool_equals_pytorch(projects):
    """The window pooling's output equals PyTorch's MaxPool2d(3, 2) of the layer before it, on random inputs."""
    _, project = projects[(49, 16)]
    rng = np.random.default_rng(5)
    x = (rng.integers(0, 256, size=(64, 1, 32, 32)) / 256).astype(np.float32)
    sim = load_simulator(project)
    traces = sim.run(x, trace=True).traces
    (pool,) = [layer for layer in sim.layers if layer["kind"] == "Pooling2D"]
    before = traces[[layer for layer in sim.layers if layer["output"] == pool["inputs"][0]][0]["name"]].to_float()
    want = torch.nn.functional.max_pool2d(torch.from_numpy(before).permute(0, 3, 1, 2), 3, 2).permute(0, 2, 3, 1)
    assert_array_equal(traces[pool["name"]].to_float(), want.numpy())
    assert_array_equal(run_csim(project, x, progress=False), sim.run(x).output.to_float())


@pytest.mark.parametrize("activation", ["relu", "tanh"], ids=["io_stream-unsigned", "io_parallel-signed"])
def test_padded_and_ceil_mode_max_pools_equal_pytorch(projects, activation):
    """Each padded or ceil-mode pool's output equals PyTorch's max_pool2d of the layer before it (with
    its padding and ceil mode), and sim == csim == QAT on every value: in io_stream by hwcnn's window
    kernel, in io_parallel (signed input only) by hls4ml's pooling."""
    model, project = projects[("padded", activation)]
    x = grid_inputs(100)
    sim = load_simulator(project)
    run = sim.run(x, trace=True)
    pools = [layer for layer in sim.layers if layer["kind"] == "Pooling2D"]
    torch_pools = [m for m in model if isinstance(m, torch.nn.MaxPool2d)]
    assert [p["attrs"]["out_height"] for p in pools] == [15, 8, 4, 4]
    for pool, tp in zip(pools, torch_pools):
        (before,) = [layer for layer in sim.layers if layer["output"] == pool["inputs"][0]]
        y = torch.from_numpy(run.traces[before["name"]].to_float()).permute(0, 3, 1, 2)
        want = torch.nn.functional.max_pool2d(y, tp.kernel_size, tp.stride, tp.padding, ceil_mode=tp.ceil_mode)
        assert_array_equal(run.traces[pool["name"]].to_float(), want.permute(0, 2, 3, 1).numpy())
    csim = run_csim(project, x, progress=False)
    assert_array_equal(run.output.to_float(), csim)
    assert_array_equal(csim, qat(model, x))
    assert np.unique(csim).size > 20
    cpp = (project / "firmware" / "myproject.cpp").read_text()
    assert cpp.count("nnet::pooling2d_window_cl<") == (4 if activation == "relu" else 0)


def test_padded_max_pool_of_unsigned_input_is_refused_in_io_parallel(tmp_path):
    with pytest.raises(HwcnnError, match="pads an unsigned input with its largest power of two"):
        make_project(padded_pools_model("relu"), tmp_path / "p", io_type="io_parallel")


def test_padded_or_ceil_mode_average_pool_is_refused(tmp_path):
    layers = [quant.input_quant(8), quant.conv2d(1, 4, 3, weight_bits=4), quant.relu(4),
              torch.nn.AvgPool2d(2, 2, padding=1), quant.conv2d(4, 10, 1, weight_bits=4), quant.relu(4),
              torch.nn.AdaptiveAvgPool2d(1), Plain(), torch.nn.Flatten()]
    with pytest.raises(HwcnnError, match="padding in an average is refused"):
        make_project(calibrated(layers, seed=4), tmp_path / "p")
    layers[3] = torch.nn.AvgPool2d(2, 2, ceil_mode=True)  # 30 -> 15 either way: refused for what it could do
    with pytest.raises(HwcnnError, match="average pool .* in ceil mode"):
        make_project(calibrated(layers, seed=4), tmp_path / "q")


def test_average_without_quantizer_is_refused(tmp_path):
    with pytest.raises(HwcnnError, match="put a Brevitas quantizer after the global average"):
        make_project(model_for(49, average_bits=None), tmp_path / "p")
