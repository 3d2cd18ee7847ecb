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
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from hwcnn.fixed import FixedType
from hwcnn.layers import WINDOW_POOLING, Kind, KindTable, layer_rf_strategy, macs_per_image

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


# io_stream: every layer writes one FIFO per output (hls4ml's layer functions write hls::streams), but these
NO_FIFO = {Kind.INPUT: "the top function's port", Kind.RESHAPE: "a flattening: hls4ml does it in place"}


def layer_fifos(layer: dict, kind: Kind, result: FixedType, top_out: str | None) -> list[tuple[int, int]]:
    """(depth, width in bits) of each io_stream FIFO a layer writes: one element per pixel of its output,
    one FIFO per output (a Clone has several); none for the kinds of NO_FIFO or for the output the top
    function's port takes."""
    if kind in NO_FIFO or layer.get("output") == top_out:
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


@dataclass
class CostInput:
    """What a cost rule reads of one layer of the description."""

    layer: dict
    kind: Kind
    types: dict[str, FixedType]
    in_type: FixedType | None  # the type of its (first) input
    hls: dict  # the project's hls4ml settings
    io_stream: bool
    weights: dict[str, np.ndarray]
    da4ml_lut: float | None  # da4ml's LUT estimate of its kernel, if any

    @property
    def attrs(self) -> dict:
        return self.layer["attrs"]

    @property
    def lanes(self) -> int:
        """Values per pixel (the last axis), or all of them for a flat tensor."""
        shape = self.layer["shape"]
        return shape[-1] if len(shape) > 1 else int(np.prod(shape))

    @property
    def pixels(self) -> int:
        shape = self.layer["shape"]
        return int(np.prod(shape[:-1])) if len(shape) > 1 else 1


@dataclass
class LayerCost:
    """What a kind's cost rule says of one layer, beside what every layer has (its weight bits, its
    io_stream output FIFOs): its own figures, its own memories, its timing in each io type."""

    figures: dict  # {"lut": fig(...)}, and a kernel's macs, bops, multipliers, dsp, ff, bram18
    stream: tuple[int, int]  # io_stream (ii, fill): cycles per image, and from its first input to its first output
    parallel: tuple[int, int]  # io_parallel (ii, latency)
    bram18: int = 0  # a lookup table's block RAM
    lutram: int = 0  # io_stream line buffers


# (CostInput) -> LayerCost, or None for a layer with no row; complete (asserted below the rules)
COST_RULES = KindTable("cost rule")


def _luts(n: int) -> dict:
    return {"lut": fig(n, "model")} if n else {}


def _elementwise(c: CostInput, luts: int, **memories) -> LayerCost:
    """A layer that handles one pixel a cycle in io_stream and is one step of logic in io_parallel."""
    return LayerCost(_luts(luts), stream=(c.pixels, 1), parallel=(1, 1), **memories)


def _line_buffers(c: CostInput, rows: int, chans: int) -> int:
    """LUTRAM of an io_stream window's line buffers: `rows` rows of in_width pixels per channel."""
    return rows * chans * c.in_type.width * math.ceil(c.attrs["in_width"] / SRL_DEPTH) if c.io_stream else 0


@COST_RULES.rule(Kind.INPUT)
def _input_cost(c: CostInput) -> None:
    return None  # the top function's port: nothing of its own


@COST_RULES.rule(Kind.TRANSPOSE, Kind.RESHAPE, Kind.CLONE, Kind.ZERO_PADDING2D, Kind.CONCATENATE)
def _wiring_cost(c: CostInput) -> LayerCost:
    """Transposes, reshapes, copies, padding and concatenation move values without computing on them:
    no logic (their FIFOs are counted as every layer's)."""
    return _elementwise(c, 0)


@COST_RULES.rule(Kind.ACTIVATION)
def _activation_cost(c: CostInput) -> LayerCost:
    """A cast of each value (ReLU, quantizer): one LUT per result bit per lane; tanh, sigmoid and elu
    read a lookup table, one dual-port copy per two lanes."""
    act = c.attrs.get("activation", "").lower()
    bram = 0
    if act and act not in ("linear", "relu"):
        shape = c.layer["shape"]
        lanes = shape[-1] if c.io_stream and len(shape) > 1 else int(np.prod(shape))
        bram = math.ceil(lanes / 2) * bram18_for(c.attrs["table_size"], c.types["table"].width)
    return _elementwise(c, c.lanes * c.types["result"].width, bram18=bram)


