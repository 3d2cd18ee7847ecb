"""Choose every hls4ml fixed-point type by interval arithmetic: lossless and no wider than needed.

Why this exists (hls4ml 1.3.0): its QONNX path leaves the input layer at the default precision
(which silently truncates the 8-bit input before the first quantizer), and its `infer_precision`
pass sizes accumulators from bit widths alone (n_in * max|w| * max|x| with worst-case weights),
not from the actual weights and value ranges. Here each tensor carries the exact interval of
values it can hold; an accumulator gets exactly the fractional bits of (input x weight) and the
integer bits of its real range. Quantizer outputs (Brevitas Quant nodes) keep their types: they
ARE the model. Types are set in place on the converted ModelGraph, before it is written.

Accumulators use AP_TRN/AP_WRAP: wrapping is modular, so partial sums may overflow harmlessly as
long as the final sum fits, which the interval guarantees.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from hwcnn.errors import HwcnnError
from hwcnn.fixed import FixedType, Overflow, Rounding


@dataclass
class Interval:
    """The closed range of real values a tensor can take, and the type that holds it."""

    lo: float
    hi: float
    type: FixedType

    def including_zero(self) -> "Interval":
        return Interval(min(self.lo, 0.0), max(self.hi, 0.0), self.type)


@dataclass
class LayerPrecision:
    """What was chosen for one layer, and why (shown in the conversion report)."""

    layer: str
    kind: str
    types: dict[str, str]
    range: tuple[float, float]
    reason: str
    overridden: list[str] = field(default_factory=list)


def type_for_range(lo: float, hi: float, frac: int) -> FixedType:
    """The narrowest fixed type with `frac` fractional bits that holds [lo, hi] exactly."""
    rlo, rhi = lo * 2.0**frac, hi * 2.0**frac
    if rlo != math.floor(rlo) or rhi != math.floor(rhi):
        raise HwcnnError(f"internal: range [{lo}, {hi}] is not on a 2^-{frac} grid")
    rlo, rhi = int(rlo), int(rhi)
    if rlo < 0:
        width = max(_bits_signed(rlo), _bits_signed(rhi))
        return FixedType(width, width - frac, True, Rounding.TRN, Overflow.WRAP)
    width = max(1, rhi.bit_length())
    return FixedType(width, width - frac, False, Rounding.TRN, Overflow.WRAP)


def _bits_signed(v: int) -> int:
    """Bits of a two's-complement integer that holds v."""
    return (v.bit_length() + 1) if v >= 0 else ((-v - 1).bit_length() + 1)


def range_of(t: FixedType) -> tuple[float, float]:
    return t.min_raw * t.lsb, t.max_raw * t.lsb


def hls_precision(t: FixedType):
    """FixedType -> hls4ml's ap_fixed precision (the only place that builds one).

    Types set after conversion must already be the backend's AP definitions (which know how to
    print themselves as C++): hls4ml converted all others before we run."""
    from hls4ml.backends.fpga.fpga_types import APTypeConverter
    from hls4ml.model.types import FixedPrecisionType

    return APTypeConverter().convert(
        FixedPrecisionType(t.width, t.integer, t.signed, t.rounding.value, t.overflow.value))


def fixed_of(precision) -> FixedType:
    """hls4ml precision -> FixedType (via its string form, which both sides define)."""
    return FixedType.parse(str(precision))


def weight_raw(layer, name: str) -> tuple[np.ndarray, FixedType]:
    """A weight tensor of a converted layer as exact raw integers of its type."""
    from hwcnn.fixed import from_float

    var = layer.weights[name]
    t = fixed_of(var.type.precision)
    raw = from_float(np.asarray(var.data, dtype=np.float64), t)
    return raw, t


def _mac_range(x: Interval, w: np.ndarray, bias: np.ndarray | None, axis: int) -> tuple[float, float]:
    """Exact [min, max] over output channels of bias + sum(w * x) for x anywhere in the interval.

    `w` holds real weight values with the output channel on the last axis; sums run over all
    other axes (the kernel window and input channels)."""
    pos = np.clip(w, 0, None)
    neg = np.clip(w, None, 0)
    axes = tuple(i for i in range(w.ndim) if i != axis)
    hi = (pos * x.hi + neg * x.lo).sum(axis=axes)
    lo = (pos * x.lo + neg * x.hi).sum(axis=axes)
    if bias is not None:
        hi = hi + bias
        lo = lo + bias
    return float(lo.min()), float(hi.max())


