"""The bit-exact NumPy fixed-point simulator: an independent second implementation of the core.

It reads a project's hardware description (hwcnn/hwdesc.py) and implements ap_fixed arithmetic
on raw integers (hwcnn/fixed.py) with hls4ml's order of operations (ops.py, graph.py). It never
calls the compiled C++; its outputs must equal the C simulation's bit for bit.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from hwcnn import hwdesc
from hwcnn.sim.graph import SimResult, Simulator
from hwcnn.sim.ops import Fx

__all__ = ["Fx", "SimResult", "Simulator", "load_simulator", "cli_simulate"]


def load_simulator(project: Path) -> Simulator:
    desc, weights = hwdesc.load(Path(project))
    return Simulator(desc, weights)


def cli_simulate(args) -> int:
    import json

    from hwcnn.data import load_split
    from hwcnn.data.encoding import to_float
    from hwcnn.fsutil import write_json

    project = Path(args.project)
    sim = load_simulator(project)
    meta_path = project / "hwcnn_precision.json"
    dataset = (json.loads(meta_path.read_text()).get("dataset") if meta_path.exists() else None) or "mnist"
    split = load_split(dataset, "test", data_dir=args.data_dir, cache_dir=args.cache_dir)
    n = min(args.n, len(split.labels))
    t0 = time.perf_counter()
    res = sim.run(to_float(split.images[:n]))
    secs = time.perf_counter() - t0
    acc = float(np.mean(res.output.raw.argmax(1) == split.labels[:n]))
    print(f"simulated {n} {dataset} test images: accuracy {acc:.4f}, {n / secs:.0f} images/s")
    print(f"overflow (wrapped or saturated) per layer: {res.overflow or 'none'}")
    if res.clipped:
        print(f"clipped by activation quantizers (part of the model): {res.clipped}")
    if args.json:
        write_json(args.json, {"project": str(project), "dataset": dataset, "n_images": n, "accuracy": acc,
                               "images_per_second": n / secs, "overflow": res.overflow, "clipped": res.clipped})
    return 0
