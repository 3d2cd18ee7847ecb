#!/usr/bin/env python
"""Images per second of the simulator, the C simulation, the QAT model and the float model, on
the same test images in one run, printed as ratios (medians of repeated runs; machines are noisy).

    python scripts/bench_sim.py [--model models/lenet5-w4a4] [--n 10000] [--repeat 3] [--json PATH]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path



def median_seconds(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", type=Path, default=Path("models/lenet5-w4a4"))
    p.add_argument("--project", type=Path, default=None, help="HLS project (default: runs/<model>/hls, made if needed)")
    p.add_argument("--n", type=int, default=10000, help="images for simulator, QAT and float (default: %(default)s)")
    p.add_argument("--n-csim", type=int, default=2000, help="images for the C simulation (default: %(default)s)")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--json", type=Path, default=None)
    args = p.parse_args(argv)

    import torch

    from hwcnn import pipeline
    from hwcnn.artifacts import ModelDir, default_run_dir
    from hwcnn.data import DataSource
    from hwcnn.data.encoding import to_float
    from hwcnn.hlsgen.csim import build, run_csim
    from hwcnn.models import load_model_dir
    from hwcnn.sim import load_simulator

    torch.set_num_threads(os.cpu_count() or 1)
    model, cfg = load_model_dir(args.model)
    float_model, _ = load_model_dir(ModelDir(args.model).float_twin().path)
    project = args.project or default_run_dir(args.model) / "hls"
    # convert unless the project is current (hwcnn's own cache under runs/)
    pipeline.run(pipeline.RunConfig(project=project, model_dir=args.model, replace_stale=args.project is None),
                 "export", "convert")
    build(project)
    split = DataSource().split(cfg.dataset, "test")
    x = to_float(split.images[: args.n])
    xc = x[: args.n_csim]
    sim = load_simulator(project)
    xt = torch.from_numpy(x)

    def torch_run(m):
        with torch.no_grad():
            m(xt)

    rates = {
        "simulator": len(x) / median_seconds(lambda: sim.run(x), args.repeat),
        "float_torch": len(x) / median_seconds(lambda: torch_run(float_model), args.repeat),
        "qat_torch": len(x) / median_seconds(lambda: torch_run(model), args.repeat),
        "csim": len(xc) / median_seconds(lambda: run_csim(project, xc, progress=False), 1),
    }
    ratios = {
        "simulator_over_csim": rates["simulator"] / rates["csim"],
        "simulator_over_float_torch": rates["simulator"] / rates["float_torch"],
        "simulator_over_qat_torch": rates["simulator"] / rates["qat_torch"],
    }
    print(f"{args.model}: {args.n} images (C simulation: {len(xc)}), {os.cpu_count()} cores, median of {args.repeat}")
    for k, v in rates.items():
        print(f"  {k:12s} {v:10.0f} images/s")
    for k, v in ratios.items():
        print(f"  {k:28s} {v:8.2f}x")
    if args.json:
        from hwcnn.outputs import write_json

        write_json(args.json, {"model": str(args.model), "n": args.n, "n_csim": len(xc), "cores": os.cpu_count(),
                               "images_per_second": rates, "ratios": ratios}, force=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