def assign_precisions(hm, input_type: FixedType) -> list[LayerPrecision]:
    """Set every data-path type of the ModelGraph `hm` in place; return the per-layer record."""
    intervals: dict[str, Interval] = {}
    records: list[LayerPrecision] = []
    for layer in hm.get_layers():
        kind = layer.class_name
        rule = _RULES.get(kind)
        if rule is None:
            raise HwcnnError(f"layer {layer.name}: hls4ml layer type {kind} is not supported by hwcnn's precision "
                             f"analysis (supported: {', '.join(sorted(_RULES))})")
        ins = [intervals[v] for v in layer.inputs if v in intervals]
        out, rec = rule(layer, ins, input_type)
        _set_result(layer, out.type)
        for name in layer.outputs:  # a Clone has several, all alike
            intervals[name] = out
        rec.range = (out.lo, out.hi)
        records.append(rec)
    return records


def _set_result(layer, t: FixedType) -> None:
    for name in layer.outputs:
        layer.get_output_variable(name).type.precision = hls_precision(t)
    if "result_t" in layer.types:
        layer.types["result_t"].precision = hls_precision(t)


def _set(layer, key: str, t: FixedType) -> None:
    layer.types[key].precision = hls_precision(t)


def _rec(layer, types: dict[str, FixedType], reason: str) -> LayerPrecision:
    return LayerPrecision(layer.name, layer.class_name, {k: v.hls4ml() for k, v in types.items()}, (0.0, 0.0), reason)


def _input(layer, ins, input_type):
    lo, hi = range_of(input_type)
    return Interval(lo, hi, input_type), _rec(layer, {"result": input_type},
                                              "the quantized input's exact type (first Quant node)")


def _passthrough(layer, ins, _):
    (x,) = ins
    return x, _rec(layer, {"result": x.type}, "moves data only: same type as its input")


def _activation(layer, ins, _):
    (x,) = ins
    act = layer.get_attr("activation").lower()
    given = fixed_of(layer.get_output_variable().type.precision)
    quantized = layer.get_attr("quantizer") is not None or given.rounding != Rounding.TRN or given.overflow != Overflow.WRAP
    if act == "tanh":
        return _tanh(layer, x, given if quantized else None)
    if act == "relu":
        lo, hi = 0.0, max(x.hi, 0.0)
    elif act == "linear":
        lo, hi = x.lo, x.hi
    else:
        raise HwcnnError(f"layer {layer.name}: activation {act} is not supported by the precision analysis")
    if quantized:
        # a Brevitas quantizer: its type is the model; clip the interval to what it can hold
        qlo, qhi = range_of(given)
        lo, hi = max(min(lo, qhi), qlo), min(max(hi, qlo), qhi)
        lo, hi = _snap(lo, given, math.floor), _snap(hi, given, math.ceil)
        return Interval(lo, hi, given), _rec(layer, {"result": given}, f"{act} + Brevitas quantizer: its type")
    t = type_for_range(lo, hi, x.type.frac)
    return Interval(lo, hi, t), _rec(layer, {"result": t}, f"{act} without quantizer: holds [{lo:g}, {hi:g}] exactly")


def _tanh(layer, x: Interval, quantizer: FixedType | None):
    """hls4ml's tanh reads a table_t table of tanh at table_size points of [-4, 4), at the input
    truncated toward zero onto them (sim/lut.py), and assigns the entry to the result."""
    from hwcnn.sim import lut

    n = layer.get_attr("table_size")
    if quantizer is not None:
        t = quantizer
        why = (f"tanh + Brevitas quantizer: its type, for the table too, so each entry is Brevitas' quantized tanh "
               f"at its table point, rounded once (hls4ml's default table fixed<18,8> would first truncate to 2^-10); "
               f"what remains from QAT: the input is truncated toward zero to the table step 8/{n}")
    else:
        t = FixedType(18, 1, True, Rounding.RND_CONV, Overflow.SAT)
        why = ("tanh without quantizer: table and result hold tanh's (-1, 1) at 2^-17, the 18 bits of hls4ml's "
               f"default table fixed<18,8> spent on the fraction; the input is truncated to the table step 8/{n}")
    _set(layer, "table_t", t)
    ends = lut.tanh_index(np.array([round(x.lo / x.type.lsb), round(x.hi / x.type.lsb)]), x.type.frac, n)
    reach = lut.tanh_table(n, t)[ends[0] : ends[1] + 1]  # the entries inputs in [lo, hi] can read
    return Interval(reach.min() * t.lsb, reach.max() * t.lsb, t), _rec(layer, {"table": t, "result": t}, why)


def _snap(v: float, t: FixedType, rnd) -> float:
    return rnd(v / t.lsb) * t.lsb


