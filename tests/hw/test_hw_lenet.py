"""The hardware path on LeNet-5: simulator == C simulation == Brevitas QAT, exactly, at every width."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from numpy.testing import assert_array_equal

from hwkit import WIDTHS, Shared, compiled, grid_inputs, make_project, once, random_qat_lenet
from hwcnn.artifacts import Project
from hwcnn.hlsgen.csim import run_csim, trace_csim
from hwcnn.export import export_model
from hwcnn.qonnx_exec import execute_qonnx
from hwcnn.sim import load_simulator

pytestmark = pytest.mark.slow

N_INPUTS = 1000


@pytest.fixture(scope="module")
def inputs():
    return grid_inputs(N_INPUTS)


# the default run covers every width, as weights and as activations: the two most lopsided pairs
# (2-8, 8-2), and 3-3 and 4-4 (which other tests use); `pytest -m extended` the other pairs
COVERING = {(3, 3), (4, 4), (min(WIDTHS), max(WIDTHS)), (max(WIDTHS), min(WIDTHS))}
GRID = [pytest.param(w, a, marks=() if (w, a) in COVERING else pytest.mark.extended, id=f"{w}-{a}")
        for a in WIDTHS for w in WIDTHS]


@pytest.mark.parametrize("wbits, abits", GRID)
def test_simulator_equals_csim_and_qat(lenet_grid, inputs, wbits, abits):
    model, project = lenet_grid[(wbits, abits)]
    sim = load_simulator(project)
    res = sim.run(inputs)
    csim = run_csim(project, inputs, progress=False)
    # raw integers of the simulator against the C simulation's values on the same grid
    out_t = res.output.type
    csim_raw = csim / out_t.lsb
    assert_array_equal(csim_raw, np.round(csim_raw))
    assert_array_equal(res.output.raw, csim_raw.astype(np.int64))
    with torch.no_grad():
        qat = model.double()(torch.from_numpy(inputs).double()).numpy()
    model.float()
    assert_array_equal(qat, csim)  # the default types are lossless
    assert res.overflow == {}  # ... and nothing wraps or saturates in them


def test_qonnx_execution_equals_brevitas(tmp_path):
    model = random_qat_lenet(4, 4, seed=3)
    qmodel = export_model(model, (1, 32, 32))
    x = grid_inputs(6)
    with torch.no_grad():
        ref = model(torch.from_numpy(x)).numpy()
    assert_array_equal(execute_qonnx(qmodel, x), ref)


def test_types_are_lossless_and_minimal(lenet_grid):
    """Each accumulator has exactly input + weight fractional bits and the fewest integer bits
    that hold its value range; one bit less would not hold it."""
    import json

    from hwcnn.fixed import FixedType

    _, project = lenet_grid[(4, 4)]
    layers = json.loads(Project(project).precision_json_path.read_text())["layers"]
    prev = None
    n_mac = 0
    for r in layers:
        if r["kind"] in ("Conv2D", "Dense"):
            n_mac += 1
            acc, w = FixedType.parse(r["types"]["accum"]), FixedType.parse(r["types"]["weight"])
            assert acc.frac == prev.frac + w.frac
            lo, hi = r["range"]
            assert acc.min_raw * acc.lsb <= lo and hi <= acc.max_raw * acc.lsb
            one_less = FixedType(acc.width - 1, acc.integer - 1, acc.signed)
            assert lo < one_less.min_raw * one_less.lsb or hi > one_less.max_raw * one_less.lsb
        prev = FixedType.parse(r["types"]["result"])
    assert n_mac == 5


@pytest.fixture(scope="session")
def narrow_projects(tmp_path_factory):
    """{mode: project}: one model with a deliberately too-narrow conv accumulator, wrapping or saturating."""
    import json

    from hwcnn.fixed import FixedType

    model = random_qat_lenet(4, 4, seed=7)

    def make(mode, path):
        def build(p):
            lossless = make_project(model, p.parent / f"{p.name}-lossless")
            layers = json.loads(Project(lossless).precision_json_path.read_text())["layers"]
            acc = FixedType.parse(next(r for r in layers if r["layer"] == "Conv2D_Conv_1")["types"]["accum"])
            # six integer bits too few (same fractional bits): sums beyond 1/64 of the worst case overflow
            t = FixedType(acc.width - 6, acc.integer - 6, True, "TRN", mode).hls4ml()
            compiled(make_project(model, p, overrides={("Conv2D_Conv_1", "accum"): t, ("Conv2D_Conv_1", "result"): t}))

        return once(path, build)

    return model, Shared(tmp_path_factory, "narrow", make)


@pytest.mark.parametrize("mode", ["WRAP", "SAT"])
def test_narrow_accumulator_still_bit_exact_with_overflow_counted(narrow_projects, inputs, mode):
    model, projects = narrow_projects
    project = projects[mode]
    res = load_simulator(project).run(inputs)
    csim = run_csim(project, inputs, progress=False)
    assert_array_equal(res.output.to_float(), csim)
    assert res.overflow.get("Conv2D_Conv_1", 0) > 0
    with torch.no_grad():
        qat = model.double()(torch.from_numpy(inputs).double()).numpy()
    model.float()
    assert not np.array_equal(qat, csim)  # the override loses information, and we see it


def test_traces_agree_layer_by_layer(lenet_grid, inputs):
    _, project = lenet_grid[(3, 3)]
    sim = load_simulator(project)
    s_tr = sim.run(inputs[:5], trace=True).traces
    c_tr = trace_csim(project, inputs[:5])
    assert set(c_tr) <= set(s_tr) and len(c_tr) >= 8
    for name, c in c_tr.items():
        assert_array_equal(s_tr[name].to_float().reshape(5, -1), c)
