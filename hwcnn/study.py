"""Quantization study: accuracy vs. bit width vs. hardware cost, one trained point per width pair.

Each point fine-tunes a QAT model from the float model (Brevitas), converts it with hwcnn's
lossless types, and measures the hardware's accuracy on the whole test set with the bit-exact
simulator, next to its cost: weight memory, MACs, and the accumulator widths that interval
arithmetic chose. The study runs no C simulation itself: the simulator's equality with it is
what the test suite checks (LeNet-5 at every pair of 2, 3, 4 and 8 bits).
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from hwcnn.errors import HwcnnError
from hwcnn.outputs import output_dir, replace_json


def parse_widths(text: str, what: str) -> list[int]:
    try:
        widths = sorted({int(t) for t in text.split(",") if t.strip()})
    except ValueError:
        raise HwcnnError(f"--{what}: expected comma-separated integers like 2,4,8, got {text!r}") from None
    bad = [w for w in widths if not 2 <= w <= 8]
    if not widths or bad:
        raise HwcnnError(f"--{what}: bit widths must be in 2..8, got {text!r}")
    return widths


def study_point(float_dir: Path, point_dir: Path, wbits: int, abits: int, epochs: int, seed: int, data,
                test) -> dict:
    """Train one (wbits, abits) QAT model from the float model, convert, simulate, cost it."""
    from hwcnn import pipeline
    from hwcnn.artifacts import ModelDir
    from hwcnn.config import QuantConfig, TrainConfig
    from hwcnn.cost import layer_costs, totals
    from hwcnn.fixed import FixedType
    from hwcnn.hwdesc import load as load_desc
    from hwcnn.layers import Kind
    from hwcnn.train import train_model_dir

    fcfg = ModelDir(float_dir).config().model
    mc = replace(fcfg, quant=QuantConfig(weight_bits=wbits, act_bits=abits))
    tc = TrainConfig(epochs=epochs, lr=1e-3, schedule="cosine", augment_shift=2, seed=seed,
                     init_from=os.path.relpath(float_dir.resolve(), point_dir.resolve()))
    metrics = train_model_dir(point_dir, mc, tc, float_twin=float_dir, data_dir=data.data_dir,
                              cache_dir=data.cache_dir, progress=False)
    with tempfile.TemporaryDirectory() as tmp:
        cfg = pipeline.RunConfig(project=Path(tmp) / "hls", model_dir=point_dir, tb_images=4, data=data,
                                 n_images=len(test.labels), progress=False)
        st = pipeline.run(cfg, "export", "convert")
        st = pipeline.run(cfg, "simulate", "simulate", state=st)
        desc, weights = load_desc(cfg.project)
    res = st.sim
    accs = [FixedType.parse(layer["types"]["accum"]).width for layer in desc["layers"]
            if Kind.of(layer["kind"]).has_macs]
    cost = {k: v["value"] for k, v in totals(layer_costs(desc, weights)).items()}
    return {"weight_bits": wbits, "act_bits": abits,
            "hardware_accuracy": float(np.mean(res.output.raw.argmax(1) == st.labels)),
            "qat_accuracy": metrics["test_accuracy"], "weight_memory_bits": cost["weight_bits"],
            "weight_kb": cost["weight_bits"] / 8 / 1024, "macs": cost["macs"], "nonzero_macs": cost["nonzero_macs"],
            "accumulator_widths": accs, "max_accumulator_width": max(accs), "overflow": res.overflow}


def plot_study(rows: list[dict], float_acc: float, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ws = sorted({r["weight_bits"] for r in rows})
    as_ = sorted({r["act_bits"] for r in rows})
    grid = np.full((len(ws), len(as_)), np.nan)
    for r in rows:
        grid[ws.index(r["weight_bits"]), as_.index(r["act_bits"])] = r["hardware_accuracy"]
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(11, 4.5))
    im = a1.imshow(grid, cmap="viridis", origin="lower")
    for i in range(len(ws)):
        for j in range(len(as_)):
            a1.text(j, i, f"{grid[i, j]:.4f}", ha="center", va="center", color="white", fontsize=8)
    a1.set_xticks(range(len(as_)), as_)
    a1.set_yticks(range(len(ws)), ws)
    a1.set_xlabel("activation bits")
    a1.set_ylabel("weight bits")
    a1.set_title("hardware test accuracy")
    fig.colorbar(im, ax=a1)
    for a in as_:
        pts = sorted((r["weight_kb"], r["hardware_accuracy"], r["weight_bits"]) for r in rows if r["act_bits"] == a)
        a2.plot([p[0] for p in pts], [p[1] for p in pts], "o-", label=f"{a}-bit activations")
        for kb, acc, w in pts:
            a2.annotate(f"w{w}", (kb, acc), fontsize=7, xytext=(3, 3), textcoords="offset points")
    a2.axhline(float_acc, color="gray", ls="--", label=f"float twin {float_acc:.4f}")
    a2.set_xlabel("weight memory (KB)")
    a2.set_ylabel("hardware test accuracy")
    a2.set_title("accuracy vs. weight memory")
    a2.grid(alpha=0.3)
    a2.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def study_markdown(name: str, rows: list[dict], float_acc: float, epochs: int) -> str:
    lines = [f"# Quantization study: {name}", "",
             f"Each point: QAT fine-tuned from the float twin ({float_acc:.4f} test accuracy) for {epochs} epoch(s); "
             "hardware accuracy by the bit-exact simulator on the whole test set; types lossless and minimal.", "",
             "![study](study.png)", "",
             "| weights | activations | hardware acc. | QAT acc. | weight KB | MACs/image | accumulator bits (per layer) |",
             "|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['weight_bits']} | {r['act_bits']} | {r['hardware_accuracy']:.4f} | {r['qat_accuracy']:.4f} | "
                     f"{r['weight_kb']:.2f} | {r['macs']:,} | {', '.join(map(str, r['accumulator_widths']))} |")
    return "\n".join(lines) + "\n"


def run_study(model_dir: Path, wbits: list[int], abits: list[int], epochs: int, seed: int, out: Path | None,
              data, force: bool = False) -> tuple[dict, Path]:
    """Every (wbits, abits) point into one study directory, written when complete."""
    from tqdm import tqdm

    from hwcnn.artifacts import ModelDir

    md = ModelDir(model_dir)
    cfg = md.config()
    float_md = md if cfg.model.quant is None else md.float_twin()
    if float_md is None:
        raise HwcnnError(f"{model_dir} is a QAT model without a float_twin; give the float model")
    out = Path(out or Path("runs") / f"study-{float_md.name}")
    test = data.split(cfg.model.dataset, "test")
    float_acc = float(float_md.metrics()["test_accuracy"])
    t0 = time.perf_counter()
    rows = []
    with output_dir(out, force) as tmp:
        points = [(w, a) for w in wbits for a in abits]
        for w, a in tqdm(points, desc="study points", unit="point"):
            rows.append(study_point(float_md.path.resolve(), tmp / "points" / f"w{w}a{a}", w, a, epochs, seed, data,
                                    test))
        result = {"float_model": str(float_md.path), "dataset": cfg.model.dataset, "n_test": len(test.labels),
                  "epochs": epochs, "float_accuracy": float_acc, "points": rows,
                  "seconds": round(time.perf_counter() - t0, 1)}
        replace_json(tmp / "study.json", result)
        plot_study(rows, float_acc, tmp / "study.png")
        (tmp / "study.md").write_text(study_markdown(float_md.name, rows, float_acc, epochs))
    print(study_markdown(float_md.name, rows, float_acc, epochs), end="")
    return result, out