def _weighted(layer, ins, _, channel_axis: int):
    (x,) = ins
    if layer.get_attr("pad_top", 0) or layer.get_attr("pad_left", 0) or layer.get_attr("pad_bottom", 0) \
            or layer.get_attr("pad_right", 0):
        x = x.including_zero()  # zero padding feeds zeros into the window
    w_raw, wt = weight_raw(layer, "weight")
    w = w_raw * wt.lsb
    bias = None
    bt = None
    if "bias" in layer.weights:
        b_raw, bt = weight_raw(layer, "bias")
        bias = b_raw * bt.lsb
    frac = x.type.frac + wt.frac
    if bt is not None and bt.frac > frac:
        frac = bt.frac
    lo, hi = _mac_range(x, w, bias, channel_axis)
    acc = type_for_range(lo, hi, frac)
    _set(layer, "accum_t", acc)
    types = {"weight": wt, "accum": acc, "result": acc}
    if bt is not None:
        types["bias"] = bt
    reason = (f"accumulator holds bias + sum(w*x) in [{lo:g}, {hi:g}] for every output channel: "
              f"{frac} fractional bits = input {x.type.frac} + weight {wt.frac}; result keeps it exactly")
    return Interval(lo, hi, acc), _rec(layer, types, reason)


def _pooling(layer, ins, _):
    (x,) = ins
    op = layer.get_attr("pool_op")
    h, w = layer.get_attr("pool_height"), layer.get_attr("pool_width")
    window = f"{h}x{w} window, stride {layer.get_attr('stride_height')}x{layer.get_attr('stride_width')}"
    if op == "Max":
        _set(layer, "accum_t", x.type)
        return x, _rec(layer, {"accum": x.type, "result": x.type},
                       f"max of a {window} (non-overlapping, as hls4ml io_stream pooling requires): same type")
    return _average(layer, x, h * w, window)


def _global_pooling(layer, ins, _):
    (x,) = ins
    if layer.get_attr("pool_op") == "Max":
        _set(layer, "accum_t", x.type)
        return x, _rec(layer, {"accum": x.type, "result": x.type}, "max of its inputs: same type")
    h, w = layer.get_attr("in_height"), layer.get_attr("in_width")
    return _average(layer, x, h * w, f"global {h}x{w} map")


def _average(layer, x: Interval, n: int, what: str):
    """hls4ml sums in accum_t then divides by n, truncating to accum_t's fractional bits."""
    extra = math.ceil(math.log2(n))
    exact = (n & (n - 1)) == 0
    acc = type_for_range(min(x.lo * n, 0.0), max(x.hi * n, 0.0), x.type.frac + extra)
    _set(layer, "accum_t", acc)
    lo, hi = x.lo, x.hi
    res = type_for_range(_snap(lo, acc, math.floor), _snap(hi, acc, math.ceil), acc.frac)
    why = (f"average of a {what}: sum of {n} inputs with {extra} extra fractional bits, so dividing by {n} is "
           + ("exact (a shift by %d bits) and equals the QAT model's float average" % extra if exact else
              "truncated at 2^-%d: %d is not a power of two, so the QAT model's float average differs "
              "(make the area a power of two)" % (acc.frac, n)))
    return Interval(lo, hi, res), _rec(layer, {"accum": acc, "result": res}, why)


def _zero_padding(layer, ins, _):
    (x,) = ins
    return x.including_zero(), _rec(layer, {"result": x.type}, "the zero padding of the padded conv after it "
                                    "(hls4ml io_stream pads in a layer of its own): copies its input, adds zeros")


def _concatenate(layer, ins, _):
    """Both inputs carry one format when one quantizer feeds both (MoveQuantActivationBeforeConcat)."""
    a, b = ins
    lo, hi = min(a.lo, b.lo), max(a.hi, b.hi)
    if a.type == b.type:
        return Interval(lo, hi, a.type), _rec(layer, {"result": a.type}, "one Brevitas quantizer feeds both inputs "
                                              "(moved before the concatenation by hwcnn's qonnx pass): that format")
    t = type_for_range(min(range_of(a.type)[0], range_of(b.type)[0]), max(range_of(a.type)[1], range_of(b.type)[1]),
                       max(a.type.frac, b.type.frac))
    return Interval(lo, hi, t), _rec(layer, {"result": t}, "inputs of two formats: the narrowest type holding both")


_RULES = {
    "Input": _input,
    "Transpose": _passthrough,
    "Reshape": _passthrough,
    "Clone": _passthrough,
    "ZeroPadding2D": _zero_padding,
    "Concatenate": _concatenate,
    "Activation": _activation,
    "Conv2D": lambda l, i, t: _weighted(l, i, t, channel_axis=3),
    "PointwiseConv2D": lambda l, i, t: _weighted(l, i, t, channel_axis=3),  # 1x1: the same dense kernel
    "Dense": lambda l, i, t: _weighted(l, i, t, channel_axis=1),
    "Pooling2D": _pooling,
    "GlobalPooling2D": _global_pooling,
}
