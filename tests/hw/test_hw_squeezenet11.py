"""SqueezeNet 1.1's topology at ImageNet size (224x224x3, 1,000 classes, 3x3/2 pools, a global average
over 13x13) through the whole flow, at 1/8 of its widths (the full model: scripts/bench_squeezenet11.py)."""

from __future__ import annotations

import pytest
import torch
from numpy.testing import assert_array_equal

from hwkit import compiled, grid_inputs, make_project, random_qat_squeezenet
from hwcnn.hlsgen.csim import run_csim
from hwcnn.sim import load_simulator

pytestmark = pytest.mark.slow


def test_narrow_squeezenet11_at_224_is_exact(tmp_path):
    model = random_qat_squeezenet("squeezenet1.1-narrow", 4, 4, seed=0, num_classes=1000, calibration_images=8)
    project = compiled(make_project(model, tmp_path / "p", channels=3, side=224))
    x = grid_inputs(3, 3, side=224)
    sim = load_simulator(project)
    assert [layer["attrs"]["in_height"] for layer in sim.layers if layer["kind"] == "GlobalPooling2D"] == [13]
    assert sum(layer["kind"] == "Pooling2D" for layer in sim.layers) == 3
    csim = run_csim(project, x, progress=False)
    assert_array_equal(sim.run(x).output.to_float(), csim)
    with torch.no_grad():
        assert_array_equal(model.double()(torch.from_numpy(x).double()).numpy(), csim)
    assert csim.shape == (3, 1000)
