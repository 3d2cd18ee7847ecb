"""The verification report: Markdown with plots, for people who would rather look than read."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from hwcnn.cost import COUNT_SOURCE, cost_markdown, layer_costs, totals
from hwcnn.outputs import output_dir, read_json, replace_json
from hwcnn.project import BuiltProject
from hwcnn.verify import verdict


def _plt():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_confusion(pred: np.ndarray, labels: np.ndarray, path: Path, title: str) -> None:
    plt = _plt()
    k = int(max(pred.max(), labels.max())) + 1
    cm = np.zeros((k, k), dtype=np.int64)
    np.add.at(cm, (labels, pred), 1)
    fig, ax = plt.subplots(figsize=(5.5, 5))
    ax.imshow(np.log1p(cm), cmap="Blues")
    for i in range(k):
        for j in range(k):
            if cm[i, j]:
                ax.text(j, i, str(cm[i, j]), ha="center", va="center", fontsize=7,
                        color="white" if cm[i, j] > cm.max() / 3 else "black")
    ax.set_xlabel("hardware (C simulation) prediction")
    ax.set_ylabel("true label")
    ax.set_xticks(range(k))
    ax.set_yticks(range(k))
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def plot_layers(layer_rows: list[dict], overflow: dict, clipped: dict, names: list[str], path: Path) -> None:
    """Per-layer max |sim - csim| (traced images) and overflow counts, one bar per layer."""
    plt = _plt()
    diffs = {r["layer"]: r["max_abs_diff"] for r in layer_rows}
    fig, (a1, a2) = plt.subplots(2, 1, figsize=(8, 6), sharex=True)
    x = np.arange(len(names))
    vals = [diffs.get(n, np.nan) for n in names]
    a1.bar(x, vals, color="tab:red")
    a1.plot(x, vals, "o", color="tab:red")
    if diffs and not any(diffs.values()):
        a1.text(0.5, 0.5, "identical at every traced layer", transform=a1.transAxes, ha="center", fontsize=12,
                color="tab:green")
    a1.set_ylabel("max |sim - csim|")
    a1.set_title("per-layer error of the simulator against the C simulation (traced images)")
    a2.bar(x - 0.2, [overflow.get(n, 0) for n in names], width=0.4, label="wrapped/saturated (overflow)",
           color="tab:orange")
    a2.bar(x + 0.2, [clipped.get(n, 0) for n in names], width=0.4, label="clipped by quantizer (model)",
           color="tab:gray")
    a2.set_ylabel("values")
    a2.set_yscale("symlog")
    a2.legend(fontsize=8)
    a2.set_xticks(x)
    a2.set_xticklabels(names, rotation=60, ha="right", fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_qonnx_report(report_dir: Path, result: dict, check: dict, force: bool) -> None:
    """The report of `hwcnn verify FILE.onnx`: report.md and verify.json, all or nothing."""
    from hwcnn.hlsgen.convert import partition_text

    b, d = result["bit_exact"], result["max_abs_diff"]
    lines = [f"# hwcnn verification: {result['model']}", "",
             f"**{verdict(b, check).word}** on {result['n_images']} inputs ({result['inputs']}).", "",
             "| comparison | identical outputs | max abs diff |", "|---|---|---|"]
    pairs = (("sim", "csim"), ("qonnx", "csim"), ("qonnx", "sim")) + ((("qonnx_exact", "csim"),)
                                                                      if "qonnx_exact_vs_csim" in b else ())
    lines += [f"| {a} vs {c} | {b[f'{a}_vs_{c}']:.4f} | {d[f'{a}_vs_{c}']:g} |" for a, c in pairs]
    if "qonnx_exact_vs_csim" in b:
        f = result["float32_differences"]
        where = sorted({r["first_node"] for r in f["inputs"] if r["explained"]})
        lines += ["", f"Float scales: `qonnx_exact` is QONNX's execution with each sum of products computed exactly "
                  f"and rounded once to float32 (the core's arithmetic). Plain float32 execution differs from it on "
                  f"{f['inputs_differing']} inputs, {f['explained']} of them explained: {f['why']} (first at "
                  f"{', '.join(where) or 'none'}); verify.json lists each input."]
    lines += ["", f"Host and core: {partition_text(result['partition'])} The simulator and the C simulation are "
              "compared on the core's outputs, QONNX on the model's.", "",
              f"First divergent layer (simulator vs C simulation): **{result['first_divergent_layer']}**", "",
              f"Overflow (values that wrapped or saturated in the simulator): {result['overflow'] or 'none'}.", ""]
    with output_dir(Path(report_dir), force) as tmp:
        (tmp / "report.md").write_text("\n".join(lines))
        replace_json(tmp / "verify.json", result)


def write_verify_report(report_dir: Path, result: dict, outs, labels: np.ndarray, layer_rows: list[dict],
                        project: BuiltProject, force: bool) -> None:
    """Write report.md, its plots and verify.json into `report_dir`, all or nothing."""
    with output_dir(Path(report_dir), force) as tmp:
        _write(tmp, result, outs, labels, layer_rows, project)


def _write(report_dir: Path, result: dict, outs, labels: np.ndarray, layer_rows: list[dict],
           project: BuiltProject) -> None:
    from hwcnn.hlsgen.convert import precision_table

    desc, weights = project.desc, project.weights
    names = [layer["name"] for layer in desc["layers"]]
    plot_confusion(outs.csim.argmax(1), labels, report_dir / "confusion_csim.png",
                   f"C simulation, {result['n_images']} images, accuracy {result['accuracy']['csim']:.4f}")
    plot_layers(layer_rows, result["overflow"], result["clipped_by_quantizers"], names, report_dir / "layers.png")
    costs = layer_costs(desc, weights, project.manifest["hls"])
    counted = ("macs", "nonzero_macs", "bops", "weight_bits", "multipliers")
    result["cost"] = {k: v for k, v in totals(costs).items() if k in counted}
    a, b, d = result["accuracy"], result["bit_exact"], result["max_abs_diff"]
    lines = [
        f"# hwcnn verification: {result['model']}", "",
        f"**{verdict(b, project.check).word}**: simulator == C simulation on {b['sim_vs_csim']:.2%} of {result['n_images']} "
        f"{result['dataset']} test images; Brevitas QAT == C simulation on {b['qat_vs_csim']:.2%}.", "",
        "| | float twin | Brevitas QAT | C simulation | simulator |", "|---|---|---|---|---|",
        f"| accuracy | {a['float']:.4f} | {a['qat']:.4f} | {a['csim']:.4f} | {a['sim']:.4f} |", "",
        "| comparison | identical outputs | max abs diff |", "|---|---|---|",
        f"| simulator vs C simulation | {b['sim_vs_csim']:.4f} | {d['sim_vs_csim']:g} |",
        f"| Brevitas QAT vs C simulation | {b['qat_vs_csim']:.4f} | {d['qat_vs_csim']:g} |",
        f"| float twin vs Brevitas QAT | | {d['float_vs_qat']:.4g} |", "",
        f"First divergent layer (simulator vs C simulation): **{result['first_divergent_layer']}**; "
        f"first layer where the hardware parts from the QAT model: **{result.get('first_divergent_layer_qat')}**", "",
        f"Overflow (values that wrapped or saturated in the simulator): {result['overflow'] or 'none'}.", "",
        "![per-layer error and overflow](layers.png)", "",
        "![confusion of the hardware classifier](confusion_csim.png)", "",
        "## Weight memory and MACs", "", f"Source: {COUNT_SOURCE}. LUT, FF, DSP, BRAM and timing, each "
        "with its source: `hwcnn cost` on the project (docs/cost-model.md).", "",
        cost_markdown(costs, totals(costs), columns=counted),
    ]
    if layer_rows:
        lines += ["## Per-layer comparison on traced images", "", "| layer | max abs diff | equal |", "|---|---|---|"]
        lines += [f"| {r['layer']} | {r['max_abs_diff']:g} | {r['equal']} |" for r in layer_rows]
        lines.append("")
    lines += ["## Fixed-point types", "", precision_table(read_json(project.files.precision_json_path,
                                                                    "precision report"))]
    lines += ["## Data", "", f"`{result['data_provenance']}`", ""]
    (report_dir / "report.md").write_text("\n".join(lines))
    replace_json(report_dir / "verify.json", result)
