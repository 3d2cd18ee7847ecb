"""A study's results: study.json, a CSV with a unit in every header, a Markdown table, Pareto fronts
of accuracy against each cost objective, answers to budget questions, and plots.

Only points whose hardware was checked equal to the simulator and the QAT model ("ok") are results;
failed points are listed with their reason, never plotted or ranked.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np

from hwcnn.outputs import replace_bytes, replace_json
from hwcnn.study import search
from hwcnn.study.figures import accuracy, cost, save_figure
from hwcnn.study.spec import Point, StudySpec, parse_budget

UNITS = {"lut": "LUT", "dsp": "DSP", "ff": "FF", "bram18": "BRAM18", "lutram": "LUT", "multipliers": "multipliers",
         "bops": "bit operations/image", "macs": "MAC/image", "nonzero_macs": "MAC/image", "weight_bits": "bit",
         "latency_cycles": "cycles", "ii": "cycles", "latency_us": "us", "throughput": "images/s"}
LABELS = {"lut": "LUT", "dsp": "DSP", "ff": "FF", "bram18": "BRAM18", "bops": "BOPs per image",
          "macs": "MACs per image", "weight_bits": "weight memory (bits)", "latency_cycles": "latency (cycles)",
          "ii": "initiation interval (cycles)"}


def pareto_front(rows: list[dict], figure: str, which: str = "hardware") -> list[dict]:
    """The points no other point beats on both: lower `figure` and higher accuracy (ties kept once),
    cheapest first."""
    ranked = sorted((r for r in rows if math.isfinite(cost(r, figure))),
                    key=lambda r: (cost(r, figure), -accuracy(r, which)))
    front, best = [], -math.inf
    for r in ranked:
        if accuracy(r, which) > best:
            front.append(r)
            best = accuracy(r, which)
    return front


def answer_budget(rows: list[dict], question: str, objectives: tuple[str, ...], which: str = "hardware") -> dict:
    """"within=X": the cheapest point (by the first cost objective, then the others) whose accuracy is
    within X of its float twin's; "FIGURE<=N": the most accurate point that takes at most N of it."""
    key, limit = parse_budget(question)
    if key == "within":
        ok = [r for r in rows if accuracy(r, which) >= r["accuracy"]["float"] - limit]
        best = min(ok, key=lambda r: tuple(cost(r, f) for f in objectives), default=None)
        what = f"cheapest by {objectives[0]} within {limit:g} of float accuracy"
    else:
        ok = [r for r in rows if cost(r, key) <= limit]
        best = max(ok, key=lambda r: (accuracy(r, which), -cost(r, key)), default=None)
        what = f"most accurate with {key} <= {limit:g}"
    return {"question": question, "what": what, "candidates": len(ok), "answer": None if best is None else best["id"]}


def flat(r: dict, objectives: tuple[str, ...]) -> dict:
    """One CSV row: settings, accuracies, the check, then every cost figure with its unit and source."""
    row = {"id": r["id"], "status": r["status"], "model": r["model"], "weight_bits [bits]": r["weight_bits"],
           "act_bits [bits]": r["act_bits"],
           "layer_bits": " ".join(f"{k}={w},{a}" for k, (w, a) in r["layer_bits"].items()),
           "reuse_factor": r["reuse_factor"], "strategy": r["strategy"], "io_type": r["io_type"]}
    acc = r.get("accuracy", {})
    for k in ("hardware", "qat", "float"):
        row[f"{k}_accuracy [fraction]"] = acc.get(k, "")
    row["n_test [images]"] = acc.get("n_test", "")
    ch = r.get("check", {})
    row["csim_images [images]"] = ch.get("csim_images", "")
    row["sim_vs_csim [fraction identical]"] = ch.get("sim_vs_csim", "")
    row["qat_vs_csim [fraction identical]"] = ch.get("qat_vs_csim", "")
    for f, v in r.get("cost", {}).items():
        name = "weight_memory" if f == "weight_bits" else f  # not the weight width of the settings
        row[f"{name} [{UNITS.get(f, '')}]"] = v["value"]
        row[f"{name}_source"] = v["source"]
    row["failure"] = r.get("failure") or ""
    return row


def to_csv(rows: list[dict], objectives: tuple[str, ...]) -> bytes:
    flats = [flat(r, objectives) for r in rows]
    header = list(dict.fromkeys(k for f in flats for k in f))
    buf = io.StringIO()
    w = csv.DictWriter(buf, header, lineterminator="\n")
    w.writeheader()
    w.writerows(flats)
    return buf.getvalue().encode()


