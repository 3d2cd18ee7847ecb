"""Hardware cost of an HLS project without vendor tools: every figure with where it comes from.

Sources (docs/cost-model.md gives every formula, its source and its assumptions):
- exact: counted from the project's weights, shapes, types and hls4ml settings;
- da4ml: da4ml's estimate of a kernel's shift-add graph (hwcnn/rtl.py builds the same graph);
- yosys: Yosys's synthesis of that graph's Verilog, read from `hwcnn rtl`'s results;
- vendor: a Vivado/Vitis HLS report (`hwcnn synth`);
- model: a formula, with its citation in docs/cost-model.md.
A total carries every source its parts have ("da4ml+model").
"""

from __future__ import annotations

import math

import numpy as np

from hwcnn.fixed import FixedType
from hwcnn.layers import Kind, macs_per_image

SOURCES = {
    "exact": "counted from the project's weights, shapes, types and hls4ml settings",
    "da4ml": "da4ml's estimate of the kernel's shift-add graph (one LUT per adder bit)",
    "yosys": "Yosys synth_xilinx of da4ml's Verilog for the kernel (hwcnn rtl)",
    "vendor": "a Vivado/Vitis HLS synthesis report",
    "model": "a formula: docs/cost-model.md gives it, its source and its assumptions",
}
COUNT_SOURCE = "exact: " + SOURCES["exact"]  # the weight-memory and MAC counts of reports and studies

FIGURES = ("macs", "nonzero_macs", "bops", "weight_bits", "multipliers", "dsp", "lut", "ff", "bram18", "lutram",
           "latency_cycles", "ii")
# model: a product goes to a DSP when its input is at least DSP_MIN_INPUT_BITS wide (assumed) and its weight
# needs at least DSP_MIN_WEIGHT_BITS bits (fitted to hls4ml's vendor results, docs/cost-model.md)
DSP_MIN_INPUT_BITS = 10
DSP_MIN_WEIGHT_BITS = 6
REGISTER_FIFO_DEPTH = 2  # Vitis HLS config_storage fifo -auto_srl_max_depth default (UG1399): shallower in registers
SRL_MAX_BITS = 1024  # Vitis HLS config_storage fifo -auto_srl_max_bits default (UG1399)
SRL_DEPTH = 32  # one SRLC32E LUT shifts 32 bits of one bit lane (UG474)
BRAM18_SHAPES = ((16384, 1), (8192, 2), (4096, 4), (2048, 9), (1024, 18), (512, 36))  # depth x width (UG473)


def fig(value, source: str) -> dict:
    return {"value": value, "source": source}


def bram18_for(depth: int, width: int) -> int:
    """18 Kb block RAMs for a depth x width memory, in the aspect ratio that needs the fewest."""
    if depth <= 0 or width <= 0:
        return 0
    return min(math.ceil(width / w) * math.ceil(depth / d) for d, w in BRAM18_SHAPES)


def fifo_cost(depth: int, width: int) -> tuple[int, int, int]:
    """(BRAM18, LUTRAM LUTs, FF) of one FIFO: registers up to REGISTER_FIFO_DEPTH deep, shift registers
    up to SRL_MAX_BITS bits, block RAM above."""
    if depth <= REGISTER_FIFO_DEPTH:
        return 0, 0, depth * width
    if depth * width <= SRL_MAX_BITS:
        return 0, width * math.ceil(depth / SRL_DEPTH), 0
    return bram18_for(depth, width), 0, 0


def layer_rf_strategy(layer: dict, hls: dict) -> tuple[int, str]:
    """A kernel's reuse factor and strategy as hls4ml set them (recorded in the description), else the
    project's settings."""
    a = layer.get("attrs", {})
    rf = int(a.get("reuse_factor", hls.get("reuse_factor", 1)))
    strategy = str(a.get("strategy", hls.get("strategy", "Latency"))).capitalize()
    return rf, strategy


