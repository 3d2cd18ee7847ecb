"""The classic LeNet-5 (tanh + 2x2 average pooling) on the hardware path.

A quantized tanh becomes thresholds on its accumulator (hwcnn/thresholds.py): simulator, C
simulation and QAT model agree bit for bit. hls4ml's own tanh, a lookup table (hwcnn/tables.py),
remains for a tanh without quantizer; its model is checked against hls4ml's C++ below.
"""

from __future__ import annotations

import json

import math
import subprocess
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import torch
from numpy.testing import assert_array_equal

from hwkit import ROOT, Shared, compiled, once, grid_inputs, make_project, random_qat_lenet
from hwcnn.hlsgen.csim import run_csim
from hwcnn.fixed import FixedType, cast, from_float
from hwcnn import tables
from hwcnn.artifacts import Project
from hwcnn.sim import load_simulator

pytestmark = pytest.mark.slow

N_INPUTS = 1000
WIDTHS = [(4, 4), (8, 8)]


@pytest.fixture(scope="module")
def classic(tmp_path_factory):
    """{(wbits, abits): (model, compiled project)}, each made on first use."""

    def make(k, path):
        model = random_qat_lenet(*k, seed=10 * k[0] + k[1], variant="classic")
        return model, once(path, lambda p: compiled(make_project(model, p)))

    return Shared(tmp_path_factory, "classic", make)


@pytest.fixture(scope="module")
def inputs():
    return grid_inputs(N_INPUTS)


def qat_logits(model, x):
    with torch.no_grad():
        out = model.double()(torch.from_numpy(x).double()).numpy()
    model.float()
    return out


@pytest.mark.parametrize("bits", WIDTHS, ids=lambda b: f"w{b[0]}a{b[1]}")
def test_simulator_equals_csim_equals_qat(classic, inputs, bits):
    """Each quantized tanh is a MultiThreshold layer: the core computes the QAT model exactly."""
    model, project = classic[bits]
    res = load_simulator(project).run(inputs)
    csim = run_csim(project, inputs, progress=False)
    csim_raw = csim / res.output.type.lsb
    assert_array_equal(csim_raw, np.round(csim_raw))
    assert_array_equal(res.output.raw, csim_raw.astype(np.int64))
    assert res.overflow == {}
    assert_array_equal(csim, qat_logits(model, inputs))


@pytest.mark.extended
def test_io_parallel_thresholds_are_exact(tmp_path, inputs):
    """The io_parallel form of nnet::multithreshold (every value of a layer at once)."""
    model = random_qat_lenet(4, 4, seed=44, variant="classic")
    project = compiled(make_project(model, tmp_path / "p", io_type="io_parallel"))
    csim = run_csim(project, inputs[:200], progress=False)
    assert_array_equal(load_simulator(project).run(inputs[:200]).output.to_float(), csim)
    assert_array_equal(csim, qat_logits(model, inputs[:200]))


@pytest.mark.parametrize("bits", WIDTHS, ids=lambda b: f"w{b[0]}a{b[1]}")
def test_average_pooling_is_exact(classic, inputs, bits):
    """Each pooled value is exactly the mean of its 2x2 window (the accumulator has 2 extra fractional bits)."""
    _, project = classic[bits]
    traces = load_simulator(project).run(inputs[:50], trace=True).traces
    for i in (0, 1):
        x = traces[f"Tanh_{i}"].to_float()  # [N, H, W, C]
        mean = (x[:, 0::2, 0::2] + x[:, 0::2, 1::2] + x[:, 1::2, 0::2] + x[:, 1::2, 1::2]) / 4
        assert_array_equal(traces[f"AveragePool_{i}"].to_float(), mean)


def test_every_tanh_is_thresholds_and_the_report_says_so(classic):
    """The four tanh layers became MultiThreshold layers (2^4 - 1 thresholds at most, ascending, in the
    accumulator's type); the conversion check found the core equal to QONNX; the report names the choice."""
    _, project = classic[(4, 4)]
    sim = load_simulator(project)
    th = [layer for layer in sim.layers if layer["kind"] == "MultiThreshold"]
    assert [layer["name"] for layer in th] == [f"Tanh_{i}" for i in range(4)]
    assert not [layer for layer in sim.layers if layer["attrs"].get("activation") == "tanh" and layer["kind"] == "Activation"]
    for layer in th:
        raw, t = sim.weight(layer, "thresholds")
        assert 1 <= raw.size <= 15 and np.all(np.diff(raw) >= 0) and layer["attrs"]["n_thresholds"] == raw.size
        assert FixedType.parse(layer["types"]["result"]).width == 4
    summary = json.loads(Project(project).precision_json_path.read_text())
    assert summary["check"]["identical"] == 1.0 and summary["check"]["approximated_by_tables"] == []
    reasons = {r["layer"]: r["reason"] for r in summary["layers"]}
    assert all("thresholds" in reasons[layer["name"]] for layer in th)
    cpp = (project / "firmware" / "myproject.cpp").read_text()
    assert cpp.count("nnet::multithreshold<") == 4 and "nnet::tanh<" not in cpp


