"""Lossless, minimal fixed-point types by interval arithmetic: the rules, free of hls4ml.

Each tensor carries the exact interval of values it can hold. An accumulator gets exactly the
fractional bits of (input x weight) and the integer bits of its real range, computed from the
actual weights (not from bit widths alone, as hls4ml's `infer_precision` does). Quantizer outputs
(Brevitas Quant nodes) keep their types: they ARE the model.

Accumulators use AP_TRN/AP_WRAP: wrapping is modular, so partial sums may overflow harmlessly as
long as the final sum fits, which the interval guarantees.

`hwcnn.hlsgen.precision` applies these rules to a converted hls4ml ModelGraph.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from hwcnn import requant, tables
from hwcnn.errors import HwcnnError
from hwcnn.fixed import FixedType, Overflow, Rounding, type_for_range


@dataclass
class Interval:
    """The closed range of real values a tensor can take, and the type that holds it."""

    lo: float
    hi: float
    type: FixedType

    def including_zero(self) -> "Interval":
        return Interval(min(self.lo, 0.0), max(self.hi, 0.0), self.type)


@dataclass
class Choice:
    """What a rule chose for one layer: its output interval, its types (by field) and why."""

    out: Interval
    types: dict[str, FixedType]
    reason: str
    weights: dict[str, np.ndarray] = field(default_factory=dict)  # raw values of types[name] the rule chose


@dataclass
class LayerPrecision:
    """The record of one layer's types, shown in the conversion report."""

    layer: str
    kind: str
    types: dict[str, str]
    range: tuple[float, float]
    reason: str
    overridden: list[str] = field(default_factory=list)


def range_of(t: FixedType) -> tuple[float, float]:
    return t.min_raw * t.lsb, t.max_raw * t.lsb


def _snap(v: float, t: FixedType, rnd) -> float:
    return rnd(v / t.lsb) * t.lsb


def mac_range(x: Interval, w: np.ndarray, bias: np.ndarray | None, axis: int) -> tuple[float, float]:
    """Exact [min, max] over output channels of bias + sum(w * x) for x anywhere in the interval.

    `w` holds real weight values with the output channel on `axis`; sums run over all other axes
    (the kernel window and input channels)."""
    pos = np.clip(w, 0, None)
    neg = np.clip(w, None, 0)
    axes = tuple(i for i in range(w.ndim) if i != axis)
    hi = (pos * x.hi + neg * x.lo).sum(axis=axes)
    lo = (pos * x.lo + neg * x.hi).sum(axis=axes)
    if bias is not None:
        hi = hi + bias
        lo = lo + bias
    return float(lo.min()), float(hi.max())


# ---- the rules: (input intervals, what the layer holds) -> Choice -----------------------------

def network_input(t: FixedType, scaled: bool = False) -> Choice:
    lo, hi = range_of(t)
    why = ("the grid and range the input scaling maps exactly onto the first quantizer's" if scaled
           else "the quantized input's exact type (first Quant node)")
    return Choice(Interval(lo, hi, t), {"result": t}, why)


def passthrough(x: Interval) -> Choice:
    return Choice(x, {"result": x.type}, "moves data only: same type as its input")


def activation(act: str, x: Interval, quantizer: FixedType | None, table_size: int | None) -> Choice:
    """An activation; `quantizer` is the type of the Brevitas quantizer that follows it, if any."""
    if act == "tanh":
        return _tanh(x, quantizer, table_size)
    if act == "relu":
        lo, hi = 0.0, max(x.hi, 0.0)
    elif act == "linear":
        lo, hi = x.lo, x.hi
    else:
        raise HwcnnError(f"activation {act} is not supported by the precision analysis")
    if quantizer is not None:
        # a Brevitas quantizer: its type is the model; clip the interval to what it can hold
        qlo, qhi = range_of(quantizer)
        lo, hi = max(min(lo, qhi), qlo), min(max(hi, qlo), qhi)
        lo, hi = _snap(lo, quantizer, math.floor), _snap(hi, quantizer, math.ceil)
        return Choice(Interval(lo, hi, quantizer), {"result": quantizer}, f"{act} + Brevitas quantizer: its type")
    t = type_for_range(lo, hi, x.type.frac)
    return Choice(Interval(lo, hi, t), {"result": t}, f"{act} without quantizer: holds [{lo:g}, {hi:g}] exactly")


