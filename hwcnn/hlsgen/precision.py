"""hwcnn's types on a converted hls4ml ModelGraph: read each layer, apply the interval rules
(hwcnn/intervals.py) through its kind's type rule (`TYPE_RULES`, one per kind), set the types in
place before the project is written.

Why this exists (hls4ml 1.3.0): its QONNX path leaves the input layer at the default precision
(which silently truncates the 8-bit input before the first quantizer), and its `infer_precision`
pass sizes accumulators from bit widths alone (n_in * max|w| * max|x| with worst-case weights),
not from the actual weights and value ranges.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from hwcnn import average, requant, thresholds
from hwcnn import intervals as rules
from hwcnn.errors import HwcnnError
from hwcnn.fixed import FixedType, Overflow, Rounding, from_float, type_for_range
from hwcnn.hlsgen import affine, multithreshold, pooling
from hwcnn.hlsgen.aptype import fixed_of, hls_precision
from hwcnn.hlsgen.tensors import input_tensor
from hwcnn.hwdesc import is_quantizer
from hwcnn.intervals import Interval, LayerPrecision
from hwcnn.layers import Kind, KindTable, pads


# hls4ml's ApplyResourceStrategy pass (Resource strategy) stores a kernel's weights transposed for
# its dense_resource routine: Dense (n_in, n_out) -> (n_out, n_in), Conv1D (W, C, F) -> (F, W, C),
# Conv2D (H, W, C, F) -> (F, H, W, C). hwcnn reads and writes them in the Latency layout.
_RESOURCE_LAYOUT = {2: (1, 0), 3: (2, 0, 1), 4: (3, 0, 1, 2)}


def _hls4ml_axes(layer, name: str, ndim: int) -> tuple[int, ...] | None:
    """The transposition hls4ml applied to this weight, or None."""
    if name == "weight" and layer.get_attr("_weights_transposed", False):
        return _RESOURCE_LAYOUT[ndim]
    return None


def weight_raw(layer, name: str) -> tuple[np.ndarray, FixedType]:
    """A weight tensor of a converted layer as the raw integers of its type that the C++ holds.

    hls4ml 1.3.0 writes each weight as a decimal with as many digits as its type has fractional
    bits (WeightVariable.precision_fmt, '{:.0f}' for integer types), and the C++ converts that text
    to the type, rounding and saturating as the type says. On the type's grid the text is exact;
    off it (a narrowed --precision) it is rounded once in decimal first, so the value is taken from
    the text, as the C++ takes it."""
    var = layer.weights[name]
    t = fixed_of(var.type.precision)
    printed = np.array([float(text) for text in var], dtype=np.float64).reshape(np.shape(var.data))
    axes = _hls4ml_axes(layer, name, printed.ndim)
    if axes is not None:
        printed = np.transpose(printed, np.argsort(axes))
    return from_float(printed, t), t


@dataclass
class Typed:
    """What a type rule decided for one layer: its choice, and the layer that stands in the graph now
    (the same one, or the one the rule put in its place: a quantized tanh becomes a MultiThreshold)."""

    layer: object
    choice: rules.Choice


@dataclass
class _Analysis:
    """What the type rules read beside a layer and its inputs' intervals."""

    hm: object  # the ModelGraph being typed
    qmodel: object  # the QONNX graph it was converted from
    input_type: FixedType


# (analysis, kind, layer, the intervals of its inputs) -> Typed; complete (asserted below the rules)
TYPE_RULES = KindTable("type rule")


def assign_precisions(hm, input_type: FixedType, qmodel) -> list[LayerPrecision]:
    """Set every data-path type of the ModelGraph `hm` (converted from `qmodel`) in place; return
    the per-layer record."""
    analysis = _Analysis(hm, qmodel, input_type)
    known: dict[str, Interval] = {}
    records: list[LayerPrecision] = []
    for layer in hm.get_layers():
        kind = Kind.of(layer.class_name, f"layer {layer.name}")
        ins = [known[v] for v in layer.inputs if v in known]
        typed = TYPE_RULES[kind](analysis, kind, layer, ins)
        layer, choice = typed.layer, typed.choice
        for key, t in choice.types.items():
            if key == "result":
                _set_result(layer, t)
            elif key in ("accum", "table"):
                layer.types[f"{key}_t"].precision = hls_precision(t)
            elif key in choice.weights:
                _set_weight(layer, key, choice.weights[key], t)
        for name in layer.outputs:  # a Clone has several, all alike
            known[name] = choice.out
        records.append(LayerPrecision(layer.name, layer.class_name, {k: v.hls4ml() for k, v in choice.types.items()},
                                      (choice.out.lo, choice.out.hi), choice.reason))
    return records


