"""One task of a study, where it runs (a local worker process or a Ray task): train one QAT model
from its float twin, then for each hardware setting convert it, measure the hardware's accuracy
with the bit-exact simulator, check the C simulation bit for bit against the simulator and the QAT
model, and cost it.

A task carries everything it needs as data (the float twin's files, the recipe, the settings) and
returns everything as data (the trained model's files, one result per point): it writes nothing
outside its own temporary folder, so it runs the same on a machine that shares no disk with the
driver, and the driver alone writes the study directory.
"""

from __future__ import annotations

import os
import tempfile
import time
import traceback
import warnings
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from hwcnn.errors import HwcnnError
from hwcnn.study.spec import Check, Cost, Point



@dataclass
class Task:
    train_key: str
    points: list[Point]
    float_name: str
    float_files: dict[str, bytes]          # the float twin's model directory
    quant: dict                            # QuantConfig fields of the QAT model
    train: dict                            # TrainConfig fields (init_from set here)
    check: Check
    cost: Cost
    threads: int
    data_dir: str | None
    cache_dir: str
    trained_files: dict[str, bytes] | None = None  # the model, when an earlier run trained it already


def model_files(path: Path) -> list[Path]:
    from hwcnn.artifacts import ModelDir

    md = ModelDir(Path(path))
    return [md.config_path, md.weights_path, md.metrics_path, md.curve_path]


def read_model_files(path: Path) -> dict[str, bytes]:
    return {f.name: f.read_bytes() for f in model_files(path) if f.is_file()}


def _write_files(path: Path, files: dict[str, bytes]) -> Path:
    path.mkdir(parents=True)
    for n, data in files.items():
        (path / n).write_bytes(data)
    return path


def _message(err: BaseException) -> str:
    return str(err) if isinstance(err, HwcnnError) else f"{type(err).__name__}: {err}"


def run_task(task: Task) -> dict:
    """{"train_key", "model_files" (None if it was given), "train_seconds", "points": [result, ...]}."""
    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(task.threads)  # the same threads everywhere: the same sums, the same weights
    warnings.filterwarnings("ignore", message="fast_hadamard_transform")  # Brevitas, once per worker: not ours
    with threadpool_limits(task.threads), tempfile.TemporaryDirectory(prefix="hwcnn-study-") as tmp:
        tmp = Path(tmp)
        float_dir = _write_files(tmp / "float" / task.float_name, task.float_files)
        model_dir = tmp / "models" / task.train_key
        out = {"train_key": task.train_key, "model_files": None, "train_seconds": 0.0, "points": []}
        t0 = time.perf_counter()
        try:
            if task.trained_files is not None:
                _write_files(model_dir, task.trained_files)
            else:
                _train(task, float_dir, model_dir)
                out["model_files"] = read_model_files(model_dir)
        except Exception as err:  # the task reports every failure as data: the study goes on
            out["points"] = [failed(p, f"training failed: {_message(err)}", traceback.format_exc())
                             for p in task.points]
            return out
        out["train_seconds"] = round(time.perf_counter() - t0, 1)
        for i, p in enumerate(task.points):
            try:
                out["points"].append(_evaluate(task, p, float_dir, model_dir, tmp / f"hls{i}"))
            except Exception as err:
                out["points"].append(failed(p, _message(err), traceback.format_exc()))
        return out


def failed(p: Point, why: str, detail: str = "") -> dict:
    return {"id": p.id, **p.as_dict(), "status": "failed", "failure": why,
            "failure_detail": detail.strip().splitlines()[-6:] if detail else []}


def _train(task: Task, float_dir: Path, model_dir: Path) -> dict:
    from hwcnn.artifacts import ModelDir
    from hwcnn.config import QuantConfig, TrainConfig, from_dict
    from hwcnn.train import train_model_dir

    fcfg = ModelDir(float_dir).config().model
    mc = replace(fcfg, quant=from_dict(QuantConfig, task.quant, "quant"), batch_norm=False)
    model_dir.parent.mkdir(parents=True, exist_ok=True)
    tc = from_dict(TrainConfig, {**task.train, "init_from": os.path.relpath(float_dir, model_dir)}, "train")
    return train_model_dir(model_dir, mc, tc, float_twin=float_dir, data_dir=task.data_dir,
                           cache_dir=Path(task.cache_dir), progress=False)


