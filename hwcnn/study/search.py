"""Per-layer sensitivity and a greedy mixed-precision search on it.

Sensitivity: from a base point (every layer at the same widths), lower one layer at a time (its
weights and the activation after it) to `lower_to` bits; the accuracy it costs and the hardware it
saves are measured on real, checked points. The search then lowers layers in the order of least
accuracy lost per unit of the budget's figure saved, predicting the cost as the base's minus the
savings, until the prediction fits; it checks that choice as a point like any other and, while
the measured cost is still over the budget, lowers the next layer and checks again.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Callable

from hwcnn.errors import HwcnnError
from hwcnn.study.figures import accuracy, cost, save_figure
from hwcnn.study.spec import Point, StudySpec


def sensitivity_table(base: tuple[float, float], lowered: dict[str, tuple[float, float]]) -> list[dict]:
    """Per layer: the accuracy drop and the cost saving of lowering it alone; base = (accuracy, cost)."""
    return [{"layer": layer, "accuracy_drop": base[0] - acc, "saving": base[1] - c, "accuracy": acc, "cost": c}
            for layer, (acc, c) in lowered.items()]


def greedy_order(table: list[dict]) -> list[str]:
    """Layers by accuracy lost per unit saved, least first; layers that save nothing last."""
    def key(row):
        if row["saving"] <= 0:
            return (1, row["accuracy_drop"])
        return (0, max(row["accuracy_drop"], 0.0) / row["saving"])
    return [row["layer"] for row in sorted(table, key=key)]


def greedy_search(table: list[dict], base_cost: float, budget: float,
                  evaluate: Callable[[tuple[str, ...]], tuple[float, float]]) -> dict:
    """Lower layers (in `greedy_order`) until the predicted cost fits `budget`, then check the choice with
    `evaluate(lowered layers) -> (accuracy, measured cost)`; while the measurement is over, lower one more.
    Returns the choice, its measurement and every step tried."""
    order = greedy_order(table)
    saving = {row["layer"]: row["saving"] for row in table}
    chosen: list[str] = []
    steps = []
    for layer in order:
        if base_cost - sum(saving[x] for x in chosen) <= budget:
            break
        chosen.append(layer)
    while True:
        acc, measured = evaluate(tuple(chosen))
        steps.append({"lowered": list(chosen), "predicted": base_cost - sum(saving[x] for x in chosen),
                      "accuracy": acc, "cost": measured, "fits": measured <= budget})
        rest = [x for x in order if x not in chosen]
        if measured <= budget or not rest:
            break
        chosen.append(rest[0])
    last = steps[-1]
    return {"lowered": last["lowered"], "accuracy": last["accuracy"], "cost": last["cost"], "fits": last["fits"],
            "steps": steps}


def run(spec: StudySpec, names: dict[str, tuple[str, ...]], driver) -> dict:
    """The sensitivity points and, with a budget, the search, through the study's driver."""
    se = spec.sensitivity
    model = next(iter(spec.models))
    ax = spec.axes
    base = Point(model, se.weight_bits, se.act_bits, (), ax.reuse_factor[0], ax.strategy[0], ax.io_type[0])
    layers = names[model]
    lowered = {layer: replace(base, layer_bits=((layer, se.lower_to, se.lower_to),)) for layer in layers}
    if len(se.budget) > 1:
        raise HwcnnError(f"sensitivity.budget: one figure at a time, got {', '.join(se.budget)}")
    figure, limit = next(iter(se.budget.items()), (spec.objectives.cost[0], None))
    found = driver.run([base, *lowered.values()], "sensitivity")
    which = spec.objectives.accuracy
    bad = [p.id for p in [base, *lowered.values()] if found[p]["status"] != "ok"]
    analysis = {"base": base.id, "lower_to": se.lower_to, "figure": figure, "results": found}
    if bad:
        analysis["failed"] = bad
        return analysis
    b = found[base]
    table = sensitivity_table((accuracy(b, which), cost(b, figure)),
                              {layer: (accuracy(found[p], which), cost(found[p], figure)) for layer, p in lowered.items()})
    analysis["table"] = table
    if limit is None:
        return analysis

    def evaluate(chosen: tuple[str, ...]) -> tuple[float, float]:
        p = replace(base, layer_bits=tuple(sorted((layer, se.lower_to, se.lower_to) for layer in chosen)))
        r = driver.run([p], "search")[p]
        found[p] = r
        if r["status"] != "ok":
            raise HwcnnError(f"the search's point {p.id} failed: {r['failure']}")
        return accuracy(r, which), cost(r, figure)

    result = greedy_search(table, cost(b, figure), float(limit), evaluate)
    chosen = replace(base, layer_bits=tuple(sorted((layer, se.lower_to, se.lower_to) for layer in result["lowered"])))
    analysis["search"] = {"budget": {figure: limit}, "point": chosen.id, **result}
    return analysis


def markdown(analysis: dict) -> str:
    lines = ["## Per-layer sensitivity", ""]
    if analysis.get("failed"):
        return "\n".join(lines + [f"Not measured: points failed ({', '.join(analysis['failed'])})."]) + "\n"
    f = analysis["figure"]
    lines += [f"From {analysis['base']}, each layer alone lowered to {analysis['lower_to']} bits (weights and the "
              "activation after it); measured points.", "", "![sensitivity](sensitivity.png)", "",
              f"| layer | hardware acc. | accuracy drop | {f} | {f} saved |", "|---|---|---|---|---|"]
    for row in analysis["table"]:
        lines.append(f"| {row['layer']} | {row['accuracy']:.4f} | {row['accuracy_drop']:+.4f} | {row['cost']:,.0f} | "
                     f"{row['saving']:,.0f} |")
    s = analysis.get("search")
    if s:
        (fig_, limit), = s["budget"].items()
        lines += ["", f"### Greedy mixed precision for {fig_} <= {limit:,}", "",
                  f"Chosen: **{s['point']}** (lowered to {analysis['lower_to']} bits: {', '.join(s['lowered']) or 'none'}): "
                  f"hardware accuracy {s['accuracy']:.4f}, {fig_} {s['cost']:,.0f} (measured), "
                  f"{'fits' if s['fits'] else 'does NOT fit: every layer lowered'}.", "",
                  "| step | lowered | predicted | measured | accuracy |", "|---|---|---|---|---|"]
        for i, st in enumerate(s["steps"], 1):
            lines.append(f"| {i} | {', '.join(st['lowered']) or '-'} | {st['predicted']:,.0f} | {st['cost']:,.0f} | "
                         f"{st['accuracy']:.4f} |")
    return "\n".join(lines) + "\n"


def plot(analysis: dict, path: Path) -> None:
    if not analysis.get("table"):
        return
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    table = analysis["table"]
    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 3.8))
    names = [r["layer"] for r in table]
    a1.bar(names, [r["accuracy_drop"] for r in table], color="C3")
    a1.set_ylabel("accuracy drop")
    a1.set_title(f"each layer alone at {analysis['lower_to']} bits")
    a2.bar(names, [r["saving"] for r in table], color="C0")
    a2.set_ylabel(f"{analysis['figure']} saved")
    for ax in (a1, a2):
        ax.tick_params(axis="x", rotation=30)
        ax.grid(alpha=0.3, axis="y")
    save_figure(fig, path)