def kernel_figures(layer: dict, kind: Kind, w: np.ndarray, in_type: FixedType, hls: dict,
                   da4ml_lut: float | None) -> dict:
    """The figures of one Dense/Conv layer (a kernel instantiated once, as hls4ml does)."""
    a = layer["attrs"]
    types = {k: FixedType.parse(v) for k, v in layer["types"].items()}
    rf, strategy = layer_rf_strategy(layer, hls)
    n_in, n_out = int(np.prod(w.shape[:-1])), int(w.shape[-1])
    nz = int(np.count_nonzero(w))
    bx, bw = in_type.width, FixedType.parse(layer["weights"]["weight"]["type"]).width
    pixels = a["out_height"] * a["out_width"] if kind.is_conv else 1
    # BOPs (Baskin et al. 2021): per output, n products of bx*bw (the non-zero fraction of them) and an
    # accumulation of n terms of bx + bw + log2(n) bits
    bops = pixels * n_out * ((nz / w.size) * n_in * bx * bw + n_in * (bx + bw + math.log2(n_in))) if n_in else 0
    multipliers = math.ceil(n_in * n_out / rf) - (w.size - nz) // rf  # hls4ml's multiplier_limit
    acc_bits = types["accum"].width
    wbits = np.zeros(w.shape, dtype=np.int64)  # significant bits of each weight's raw value
    nonzero = w != 0
    wbits[nonzero] = np.floor(np.log2(np.abs(w[nonzero]))).astype(np.int64) + 1
    on_dsp = int(np.count_nonzero(wbits >= DSP_MIN_WEIGHT_BITS)) if bx >= DSP_MIN_INPUT_BITS else 0
    if strategy == "Latency" and rf == 1 and da4ml_lut is not None:
        # the kernel as da4ml's shift-add graph: every product in LUTs (hls4ml's distributed arithmetic)
        lut, dsp = fig(da4ml_lut, "da4ml"), fig(0, "da4ml")
    elif rf == 1:  # every other product in LUTs: a bx x b array multiplier by its constant, an adder each
        in_luts = int(np.sum(wbits[(wbits > 0) & (wbits < DSP_MIN_WEIGHT_BITS)])) if on_dsp else int(wbits.sum())
        lut, dsp = fig(in_luts * bx + multipliers * acc_bits, "model"), fig(on_dsp, "model")
    else:  # time-multiplexed: general bx x bw multipliers in LUTs (or DSPs), an adder each; under Latency
        # each multiplier takes its RF weights from a constant ROM, 64 deep per LUT6
        lut_mults = math.ceil((nz - on_dsp) / rf)
        rom = multipliers * bw * math.ceil(rf / 64) if strategy == "Latency" else 0
        lut, dsp = fig(lut_mults * bx * bw + multipliers * acc_bits + rom, "model"), fig(math.ceil(on_dsp / rf), "model")
    # registers: every product (pipelined), the kernel's outputs, and the window a convolution reads
    ff = multipliers * (bx + bw) + n_out * acc_bits + (n_in * bx if kind.is_conv else 0)
    # Resource: hls4ml reshapes the weights into a reuse-factor-deep memory; as shallow as a FIFO kept in
    # registers, it stays in logic
    bram = bram18_for(rf, math.ceil(w.size / rf) * bw) if strategy == "Resource" and rf > REGISTER_FIFO_DEPTH else 0
    return {
        "macs": fig(macs_per_image(kind, a, w.size), "exact"),
        "nonzero_macs": fig(macs_per_image(kind, a, nz), "exact"),
        "bops": fig(round(bops), "exact"),
        "multipliers": fig(multipliers, "exact"),
        "dsp": dsp,
        "lut": lut,
        "ff": fig(ff, "model"),
        "bram18": fig(bram, "model"),
    }


def layer_fifos(layer: dict, kind: Kind, result: FixedType, top_out: str | None) -> list[tuple[int, int]]:
    """(depth, width in bits) of each io_stream FIFO a layer writes: one element per pixel of its output,
    one FIFO per output (a Clone has several); none for a flattening (hls4ml does it in place) or for
    the output the top function's port takes."""
    if kind in (Kind.INPUT, Kind.RESHAPE) or layer.get("output") == top_out:
        return []
    shape = layer["shape"]
    depth = int(np.prod(shape[:-1])) if len(shape) > 1 else 1
    width = (shape[-1] if len(shape) > 1 else int(np.prod(shape))) * result.width
    return [(depth, width)] * len(layer.get("outputs", [layer.get("output")]))


def stream_fifos(desc: dict) -> list[tuple[str, int, int]]:
    """(layer, depth, width) of every FIFO of an io_stream design, as the cost model counts them."""
    top_out = (desc.get("outputs") or [{}])[0].get("name")
    return [(layer["name"], d, w) for layer in desc["layers"]
            for d, w in layer_fifos(layer, Kind.of(layer["kind"]), FixedType.parse(layer["types"]["result"]), top_out)]


def _logic_luts(layer: dict, kind: Kind, result: FixedType) -> int:
    """LUTs of a layer without weights: one per result bit per lane for an elementwise cast (ReLU,
    quantizer, addition), a comparator or adder of the result's width per pooled value."""
    a, shape = layer["attrs"], layer["shape"]
    lanes = shape[-1] if len(shape) > 1 else int(np.prod(shape))
    if kind is Kind.POOLING2D:
        return (a["pool_height"] * a["pool_width"] - 1) * a["n_filt"] * result.width
    if kind is Kind.GLOBAL_POOLING2D:
        return a["n_filt"] * result.width
    if kind is Kind.MULTI_THRESHOLD:  # a comparator of the input's width per threshold and lane
        width = FixedType.parse(layer["weights"]["thresholds"]["type"]).width
        return lanes * a["n_thresholds"] * math.ceil(width / 2)
    if kind in (Kind.ACTIVATION, Kind.BATCH_NORMALIZATION, Kind.APPLY_ALPHA, Kind.MERGE):
        return lanes * result.width
    return 0  # transposes, reshapes, copies, padding and concatenation are wiring


