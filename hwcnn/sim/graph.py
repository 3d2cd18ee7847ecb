"""The simulator's graph runner: walks the hardware description layer by layer.

Tensors are channels-last with the batch first ([N, H, W, C] or [N, n]), exactly as hls4ml
streams them; every layer's output is cast to its result type as the C++ assignment does.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from threadpoolctl import threadpool_limits

from hwcnn.errors import HwcnnError
from hwcnn import average, fixed, tables, thresholds
from hwcnn.fixed import FixedType, cast, from_float
from hwcnn.hwdesc import is_quantizer
from hwcnn.layers import Kind, KindTable, pads
from hwcnn.sim import ops
from hwcnn.sim.ops import Fx

# images per vectorised pass: as many as keep the largest layer's values (float32) within about
# CHUNK_BYTES, so that a layer's data stays in the caches while Python's per-layer cost is shared by
# many images (README lists what chunk sizes gave)
CHUNK_BYTES = 8 << 20
MIN_CHUNK, MAX_CHUNK = 16, 256


def default_chunk(layers: list[dict]) -> int:
    largest = max((int(np.prod(layer["shape"])) for layer in layers), default=1)
    chunk = 1 << max(0, (CHUNK_BYTES // (4 * largest)).bit_length() - 1)  # a power of two below the budget
    return min(MAX_CHUNK, max(MIN_CHUNK, chunk))


@dataclass
class SimResult:
    """Outputs of one run: final values, overflow counts per layer, optional per-layer traces."""

    output: Fx
    overflow: dict[str, int] = field(default_factory=dict)  # wrapped/saturated values (not quantizer clipping)
    clipped: dict[str, int] = field(default_factory=dict)  # values clipped by a Brevitas activation quantizer
    traces: dict[str, Fx] = field(default_factory=dict)


class Simulator:
    """Bit-exact NumPy model of an hls4ml project, built from its hardware description."""

    def __init__(self, desc: dict, weights: dict[str, np.ndarray]):
        self.desc = desc
        self.layers = desc["layers"]
        self.weights = weights
        self.types = [{k: FixedType.parse(v) for k, v in layer["types"].items()} for layer in self.layers]
        self.kinds = [Kind.of(layer["kind"], f"simulator: layer {layer['name']}") for layer in self.layers]
        self.kernels = [KERNELS[kind] for kind in self.kinds]
        self.input_shape = tuple(desc["inputs"][0]["shape"])
        self.threads = os.cpu_count() or 1
        self.chunk = default_chunk(self.layers)
        self.cache: dict = {}  # per-layer values derived from the weights (block_toeplitz, bounds)

    @property
    def layer_names(self) -> list[str]:
        return [layer["name"] for layer in self.layers]

    def run(self, x: np.ndarray, trace: bool = False, chunk: int | None = None) -> SimResult:
        """Simulate inputs x (float, NCHW as fed to the HLS top function) in chunks of images
        (`self.chunk` unless given)."""
        chunk = chunk or self.chunk
        x = np.asarray(x, dtype=np.float64)
        if x.shape[1:] != self.input_shape and x.reshape(len(x), -1).shape[1] != int(np.prod(self.input_shape)):
            raise HwcnnError(f"simulator: input shape {x.shape[1:]} does not match the model's {self.input_shape}")
        if not np.all(np.isfinite(x)):
            raise HwcnnError("simulator: inputs contain NaN or infinity")
        in_t = self.types[0]["result"]
        lo, hi = in_t.min_raw * in_t.lsb, in_t.max_raw * in_t.lsb
        if x.size and (x.min() < lo or x.max() > hi):
            raise HwcnnError(f"simulator: inputs span [{x.min():g}, {x.max():g}], outside the input type "
                             f"{in_t.ap()} range [{lo:g}, {hi:g}] (pixels are k/256, not k or k/255)")
        x = x.reshape(len(x), *self.input_shape)
        starts = range(0, len(x), chunk)
        if len(starts) > 1 and self.threads > 1:
            # NumPy's kernels and BLAS release the GIL: chunks run in parallel on all cores, each
            # with single-threaded BLAS (threads inside threads would oversubscribe the cores)
            with ThreadPoolExecutor(self.threads) as pool, threadpool_limits(1, user_api="blas"):
                parts = list(pool.map(lambda i: self._run_chunk(x[i : i + chunk], trace), starts))
        else:
            parts = [self._run_chunk(x[i : i + chunk], trace) for i in starts]
        if len(parts) == 1:
            return parts[0]
        out = SimResult(Fx(np.concatenate([p.output.raw for p in parts]), parts[0].output.type))
        for p in parts:
            for k, v in p.overflow.items():
                out.overflow[k] = out.overflow.get(k, 0) + v
            for k, v in p.clipped.items():
                out.clipped[k] = out.clipped.get(k, 0) + v
        if trace:
            out.traces = {k: Fx(np.concatenate([p.traces[k].raw for p in parts]), parts[0].traces[k].type)
                          for k in parts[0].traces}
        return out

    def _run_chunk(self, x: np.ndarray, trace: bool) -> SimResult:
        values: dict[str, Fx] = {self.desc["inputs"][0]["name"]: None}  # filled by the Input layer
        result = SimResult(output=None)
        for layer, kind, kernel, types in zip(self.layers, self.kinds, self.kernels, self.types):
            ins = [values[v] for v in layer["inputs"] if v in values]
            if kind is Kind.INPUT:
                ins = [x]
            y, n_over = kernel(self, layer, types, ins)
            y = y.relayout(lambda a: a.reshape(len(x), *layer["shape"]))
            for name in layer.get("outputs", [layer["output"]]):
                values[name] = y
            if n_over:
                bucket = result.clipped if _ends_in_quantizer(kind, layer, types) else result.overflow
                bucket[layer["name"]] = bucket.get(layer["name"], 0) + n_over
            if trace:
                result.traces[layer["name"]] = y
        out_name = self.desc["outputs"][0]["name"]
        final = values[out_name]
        result.output = Fx(final.raw.reshape(len(x), -1), final.type)
        return result

    def weight(self, layer: dict, name: str) -> tuple[np.ndarray, FixedType]:
        w = layer["weights"][name]
        return self.weights[w["key"]], FixedType.parse(w["type"])


# ---- kernels: (sim, layer, types, inputs) -> (Fx output, overflow count) ---------------------

KERNELS = KindTable("simulator kernel")

@KERNELS.rule(Kind.INPUT)
def _input(sim, layer, types, ins):
    (x,) = ins
    t = types["result"]
    if ops.type_bound(t) < ops.FLOAT32_EXACT:
        scaled = fixed.on_grid(x, t)
        if scaled is not None:  # pixels on the input grid: handed on in float32
            return Fx.exact32(scaled.astype(np.float32), t), 0
    raw = from_float(x, t)  # the bridge assigns double -> input_t
    over = int(np.count_nonzero((raw * t.lsb) != x))  # inputs off the input grid or out of range
    return Fx(raw, t), over


@KERNELS.rule(Kind.TRANSPOSE)
def _transpose(sim, layer, types, ins):
    (x,) = ins
    perm = [0] + [p + 1 for p in layer["attrs"]["perm"]]
    return ops.cast_to(x.relayout(lambda a: np.ascontiguousarray(a.transpose(perm))), types["result"])


@KERNELS.rule(Kind.RESHAPE)
def _reshape(sim, layer, types, ins):
    (x,) = ins
    return ops.cast_to(x.relayout(lambda a: a.reshape(len(a), -1)), types["result"])


@KERNELS.rule(Kind.ACTIVATION)
def _activation(sim, layer, types, ins):
    (x,) = ins
    act = layer["attrs"]["activation"].lower()
    if act == "linear":
        return ops.cast_to(x, types["result"])
    if act == "relu":
        return ops.cast_to(x, types["result"], fn="relu")
    if act == "tanh":  # a table lookup (hwcnn/tables.py): entries of table_t, assigned to the result
        table = tables.tanh_lookup(x.raw, x.type.frac, layer["attrs"]["table_size"], types["table"])
        return ops.cast_to(Fx(table, types["table"]), types["result"])
    raise HwcnnError(f"simulator: activation {act} (layer {layer['name']}) is not supported")


@KERNELS.rule(Kind.MULTI_THRESHOLD)
def _multi_threshold(sim, layer, types, ins):
    """base + the number of thresholds the input reaches (compared exactly, as raw values of one type)."""
    (x,) = ins
    t, tt = sim.weight(layer, "thresholds")
    shift = tt.frac - x.type.frac  # both types hold the input's values; align the grids
    raw = x.raw << shift if shift >= 0 else x.raw
    th = t if shift >= 0 else t << -shift
    codes = layer["attrs"]["base"] + np.searchsorted(np.sort(th.ravel()), raw, side="right")
    return Fx(codes.astype(np.int64), types["result"]), 0


@KERNELS.rule(Kind.CHANNEL_THRESHOLD)
def _channel_threshold(sim, layer, types, ins):
    """Channel c (innermost): base[c] + step[c] * the number of its thresholds the input reaches."""
    (x,) = ins
    a = layer["attrs"]
    t, tt = sim.weight(layer, "thresholds")
    base, _ = sim.weight(layer, "base")
    step, _ = sim.weight(layer, "step")
    shift = tt.frac - x.type.frac  # both types hold the input's values; align the grids
    raw = (x.raw << shift if shift >= 0 else x.raw).reshape(-1, a["n_chan"])
    th = thresholds.ChannelThresholds(np.ravel(base).astype(np.int64), np.ravel(step).astype(np.int64),
                                      (t if shift >= 0 else t << -shift).reshape(a["n_chan"], a["n_thresholds"]),
                                      0, False)
    return Fx(thresholds.apply_channels(raw, th).reshape(x.raw.shape), types["result"]), 0


@KERNELS.rule(Kind.BATCH_NORMALIZATION, Kind.APPLY_ALPHA)
def _batch_normalization(sim, layer, types, ins):
    """normalize: x * scale + bias at full precision (nnet::product::mult), assigned to res_T; one
    scale per element (n_filt -1) or per channel, channels innermost. hls4ml's ApplyAlpha is a
    BatchNormalization: the same normalize."""
    (x,) = ins
    s, st = sim.weight(layer, "scale")
    b, bt = sim.weight(layer, "bias")
    rows = x.raw.reshape(len(x.raw), -1, s.size)
    total, t = fixed.add(*fixed.mul(rows, x.type, s.reshape(-1), st), b.reshape(-1), bt)
    raw, over = cast(total, t.frac, types["result"])
    return Fx(raw.reshape(x.raw.shape), types["result"]), int(np.count_nonzero(over))


@KERNELS.rule(Kind.DENSE)
def _dense(sim, layer, types, ins):
    (x,) = ins
    w, wt = sim.weight(layer, "weight")
    b, bt = sim.weight(layer, "bias") if "bias" in layer["weights"] else (None, None)
    k = int(np.prod((x.f32 if x.f32 is not None else x.raw).shape[1:]))
    w2 = w.reshape(k, -1)
    src, dt, bound, sums = _exact_operand(sim, layer, x, w2)
    flat = src.reshape(len(src), -1)
    acc, n_over = ops.mac(flat, x.type, w2, wt, b, bt, types["accum"], dt, bound, sums)
    y, n_res = ops.cast_to(acc, types["result"])
    return y, n_over + n_res


def _exact_operand(sim, layer, x: Fx, w2: np.ndarray):
    """(x's values as the product reads them, the product's exact dtype, the bound on its sums,
    and for a float32 product the range of each column's sum over x's type, or None).

    Every partial sum of output column f is at most max|x| * sum_k |w[k, f]|; max|x| comes from
    x's type (no pass over the data) unless only the data's own maximum proves a float type exact."""
    key = ("column bound", layer["name"])
    if key not in sim.cache:
        sim.cache[key] = int(np.abs(w2).sum(axis=0).max(initial=0))
    w_col = sim.cache[key]
    x_max = ops.type_bound(x.type)
    dt = ops.exact_dtype(x_max, w_col, 1)
    if dt != np.float32:
        x_max = int(np.abs(x.raw).max(initial=0))
        dt = ops.exact_dtype(x_max, w_col, 1)
    src = x.f32 if x.f32 is not None and dt == np.float32 else x.raw
    sums = None
    if dt == np.float32:  # every product below 2^24: int64 holds the sums
        key = ("column sums", layer["name"], x.type)
        if key not in sim.cache:
            lo, hi = w2 * x.type.min_raw, w2 * x.type.max_raw
            sim.cache[key] = np.minimum(lo, hi).sum(axis=0), np.maximum(lo, hi).sum(axis=0)
        sums = sim.cache[key]
    return src, dt, x_max * w_col, sums


@KERNELS.rule(Kind.CONV2D, Kind.POINTWISE_CONV2D)  # pointwise_conv_2d_cl: the same dense_latency per pixel
def _conv2d(sim, layer, types, ins):
    (x,) = ins
    a = layer["attrs"]
    w, wt = sim.weight(layer, "weight")  # [fh, fw, C, F]
    b, bt = sim.weight(layer, "bias") if "bias" in layer["weights"] else (None, None)
    w2 = w.reshape(-1, w.shape[-1])
    src, dt, bound, sums = _exact_operand(sim, layer, x, w2)
    xp = ops.pad_hw(src, *pads(a.get))
    n, oh, ow, fw = len(xp), a["out_height"], a["out_width"], a["filt_width"]
    fh, sh, sw = a["filt_height"], a["stride_height"], a["stride_width"]
    bw = ops.toeplitz_block(ow, fw)
    if ops.sums_modularly(x.type, wt, types["accum"]) and dt != np.int64 and bw:
        key = (layer["name"], bw, dt)
        if key not in sim.cache:
            sim.cache[key] = ops.block_toeplitz(w, bw, sw, dt)
        rows = ops.block_rows(xp.astype(dt, copy=False), fh, fw, sh, sw, oh, ow, bw, dt)
        total = (rows @ sim.cache[key]).reshape(n * oh * ow, -1)
        acc, n_over = ops.finish_sum(total, x.type, wt, b, bt, types["accum"], bound, sums)
    else:
        cols = ops.im2col(xp.astype(dt, copy=False), fh, fw, sh, sw, dt)
        acc, n_over = ops.mac(cols, x.type, w2, wt, b, bt, types["accum"], dt, bound, sums)
    acc = acc.relayout(lambda r: r.reshape(n, oh, ow, -1))
    y, n_res = ops.cast_to(acc, types["result"])
    return y, n_over + n_res


def _ends_in_quantizer(kind: Kind, layer: dict, types: dict) -> bool:
    """A layer whose saturation is a Brevitas quantizer's clipping (the model's), not an overflow: an
    activation of the quantizer's type, or the rounded average onto its quantizer (whose sum is exact)."""
    if kind is Kind.ACTIVATION:
        return is_quantizer(types["result"])
    return kind is Kind.GLOBAL_POOLING2D and average.reciprocal_of(layer["attrs"]) is not None