def _layers_text(r: dict) -> str:
    return ", ".join(f"{k} {w}/{a}" for k, (w, a) in r["layer_bits"].items()) or "-"


def markdown(spec: StudySpec, rows: list[dict], failed: list[dict], fronts: dict, budgets: list[dict],
             analysis: dict | None) -> str:
    t = spec.train_config()
    lines = [f"# Quantization study: {spec.name}", "",
             f"Each point: QAT from its float twin ({t.epochs} epoch(s), lr {t.lr:g}, {t.schedule}, seed "
             f"{t.seed}{f', first {t.train_images} training images' if t.train_images else ''}); "
             "conversion with hwcnn's lossless types; hardware accuracy by the bit-exact simulator on "
             f"{'the whole test set' if spec.check.test_images is None else f'{spec.check.test_images} test images'}; "
             f"the C simulation of the first {spec.check.csim_images} test images compared bit for bit with the "
             "simulator and the QAT model; cost by `hwcnn cost` (source of each figure in brackets: ex = exact "
             "count, da4ml, mod = model formula, docs/cost-model.md).", "",
             f"{len(rows)} points ok, {len(failed)} failed.", "", "![accuracy vs cost](study.png)", "",
             "![hardware accuracy over weight x activation bits](heatmap.png)", ""]
    cols = [f for f in ("lut", "dsp", "ff", "bram18", "bops", "latency_cycles") if any(f in r["cost"] for r in rows)]
    lines += ["| model | w | a | per-layer w/a | RF | strategy | io | hardware acc. | QAT acc. | csim check | "
              + " | ".join(f"{f} [{UNITS[f]}]" for f in cols) + " | weight KB |",
              "|---|---|---|---|---|---|---|---|---|---|" + "---|" * len(cols) + "---|"]
    on_front = {r["id"] for fr in fronts.values() for r in fr}
    for r in rows:
        ch = r["check"]
        cells = [f"{r['cost'][f]['value']:,.0f} ({_short(r['cost'][f]['source'])})" if f in r["cost"] else ""
                 for f in cols]
        star = " *" if r["id"] in on_front else ""
        lines.append(f"| {r['model']} | {r['weight_bits']} | {r['act_bits']} | {_layers_text(r)} | {r['reuse_factor']} "
                     f"| {r['strategy']} | {r['io_type'].removeprefix('io_')} | {accuracy(r):.4f}{star} | "
                     f"{accuracy(r, 'qat'):.4f} | {ch['csim_images']}/{ch['csim_images']} | " + " | ".join(cells)
                     + f" | {r['cost']['weight_bits']['value'] / 8 / 1024:.2f} |")
    lines += ["", "`*`: on a Pareto front (accuracy against one of the cost objectives)."]
    if failed:
        lines += ["", "## Failed points (not results)", "", "| point | why |", "|---|---|"]
        lines += [f"| {r['id']} | {r['failure']} |" for r in failed]
    lines += ["", "## Pareto fronts", ""]
    for f, fr in fronts.items():
        lines.append(f"- {LABELS.get(f, f)}: " + " -> ".join(f"{r['id']} ({cost(r, f):,.0f}, {accuracy(r):.4f})"
                                                              for r in fr))
    if budgets:
        lines += ["", "## Budget questions", ""]
        for b in budgets:
            lines.append(f"- `{b['question']}` ({b['what']}): **{b['answer'] or 'no point qualifies'}** "
                         f"({b['candidates']} candidates)")
    if analysis:
        lines += ["", search.markdown(analysis)]
    return "\n".join(lines) + "\n"


def _short(source: str) -> str:
    return source.replace("exact", "ex").replace("model", "mod")


