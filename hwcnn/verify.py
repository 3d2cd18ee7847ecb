"""Verification: simulator vs C simulation vs Brevitas QAT model vs float twin, exactly.

Three comparisons (../shared/DESIGN.md): simulator == C simulation always; QAT == C simulation
where the types are lossless (hwcnn's default); float vs QAT is the accuracy cost of
quantization. Equality is exact (float64 values of the same fixed-point numbers). When the
simulator and the C simulation disagree, per-layer traces of both locate the first layer where
they part.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hwcnn.errors import HwcnnError
from hwcnn.fsutil import write_json

TRACE_IMAGES = 8  # images traced layer by layer to locate a divergence


@dataclass
class Outputs:
    """Logits of each implementation on the same images (float64; exact fixed-point values)."""

    float: np.ndarray
    qat: np.ndarray
    csim: np.ndarray
    sim: np.ndarray


def model_digest(model_dir: Path) -> str:
    h = hashlib.sha256()
    for name in ("config.json", "weights.pt"):
        h.update((Path(model_dir) / name).read_bytes())
    return h.hexdigest()


def torch_logits(model, x: np.ndarray, dtype, batch: int = 1000) -> np.ndarray:
    """Logits of a PyTorch model; QAT models run in float64 so their sums are exact."""
    import torch

    model = model.to(dtype).eval()
    outs = []
    with torch.no_grad():
        for i in range(0, len(x), batch):
            outs.append(model(torch.from_numpy(x[i : i + batch]).to(dtype)).double().numpy())
    return np.concatenate(outs).reshape(len(x), -1)


def project_stamp(model_dir: Path, opts) -> dict:
    """What a project was made from: verify reuses a project only while all of it matches."""
    return {"model_sha256": model_digest(model_dir), "backend": opts.backend, "io_type": opts.io_type,
            "strategy": opts.strategy, "reuse_factor": opts.reuse_factor, "part": opts.part,
            "clock_period_ns": opts.clock_period,
            "overridden": sorted(f"{k[0]}.{k[1]}={v}" for k, v in opts.overrides.items())}


def stamp_project(project: Path, model_dir: Path, opts) -> None:
    from hwcnn.convert import REPORT_JSON

    meta = json.loads((project / REPORT_JSON).read_text())
    meta.update(project_stamp(model_dir, opts))
    write_json(project / REPORT_JSON, meta)


def ensure_project(model_dir: Path, project: Path, opts, data_dir, cache_dir) -> Path:
    """Convert the model into `project` unless the project already holds this model with these options."""
    from hwcnn.convert import REPORT_JSON, convert, tb_images
    from hwcnn.export import QONNX_FILE, execute_qonnx, export_model
    from hwcnn.models import load_model_dir

    wanted = project_stamp(model_dir, opts)
    meta_path = project / REPORT_JSON
    if meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if all(meta.get(k) == v for k, v in wanted.items()):
            return project
    import tempfile

    model, cfg = load_model_dir(model_dir)
    if cfg.quant is None:
        raise HwcnnError(f"{model_dir} is a float model; verify a QAT model (its float twin is compared too)")
    with tempfile.TemporaryDirectory() as tmp:
        qmodel = export_model(model, (cfg.in_channels, 32, 32), Path(tmp) / QONNX_FILE)
    x = tb_images(cfg.dataset, 16, data_dir, cache_dir)
    convert(qmodel, project, opts, x, execute_qonnx(qmodel, x), force=True, source=str(model_dir),
            dataset=cfg.dataset)
    stamp_project(project, model_dir, opts)
    return project


def first_divergent_layer(project: Path, sim, x: np.ndarray) -> tuple[str | None, list[dict]]:
    """Trace both implementations on x; the first layer (in order) whose outputs differ, and per-layer diffs."""
    from hwcnn.csim import trace_csim

    c_tr = trace_csim(project, x)
    s_tr = sim.run(x, trace=True).traces
    first, rows = None, []
    for name in sim.layer_names:
        if name not in c_tr or name not in s_tr:
            continue
        s = s_tr[name].to_float().reshape(len(x), -1)
        c = c_tr[name].reshape(len(x), -1)
        diff = float(np.abs(s - c).max())
        rows.append({"layer": name, "max_abs_diff": diff, "equal": bool(diff == 0.0)})
        if diff != 0.0 and first is None:
            first = name
    return first, rows


def compare(outs: Outputs, labels: np.ndarray) -> dict:
    def same(a, b):
        return float(np.mean(np.all(a == b, axis=1)))

    def maxdiff(a, b):
        return float(np.abs(a - b).max())

    return {
        "accuracy": {k: float(np.mean(getattr(outs, k).argmax(1) == labels)) for k in ("float", "qat", "csim", "sim")},
        "bit_exact": {"sim_vs_csim": same(outs.sim, outs.csim), "qat_vs_csim": same(outs.qat, outs.csim)},
        "max_abs_diff": {"sim_vs_csim": maxdiff(outs.sim, outs.csim), "qat_vs_csim": maxdiff(outs.qat, outs.csim),
                         "float_vs_qat": maxdiff(outs.float, outs.qat)},
    }


def verify(model_dir: Path, n: int, project: Path, opts, data_dir, cache_dir, jobs=None,
           report_dir: Path | None = None) -> dict:
    """Run every comparison on the first n official test images; write the report; return the JSON dict."""
    from hwcnn.config import float_twin_dir
    from hwcnn.csim import run_csim
    from hwcnn.data import load_split
    from hwcnn.data.encoding import to_float
    from hwcnn.models import load_model_dir
    from hwcnn.sim import load_simulator

    import torch

    t0 = time.perf_counter()
    model, cfg = load_model_dir(model_dir)
    twin = float_twin_dir(model_dir)
    if twin is None:
        raise HwcnnError(f"{model_dir}/config.json names no float_twin; train one and set it")
    float_model, _ = load_model_dir(twin)
    split = load_split(cfg.dataset, "test", data_dir=data_dir, cache_dir=cache_dir)
    n = min(n, len(split.labels))
    if n < 1:
        raise HwcnnError(f"--n must be at least 1, got {n}")
    x, labels = to_float(split.images[:n]), split.labels[:n]
    ensure_project(model_dir, project, opts, data_dir, cache_dir)
    timings = {}
    t = time.perf_counter()
    sim = load_simulator(project)
    sim_res = sim.run(x)
    timings["sim"] = time.perf_counter() - t
    t = time.perf_counter()
    csim_out = run_csim(project, x, jobs=jobs)
    timings["csim"] = time.perf_counter() - t
    t = time.perf_counter()
    qat_out = torch_logits(model, x, torch.float64)
    timings["qat"] = time.perf_counter() - t
    float_out = torch_logits(float_model, x, torch.float32)
    outs = Outputs(float_out, qat_out, csim_out, sim_res.output.to_float())
    result = {"model": str(model_dir), "dataset": cfg.dataset, "n_images": n, **compare(outs, labels),
              "first_divergent_layer": None, "overflow": sim_res.overflow, "clipped_by_quantizers": sim_res.clipped,
              "project": str(project), "data_provenance": split.provenance}
    # trace mismatching images if any (to locate the divergence), else the first few (for the report)
    mismatched = np.flatnonzero(~np.all(outs.sim == outs.csim, axis=1))
    traced = mismatched[:TRACE_IMAGES] if len(mismatched) else np.arange(min(TRACE_IMAGES, n))
    first, layer_rows = first_divergent_layer(project, sim, x[traced])
    result["first_divergent_layer"] = first if len(mismatched) else None
    result["seconds"] = {k: round(v, 2) for k, v in timings.items()} | {"total": round(time.perf_counter() - t0, 1)}
    report_dir = report_dir or project / "report"
    from hwcnn.report import write_verify_report

    write_verify_report(report_dir, result, outs, labels, layer_rows, project)
    result["report"] = str(report_dir / "report.md")
    return result


def cli_verify(args) -> int:
    from hwcnn.convert import ConvertOptions

    opts = ConvertOptions.from_args(args)
    model_dir = Path(args.model_dir)
    project = args.project or Path("runs") / model_dir.name / "hls"
    result = verify(model_dir, args.n, project, opts, args.data_dir, args.cache_dir, jobs=args.jobs,
                    report_dir=args.report)
    print_summary(result)
    if args.json:
        write_json(args.json, result)
    ok = result["bit_exact"]["sim_vs_csim"] == 1.0
    if args.update_golden:
        if not ok:
            raise HwcnnError("simulator and C simulation disagree; not writing golden vectors from a broken state")
        path = update_golden(model_dir, project, args.golden_dir, args.data_dir, args.cache_dir)
        print(f"  golden     rewrote {path}")
    return 0 if ok else 1


def update_golden(model_dir: Path, project: Path, golden_dir: Path, data_dir, cache_dir) -> Path:
    """Rewrite the model's golden vectors from the C simulation of `project`."""
    from hwcnn.csim import run_csim
    from hwcnn.data import load_split
    from hwcnn.data.encoding import to_float
    from hwcnn.golden import golden_images, golden_path, write_golden
    from hwcnn.models import load_model_dir
    from hwcnn.sim import load_simulator

    _, cfg = load_model_dir(model_dir)
    images = golden_images(load_split(cfg.dataset, "test", data_dir=data_dir, cache_dir=cache_dir).images)
    x = to_float(images)
    out_type = load_simulator(project).run(x[:1]).output.type
    path = golden_path(model_dir, golden_dir)
    write_golden(path, images, run_csim(project, x, progress=False), out_type,
                 {"model": Path(model_dir).name, "model_sha256": model_digest(model_dir), "dataset": cfg.dataset})
    return path


def print_summary(r: dict) -> None:
    a, b, d = r["accuracy"], r["bit_exact"], r["max_abs_diff"]
    print(f"{r['model']} on {r['n_images']} {r['dataset']} test images:")
    print(f"  accuracy   float {a['float']:.4f}  qat {a['qat']:.4f}  csim {a['csim']:.4f}  sim {a['sim']:.4f}")
    print(f"  bit-exact  sim==csim {b['sim_vs_csim']:.4f}  qat==csim {b['qat_vs_csim']:.4f}  "
          f"(max |diff| {d['sim_vs_csim']:g} / {d['qat_vs_csim']:g}; float vs qat {d['float_vs_qat']:.3g})")
    print(f"  overflow   {r['overflow'] or 'none'}; first divergent layer: {r['first_divergent_layer']}")
    print(f"  report     {r['report']}")