@KERNELS.rule(Kind.POOLING2D)
def _pooling2d(sim, layer, types, ins):
    (x,) = ins
    a = layer["attrs"]
    padding = pads(a.get)
    if any(padding) and a["pool_op"] != "Max":
        raise HwcnnError(f"simulator: padded average pooling (layer {layer['name']}) is not built by hwcnn")
    acc_t = types["accum"]
    xa, n_over = ops.cast_to(x, acc_t)  # pool_window[i] = kernel_data[...] (accum_t)
    if a["pool_op"] == "Max":
        # float32 holds the padding value too, or the int64 values are read
        src = xa.f32 if xa.f32 is not None and ops.type_bound(acc_t) < ops.FLOAT32_EXACT else xa.raw
        # a max never takes the padding (hwcnn's window kernel skips it; hls4ml pads a signed input with its minimum)
        xp = ops.pad_hw(src, *padding, value=acc_t.min_raw)
        r = ops.max_pool(xp, a["pool_height"], a["pool_width"], a["stride_height"], a["stride_width"])
        y = Fx.exact32(r, acc_t) if r.dtype == np.float32 else Fx(r, acc_t)
        y, n_res = ops.cast_to(y, types["result"])  # Op_max: a >= b ? a : b; no cast changes a max
        return y, n_over + n_res
    xp = ops.pad_hw(xa.raw, *padding, value=acc_t.min_raw)
    vals = ops.pool_windows(xp, a["pool_height"], a["pool_width"], a["stride_height"], a["stride_width"])
    s, o = ops.tree_reduce(vals, np.add, acc_t)
    r, o2 = cast(ops.trunc_div(s, len(vals)), acc_t.frac, acc_t)
    o += int(np.count_nonzero(o2))
    y, n_res = ops.cast_to(Fx(r, acc_t), types["result"])
    return y, n_over + o + n_res