@COST_RULES.rule(Kind.BATCH_NORMALIZATION, Kind.APPLY_ALPHA, Kind.MERGE)
def _arithmetic_cost(c: CostInput) -> LayerCost:
    """A scale and bias, or an addition, per value: one LUT per result bit per lane."""
    return _elementwise(c, c.lanes * c.types["result"].width)


@COST_RULES.rule(Kind.MULTI_THRESHOLD, Kind.CHANNEL_THRESHOLD)
def _multi_threshold_cost(c: CostInput) -> LayerCost:
    """A comparator of the input's width per threshold and lane (a lane's channel picks its constants)."""
    width = FixedType.parse(c.layer["weights"]["thresholds"]["type"]).width
    return _elementwise(c, c.lanes * c.attrs["n_thresholds"] * math.ceil(width / 2))


@COST_RULES.rule(Kind.CONV2D, Kind.POINTWISE_CONV2D)
def _convolution_cost(c: CostInput) -> LayerCost:
    """The kernel once per output pixel; io_stream: hls4ml's line buffers, one pixel per reuse-factor
    cycles, then the adder tree."""
    a, rf = c.attrs, layer_rf_strategy(c.layer, c.hls)[0]
    tree = math.ceil(math.log2(max(2, a["filt_height"] * a["filt_width"] * a["n_chan"])))
    n = a["out_height"] * a["out_width"] * rf
    return LayerCost(_kernel(c), stream=(a["in_height"] * a["in_width"] * rf,
                                         ((a["filt_height"] - 1) * a["in_width"] + a["filt_width"]) * rf + tree),
                     parallel=(n, n + tree), lutram=_line_buffers(c, max(a["filt_height"] - 1, 1), a["n_chan"]))


@COST_RULES.rule(Kind.DENSE)
def _dense_cost(c: CostInput) -> LayerCost:
    rf = layer_rf_strategy(c.layer, c.hls)[0]
    timing = (rf, rf + math.ceil(math.log2(max(2, c.attrs["n_in"]))))
    return LayerCost(_kernel(c), stream=timing, parallel=timing)


def _kernel(c: CostInput) -> dict:
    w = c.weights[c.layer["weights"]["weight"]["key"]]
    return kernel_figures(c.layer, c.kind, w, c.in_type, c.hls, c.da4ml_lut)


@COST_RULES.rule(Kind.POOLING2D)
def _pooling_cost(c: CostInput) -> LayerCost:
    """A comparator or adder of the result's width per pooled value; io_stream: hls4ml's line buffers
    (hwcnn's window pooling keeps the whole window's rows), one input pixel a cycle."""
    a = c.attrs
    luts = (a["pool_height"] * a["pool_width"] - 1) * a["n_filt"] * c.types["result"].width
    if a.get(WINDOW_POOLING):
        stream, rows = window_pool_timing(a), a["pool_height"]
    else:
        stream = a["in_height"] * a["in_width"], (a["pool_height"] - 1) * a["in_width"] + a["pool_width"]
        rows = max(a["pool_height"] - 1, 1)
    return LayerCost(_luts(luts), stream=stream, parallel=(1, 1), lutram=_line_buffers(c, rows, a["n_filt"]))


@COST_RULES.rule(Kind.GLOBAL_POOLING2D)
def _global_pooling_cost(c: CostInput) -> LayerCost:
    """One accumulator of the result's width per channel; io_stream: the whole map before the output."""
    n = c.attrs["in_height"] * c.attrs["in_width"]
    return LayerCost(_luts(c.attrs["n_filt"] * c.types["result"].width), stream=(n, n), parallel=(1, 1))


COST_RULES.assert_complete()


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



