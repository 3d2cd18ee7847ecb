#!/usr/bin/env python
"""Images per second of everything that computes a shipped model's outputs, on the same test images in
one run: hwcnn's simulator, hwcnn's C simulation, hls4ml's own C simulation path (FilesystemModelGraph
compile + predict) of the same project, qonnx's execute_onnx (the golden model FINN and QONNX users
run, image by image), the float and QAT PyTorch models, and a float64 matmul as the machine's reference
rate. Medians of repeated runs (machines are noisy); the simulator, PyTorch and the matmul take turns
within each round, and their ratios are medians of ratios within a round (like compared with like on a
machine whose speed drifts); compiles are outside the clocks.

    python scripts/bench_sim.py [--model models/lenet5-w4a4 --model models/squeezenet-w4a4] [--json PATH]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def median_seconds(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def interleaved_seconds(fns: dict, repeat: int) -> dict[str, list[float]]:
    """Seconds of each function in each round, the functions taking turns within a round."""
    times = {k: [] for k in fns}
    for _ in range(repeat):
        for k, fn in fns.items():
            t = time.perf_counter()
            fn()
            times[k].append(time.perf_counter() - t)
    return times


DGEMM_N = 2048  # float64 matmul of two n x n matrices: n^3 multiply-accumulates, all cores


def dgemm_fn():
    rng = np.random.default_rng(0)
    a, b = rng.random((DGEMM_N, DGEMM_N)), rng.random((DGEMM_N, DGEMM_N))
    a @ b  # warm up BLAS threads
    return lambda: a @ b



def hls4ml_default_csim(project: Path, x: np.ndarray) -> tuple[float, np.ndarray]:
    """hls4ml's own C simulation of the project, as its users run it: a copy linked as a
    FilesystemModelGraph, compiled by hls4ml (not timed), predict() on all images in this process."""
    import hls4ml
    import yaml

    # hls4ml writes the QONNX ModelWrapper into hls4ml_config.yml as a Python object, which its own
    # safe loader then refuses (it skips only Keras models): read such objects as None, as it does those
    yaml.add_multi_constructor("tag:yaml.org,2002:python/object:", lambda loader, suffix, node: None,
                               Loader=yaml.SafeLoader)
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "p"
        shutil.copytree(project, copy, ignore=shutil.ignore_patterns("*.so", ".hwcnn*"))
        graph = hls4ml.converters.link_existing_project(str(copy))
        graph.config.config["OutputDir"] = str(copy)  # the config names the folder hwcnn built the project in
        graph.compile()
        flat = np.ascontiguousarray(x.reshape(len(x), -1), dtype=np.float64)
        t = time.perf_counter()
        y = np.asarray(graph.predict(flat), dtype=np.float64).reshape(len(x), -1)
        return len(x) / (time.perf_counter() - t), y


def qonnx_rate(model, x: np.ndarray) -> float:
    import onnxruntime
    from qonnx.core.onnx_exec import execute_onnx

    from hwcnn.export import export_model

    onnxruntime.set_default_logger_severity(3)  # qonnx runs each node as an opset-1 model; ORT warns on each

    qmodel = export_model(model, tuple(x.shape[1:]))
    name = qmodel.graph.input[0].name
    t = time.perf_counter()
    for i in range(len(x)):
        execute_onnx(qmodel, {name: x[i : i + 1].astype(np.float32)})
    return len(x) / (time.perf_counter() - t)


def bench_model(model_dir: Path, args) -> dict:
    import torch

    from hwcnn import pipeline
    from hwcnn.artifacts import ModelDir, default_run_dir
    from hwcnn.data import DataSource
    from hwcnn.data.encoding import to_float
    from hwcnn.hlsgen.csim import build, run_csim
    from hwcnn.layers import layer_macs
    from hwcnn.models import load_model_dir
    from hwcnn.sim import load_simulator

    model, cfg = load_model_dir(model_dir)
    float_model, _ = load_model_dir(ModelDir(model_dir).float_twin().path)
    project = default_run_dir(model_dir) / "hls"
    # convert unless the project is current (hwcnn's own cache under runs/)
    pipeline.run(pipeline.RunConfig(project=project, model_dir=model_dir, replace_stale=True), "export", "convert")
    build(project)
    x = to_float(DataSource().split(cfg.dataset, "test").images[: args.n])
    xc, xq = x[: args.n_csim], x[: args.n_qonnx]
    sim = load_simulator(project)
    xt = torch.from_numpy(x)

    def torch_run(m):
        with torch.no_grad():
            m(xt)

    csim_out = {}

    def hwcnn_csim():
        csim_out["y"] = run_csim(project, xc, progress=False)

    sim.run(x[:1000])  # warm up: the simulator's per-layer matrices, BLAS threads
    rounds = interleaved_seconds({"simulator": lambda: sim.run(x), "float_torch": lambda: torch_run(float_model),
                                  "qat_torch": lambda: torch_run(model), "dgemm": dgemm_fn()}, args.repeat)
    rates = {k: len(x) / statistics.median(rounds[k]) for k in ("simulator", "float_torch", "qat_torch")}
    rates["csim"] = len(xc) / median_seconds(hwcnn_csim, args.repeat_csim)
    rates["csim_hls4ml_default"], y_default = hls4ml_default_csim(project, xc)
    rates["qonnx"] = qonnx_rate(model, xq)
    macs = int(sum(layer_macs(layer) for layer in sim.layers))
    dgemm = [DGEMM_N**3 / t / 1e9 for t in rounds["dgemm"]]
    in_rounds = {  # ratios of what ran in the same round
        "simulator_over_float_torch": statistics.median(f / s for s, f in zip(rounds["simulator"], rounds["float_torch"])),
        "simulator_mac_rate_over_dgemm": statistics.median(len(x) * macs / s / 1e9 / g
                                                           for s, g in zip(rounds["simulator"], dgemm)),
    }
    return {"model": str(model_dir), "n": len(x), "n_csim": len(xc), "n_qonnx": len(xq), "macs_per_image": macs,
            "dgemm_gmac_per_s": statistics.median(dgemm), "ratios_in_rounds": in_rounds,
            "images_per_second": rates,
            "csim_outputs_identical": bool(np.array_equal(csim_out["y"], y_default)),
            "simulator_equals_csim": bool(np.array_equal(sim.run(xc).output.to_float(), csim_out["y"]))}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", type=Path, action="append", default=None,
                   help="a shipped model directory (repeatable; default: models/lenet5-w4a4 and models/squeezenet-w4a4)")
    p.add_argument("--n", type=int, default=10000, help="images for simulator, QAT and float (default: %(default)s)")
    p.add_argument("--n-csim", type=int, default=1000, help="images for each C simulation (default: %(default)s)")
    p.add_argument("--n-qonnx", type=int, default=50, help="images for qonnx's execute_onnx (default: %(default)s)")
    p.add_argument("--repeat", type=int, default=5, help="rounds of simulator, PyTorch and matmul (default: %(default)s)")
    p.add_argument("--repeat-csim", type=int, default=1)
    p.add_argument("--json", type=Path, default=None)
    args = p.parse_args(argv)

    import torch

    torch.set_num_threads(os.cpu_count() or 1)
    results = {"cores": os.cpu_count(), "models": []}
    for model_dir in args.model or [Path("models/lenet5-w4a4"), Path("models/squeezenet-w4a4")]:
        r = bench_model(model_dir, args)
        rates = r["images_per_second"]
        r["ratios"] = {
            **r.pop("ratios_in_rounds"),
            "csim_over_csim_hls4ml_default": rates["csim"] / rates["csim_hls4ml_default"],
            "simulator_over_csim": rates["simulator"] / rates["csim"],
            "simulator_over_qonnx": rates["simulator"] / rates["qonnx"],
        }
        results["models"].append(r)
        print(f"{model_dir}: {r['macs_per_image']:,} MACs per image; {r['n']} images (C simulation {r['n_csim']}, "
              f"qonnx {r['n_qonnx']}), {results['cores']} cores, median of {args.repeat}")
        for k, v in rates.items():
            print(f"  {k:22s} {v:10.1f} images/s")
        for k, v in r["ratios"].items():
            print(f"  {k:32s} {v:8.2f}")
        print(f"  C simulations' outputs identical: {r['csim_outputs_identical']}; "
              f"simulator == C simulation: {r['simulator_equals_csim']}")
    results["dgemm_gmac_per_s"] = statistics.median(r["dgemm_gmac_per_s"] for r in results["models"])
    print(f"float64 matmul: {results['dgemm_gmac_per_s']:.1f} G multiply-accumulates/s")
    if args.json:
        from hwcnn.outputs import write_json

        write_json(args.json, results, force=True)
    agree = all(r["csim_outputs_identical"] and r["simulator_equals_csim"] for r in results["models"])
    return 0 if agree else 1  # a benchmark of disagreeing outputs measures nothing


if __name__ == "__main__":
    sys.exit(main())