# ---- the LUT module: an independent re-derivation, and hls4ml's own C++ on every input ---------

@pytest.mark.parametrize("n, table_t", [(1024, "ap_fixed<4,1,AP_RND_CONV,AP_SAT>"), (1024, "ap_fixed<18,8>"),
                                        (3000, "ap_fixed<18,1,AP_RND_CONV,AP_SAT>")])
def test_lut_against_rederivation(n, table_t):
    t = FixedType.parse(table_t)
    # table points: 8 (i - n/2) / n, rounded to double, then to float
    points = np.float32([float(Fraction(8) * (i - Fraction(n, 2)) / n) for i in range(n)])
    assert_array_equal(tables.tanh_points(n), points)
    # entries: tanh at each point, in float, cast to table_t. The C library's tanhf may be an ulp or
    # two off the correctly rounded value (glibc 2.36's is): within 4 ulps of one of table_t's
    # rounding boundaries the entry may legitimately differ by one lsb
    y = np.array([math.tanh(float(p)) for p in points])
    expected = from_float(y.astype(np.float32).astype(np.float64), t)
    ulps = 4 * np.spacing(np.abs(y).astype(np.float32)).astype(np.float64)
    near = from_float(y - ulps, t) != from_float(y + ulps, t)
    got = tables.tanh_table(n, t)
    assert_array_equal(got[~near], expected[~near])
    assert np.all(np.abs(got[near] - expected[near]) <= 1)
    # index: x * n / 8 truncated toward zero (exact rationals), plus n/2, clamped to the table
    x_t = FixedType(14, 5)
    raw = np.arange(x_t.min_raw, x_t.max_raw + 1)
    want = [min(max(int(Fraction(int(r), 2**x_t.frac) * n / 8) + n // 2, 0), n - 1) for r in raw]
    assert_array_equal(tables.tanh_index(raw, x_t.frac, n), want)


# (input, table, result, table size): hwcnn's choice; hls4ml's default table; hwcnn's no-quantizer
# choice with an odd-sized table; inputs wide enough that x * N / 8 wraps in the C++ int;
# integer bits above the width
CASES = [
    ("ap_fixed<15,2>", "ap_fixed<4,1,AP_RND_CONV,AP_SAT>", "ap_fixed<4,1,AP_RND_CONV,AP_SAT>", 1024),
    ("ap_fixed<18,8>", "ap_fixed<18,8>", "ap_fixed<8,1,AP_RND_CONV,AP_SAT>", 1024),
    ("ap_fixed<12,4>", "ap_fixed<18,1,AP_RND_CONV,AP_SAT>", "ap_fixed<18,1,AP_RND_CONV,AP_SAT>", 3000),
    ("ap_fixed<48,40>", "ap_fixed<8,1,AP_RND_CONV,AP_SAT>", "ap_fixed<8,1,AP_RND_CONV,AP_SAT>", 1024),
    ("ap_fixed<8,10>", "ap_fixed<8,1,AP_RND_CONV,AP_SAT>", "ap_fixed<8,1,AP_RND_CONV,AP_SAT>", 512),
]


@pytest.fixture(scope="module")
def tanh_harness(tmp_path_factory):
    """hls4ml's nnet::tanh (io_stream) for each case, compiled like the C simulation (-O3)."""
    import hls4ml

    templates = Path(hls4ml.__file__).parent / "templates" / "vivado"
    work = tmp_path_factory.mktemp("tanh_harness")
    cases = "\n".join(f"        case {i}: out = run<{x}, {r}, {t}, {n}>(rec[1]); break;"
                      for i, (x, t, r, n) in enumerate(CASES))
    (work / "cases.inc").write_text(cases + "\n")
    std = "-std=c++23" if subprocess.run(["g++", "-std=c++23", "-fsyntax-only", "-xc++", "/dev/null"],
                                         capture_output=True).returncode == 0 else "-std=c++11"
    proc = subprocess.run(["g++", "-O3", std, "-w", f"-I{templates / 'ap_types'}", f"-I{templates}", f"-I{work}", str(ROOT / "hls" / "harness" / "tanh_harness.cpp"),
                           "-o", "h"], cwd=work, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return work / "h"


@pytest.mark.parametrize("case", range(len(CASES)))
def test_lut_equals_hls4ml_tanh_on_every_input(tanh_harness, case):
    x_text, t_text, r_text, n = CASES[case]
    x_t, table_t, res_t = (FixedType.parse(s) for s in (x_text, t_text, r_text))
    if x_t.width <= 18:
        raw = np.arange(x_t.min_raw, x_t.max_raw + 1)
    else:
        rng = np.random.default_rng(case)
        raw = np.concatenate([[x_t.min_raw, x_t.max_raw, -1, 0, 1],
                              rng.integers(x_t.min_raw, x_t.max_raw, 200_000, endpoint=True)])
    records = np.stack([np.full_like(raw, case), raw], axis=1).astype(np.int64)
    proc = subprocess.run([str(tanh_harness)], input=records.tobytes(), capture_output=True)
    assert proc.returncode == 0
    bits = np.frombuffer(proc.stdout, dtype=np.int64) & ((1 << res_t.width) - 1)
    got = np.where(bits >> (res_t.width - 1), bits - (1 << res_t.width), bits)
    want, _ = cast(tables.tanh_lookup(raw, x_t.frac, n, table_t), table_t.frac, res_t)
    assert_array_equal(want, got)


# ---- hwcnn's MultiThreshold C++ on every input of its type, against hwcnn/thresholds.py -------------

# (activation, input type, result type): the classic LeNet-5's first tanh, a coarse grid whose steps
# skip levels, an unsigned sigmoid result
TH_CASES = [("tanh", "ap_fixed<15,4>", "ap_fixed<4,1,AP_RND_CONV,AP_SAT>"),
            ("tanh", "ap_fixed<5,4>", "ap_fixed<4,1,AP_RND_CONV,AP_SAT>"),
            ("sigmoid", "ap_fixed<12,5>", "ap_ufixed<4,0,AP_RND_CONV,AP_SAT>")]


@pytest.fixture(scope="module")
def threshold_harness(tmp_path_factory):
    import hls4ml

    from hwcnn import thresholds

    templates = Path(hls4ml.__file__).parent / "templates" / "vivado"
    work = tmp_path_factory.mktemp("threshold_harness")
    fitted, configs, cases = [], [], []
    for i, (fn, x_text, r_text) in enumerate(TH_CASES):
        x_t, r_t = FixedType.parse(x_text), FixedType.parse(r_text)
        th = thresholds.fit(fn, x_t.min_raw, x_t.max_raw, x_t, r_t, "harness")
        fitted.append(th)
        values = ", ".join(repr(float(v) * x_t.lsb) for v in th.thresholds)
        configs.append(f"struct C{i} : nnet::multithreshold_config {{ static const unsigned n_in = 1; static const "
                       f"unsigned n_thresholds = {len(th.thresholds)}; static const int base = {th.base}; "
                       f"typedef {x_text} threshold_t; }};\nstatic const {x_text} t{i}[] = {{{values}}};")
        cases.append(f"        case {i}: out = run<{x_text}, {r_text}, C{i}>(rec[1], t{i}); break;")
    (work / "configs.inc").write_text("\n".join(configs) + "\n")
    (work / "cases.inc").write_text("\n".join(cases) + "\n")
    proc = subprocess.run(["g++", "-O3", "-std=c++14", "-w", f"-I{templates / 'ap_types'}", f"-I{templates}",
                           f"-I{ROOT / 'hls'}", f"-I{work}", str(ROOT / "hls" / "harness" / "multithreshold_harness.cpp"),
                           "-o", "h"], cwd=work, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return work / "h", fitted


@pytest.mark.parametrize("case", range(len(TH_CASES)))
def test_multithreshold_cpp_equals_the_model_on_every_input(threshold_harness, case):
    from hwcnn import thresholds

    harness, fitted = threshold_harness
    fn, x_text, r_text = TH_CASES[case]
    x_t, r_t = FixedType.parse(x_text), FixedType.parse(r_text)
    raw = np.arange(x_t.min_raw, x_t.max_raw + 1, dtype=np.int64)
    records = np.stack([np.full_like(raw, case), raw], axis=1).astype(np.int64)
    proc = subprocess.run([str(harness)], input=records.tobytes(), capture_output=True)
    assert proc.returncode == 0
    bits = np.frombuffer(proc.stdout, dtype=np.int64) & ((1 << r_t.width) - 1)
    got = np.where(bits >> (r_t.width - 1), bits - (1 << r_t.width), bits) if r_t.signed else bits
    assert_array_equal(got, thresholds.codes(fn, raw, x_t, r_t))
    assert_array_equal(got, thresholds.apply(raw, fitted[case]))
