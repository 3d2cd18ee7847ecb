"""`hwcnn run`: the whole flow on one trained model, as an ordered list of named steps.

Each step writes its artefact into the run directory and reports its time:
  export    Brevitas -> QONNX (model.qonnx.onnx), checked against Brevitas on real images
  convert   QONNX -> hls4ml HLS project (hls/), lossless minimal types
  verify    C simulation, simulator, QAT and float twin on the test set -> report/report.md
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from hwcnn.errors import HwcnnError
from hwcnn.fsutil import check_output_free, write_json


def cli_run(args) -> int:
    import shutil

    import torch

    from hwcnn.convert import ConvertOptions, convert, tb_images
    from hwcnn.export import QONNX_FILE, execute_qonnx, export_model
    from hwcnn.models import load_model_dir
    from hwcnn.verify import print_summary, stamp_project, verify

    model_dir, out = Path(args.model_dir), Path(args.out)
    if not model_dir.is_dir():
        raise HwcnnError(f"model directory {model_dir} not found (run from the repository root, or name one)")
    check_output_free(out, args.force)
    if out.exists():
        shutil.rmtree(out)
    opts = ConvertOptions()
    steps: dict[str, float] = {}
    t0 = time.perf_counter()

    print(f"[1/3] export {model_dir} -> QONNX", flush=True)
    t = time.perf_counter()
    model, cfg = load_model_dir(model_dir)
    if cfg.quant is None:
        raise HwcnnError(f"{model_dir} is a float model; `hwcnn run` takes a QAT model")
    out.mkdir(parents=True)
    qmodel = export_model(model, (cfg.in_channels, 32, 32), out / QONNX_FILE)
    x = tb_images(cfg.dataset, 16, args.data_dir, args.cache_dir)
    y_qonnx = execute_qonnx(qmodel, x)
    with torch.no_grad():
        y_brevitas = model(torch.from_numpy(x)).double().numpy().reshape(len(x), -1)
    if not np.array_equal(y_qonnx, y_brevitas):
        raise HwcnnError("QONNX execution differs from the Brevitas model; see the export step")
    steps["export"] = time.perf_counter() - t

    print("[2/3] convert QONNX -> hls4ml HLS project", flush=True)
    t = time.perf_counter()
    convert(qmodel, out / "hls", opts, x, y_qonnx, source=str(model_dir), dataset=cfg.dataset)
    stamp_project(out / "hls", model_dir, opts)
    steps["convert"] = time.perf_counter() - t

    print(f"[3/3] verify on {args.n_csim} test images: C simulation, simulator, QAT, float twin", flush=True)
    t = time.perf_counter()
    result = verify(model_dir, args.n_csim, out / "hls", opts, args.data_dir, args.cache_dir, jobs=args.jobs,
                    report_dir=out / "report")
    steps["verify"] = time.perf_counter() - t
    result["steps_seconds"] = {k: round(v, 1) for k, v in steps.items()} | {"total": round(time.perf_counter() - t0, 1)}
    write_json(out / "run.json", result)
    print_summary(result)
    print(f"done in {result['steps_seconds']['total']} s: " + ", ".join(f"{k} {v:.1f} s" for k, v in steps.items()))
    if args.json:
        write_json(args.json, result)
    return 0 if result["bit_exact"]["sim_vs_csim"] == 1.0 else 1