def plot_fronts(spec: StudySpec, rows: list[dict], fronts: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figs = list(fronts)
    ncol = 2 if len(figs) > 1 else 1
    nrow = math.ceil(len(figs) / ncol)
    fig, axes = plt.subplots(nrow, ncol, figsize=(5.5 * ncol, 4.2 * nrow), squeeze=False)
    models = list(dict.fromkeys(r["model"] for r in rows))
    for ax, f in zip(axes.flat, figs):
        for i, m in enumerate(models):
            mine = [r for r in rows if r["model"] == m]
            ax.scatter([cost(r, f) for r in mine], [accuracy(r) for r in mine], s=18, color=f"C{i}", alpha=0.6,
                       label=m)
            ax.axhline(mine[0]["accuracy"]["float"], color=f"C{i}", ls=":", lw=1, label=f"{m} float")
        fr = fronts[f]
        ax.plot([cost(r, f) for r in fr], [accuracy(r) for r in fr], "k-", drawstyle="steps-post", lw=1)
        ax.scatter([cost(r, f) for r in fr], [accuracy(r) for r in fr], s=40, facecolors="none", edgecolors="k",
                   label="Pareto front")
        for r in fr:
            ax.annotate(f"w{r['weight_bits']}a{r['act_bits']}" + ("*" if r["layer_bits"] else ""),
                        (cost(r, f), accuracy(r)), fontsize=7, xytext=(3, -9), textcoords="offset points")
        sources = sorted({r["cost"][f]["source"] for r in rows if f in r["cost"]})
        ax.set_xlabel(f"{LABELS.get(f, f)} [{', '.join(sources)}]")
        if f in ("bops", "lut", "ff", "macs", "weight_bits") and min(cost(r, f) for r in rows) > 0:
            ax.set_xscale("log")
        ax.set_ylabel("hardware test accuracy")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="lower right")
    for ax in list(axes.flat)[len(figs):]:
        ax.set_visible(False)
    fig.suptitle(f"{spec.name}: accuracy vs cost ({len(rows)} points checked against the C simulation)")
    save_figure(fig, path)


def plot_heatmap(rows: list[dict], path: Path) -> bool:
    """Hardware accuracy over weight x activation bits, for each model's uniform-width points at its
    first hardware setting; False when there is no such grid."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    models = list(dict.fromkeys(r["model"] for r in rows if not r["layer_bits"]))
    if not models:
        return False
    fig, axes = plt.subplots(1, len(models), figsize=(5.5 * len(models), 4.5), squeeze=False)
    for ax, m in zip(axes.flat, models):
        mine = [r for r in rows if r["model"] == m and not r["layer_bits"]]
        hw = (mine[0]["reuse_factor"], mine[0]["strategy"], mine[0]["io_type"])
        mine = [r for r in mine if (r["reuse_factor"], r["strategy"], r["io_type"]) == hw]
        ws, as_ = sorted({r["weight_bits"] for r in mine}), sorted({r["act_bits"] for r in mine})
        grid = np.full((len(ws), len(as_)), np.nan)
        for r in mine:
            grid[ws.index(r["weight_bits"]), as_.index(r["act_bits"])] = accuracy(r)
        im = ax.imshow(grid, cmap="viridis", origin="lower")
        for i in range(len(ws)):
            for j in range(len(as_)):
                if not np.isnan(grid[i, j]):
                    ax.text(j, i, f"{grid[i, j]:.4f}", ha="center", va="center", color="white", fontsize=8)
        ax.set_xticks(range(len(as_)), as_)
        ax.set_yticks(range(len(ws)), ws)
        ax.set_xlabel("activation bits")
        ax.set_ylabel("weight bits")
        ax.set_title(f"{m}: hardware test accuracy")
        fig.colorbar(im, ax=ax)
    save_figure(fig, path)
    return True


def write(spec: StudySpec, out: Path, found: dict[Point, dict], analysis: dict | None, *, ran: int = 0,
          skipped: int = 0) -> dict:
    """study.json, study.csv, study.md and the plots from the points' results."""
    every = sorted(found.values(), key=lambda r: (r["model"], r["weight_bits"], r["act_bits"], len(r["layer_bits"]),
                                                  sorted(r["layer_bits"]), r["reuse_factor"], r["strategy"], r["io_type"]))
    rows = [r for r in every if r["status"] == "ok"]
    failed = [r for r in every if r["status"] != "ok"]
    fronts = {f: pareto_front(rows, f, spec.objectives.accuracy) for f in spec.objectives.cost
              if any(f in r["cost"] for r in rows)}
    budgets = [answer_budget(rows, b, spec.objectives.cost, spec.objectives.accuracy) for b in spec.objectives.budgets]
    summary = {"name": spec.name, "points": every, "ok": len(rows), "failed": len(failed),
               "pareto": {f: [r["id"] for r in fr] for f, fr in fronts.items()}, "budgets": budgets,
               "sensitivity": analysis, "ran": ran, "skipped": skipped,
               "units": UNITS, "sources": "every cost figure is {value, source}: exact, da4ml, yosys, vendor or "
                                          "model (docs/cost-model.md)"}
    replace_json(out / "study.json", summary)
    replace_bytes(out / "study.csv", to_csv(every, spec.objectives.cost))
    replace_bytes(out / "study.md", markdown(spec, rows, failed, fronts, budgets, analysis).encode())
    if rows and fronts:
        plot_fronts(spec, rows, fronts, out / "study.png")
        plot_heatmap(rows, out / "heatmap.png")
    if analysis:
        search.plot(analysis, out / "sensitivity.png")
    return summary