def _evaluate(task: Task, p: Point, float_dir: Path, model_dir: Path, project: Path) -> dict:
    """The pipeline's own steps: convert, simulate the test set, C-simulate a subset and compare it
    bit for bit (the verify step, no report); then cost."""
    from hwcnn import pipeline
    from hwcnn.artifacts import ModelDir
    from hwcnn.cost import project_cost
    from hwcnn.data import DataSource
    from hwcnn.hlsgen.config import HlsConfig
    from hwcnn.verify import verdict

    hls = HlsConfig(io_type=p.io_type, strategy=p.strategy, reuse_factor=p.reuse_factor)
    data = DataSource(None if task.data_dir is None else Path(task.data_dir), Path(task.cache_dir))
    md = ModelDir(model_dir)
    n_test = min(task.check.test_images or 10**9, len(data.split(md.config().model.dataset, "test").labels))
    cfg = pipeline.RunConfig(project=project, model_dir=model_dir, hls=hls, tb_images=4, data=data, jobs=1,
                             sim_images=n_test, csim_images=min(task.check.csim_images, n_test), progress=False,
                             report=False)
    st = pipeline.run(cfg, "export", "verify")
    seconds = dict(st.seconds)
    r = st.result
    check = {"csim_images": r["n_images"], "sim_vs_csim": r["bit_exact"]["sim_vs_csim"],
             "qat_vs_csim": r["bit_exact"]["qat_vs_csim"],
             "max_abs_diff": {k: r["max_abs_diff"][k] for k in ("sim_vs_csim", "qat_vs_csim")}}
    t = time.perf_counter()
    rows, total, hls_used = project_cost(st.project.path, Path(task.cache_dir), task.cost.da4ml)
    seconds["cost"] = time.perf_counter() - t
    clock = float(hls_used["clock_period"])
    ii, lat = total["ii"]["value"], total["latency_cycles"]["value"]
    cost = {**total, "latency_us": {"value": lat * clock / 1e3, "source": total["latency_cycles"]["source"]},
            "throughput": {"value": 1e9 / (ii * clock), "source": total["ii"]["source"]}}
    result = {"id": p.id, **p.as_dict(), "status": "ok", "failure": None,
              "accuracy": {"float": float(ModelDir(float_dir).metrics()["test_accuracy"]),
                           "qat": float(md.metrics()["test_accuracy"]),
                           "hardware": float(np.mean(st.sim_out.argmax(1) == st.labels)),
                           "n_test": len(st.x)},
              "check": check, "overflow": st.sim.overflow,
              "accumulator_bits": _accumulator_bits(st.project.desc),
              "cost": cost, "hls": {k: hls_used[k] for k in ("io_type", "strategy", "reuse_factor", "part",
                                                             "clock_period")},
              "seconds": {k: round(v, 1) for k, v in seconds.items()}}
    if task.cost.board is not None:
        from hwcnn.cost import board_use
        from hwcnn.hlsgen.config import targets

        result["board"] = {"name": task.cost.board, **board_use(total, targets()[task.cost.board]["resources"])}
    judged = verdict(r["bit_exact"], st.project.check)
    if not judged.ok:  # the hardware does not compute this model: not a result
        result["status"] = "failed"
        shown = ", ".join(f"{k} {r['bit_exact'][k]:.4f}" for k in judged.failed)
        result["failure"] = (f"hardware disagrees: {shown} "
                             f"on {check['csim_images']} test images (C simulation vs the bit-exact simulator / the "
                             "QAT model)")
    return result


def _accumulator_bits(desc: dict) -> dict[str, int]:
    """The accumulator width interval arithmetic chose for each Dense/Conv layer."""
    from hwcnn.fixed import FixedType
    from hwcnn.layers import Kind

    return {layer["name"]: FixedType.parse(layer["types"]["accum"]).width for layer in desc["layers"]
            if Kind.of(layer["kind"]).has_macs}
