"""SqueezeNet 1.1's and 1.0's topologies at ImageNet size (224x224x3, 1,000 classes, 3x3/2 pools, in ceil
mode for 1.0's 54 -> 27, a global average over 13x13) through the whole flow, at 1/8 of their widths (the
full models: scripts/bench_squeezenet224.py)."""

from __future__ import annotations

import pytest
import torch
from numpy.testing import assert_array_equal

from hwkit import compiled, grid_inputs, make_project, random_qat_squeezenet
from hwcnn.hlsgen.csim import run_csim
from hwcnn.sim import load_simulator

pytestmark = pytest.mark.slow


# both behind `pytest -m extended` (about 80 s each, nearly all g++); the default run's SqueezeNets are 32x32
@pytest.mark.parametrize("variant", [pytest.param("squeezenet1.1-narrow", marks=pytest.mark.extended),
                                     pytest.param("squeezenet1.0-narrow", marks=pytest.mark.extended)])
def test_narrow_squeezenet_at_224_is_exact(tmp_path, variant):
    model = random_qat_squeezenet(variant, 4, 4, seed=0, num_classes=1000, calibration_images=8)
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