def _tanh(x: Interval, quantizer: FixedType | None, n: int) -> Choice:
    """hls4ml's tanh reads a table_t table of tanh at n points of [-4, 4), at the input truncated
    toward zero onto them (hwcnn/tables.py), and assigns the entry to the result."""
    if quantizer is not None:
        t = quantizer
        why = (f"tanh + Brevitas quantizer: its type, for the table too, so each entry is Brevitas' quantized tanh "
               f"at its table point, rounded once (hls4ml's default table fixed<18,8> would first truncate to 2^-10); "
               f"what remains from QAT: the input is truncated toward zero to the table step 8/{n}")
    else:
        t = FixedType(18, 1, True, Rounding.RND_CONV, Overflow.SAT)
        why = ("tanh without quantizer: table and result hold tanh's (-1, 1) at 2^-17, the 18 bits of hls4ml's "
               f"default table fixed<18,8> spent on the fraction; the input is truncated to the table step 8/{n}")
    ends = tables.tanh_index(np.array([round(x.lo / x.type.lsb), round(x.hi / x.type.lsb)]), x.type.frac, n)
    reach = tables.tanh_table(n, t)[ends[0] : ends[1] + 1]  # the entries inputs in [lo, hi] can read
    return Choice(Interval(reach.min() * t.lsb, reach.max() * t.lsb, t), {"table": t, "result": t}, why)


def weighted(x: Interval, w_raw: np.ndarray, wt: FixedType, b_raw: np.ndarray | None, bt: FixedType | None,
             channel_axis: int, padded: bool, quantizer: FixedType | None = None) -> Choice:
    """Conv2D / Dense: bias + sum(w * x) in an accumulator that holds every output exactly; the
    result keeps it, or is the type of the Brevitas quantizer that follows the layer directly."""
    if padded:
        x = x.including_zero()  # zero padding feeds zeros into the window
    w = w_raw * wt.lsb
    bias = None if b_raw is None else b_raw * bt.lsb
    frac = x.type.frac + wt.frac
    if bt is not None and bt.frac > frac and np.any(b_raw != 0):  # a zero bias is exact in any type
        frac = bt.frac
    lo, hi = mac_range(x, w, bias, channel_axis)
    acc = type_for_range(lo, hi, frac)
    types = {"weight": wt, "accum": acc, "result": acc}
    if bt is not None:
        types["bias"] = bt
    reason = (f"accumulator holds bias + sum(w*x) in [{lo:g}, {hi:g}] for every output channel: "
              f"{frac} fractional bits = input {x.type.frac} + weight {wt.frac}; ")
    if quantizer is None:
        return Choice(Interval(lo, hi, acc), types, reason + "result keeps it exactly")
    types["result"] = quantizer
    qlo, qhi = range_of(quantizer)
    lo, hi = max(min(lo, qhi), qlo), min(max(hi, qlo), qhi)
    lo, hi = _snap(lo, quantizer, math.floor), _snap(hi, quantizer, math.ceil)
    return Choice(Interval(lo, hi, quantizer), types,
                  reason + "result: the Brevitas quantizer right after the layer (merged into it by hls4ml), its type")


