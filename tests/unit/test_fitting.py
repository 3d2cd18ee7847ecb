"""Fitting a design onto a board on the cost model: the choice fits, costs the least II it can, or is refused."""

from __future__ import annotations

import numpy as np
import pytest

from hwcnn import cost, fitting
from hwcnn.errors import HwcnnError

HLS = {"io_type": "io_parallel", "strategy": "Latency", "reuse_factor": 1}


def _desc(n_in: int, n_out: int):
    inp = {"name": "in", "kind": "Input", "inputs": ["x"], "output": "in_out", "shape": [n_in],
           "types": {"result": "ap_ufixed<4,0>"}, "weights": {}, "attrs": {}}
    fc = {"name": "fc", "kind": "Dense", "inputs": ["in_out"], "output": "fc_out", "shape": [n_out],
          "types": {"accum": "ap_fixed<12,6>", "result": "ap_fixed<12,6>", "weight": "ap_fixed<4,1>"},
          "weights": {"weight": {"key": "w", "shape": [n_in, n_out], "type": "ap_fixed<4,1>"}},
          "attrs": {"n_in": n_in, "n_out": n_out}}
    w = np.random.default_rng(0).integers(-7, 8, size=(n_in, n_out))
    return {"format": 1, "layers": [inp, fc]}, {"w": w}


def _lut(desc, weights, settings):
    d = fitting._with_settings(desc, settings)
    return cost.totals(cost.layer_costs(d, weights, HLS))["lut"]["value"]


def test_a_design_that_fits_is_left_unrolled():
    desc, w = _desc(16, 8)
    found = fitting.fit(desc, w, HLS, {"lut": 10**6, "ff": 10**6, "dsp": 10, "bram18": 10}, 0.8)
    assert found["settings"] == {"fc": ("Latency", 1)} and found["steps"] == 0


def test_too_big_a_design_is_time_multiplexed_until_it_fits():
    desc, w = _desc(64, 32)
    unrolled = _lut(desc, w, {"fc": ("Latency", 1)})
    board = {"lut": unrolled // 4, "ff": 10**6, "dsp": 10, "bram18": 100}
    found = fitting.fit(desc, w, HLS, board, 0.8)
    assert all(v <= 0.8 for v in found["share"].values())
    strategy, rf = found["settings"]["fc"]
    assert rf > 1
    # nothing cheaper in II on the ladder fits: every smaller reuse factor is over the margin
    for s, r in fitting._ladder(desc["layers"][1], w):
        if r < rf:
            t = cost.totals(cost.layer_costs(fitting._with_settings(desc, {"fc": (s, r)}), w, HLS))
            assert any(v > 0.8 for v in cost.board_use(t, board)["fraction"].values()), (s, r)


def test_nothing_fits_a_board_too_small():
    desc, w = _desc(64, 32)
    with pytest.raises(HwcnnError, match="the last design tried still takes"):
        fitting.fit(desc, w, HLS, {"lut": 10, "ff": 10, "dsp": 0, "bram18": 0}, 0.8)


def test_resource_reuse_factors_are_the_ones_hls4ml_accepts():
    from hls4ml.backends import get_backend

    assert fitting.valid_resource_rfs(400, 120) == tuple(get_backend("Vivado").get_valid_reuse_factors(400, 120))
    assert 40 in fitting.valid_resource_rfs(400, 120) and 64 not in fitting.valid_resource_rfs(400, 120)