@KERNELS.rule(Kind.GLOBAL_POOLING2D)
def _global_pooling2d(sim, layer, types, ins):
    (x,) = ins
    acc_t = types["accum"]
    n = len(x.raw)
    pixels = x.raw.reshape(n, -1, x.raw.shape[-1])  # raster order, as the stream delivers them
    n_over = 0
    if layer["attrs"]["pool_op"] == "Max":
        acc = np.full((n, pixels.shape[2]), acc_t.min_raw, dtype=np.int64)
    else:
        acc = np.zeros((n, pixels.shape[2]), dtype=np.int64)
    for p in range(pixels.shape[1]):
        v, o1 = cast(pixels[:, p], x.type.frac, acc_t)
        if layer["attrs"]["pool_op"] == "Max":
            acc = np.where(acc > v, acc, v)
            o2 = np.zeros(1, dtype=bool)
        else:
            acc, o2 = cast(acc + v, acc_t.frac, acc_t)
        n_over += int(np.count_nonzero(o1)) + int(np.count_nonzero(o2))
    rec = average.reciprocal_of(layer["attrs"])
    if rec is not None:  # hwcnn's rounded average: sum * m / 2^k + half an lsb, floored, saturated
        t = types["result"]
        raw = average.unsaturated(acc, rec)
        y = np.clip(raw, t.min_raw, t.max_raw)
        return Fx(y, t), n_over + int(np.count_nonzero(y != raw))
    if layer["attrs"]["pool_op"] != "Max":
        acc, o3 = cast(ops.trunc_div(acc, pixels.shape[1]), acc_t.frac, acc_t)
        n_over += int(np.count_nonzero(o3))
    y, n_res = ops.cast_to(Fx(acc, acc_t), types["result"])
    return y, n_over + n_res