def window_pool_timing(a: dict) -> tuple[int, int]:
    """hwcnn's window pooling (hls/nnet_utils/hwcnn_pooling.h): one input pixel a cycle, plus a cycle for
    each output that the end padding clips past the last column (RowTail) or the last row (ImageTail)."""
    def first_at_end(n, k, s, pad):  # the first output whose window ends on the last input
        return 0 if n + pad <= k else -(-(n + pad - k) // s)

    oh, ow = a["out_height"], a["out_width"]
    last_oh = first_at_end(a["in_height"], a["pool_height"], a["stride_height"], a.get("pad_top", 0))
    last_ow = first_at_end(a["in_width"], a["pool_width"], a["stride_width"], a.get("pad_left", 0))
    row_tail, image_tail = max(ow - 1 - last_ow, 0), max(oh - 1 - last_oh, 0)
    ii = a["in_height"] * a["in_width"] + min(oh, last_oh + 1) * row_tail + image_tail * ow
    return ii, (a["pool_height"] - 1 - a.get("pad_top", 0)) * a["in_width"] + a["pool_width"] - a.get("pad_left", 0)


def _stream_timing(layer: dict, kind: Kind, rf: int) -> tuple[int, int]:
    """(ii, fill) of an io_stream layer in cycles: how long it takes per image, and how long after its
    first input its first output appears (hls4ml's line buffers: one pixel per reuse-factor cycles)."""
    a, shape = layer["attrs"], layer["shape"]
    if kind.is_conv:
        ii = a["in_height"] * a["in_width"] * rf
        return ii, ((a["filt_height"] - 1) * a["in_width"] + a["filt_width"]) * rf + math.ceil(
            math.log2(max(2, a["filt_height"] * a["filt_width"] * a["n_chan"])))
    if kind is Kind.POOLING2D and a.get("hwcnn_window"):
        return window_pool_timing(a)
    if kind is Kind.POOLING2D:
        return a["in_height"] * a["in_width"], (a["pool_height"] - 1) * a["in_width"] + a["pool_width"]
    if kind is Kind.GLOBAL_POOLING2D:
        n = a["in_height"] * a["in_width"]
        return n, n
    if kind is Kind.DENSE:
        return rf, rf + math.ceil(math.log2(max(2, a["n_in"])))
    pixels = int(np.prod(shape[:-1])) if len(shape) > 1 else 1
    return pixels, 1


def _parallel_timing(layer: dict, kind: Kind, rf: int) -> tuple[int, int]:
    """(ii, latency) of an io_parallel layer: a convolution runs its kernel once per output pixel."""
    a = layer["attrs"]
    if kind.is_conv:
        n = a["out_height"] * a["out_width"] * rf
        return n, n + math.ceil(math.log2(max(2, a["filt_height"] * a["filt_width"] * a["n_chan"])))
    if kind is Kind.DENSE:
        return rf, rf + math.ceil(math.log2(max(2, a["n_in"])))
    return 1, 1


def layer_costs(desc: dict, weights: dict[str, np.ndarray], hls: dict | None = None,
                da4ml_luts: dict[str, float] | None = None, measured: dict[str, dict] | None = None) -> list[dict]:
    """One row per layer that costs anything: {"layer", "kind", figure: {"value", "source"}, ...}.

    `da4ml_luts` maps kernel layers to da4ml's LUT estimate; `measured` maps layers to Yosys or
    vendor figures ({"lut": {"value", "source"}, ...}), put beside the estimates as `<figure>_<source>`."""
    hls = hls or {}
    rf, io_stream = int(hls.get("reuse_factor", 1)), hls.get("io_type", "io_stream") == "io_stream"
    result_of = {}
    rows = []
    top_out = (desc.get("outputs") or [{}])[0].get("name")  # the top function's port, not a FIFO
    for layer in desc["layers"]:
        kind = Kind.of(layer["kind"], f"layer {layer['name']}")
        types = {k: FixedType.parse(v) for k, v in layer["types"].items()}
        in_type = result_of.get(layer["inputs"][0]) if layer.get("inputs") else None
        for name in layer.get("outputs", [layer.get("output")]):
            result_of[name] = types["result"]
        if kind is Kind.INPUT:  # the top function's port: nothing of its own
            continue
        row = {"layer": layer["name"], "kind": layer["kind"]}
        bits = sum(int(np.prod(w["shape"])) * FixedType.parse(w["type"]).width for w in layer["weights"].values())
        row["weight_bits"] = fig(bits, "exact")
        if kind.has_macs:
            w = weights[layer["weights"]["weight"]["key"]]
            row.update(kernel_figures(layer, kind, w, in_type, hls, (da4ml_luts or {}).get(layer["name"])))
        else:
            logic = _logic_luts(layer, kind, types["result"])
            if logic:
                row["lut"] = fig(logic, "model")
        lutram = bram = regs = 0
        act = layer["attrs"].get("activation", "").lower() if kind is Kind.ACTIVATION else ""
        if act and act not in ("linear", "relu"):  # a lookup table (tanh, sigmoid, elu): one dual-port copy
            lanes = layer["shape"][-1] if io_stream and len(layer["shape"]) > 1 else int(np.prod(layer["shape"]))
            bram += math.ceil(lanes / 2) * bram18_for(layer["attrs"]["table_size"], types["table"].width)
        if io_stream:
            for depth, width in layer_fifos(layer, kind, types["result"], top_out):
                b, lr, ff = fifo_cost(depth, width)
                bram, lutram, regs = bram + b, lutram + lr, regs + ff
            a = layer["attrs"]
            if kind.is_conv or kind is Kind.POOLING2D:  # (rows - 1) line buffers of in_width pixels, per channel
                fh = a.get("filt_height", a.get("pool_height", 1))
                kept = fh if a.get("hwcnn_window") else max(fh - 1, 1)  # hwcnn's window pooling keeps fh rows
                chans = a.get("n_chan", a.get("n_filt"))
                lutram += kept * chans * in_type.width * math.ceil(a["in_width"] / SRL_DEPTH)
        if lutram or bram or regs or "bram18" in row:
            row["bram18"] = fig(row.get("bram18", {"value": 0})["value"] + bram, "model")
            row["lutram"] = fig(lutram, "model")
            row["ff"] = fig(row.get("ff", {"value": 0})["value"] + regs, "model")
        layer_rf = layer_rf_strategy(layer, hls)[0] if kind.has_macs else rf
        ii, fill = (_stream_timing if io_stream else _parallel_timing)(layer, kind, layer_rf)
        row["ii"], row["latency_cycles"] = fig(ii, "model"), fig(fill, "model")
        for field, value in (measured or {}).get(layer["name"], {}).items():
            row[f"{field}_{value['source']}"] = value
        rows.append(row)
    return rows


def totals(rows: list[dict], io_stream: bool = True) -> dict:
    """Sums of every figure; the network's initiation interval is its slowest layer's, and its latency
    the time to the last output of a chain of layers that each start once their input starts
    (io_stream: dataflow) or once it is complete (io_parallel)."""
    out = {}
    for f in FIGURES:  # measurements beside the estimates (lut_yosys) are per kernel: no total
        have = [r[f] for r in rows if f in r]
        if not have or f in out:
            continue
        if f == "ii":
            out[f] = fig(max(v["value"] for v in have), "model")
        elif f == "latency_cycles":
            if io_stream:
                start, end = 0, 0
                for r in rows:
                    end = max(end, start + r["ii"]["value"])
                    start += r["latency_cycles"]["value"]
                out[f] = fig(max(end, start), "model")
            else:
                out[f] = fig(sum(v["value"] for v in have), "model")
        else:
            sources = sorted({v["source"] for v in have}, key=list(SOURCES).index)
            out[f] = fig(sum(v["value"] for v in have), "+".join(sources))
    return out


def board_use(total: dict, resources: dict) -> dict:
    """The fraction of each of the board's resources the design takes, and whether it fits."""
    used = {}
    for k, avail in resources.items():
        value = total.get(k, {"value": 0})["value"] + (total.get("lutram", {"value": 0})["value"] if k == "lut" else 0)
        used[k] = value / avail if avail else (math.inf if value else 0.0)
    return {"fraction": used, "fits": all(v <= 1 for v in used.values())}


TABLE_COLUMNS = ("macs", "bops", "weight_bits", "multipliers", "dsp", "lut", "ff", "bram18", "lutram", "ii",
                 "latency_cycles")


def cost_markdown(rows: list[dict], total: dict, columns: tuple[str, ...] = TABLE_COLUMNS) -> str:
    """A table of the figures, each with its source in brackets; rows without any of them left out."""
    cols = columns
    rows = [r for r in rows if any(c in r for c in cols)]
    lines = ["| layer | kind | " + " | ".join(cols) + " |", "|---|---|" + "---|" * len(cols)]
    for r in rows + [{"layer": "**total**", "kind": "", **total}]:
        cells = []
        for c in cols:
            v = r.get(c)
            cells.append("" if v is None else f"{v['value']:,.0f} ({_short(v['source'])})")
        lines.append(f"| {r['layer']} | {r['kind']} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _short(source: str) -> str:
    return source.replace("exact", "ex").replace("model", "mod")
