"""Hardware cost on the shipped models, kernels as RTL (da4ml -> Verilator == simulator, Yosys
counts), board projects (hls4ml VivadoAccelerator) and vendor reports read by hls4ml's parser."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from hwcnn import rtl
from hwcnn.cli import main
from hwcnn.fixed import FixedType
from hwcnn.layers import Kind
from hwkit import ROOT, compiled

pytestmark = pytest.mark.slow
FIGURES = ("macs", "nonzero_macs", "bops", "weight_bits", "dsp", "lut", "ff", "bram18", "latency_cycles", "ii")
VENDOR = ROOT / "tests" / "data" / "vendor" / "vivado2020.1-dense16x5-xc7z020"


def _tiny_kernel(matrix, bias=None) -> rtl.Kernel:
    """A Dense kernel: 4-bit unsigned inputs, weights of fixed<4,1>, an accumulator that holds every sum."""
    return rtl.Kernel(layer="tiny", kind=Kind.DENSE, matrix=np.asarray(matrix), weight_frac=3,
                      bias=None if bias is None else np.asarray(bias), bias_frac=3,
                      in_type=FixedType.parse("ap_ufixed<4,0>"), accum=FixedType.parse("ap_fixed<14,5>"),
                      result=FixedType.parse("ap_fixed<14,5>"), attrs={}, source_layer="in")


def test_verilator_emulates_the_adder_graph_exactly_and_catches_a_wrong_weight(tmp_path):
    rng = np.random.default_rng(0)
    matrix, bias = rng.integers(-8, 8, size=(6, 3)), rng.integers(-20, 20, size=3)
    x = np.vstack([np.zeros(6, int), np.full(6, 15), rng.integers(0, 16, size=(500, 6))])  # raw, frac 4
    expected = (x @ matrix * 2.0 ** -7) + bias * 2.0 ** -3
    emu = rtl.Emulator(rtl.adder_graph(_tiny_kernel(matrix, bias), None), "tiny", tmp_path / "a",
                       cache=tmp_path / "cache")
    np.testing.assert_array_equal(emu.run(x, 4), expected)
    wrong = matrix.copy()
    wrong[2, 1] += 1
    bad = rtl.Emulator(rtl.adder_graph(_tiny_kernel(wrong, bias), None), "tiny", tmp_path / "b",
                       cache=tmp_path / "cache").run(x, 4)
    assert np.any(bad != expected)


def test_rtl_and_cost_on_lenet(shipped, tmp_path, capsys):
    """`hwcnn rtl` on the smallest kernel: identical to the simulator on 200 test images, Yosys within 10%
    of da4ml; `hwcnn cost` then shows Yosys beside the estimate, and the board's share."""
    project = tmp_path / "hls"
    shutil.copytree(shipped["lenet5-w4a4"], project)
    assert main(["rtl", str(project), "--layers", "Conv2D_Conv_0", "--n", "200", "--json", str(tmp_path / "r.json")]) == 0
    res = json.loads((tmp_path / "r.json").read_text())
    (k,) = res["kernels"]
    assert k["bit_exact"] and k["mismatched_vectors"] == 0 and k["vectors"] == 200 * 28 * 28
    assert k["yosys"]["status"] == "ok" and k["yosys"]["family"] == "xcup"  # the project's part: an Alveo U250
    assert abs(k["yosys"]["lut"] / k["da4ml"]["lut"] - 1) <= 0.10
    assert (project / "rtl" / "Conv2D_Conv_0" / "src" / "Conv2D_Conv_0.v").is_file()
    capsys.readouterr()

    assert main(["cost", str(project), "--board", "pynq-z2", "--json", str(tmp_path / "c.json")]) == 0
    c = json.loads((tmp_path / "c.json").read_text())
    conv0 = next(r for r in c["layers"] if r["layer"] == "Conv2D_Conv_0")
    assert conv0["lut"] == {"value": k["da4ml"]["lut"], "source": "da4ml"}
    assert conv0["lut_yosys"] == {"value": k["yosys"]["lut"], "source": "yosys"}
    assert conv0["macs"] == {"value": 28 * 28 * 5 * 5 * 6, "source": "exact"}
    for f in FIGURES:
        assert f in c["total"] and c["total"][f]["source"], f
    assert c["total"]["lut"]["source"] == "da4ml+model"
    assert set(c["board"]["fraction"]) == {"lut", "ff", "dsp", "bram18"}
    assert c["board"]["fraction"]["lut"] == pytest.approx(
        (c["total"]["lut"]["value"] + c["total"]["lutram"]["value"]) / 53200)
    assert "does NOT fit" in capsys.readouterr().out  # LeNet-5 unrolled at reuse factor 1: too big for a Z-7020


