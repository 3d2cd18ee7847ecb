"""Analytic hardware cost from the hardware description: weight memory and MACs per image.

These numbers need no vendor tools: weight bits are the stored width of every weight and bias,
MACs are multiply-accumulates per image (a zero weight still costs a MAC here; hls4ml prunes
zero multipliers in the Latency strategy, which `nonzero_macs` counts).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from hwcnn import hwdesc
from hwcnn.fixed import FixedType


def layer_costs(desc: dict, weights: dict[str, np.ndarray]) -> list[dict]:
    rows = []
    for layer in desc["layers"]:
        bits = 0
        for w in layer["weights"].values():
            bits += int(np.prod(w["shape"])) * FixedType.parse(w["type"]).width
        macs = nonzero = 0
        if layer["kind"] in ("Conv2D", "Dense"):
            w = weights[layer["weights"]["weight"]["key"]]
            pixels = layer["attrs"]["out_height"] * layer["attrs"]["out_width"] if layer["kind"] == "Conv2D" else 1
            macs = pixels * w.size
            nonzero = pixels * int(np.count_nonzero(w))
        if bits or macs:
            rows.append({"layer": layer["name"], "kind": layer["kind"], "weight_bits": bits,
                         "weight_kb": bits / 8 / 1024, "macs": macs, "nonzero_macs": nonzero})
    return rows


def totals(rows: list[dict]) -> dict:
    return {k: sum(r[k] for r in rows) for k in ("weight_bits", "weight_kb", "macs", "nonzero_macs")}


def cost_markdown(rows: list[dict]) -> str:
    t = totals(rows)
    lines = ["| layer | kind | weight bits | weight KB | MACs/image | non-zero MACs |", "|---|---|---|---|---|---|"]
    for r in rows + [{"layer": "**total**", "kind": "", **t}]:
        lines.append(f"| {r['layer']} | {r['kind']} | {r['weight_bits']:,} | {r['weight_kb']:.2f} | {r['macs']:,} | "
                     f"{r['nonzero_macs']:,} |")
    return "\n".join(lines) + "\n"


def cli_cost(args) -> int:
    from hwcnn.fsutil import write_json

    desc, weights = hwdesc.load(Path(args.project))
    rows = layer_costs(desc, weights)
    print(cost_markdown(rows), end="")
    if args.json:
        write_json(args.json, {"project": str(args.project), "layers": rows, "total": totals(rows)})
    return 0