def affine(x: Interval, levels_of, quantizer: FixedType, relu_after: bool, ideal_scale: np.ndarray,
           what: str, where: str) -> Choice:
    """A batch norm or constant scaling before a quantizer (hwcnn/requant.py): a fixed-point scale
    and bias that give the quantizer's level for every value of the input interval `x`;
    `levels_of(values)` is the quantized model's level for each (QONNX's float32 execution).

    With a ReLU between it and an unsigned quantizer, its result is that quantizer's grid, signed
    and one bit wider; the ReLU and the quantizer's saturation then clip it."""
    acc = requant.accumulator_values(x.lo, x.hi, x.type)
    levels = levels_of(acc * x.type.lsb)
    t = quantizer
    if quantizer.width == 1 and quantizer.signed:  # bipolar: the levels -1 and +1, 2 bits saturating symmetrically
        quantizer = t = FixedType(2, quantizer.integer + 1, True, Rounding.RND_CONV, Overflow.SAT_SYM)
    if relu_after:
        t = FixedType(quantizer.width + 1, quantizer.integer + 1, True, quantizer.rounding, Overflow.SAT)
    f = requant.fit(acc, x.type.frac, levels, t, requant.clip_levels(quantizer), ideal_scale, where)
    lo, hi = f.reach[0] * t.lsb, f.reach[1] * t.lsb
    reason = (f"{what} before the Brevitas quantizer: scale "
              f"{f.scale_type.hls4ml()} and bias {f.bias_type.hls4ml()} give its level for every one of the "
              f"{len(acc)} input values in "
              f"[{x.lo:g}, {x.hi:g}] in every channel (enumerated)" + (
                  "; the result holds the quantizer's grid, signed and one bit wider, for the ReLU after it"
                  if relu_after else "; the result: the quantizer's type"))
    return Choice(Interval(lo, hi, t), {"scale": f.scale_type, "bias": f.bias_type, "result": t}, reason,
                  {"scale": f.scale, "bias": f.bias})


def max_pool(x: Interval, what: str) -> Choice:
    return Choice(x, {"accum": x.type, "result": x.type}, f"max of {what}: same type")


def average(x: Interval, n: int, what: str) -> Choice:
    """hls4ml sums in accum_t then divides by n, truncating to accum_t's fractional bits."""
    extra = math.ceil(math.log2(n))
    exact = (n & (n - 1)) == 0
    acc = type_for_range(min(x.lo * n, 0.0), max(x.hi * n, 0.0), x.type.frac + extra)
    lo, hi = x.lo, x.hi
    res = type_for_range(_snap(lo, acc, math.floor), _snap(hi, acc, math.ceil), acc.frac)
    why = (f"average of {what}: sum of {n} inputs with {extra} extra fractional bits, so dividing by {n} is "
           + ("exact (a shift by %d bits) and equals the QAT model's float average" % extra if exact else
              "truncated at 2^-%d: %d is not a power of two, so the QAT model's float average differs "
              "(make the area a power of two)" % (acc.frac, n)))
    return Choice(Interval(lo, hi, res), {"accum": acc, "result": res}, why)


def zero_padding(x: Interval) -> Choice:
    return Choice(x.including_zero(), {"result": x.type}, "the zero padding of the padded conv after it "
                  "(hls4ml io_stream pads in a layer of its own): copies its input, adds zeros")


def add(a: Interval, b: Interval) -> Choice:
    """hls4ml's elementwise add: the exact sum (ap_fixed's full-precision +) assigned to the result."""
    lo, hi = a.lo + b.lo, a.hi + b.hi
    t = type_for_range(lo, hi, max(a.type.frac, b.type.frac))
    return Choice(Interval(lo, hi, t), {"result": t}, f"sum of two tensors: holds [{lo:g}, {hi:g}] exactly")


def concatenate(a: Interval, b: Interval) -> Choice:
    """Both inputs carry one format when one quantizer feeds both (MoveQuantActivationBeforeConcat)."""
    lo, hi = min(a.lo, b.lo), max(a.hi, b.hi)
    if a.type == b.type:
        return Choice(Interval(lo, hi, a.type), {"result": a.type}, "one Brevitas quantizer feeds both inputs "
                      "(moved before the concatenation by hwcnn's qonnx pass): that format")
    t = type_for_range(min(range_of(a.type)[0], range_of(b.type)[0]), max(range_of(a.type)[1], range_of(b.type)[1]),
                       max(a.type.frac, b.type.frac))
    return Choice(Interval(lo, hi, t), {"result": t}, "inputs of two formats: the narrowest type holding both")