@KERNELS.rule(Kind.CONCATENATE)
def _concatenate(sim, layer, types, ins):
    t = types["result"]
    parts = [ops.cast_to(x, t) for x in ins]
    n_over = sum(n for _, n in parts)
    # hls4ml's axis counts the batch dimension (Concatenate.initialize subtracts 1), as numpy's does here
    axis = layer["attrs"].get("axis", -1)
    if all(y.f32 is not None for y, _ in parts):
        return Fx.exact32(np.concatenate([y.f32 for y, _ in parts], axis=axis), t), n_over
    return Fx(np.concatenate([y.raw for y, _ in parts], axis=axis), t), n_over


@KERNELS.rule(Kind.MERGE)
def _merge(sim, layer, types, ins):
    """nnet::add: data1[i] + data2[i] at full precision, assigned to res_T."""
    if layer["attrs"].get("op") != "add":
        raise HwcnnError(f"simulator: merge {layer['attrs'].get('op')} (layer {layer['name']}) is not supported")
    a, b = ins
    frac = max(a.type.frac, b.type.frac)
    total = (a.raw << (frac - a.type.frac)) + (b.raw << (frac - b.type.frac))
    raw, over = cast(total, frac, types["result"])
    return Fx(raw, types["result"]), int(np.count_nonzero(over))


@KERNELS.rule(Kind.ZERO_PADDING2D)
def _zero_padding2d(sim, layer, types, ins):
    """zeropad2d_cl: zeros (res_T) around the input, each value assigned to res_T."""
    (x,) = ins
    a = layer["attrs"]
    y, n_over = ops.cast_to(x, types["result"])
    return y.relayout(lambda r: ops.pad_hw(r, *pads(a.get))), n_over


@KERNELS.rule(Kind.CLONE)
def _clone(sim, layer, types, ins):
    """clone_stream: the same values on every output stream."""
    (x,) = ins
    return ops.cast_to(x, types["result"])


KERNELS.assert_complete()
