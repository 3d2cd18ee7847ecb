#!/usr/bin/env python
"""Validate hwcnn's cost model: estimates against measurements, with the error of each.

Two kinds of measurement:
- vendor: real Vivado/Vitis HLS results of designs whose architecture can be rebuilt here, from
  hls4ml's repository (tests/data/vendor/, with their sources): each design is rebuilt as a
  hardware description (weights: seeded draws from the Keras initialisers they were made with) and
  costed;
- yosys: `hwcnn rtl` results (rtl.json) of the shipped models' kernels, Yosys's LUT count against
  da4ml's estimate.

    .venv/bin/python scripts/validate_cost.py [RTL_JSON ...] [--markdown PATH] [--json PATH]

Prints a Markdown table (docs/cost-model.md holds the one this printed).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from hwcnn import cost
from hwcnn.hlsgen.synth import read_vendor

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "vendor"
T16 = "ap_fixed<16,6>"  # hls4ml's default precision, which these designs were synthesised with


def _raw16(x: np.ndarray) -> np.ndarray:
    """Weights as ap_fixed<16,6> holds them (10 fraction bits, truncated: the type's TRN)."""
    return np.floor(np.asarray(x) * 2**10).astype(np.int64)


def _layer(name, kind, inputs, shape, attrs, weights=None, types=None):
    return {"name": name, "kind": kind, "inputs": inputs, "output": f"{name}_out", "shape": shape, "attrs": attrs,
            "types": types or {"result": T16}, "weights": weights or {}}


def _dense(name, src, n_in, n_out, bias=True):
    w = {"weight": {"key": f"{name}_w", "shape": [n_in, n_out], "type": T16}}
    if bias:
        w["bias"] = {"key": f"{name}_b", "shape": [n_out], "type": T16}
    return _layer(name, "Dense", [src], [n_out], {"n_in": n_in, "n_out": n_out}, w,
                  {"accum": T16, "result": T16, "weight": T16, "bias": T16})


def _act(name, src, shape, act):
    return _layer(name, "Activation", [src], shape, {"activation": act, "n_in": int(np.prod(shape)),
                                                     "table_size": 1024},
                  types={"result": T16, "table": "ap_fixed<18,8>"})


def dense_1x2():
    """test_keras_api.py::test_dense: Dense(2) on one input, ELU."""
    layers = [_layer("in", "Input", ["x"], [1], {}), _dense("fc", "in_out", 1, 2), _act("elu", "fc_out", [2], "elu")]
    return {"format": 1, "layers": layers}, {"fc_w": _raw16(np.random.default_rng(0).uniform(1, 10, (1, 2))), "fc_b": np.zeros(2, int)}


def dense_16x5():
    """test_report.py: Dense(5) on 16 inputs, ReLU."""
    layers = [_layer("in", "Input", ["x"], [16], {}), _dense("fc", "in_out", 16, 5),
              _act("relu", "fc_out", [5], "relu")]
    limit = np.sqrt(6 / (16 + 5))  # Keras's default glorot_uniform
    return {"format": 1, "layers": layers}, {"fc_w": _raw16(np.random.default_rng(0).uniform(-limit, limit, (16, 5))),
                                             "fc_b": np.zeros(5, int)}


def conv_28x28x3():
    """test_keras_api.py::test_conv2d: Conv2D(32, 4x4, stride 4, no bias) on 28x28x3 -> 7x7x32."""
    attrs = {"in_height": 28, "in_width": 28, "n_chan": 3, "filt_height": 4, "filt_width": 4, "n_filt": 32,
             "stride_height": 4, "stride_width": 4, "pad_top": 0, "pad_bottom": 0, "pad_left": 0, "pad_right": 0,
             "out_height": 7, "out_width": 7}
    conv = _layer("conv", "Conv2D", ["in_out"], [7, 7, 32], attrs,
                  {"weight": {"key": "w", "shape": [4, 4, 3, 32], "type": T16}},
                  {"accum": T16, "result": T16, "weight": T16})
    return {"format": 1, "layers": [_layer("in", "Input", ["x"], [28, 28, 3], {}), conv]}, \
        {"w": _raw16(np.random.default_rng(0).normal(0, 0.05, (4, 4, 3, 32)))}  # Keras's 'normal': stddev 0.05


BASELINES = DATA / "baselines"
# (design, hls4ml settings, vendor file, tool)
VENDOR_POINTS = [
    (dense_1x2, {"io_type": "io_parallel", "strategy": "Latency", "reuse_factor": 1},
     BASELINES / "Vivado/2020.1/test_keras_api_test_dense_io_parallel-Vivado.json", "Vivado HLS 2020.1"),
    (dense_1x2, {"io_type": "io_stream", "strategy": "Latency", "reuse_factor": 1},
     BASELINES / "Vivado/2020.1/test_keras_api_test_dense_io_stream-Vivado.json", "Vivado HLS 2020.1"),
    (dense_1x2, {"io_type": "io_parallel", "strategy": "Latency", "reuse_factor": 1},
     BASELINES / "Vitis/2024.1/test_keras_api_test_dense_io_parallel-Vitis.json", "Vitis HLS 2024.1"),
    (dense_1x2, {"io_type": "io_stream", "strategy": "Latency", "reuse_factor": 1},
     BASELINES / "Vitis/2024.1/test_keras_api_test_dense_io_stream-Vitis.json", "Vitis HLS 2024.1"),
    (conv_28x28x3, {"io_type": "io_parallel", "strategy": "Resource", "reuse_factor": 1},
     BASELINES / "Vivado/2020.1/test_keras_api_test_conv2d_io_parallel-Vivado-Resource-same-channels_last.json",
     "Vivado HLS 2020.1"),
    (conv_28x28x3, {"io_type": "io_parallel", "strategy": "Resource", "reuse_factor": 1},
     BASELINES / "Vitis/2024.1/test_keras_api_test_conv2d_io_parallel-Vitis-Resource-same-channels_last.json",
     "Vitis HLS 2024.1"),
]
KEYS = {"lut": "LUT", "ff": "FF", "dsp": "DSP", "bram18": "BRAM_18K", "latency_cycles": "WorstLatency",
        "ii": "IntervalMax"}


def vendor_rows() -> list[dict]:
    rows = []
    for design, hls, path, tool in VENDOR_POINTS:
        report = json.loads(path.read_text())["CSynthesisReport"]
        measured = {k: int(float(report[v])) for k, v in KEYS.items()}
        rows += _compare(design.__name__, hls, tool + " C synthesis", measured, design,
                         f"hls4ml {path.relative_to(DATA.parent.parent.parent).as_posix()}")
    real = DATA / "vivado2020.1-dense16x5-xc7z020"
    tmp = Path(__file__).resolve().parent / ".validate_cost_tmp"
    try:  # hls4ml's parser reads a project layout; the real files are laid out so, plus its project.tcl
        import shutil

        shutil.copytree(real, tmp, dirs_exist_ok=True)
        (tmp / "project.tcl").write_text('set project_name "myproject"\nset backend "vivado"\n')
        vendor = read_vendor(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    hls = {"io_type": "io_stream", "strategy": "Latency", "reuse_factor": 1}
    src = "hls4ml test/pytest/test_report/Vivado (real report files)"
    rows += _compare("dense_16x5", hls, "Vivado HLS 2020.1 C synthesis", vendor["csynth"], dense_16x5, src)
    vs = dict(vendor["vsynth"])
    vs["bram18"] = 2 * vs.pop("bram36")
    rows += _compare("dense_16x5", hls, "Vivado 2020.1 synthesis", vs, dense_16x5, src)
    return rows


def _compare(name, hls, tool, measured, design, source) -> list[dict]:
    desc, weights = design()
    total = cost.totals(cost.layer_costs(desc, weights, hls), hls["io_type"] == "io_stream")
    out = []
    for k in KEYS:
        if k not in measured:
            continue
        est = total.get(k, cost.fig(0, "model"))
        m = measured[k]
        out.append({"design": name, "settings": f"{hls['io_type']}, {hls['strategy']}, RF {hls['reuse_factor']}",
                    "figure": k, "measured": m, "measured_by": tool, "estimate": est["value"],
                    "estimate_source": est["source"], "error": est["value"] / m - 1 if m else None,
                    "citation": source})
    return out


def yosys_rows(paths: list[Path]) -> list[dict]:
    rows = []
    for path in paths:
        res = json.loads(Path(path).read_text())
        for k in res["kernels"]:
            y = k.get("yosys") or {}
            if y.get("status") != "ok":
                rows.append({"design": f"{res['project']} {k['layer']}", "settings": f"{k['shape'][0]}x{k['shape'][1]}",
                             "figure": "lut", "measured": None, "measured_by": f"Yosys: {y.get('status')}",
                             "estimate": k["da4ml"]["lut"], "estimate_source": "da4ml", "error": None,
                             "citation": str(path)})
                continue
            rows.append({"design": f"{res['project']} {k['layer']}", "settings": f"{k['shape'][0]}x{k['shape'][1]}",
                         "figure": "lut", "measured": y["lut"], "measured_by": f"Yosys synth_xilinx -family {y['family']}",
                         "estimate": k["da4ml"]["lut"], "estimate_source": "da4ml",
                         "error": k["da4ml"]["lut"] / y["lut"] - 1, "citation": str(path)})
    return rows


def markdown(rows: list[dict]) -> str:
    lines = ["| design | settings | figure | measured (by) | estimate (source) | error |", "|---|---|---|---|---|---|"]
    for r in rows:
        m = "" if r["measured"] is None else f"{r['measured']:,}"
        err = "" if r["error"] is None else f"{r['error']:+.0%}"
        lines.append(f"| {r['design']} | {r['settings']} | {r['figure']} | {m} ({r['measured_by']}) | "
                     f"{r['estimate']:,.0f} ({r['estimate_source']}) | {err} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("rtl_json", nargs="*", type=Path, help="`hwcnn rtl --json` results of kernels")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    rows = vendor_rows() + yosys_rows(args.rtl_json)
    print(markdown(rows), end="")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
