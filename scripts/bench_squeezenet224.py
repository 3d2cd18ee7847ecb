"""SqueezeNet 1.1 or 1.0 at ImageNet size (224x224x3, 1,000 classes, 4-bit) through hwcnn's whole flow.

No ImageNet here: the weights are seeded random ones shaped like a trained model's (a float model
with batch norm of random statistics, folded, its activation quantizers calibrated on random
images). What is measured is what the model's size does to the flow: Brevitas -> QONNX -> hls4ml
conversion, the g++ build of the C simulation, and sim == csim == QAT (float64) on random images of
the input grid; wall time and peak memory of each phase, images/s of the simulator and the C
simulation.

    .venv/bin/python scripts/bench_squeezenet224.py [--variant squeezenet1.1] [--images 8] [--out DIR] [--json F]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the seeded random models of the tests

from hwkit import grid_inputs, make_project, random_qat_squeezenet  # noqa: E402

from hwcnn.hlsgen.csim import build, run_csim  # noqa: E402
from hwcnn.layers import layer_macs  # noqa: E402
from hwcnn.sim import load_simulator  # noqa: E402


def peak_mib(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux: KiB


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--variant", default="squeezenet1.1", help="squeezenet1.1, squeezenet1.0 or their -narrow versions")
    ap.add_argument("--images", type=int, default=8)
    ap.add_argument("--out", type=Path, default=None, help="project directory (default: a temporary one)")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    torch.set_num_threads(2)
    figures: dict = {"variant": args.variant, "images": args.images, "wbits": 4, "abits": 4}
    with tempfile.TemporaryDirectory() as tmp:
        out = args.out or Path(tmp) / "p"
        t = time.perf_counter()
        model = random_qat_squeezenet(args.variant, 4, 4, seed=0, num_classes=1000, calibration_images=8)
        figures["parameters"] = sum(p.numel() for n, p in model.named_parameters() if "_quant" not in n)
        figures["model_seconds"] = time.perf_counter() - t
        t = time.perf_counter()
        make_project(model, out, channels=3, side=224)
        figures["convert_seconds"] = time.perf_counter() - t
        figures["convert_peak_rss_mib"] = peak_mib(resource.RUSAGE_SELF)
        t = time.perf_counter()
        build(out, quiet=True)
        figures["compile_seconds"] = time.perf_counter() - t
        # the largest of g++ and the processes forked on the way (a fork starts at this process's size)
        figures["children_peak_rss_mib"] = peak_mib(resource.RUSAGE_CHILDREN)
        x = grid_inputs(args.images, 3, side=224)
        sim = load_simulator(out)
        t = time.perf_counter()
        y_sim = sim.run(x).output.to_float()
        figures["simulator_images_per_second"] = args.images / (time.perf_counter() - t)
        t = time.perf_counter()
        y_csim = run_csim(out, x, progress=False)
        figures["csim_images_per_second"] = args.images / (time.perf_counter() - t)
        with torch.no_grad():
            y_qat = model.double()(torch.from_numpy(x).double()).numpy()
        figures["sim_equals_csim"] = float(np.mean(np.all(y_sim == y_csim, axis=1)))
        figures["qat_equals_csim"] = float(np.mean(np.all(y_qat == y_csim, axis=1)))
        figures["distinct_outputs"] = int(np.unique(y_csim).size)
        figures["peak_rss_mib"] = peak_mib(resource.RUSAGE_SELF)  # this process: model, conversion, simulator
        figures["macs_per_image"] = int(sum(layer_macs(layer) for layer in sim.layers))
    print(json.dumps(figures, indent=1))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=1) + "\n")
    if figures["sim_equals_csim"] != 1.0 or figures["qat_equals_csim"] != 1.0:
        sys.exit(1)



if __name__ == "__main__":
    main()
