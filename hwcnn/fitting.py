"""Fit a design onto a board: each Dense/Conv layer's strategy and reuse factor, chosen on the cost model.

The search starts from every kernel fully unrolled (Latency, reuse factor 1: the lowest initiation
interval) and, while some resource is over the board's share (`margin` of it), makes the one change
that removes the most overuse per unit of initiation interval it adds: one kernel to another setting
on its ladder (Latency at a larger reuse factor, or Resource, with the weights in block RAM). A
change may skip rungs: time-multiplexing constant products costs more than unrolling them until the
reuse factor is large. The design it settles on is converted and checked like any other; this
module only chooses.
"""

from __future__ import annotations

import copy
from functools import lru_cache

import numpy as np

from hwcnn import cost
from hwcnn.errors import HwcnnError
from hwcnn.hlsgen.config import valid_resource_reuse_factors
from hwcnn.layers import Kind

RESOURCES = ("lut", "ff", "dsp", "bram18")


valid_resource_rfs = lru_cache(maxsize=None)(valid_resource_reuse_factors)


def _kernel_size(layer: dict, weights: dict) -> tuple[int, int]:
    w = weights[layer["weights"]["weight"]["key"]]
    return int(np.prod(w.shape[:-1])), int(w.shape[-1])


def _ladder(layer: dict, weights: dict, io_type: str = "io_stream") -> list[tuple[str, int]]:
    """The settings tried for a kernel: Latency at reuse factors 1, 2, 4, ... and Resource at the
    reuse factors hls4ml accepts above 2 (weights in block RAM), about doubling; an io_parallel
    Resource convolution at most its window (what hls4ml's code asserts)."""
    n_in, n_out = _kernel_size(layer, weights)
    out, rf = [], 1
    while rf <= n_in * n_out:
        out.append(("Latency", rf))
        rf *= 2
    cap = n_in if io_type == "io_parallel" and Kind.of(layer["kind"]).is_conv else n_in * n_out
    last = 0
    for r in valid_resource_rfs(n_in, n_out):
        if 2 < r <= cap and r >= 2 * last:
            out.append(("Resource", r))
            last = r
    return out


def _with_settings(desc: dict, settings: dict[str, tuple[str, int]]) -> dict:
    d = copy.deepcopy(desc)
    for layer in d["layers"]:
        if layer["name"] in settings:
            layer["attrs"]["strategy"], layer["attrs"]["reuse_factor"] = settings[layer["name"]][0].lower(), \
                settings[layer["name"]][1]
    return d


def _evaluate(desc, weights, hls, settings, luts, resources, margin):
    d = _with_settings(desc, settings)
    total = cost.totals(cost.layer_costs(d, weights, hls, luts), hls.get("io_type", "io_stream") == "io_stream")
    share = cost.board_use(total, resources)["fraction"]
    over = sum(max(0.0, share[k] / margin - 1) for k in RESOURCES if k in share)
    return total, share, over


def fit(desc: dict, weights: dict, hls: dict, resources: dict, margin: float,
        da4ml_luts: dict[str, float] | None = None, max_steps: int = 10000) -> dict:
    """{"settings": {layer: (strategy, reuse_factor)}, "total": cost totals, "share": {resource: fraction},
    "steps": n} of the first design found under `margin` of every resource; HwcnnError if none is."""
    kernels = [layer for layer in desc["layers"] if Kind.of(layer["kind"]).has_macs]
    settings = {layer["name"]: ("Latency", 1) for layer in kernels}
    ladders = {layer["name"]: _ladder(layer, weights, hls.get("io_type", "io_stream")) for layer in kernels}
    total, share, over = _evaluate(desc, weights, hls, settings, da4ml_luts, resources, margin)
    steps = 0
    while over > 0:
        best = None
        for layer in kernels:
            for step in ladders[layer["name"]]:
                if step == settings[layer["name"]]:
                    continue
                trial = {**settings, layer["name"]: step}
                t, s, o = _evaluate(desc, weights, hls, trial, da4ml_luts, resources, margin)
                gain = over - o
                if gain <= 0:
                    continue
                score = gain / (t["ii"]["value"] / total["ii"]["value"])  # overuse removed per II added
                if best is None or score > best[0]:
                    best = (score, trial, t, s, o)
        steps += 1
        if best is None or steps > max_steps:
            worst = max(share, key=lambda k: share[k])
            raise HwcnnError(f"no strategy and reuse factors hwcnn tried fit: the last design tried still takes "
                             f"{share[worst]:.0%} of the board's {worst} (the margin allows {margin:.1%}); "
                             "use a bigger board or narrower bit widths")
        _, settings, total, share, over = best
    return {"settings": settings, "total": total, "share": share, "steps": steps}


def fit_line(fit: dict) -> str:
    """What --fit chose, in one line."""
    chosen = ", ".join(f"{k} {v['strategy']} RF {v['reuse_factor']}" for k, v in fit["settings"].items())
    share = ", ".join(f"{k} {v:.0%}" for k, v in fit["estimate_share"].items())
    return (f"fitted to {fit['board']} (at most {fit['margin']:.0%} of each resource, by the cost model): {chosen}; "
            f"estimate {share}; II {fit['estimate_ii']:,} cycles")