def layer_costs(desc: dict, weights: dict[str, np.ndarray], hls: dict | None = None,
                da4ml_luts: dict[str, float] | None = None, measured: dict[str, dict] | None = None) -> list[dict]:
    """One row per layer that costs anything: {"layer", "kind", figure: {"value", "source"}, ...}.

    `da4ml_luts` maps kernel layers to da4ml's LUT estimate; `measured` maps layers to Yosys or
    vendor figures ({"lut": {"value", "source"}, ...}), put beside the estimates as `<figure>_<source>`.
    Each layer is costed by its kind's rule (COST_RULES)."""
    hls = hls or {}
    io_stream = hls.get("io_type", "io_stream") == "io_stream"
    result_of = {}
    rows = []
    top_out = (desc.get("outputs") or [{}])[0].get("name")  # the top function's port, not a FIFO
    for layer in desc["layers"]:
        kind = Kind.of(layer["kind"], f"layer {layer['name']}")
        types = {k: FixedType.parse(v) for k, v in layer["types"].items()}
        in_type = result_of.get(layer["inputs"][0]) if layer.get("inputs") else None
        for name in layer.get("outputs", [layer.get("output")]):
            result_of[name] = types["result"]
        own = COST_RULES[kind](CostInput(layer, kind, types, in_type, hls, io_stream, weights,
                                         (da4ml_luts or {}).get(layer["name"])))
        if own is None:
            continue
        row = {"layer": layer["name"], "kind": layer["kind"]}
        bits = sum(int(np.prod(w["shape"])) * FixedType.parse(w["type"]).width for w in layer["weights"].values())
        row["weight_bits"] = fig(bits, "exact")
        row.update(own.figures)
        lutram, bram, regs = own.lutram, own.bram18, 0
        if io_stream:
            for depth, width in layer_fifos(layer, kind, types["result"], top_out):
                b, lr, ff = fifo_cost(depth, width)
                bram, lutram, regs = bram + b, lutram + lr, regs + ff
        if lutram or bram or regs or "bram18" in row:
            row["bram18"] = fig(row.get("bram18", {"value": 0})["value"] + bram, "model")
            row["lutram"] = fig(lutram, "model")
            row["ff"] = fig(row.get("ff", {"value": 0})["value"] + regs, "model")
        ii, fill = own.stream if io_stream else own.parallel
        row["ii"], row["latency_cycles"] = fig(ii, "model"), fig(fill, "model")
        for field_name, value in (measured or {}).get(layer["name"], {}).items():
            row[f"{field_name}_{value['source']}"] = value
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


# ---- a project's cost, every source it has -----------------------------------------------------

def project_cost(project: Path, cache: Path | None, use_da4ml: bool, progress: bool = False):
    """(rows, total, hls settings) of a project: the cost model with da4ml's estimates of its unrolled
    kernels (when da4ml is installed and not switched off), and Yosys's counts from `hwcnn rtl`'s
    results in the project while they describe it as it is."""
    from hwcnn import hwdesc, rtl
    from hwcnn.artifacts import Project

    desc, weights = hwdesc.load(project)
    hls = Project(project).manifest()["hls"]
    luts = rtl.da4ml_luts(desc, weights, hls, cache, progress) if use_da4ml else {}
    rows = layer_costs(desc, weights, hls, luts, rtl.read_results(project, desc, weights))
    return rows, totals(rows, hls.get("io_type", "io_stream") == "io_stream"), hls


def cost_report(project: Path, cache: Path | None, use_da4ml: bool, board: str | None = None,
                shown: str | None = None) -> tuple[dict, list[str]]:
    """`hwcnn cost`: (result, lines) with every figure per layer and in total, the throughput and, on a
    board (named, else the project's), its share of each resource."""
    from hwcnn.errors import HwcnnError
    from hwcnn.hlsgen.config import targets

    rows, total, hls = project_cost(project, cache, use_da4ml, progress=True)
    shown = shown or str(project)
    result = {"source": shown, "hls": hls, "sources": SOURCES, "layers": rows, "total": total}
    ii, clock = total["ii"]["value"], float(hls["clock_period"])
    result["throughput_images_per_s"] = {"value": 1e9 / (ii * clock), "source": "model"}
    lines = [f"hardware cost of {shown} ({hls['io_type']}, {hls['strategy']}, reuse factor {hls['reuse_factor']}, "
             f"part {hls['part']}); sources: ex = exact count, da4ml, yosys, vendor, mod = model (docs/cost-model.md)",
             cost_markdown(rows, total).rstrip("\n"),
             f"throughput (model): {1e9 / (ii * clock):,.0f} images/s at {clock:g} ns (II {ii:,} cycles); latency "
             f"(model): {total['latency_cycles']['value']:,} cycles = "
             f"{total['latency_cycles']['value'] * clock / 1e3:,.1f} us"]
    board = board or hls.get("board")
    if board is not None:
        if board not in targets():
            raise HwcnnError(f"{project}: board {board!r} is not in hls/targets.json (known: {', '.join(targets())})")
        target = targets()[board]
        use = board_use(total, target["resources"])
        result["board"] = {"name": board, "part": target["part"], "resources": target["resources"],
                           "resources_source": target["resources_source"], **use}
        shares = ", ".join(f"{k} {v:.1%}" for k, v in use["fraction"].items())
        lines.append(f"on {board} ({target['part']}): {shares} -> {'fits' if use['fits'] else 'does NOT fit'}"
                     + ("" if hls["part"] == target["part"] else f" (the project was made for {hls['part']})"))
    return result, lines
