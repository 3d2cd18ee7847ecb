"""Every --precision override hwcnn accepts gives simulator == C simulation exactly, or is refused
with its reason (drawn at random on the shipped LeNet-5: fields, widths, rounding and overflow)."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from hwcnn import pipeline
from hwcnn.errors import HwcnnError
from hwcnn.fixed import Overflow, Rounding
from hwcnn.hlsgen.config import HlsConfig, parse_overrides
from hwcnn.hlsgen.csim import run_csim
from hwcnn.sim import load_simulator
from hwkit import ROOT, grid_inputs

pytestmark = pytest.mark.slow

FIELDS = {"result": ["Conv2D_Conv_0", "Relu_1", "Dense_MatMul_0", "MaxPool_0"],
          "accum": ["Conv2D_Conv_1", "Dense_MatMul_1"],
          "weight": ["Conv2D_Conv_0", "Dense_MatMul_0"],
          "bias": ["Conv2D_Conv_2"]}


def _draws(n: int, seed: int = 2026) -> list[str]:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        field = rng.choice(sorted(FIELDS))
        layer = rng.choice(FIELDS[field])
        width = int(rng.integers(2, 17))
        integer = int(rng.integers(-2, width + 5))
        signed = "fixed" if rng.random() < 0.8 else "ufixed"
        rnd = rng.choice([r.value for r in Rounding])
        ovf = rng.choice([o.value for o in Overflow])
        out.append(f"{layer}.{field}={signed}<{width},{integer},{rnd},{ovf}>")
    return out


def test_the_draws_name_real_layers_and_most_are_accepted():
    """The draws can only show something if they reach the C simulation."""
    import json

    layers = {r["layer"] for r in json.loads((ROOT / "hls/reference/lenet5-w4a4/hwcnn_precision.json").read_text())
              ["layers"]}
    assert {name for names in FIELDS.values() for name in names} <= layers
    accepted = 0
    for override in _draws(8):
        try:
            HlsConfig(overrides=parse_overrides([override]))
            accepted += 1
        except HwcnnError:
            pass
    assert accepted >= 6


# the default run checks the first 3 draws; `pytest -m extended` all 8
@pytest.mark.parametrize("override", [pytest.param(o, marks=() if i < 3 else pytest.mark.extended)
                                      for i, o in enumerate(_draws(8))])
def test_an_override_is_exact_or_refused(tmp_path, override):
    try:
        hls = HlsConfig(overrides=parse_overrides([override]))
        cfg = pipeline.RunConfig(project=tmp_path / "p", model_dir=ROOT / "models" / "lenet5-w4a4", hls=hls,
                                 tb_images=4, progress=False)
        pipeline.run(cfg, "export", "convert")
    except HwcnnError as err:
        assert str(err) and "\n" not in str(err)  # refused, with its reason in one line
        assert "internal" not in str(err) and "no layer" not in str(err), err  # a reason, not a bug or a typo
        return
    x = grid_inputs(200)
    assert_array_equal(run_csim(cfg.project, x, jobs=2, progress=False), load_simulator(cfg.project).run(x).output.to_float())
