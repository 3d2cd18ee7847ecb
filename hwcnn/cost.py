"""Analytic hardware cost from the hardware description: weight memory and MACs per image.

These numbers need no vendor tools: weight bits are the stored width of every weight and bias,
MACs are multiply-accumulates per image (a zero weight still costs a MAC here; hls4ml prunes
zero multipliers in the Latency strategy, which `nonzero_macs` counts).
"""

from __future__ import annotations

import numpy as np

from hwcnn.fixed import FixedType
from hwcnn.layers import Kind, macs_per_image

# where these figures come from (hwcnn labels every figure with its source)
COUNT_SOURCE = "count: exact, from the weights and shapes in the project's hardware description"


def layer_costs(desc: dict, weights: dict[str, np.ndarray]) -> list[dict]:
    rows = []
    for layer in desc["layers"]:
        bits = 0
        for w in layer["weights"].values():
            bits += int(np.prod(w["shape"])) * FixedType.parse(w["type"]).width
        macs = nonzero = 0
        kind = Kind.of(layer["kind"], f"layer {layer['name']}")
        if kind.has_macs:
            w = weights[layer["weights"]["weight"]["key"]]
            macs = macs_per_image(kind, layer["attrs"], w.size)
            nonzero = macs_per_image(kind, layer["attrs"], int(np.count_nonzero(w)))
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