def _thresholded(layer) -> bool:
    """A tanh or sigmoid with a Brevitas quantizer merged into its result type."""
    act = str(layer.get_attr("activation", "")).lower()
    return act in thresholds.FUNCTIONS and is_quantizer(fixed_of(layer.get_output_variable().type.precision))


def _thresholds(hm, layer, x: Interval) -> Typed:
    """Replace the quantized activation `layer` by a MultiThreshold exact on every value x can take."""
    act = str(layer.get_attr("activation")).lower()
    q = fixed_of(layer.get_output_variable().type.precision)
    lo, hi = round(x.lo / x.type.lsb), round(x.hi / x.type.lsb)
    th = thresholds.fit(act, lo, hi, x.type, q, f"{act} {layer.name}")
    t = x.type
    if len(th.thresholds) == 0:  # a constant: one threshold past the input's reach, in a type one bit wider
        t = FixedType(t.width + 1, t.integer + 1, t.signed)
        th = thresholds.Thresholds(th.base, np.array([hi + 1], dtype=np.int64), th.values_checked)
    node = multithreshold.replace(hm, layer, act, th, t, q)
    levels = thresholds.apply(np.array([lo, hi]), th)
    span = int(th.thresholds[-1] - th.thresholds[0] + 1)
    why = (f"{act} + Brevitas quantizer as {len(th.thresholds)} thresholds on its input ({len(th.thresholds)} "
           f"comparators of {t.width} bits per value; a table indexed by the input would need {span} entries "
           f"between the first and last threshold), checked on all {th.values_checked} values the input can "
           f"take; hls4ml's own {int(layer.get_attr('table_size') or 0)}-entry table truncates its input")
    return Typed(node, rules.Choice(Interval(levels[0] * q.lsb, levels[1] * q.lsb, q), {"thresholds": t, "result": q},
                                    why, {"thresholds": th.thresholds}))


def _rounded_average(hm, layer, x: Interval, n: int, where: str) -> rules.Choice:
    """A global average over n (not a power of two) positions: exact only as its quantizer rounds it."""
    q = fixed_of(layer.get_output_variable().type.precision)
    readers = [r for r in hm.get_layers() if layer.outputs[0] in r.inputs]
    if not is_quantizer(q) and len(readers) == 1 and str(readers[0].get_attr("activation", "")).lower() == "linear":
        # hls4ml 1.3.0 keeps the quantizer after a global pooling as a linear activation of its type:
        # the average rounds to that type here, and the activation then copies it unchanged
        q = fixed_of(readers[0].get_output_variable().type.precision)
    if hm.config.get_config_value("IOType") != "io_stream":
        raise HwcnnError(f"{where}: hwcnn computes a global average over {n} positions exactly in io_stream only")
    if not is_quantizer(q):
        raise HwcnnError(f"{where}: the average of {n} values (not a power of two) has no exact fixed-point value; "
                         "put a Brevitas quantizer after the global average (QuantIdentity), whose rounding "
                         "hwcnn then computes exactly, or make the area a power of two")
    acc = type_for_range(min(x.lo * n, 0.0), max(x.hi * n, 0.0), x.type.frac)
    s_lo, s_hi = round(min(x.lo * n, 0.0) / x.type.lsb), round(max(x.hi * n, 0.0) / x.type.lsb)
    rec = average.fit_reciprocal(n, s_lo, s_hi, x.type.frac, q, where)
    pooling.mark_rounded(layer, rec, q)
    lo, hi = (average.rounded_average(np.array([s_lo, s_hi]), n, x.type.frac, q) * q.lsb).tolist()
    why = (f"average of a global map of {n} values, rounded by its quantizer: the sum ({acc.width} bits) times "
           f"1/{n} as {rec.type.hls4ml()} ({rec.m}/2^{rec.k}) plus half an lsb, floored; equal to the QAT model's "
           f"rounded average on all {rec.sums_checked} sums the input can reach")
    return rules.Choice(Interval(lo, hi, q), {"accum": acc, "result": q}, why)