def test_cost_of_model_dirs(tmp_path, capsys, monkeypatch):
    """`hwcnn cost MODEL_DIR` converts with the options given, in a temporary directory it removes;
    SqueezeNet's 1x1 convolutions are counted."""
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert main(["cost", str(ROOT / "models" / "squeezenet-w4a4"), "--no-da4ml", "--json", str(tmp_path / "s.json")]) == 0
    s = json.loads((tmp_path / "s.json").read_text())
    kinds = {r["kind"] for r in s["layers"] if r.get("macs")}
    assert kinds == {"Conv2D", "PointwiseConv2D"}
    assert all(r["lut"]["source"] == "model" for r in s["layers"] if "macs" in r)
    for f in FIGURES:
        assert f in s["total"], f
    assert not list(tmp_path.glob("hwcnn-cost-*"))


def test_board_project_csim_equals_the_simulator(tmp_path, capsys):
    """--board pynq-z2: hls4ml's VivadoAccelerator project; its C simulation runs the AXI-stream wrapper."""
    out = tmp_path / "hls"
    assert main(["convert", str(ROOT / "models" / "lenet5-w4a4"), "--out", str(out), "--board", "pynq-z2"]) == 0
    for f in ("firmware/myproject_axi.cpp", "design.tcl", "axi_stream_driver.py"):
        assert (out / f).is_file(), f
    m = json.loads((out / "hwcnn_project.json").read_text())["hls"]
    assert (m["board"], m["part"], m["backend"]) == ("pynq-z2", "xc7z020clg400-1", "Vivado")
    assert "myproject_axi(" in (out / "myproject_bridge.cpp").read_text()
    compiled(out)
    capsys.readouterr()
    assert main(["csim", str(out), "--n", "200", "--json", str(tmp_path / "c.json")]) == 0
    assert json.loads((tmp_path / "c.json").read_text())["bit_exact"]["sim_vs_csim"] == 1.0
    assert main(["cost", str(out), "--json", str(tmp_path / "cost.json")]) == 0  # the project's board by default
    assert json.loads((tmp_path / "cost.json").read_text())["board"]["name"] == "pynq-z2"


def _with_vendor_reports(project, tmp_path):
    p = tmp_path / "withreports"
    shutil.copytree(project, p)
    shutil.copytree(VENDOR, p, dirs_exist_ok=True, ignore=shutil.ignore_patterns("SOURCES.md"))
    (p / "project.tcl").write_text('set project_name "myproject"\nset backend "vivado"\n')
    return p


def test_vendor_reports_read_with_hls4ml_parser(shipped, tmp_path, capsys):
    """The real Vivado 2020.1 reports in hls4ml's repository, read back: the figures the files hold."""
    from hwcnn.hlsgen.synth import read_vendor

    v = read_vendor(_with_vendor_reports(shipped["lenet5-w4a4"], tmp_path))
    assert v["csynth"] == {"lut": 2532, "ff": 7969, "dsp": 73, "bram18": 0, "latency_cycles": 10, "ii": 8,
                           "estimated_clock_ns": 4.049}
    assert v["vsynth"] == {"lut": 1526, "ff": 2428, "dsp": 66, "bram36": 0}


def test_synth_read_only_puts_vendor_figures_beside_the_estimates(shipped, tmp_path, capsys):
    p = _with_vendor_reports(shipped["lenet5-w4a4"], tmp_path)
    assert main(["synth", str(p), "--read-only", "--no-da4ml", "--json", str(tmp_path / "s.json")]) == 0
    rows = json.loads((tmp_path / "s.json").read_text())["comparison"]
    lut = next(r for r in rows if (r["stage"], r["figure"]) == ("csynth", "lut"))
    assert lut["vendor"] == 2532 and lut["error"] == pytest.approx(lut["estimate"] / 2532 - 1)


@pytest.mark.parametrize("name", ["lenet5-w4a4", "squeezenet-w4a4"])
def test_fifo_depths_are_the_ones_the_cpp_declares(shipped, name):
    """The cost model's FIFOs (one element per output pixel of every layer but the last, whose output is
    the top function's port, and flattening, which hls4ml does in place) are the streams and depths of
    the generated myproject.cpp."""
    import re
    from collections import Counter

    from hwcnn import hwdesc

    project = shipped[name]
    declared = Counter(int(d) for d in re.findall(r"#pragma HLS STREAM variable=\w+ depth=(\d+)",
                                                  (project / "firmware" / "myproject.cpp").read_text()))
    from hwcnn.cost import stream_fifos

    desc, _ = hwdesc.load(project)
    assert declared == Counter(depth for _, depth, _ in stream_fifos(desc))