def _set_weight(layer, name: str, raw: np.ndarray, t: FixedType) -> None:
    """Replace a weight tensor's values (raw integers of t) and type; hls4ml prints them from these."""
    var = layer.weights[name]
    axes = _hls4ml_axes(layer, name, np.ndim(var.data))
    values = raw * t.lsb
    var.data = np.ascontiguousarray(np.transpose(values, axes)) if axes is not None else values.reshape(var.data.shape)
    var.min, var.max = np.min(var.data), np.max(var.data)
    var.nonzeros = int(np.count_nonzero(var.data))
    var.nzeros = var.data_length - var.nonzeros
    _set_weight_type(layer, name, t)


def _set_weight_type(layer, name: str, t: FixedType) -> None:
    """A weight's type, under a name of its own.

    Works around: hls4ml 1.3.0 names an unquantized weight's type after the model default
    (model_default_t) and writes each type name's typedef once, so a precision set on that
    weight alone would never reach the C++."""
    var = layer.weights[name]
    var.update_precision(hls_precision(t))
    var.type.name = f"{name}{layer.index}_t"
    layer.set_attr(f"{name}_t", var.type)  # what the layer's config struct names


# ---- the type rules, one per kind ------------------------------------------------------------

@TYPE_RULES.rule(Kind.INPUT)
def _input(g: _Analysis, kind: Kind, layer, ins: list[Interval]) -> Typed:
    return Typed(layer, rules.network_input(g.input_type, scaled=affine.scales_input(g.qmodel)))


@TYPE_RULES.rule(Kind.TRANSPOSE, Kind.RESHAPE, Kind.CLONE)
def _passthrough(g: _Analysis, kind: Kind, layer, ins: list[Interval]) -> Typed:
    return Typed(layer, rules.passthrough(ins[0]))


@TYPE_RULES.rule(Kind.ZERO_PADDING2D)
def _zero_padding(g: _Analysis, kind: Kind, layer, ins: list[Interval]) -> Typed:
    return Typed(layer, rules.zero_padding(ins[0]))


@TYPE_RULES.rule(Kind.CONCATENATE)
def _concatenate(g: _Analysis, kind: Kind, layer, ins: list[Interval]) -> Typed:
    return Typed(layer, rules.concatenate(*ins))


@TYPE_RULES.rule(Kind.MERGE)
def _merge(g: _Analysis, kind: Kind, layer, ins: list[Interval]) -> Typed:
    op = layer.get_attr("op")
    if op != "add" or len(ins) != 2:
        raise HwcnnError(f"layer {layer.name}: elementwise {op} of {len(ins)} tensors is not supported "
                         "(hwcnn carries the addition of two)")
    return Typed(layer, rules.add(*ins))


@TYPE_RULES.rule(Kind.ACTIVATION)
def _activation(g: _Analysis, kind: Kind, layer, ins: list[Interval]) -> Typed:
    if _thresholded(layer):  # replaced by a Kind.MULTI_THRESHOLD layer
        return _thresholds(g.hm, layer, ins[0])
    given = fixed_of(layer.get_output_variable().type.precision)
    quantized = layer.get_attr("quantizer") is not None or is_quantizer(given)
    return Typed(layer, rules.activation(layer.get_attr("activation").lower(), ins[0], given if quantized else None,
                                         layer.get_attr("table_size")))


@TYPE_RULES.rule(Kind.CHANNEL_THRESHOLD)
def _channel_threshold(g: _Analysis, kind: Kind, layer, ins: list[Interval]) -> Typed:
    """hwcnn's own layer, which only the batch-norm rule makes (typed as it makes it)."""
    raise HwcnnError(f"internal: layer {layer.name}: a ChannelThreshold reached the type analysis; only the "
                     "batch-norm rule puts one in the graph, with its types")


@TYPE_RULES.rule(Kind.MULTI_THRESHOLD)
def _multi_threshold(g: _Analysis, kind: Kind, layer, ins: list[Interval]) -> Typed:
    """hwcnn's own layer, which only the Activation rule makes (typed as it makes it): a converted
    graph holds none."""
    raise HwcnnError(f"internal: layer {layer.name}: a MultiThreshold reached the type analysis; only the "
                     "Activation rule puts one in the graph, with its types")


@TYPE_RULES.rule(Kind.CONV2D, Kind.POINTWISE_CONV2D, Kind.DENSE)
def _weighted(g: _Analysis, kind: Kind, layer, ins: list[Interval]) -> Typed:
    w_raw, wt = weight_raw(layer, "weight")
    b_raw, bt = weight_raw(layer, "bias") if "bias" in layer.weights else (None, None)
    padded = any(pads(layer.get_attr))
    # a Brevitas quantizer straight after the layer: hls4ml 1.3.0 merges it into the layer's result
    # type (MergeLinearActivation), which is then the model and must stay
    given = fixed_of(layer.get_output_variable().type.precision)
    return Typed(layer, rules.weighted(ins[0], w_raw, wt, b_raw, bt, channel_axis=1 if kind is Kind.DENSE else 3,
                                       padded=padded, quantizer=given if is_quantizer(given) else None))


@TYPE_RULES.rule(Kind.BATCH_NORMALIZATION, Kind.APPLY_ALPHA)
def _affine(g: _Analysis, kind: Kind, layer, ins: list[Interval]) -> Typed:
    what = "batch norm" if kind is Kind.BATCH_NORMALIZATION else "constant scaling"
    where = f"{what} {layer.name}"
    scale = np.ravel(layer.weights["scale"].data_unquantized)
    levels, relu_after = affine.levels_of(g.qmodel, input_tensor(g.qmodel, layer), scale.size, where)
    carrier = layer
    if relu_after:  # the ReLU layer after it carries the quantizer
        (carrier,) = [c for c in g.hm.get_layers() if layer.outputs[0] in c.inputs]
    q = fixed_of(carrier.get_output_variable().type.precision)
    if not is_quantizer(q):
        raise HwcnnError(f"internal: {where}: hls4ml did not give it its quantizer's type")
    try:
        return Typed(layer, rules.affine(ins[0], levels, q, relu_after, scale, what, where))
    except requant.NoAffineFit as why:
        return _channel_thresholds(g.hm, layer, ins[0], levels, q, scale.size, what, str(why))


def _channel_thresholds(hm, layer, x: Interval, levels, q: FixedType, channels: int, what: str,
                        why_not_affine: str) -> Typed:
    """A ChannelThreshold in place of the batch norm or scaling `layer`: the quantizer's level per
    channel as thresholds on every value x can take (found by bisection), where no affine form is."""
    where = f"{what} {layer.name}"
    lo, hi = round(x.lo / x.type.lsb), round(x.hi / x.type.lsb)
    th = thresholds.bisect(lambda raw: levels(raw * x.type.lsb), lo, hi, channels, x.type.min_raw, where)
    t = q
    if q.width == 1 and q.signed:  # bipolar: the levels -1 and +1 need 2 bits
        t = FixedType(2, q.integer + 1, True, Rounding.RND_CONV, Overflow.SAT_SYM)
    base_t = type_for_range(float(th.base.min()), float(th.base.max()), 0)
    types = {"thresholds": x.type, "base": base_t, "step": FixedType(2, 2, True), "result": t}
    n = th.thresholds.shape[1]
    node = multithreshold.replace_channels(hm, layer, what, channels, n, types)
    reach = thresholds.apply_channels(np.array([[lo] * channels, [hi] * channels]), th)
    checked = (f"checked on all {th.values_checked} values the input takes" if th.enumerated else
               f"checked at every threshold, the value below it and {thresholds.SPOT_CHECKS} random values, of "
               f"the {hi - lo + 1} the input takes")
    reason = (f"{what} + Brevitas quantizer as {n} thresholds per channel on its input (bisection on the quantized "
              f"model's float32 levels, {channels} channels; {checked}): no affine form ({why_not_affine.split(': ', 1)[-1]})")
    return Typed(node, rules.Choice(Interval(float(reach.min()) * t.lsb, float(reach.max()) * t.lsb, t), types, reason,
                                    {"thresholds": th.thresholds, "base": th.base, "step": th.step}))


@TYPE_RULES.rule(Kind.POOLING2D)
def _pooling(g: _Analysis, kind: Kind, layer, ins: list[Interval]) -> Typed:
    a = layer.get_attr
    h, w = a("pool_height"), a("pool_width")
    window = f"{h}x{w} window, stride {a('stride_height')}x{a('stride_width')}"
    padding = pads(a)
    if any(padding):
        window += f", pads {padding} (top, bottom, left, right; ceil mode is end padding)"
    stream = g.hm.config.get_config_value("IOType") == "io_stream"
    if any(padding) and a("pool_op") != "Max":
        raise HwcnnError(f"average pool {layer.name} ({window}): padding in an average is refused (PyTorch "
                         "divides by the whole window, hls4ml by the part inside the image); average without "
                         "padding, or max pool")
    if any(padding) and not stream and not ins[0].type.signed:
        raise HwcnnError(f"max pool {layer.name} ({window}): hls4ml 1.3.0's io_parallel pooling pads an "
                         "unsigned input with its largest power of two (pad_val sets the top bit), not its "
                         "minimum, so the padding can win the max; use io_stream (hwcnn's window pooling)")
    if stream and (any(padding) or (h, w) != (a("stride_height"), a("stride_width"))):
        pooling.mark_window(layer)  # hwcnn's line-buffer kernel: hls4ml's asserts pool == stride, no pads
        window += " (hwcnn's window pooling)"
    if a("pool_op") == "Max":
        return Typed(layer, rules.max_pool(ins[0], f"a {window}"))
    if (h * w) & (h * w - 1):
        raise HwcnnError(f"average pool {layer.name} ({window}): the mean of {h * w} values (not a power of "
                         "two) has no exact fixed-point value and hls4ml truncates it; use a power-of-two "
                         "window (AvgPool2d(2)) or max pooling")
    return Typed(layer, rules.average(ins[0], h * w, f"a {window}"))


@TYPE_RULES.rule(Kind.GLOBAL_POOLING2D)
def _global_pooling(g: _Analysis, kind: Kind, layer, ins: list[Interval]) -> Typed:
    if layer.get_attr("pool_op") == "Max":
        return Typed(layer, rules.max_pool(ins[0], "its inputs"))
    h, w = layer.get_attr("in_height"), layer.get_attr("in_width")
    n = h * w
    if n & (n - 1) == 0:
        return Typed(layer, rules.average(ins[0], n, f"a global {h}x{w} map"))
    return Typed(layer, _rounded_average(g.hm, layer, ins[0], n, f"global average {layer.name} over {h}x{w}"))


TYPE_RULES.assert_complete()


def _set_result(layer, t: FixedType) -> None:
    for name in layer.outputs:
        layer.get_output_variable(name).type.precision = hls_precision(t)
    if "result_t" in layer.types:
        layer.types["result_t"].precision = hls_precision(t)


def apply_overrides(hm, overrides, records: list[LayerPrecision]) -> None:
    """The user's --precision LAYER.FIELD=TYPE, after hwcnn's choice; the report marks them."""
    layers = {layer.name: layer for layer in hm.get_layers()}
    by_name = {r.layer: r for r in records}
    for lname, fieldname, text in overrides:
        if lname not in layers:
            raise HwcnnError(f"--precision: no layer {lname}; layers are {', '.join(layers)}")
        layer = layers[lname]
        t = FixedType.parse(text)  # validated by HlsConfig
        if fieldname == "result":
            _set_result(layer, t)
        elif fieldname == "accum":
            if "accum_t" not in layer.types:
                raise HwcnnError(f"--precision: layer {lname} ({layer.class_name}) has no accumulator")
            layer.types["accum_t"].precision = hls_precision(t)
        else:
            if fieldname not in layer.weights:
                raise HwcnnError(f"--precision: layer {lname} ({layer.class_name}) has no {fieldname}")
            _set_weight_type(layer, fieldname, t)
        rec = by_name[lname]
        rec.types[fieldname] = t.hls4ml()
        rec.overridden.append(fieldname)
