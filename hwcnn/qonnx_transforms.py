"""qonnx graph passes of hwcnn's own, applied in export (see `hwcnn.export.qonnx_passes`).

Each is a `qonnx.transformation.base.Transformation` that rewrites a pattern qonnx 1.0.0's
channels-last conversion leaves behind into one hls4ml 1.3.0's io_stream flow implements. Every
rewrite is exact: the graph computes the same values before and after (tests compare them).
"""

from __future__ import annotations

import numpy as np
from onnx import helper
from qonnx.transformation.base import Transformation
from qonnx.util.basic import get_by_name

import hwcnn.qonnx_ext  # noqa: F401 - registers the channels-last ops whose shapes these passes rely on
from hwcnn.layers import pool_output_dim

# NCHW <-> NHWC
TO_CHANNELS_FIRST = [0, 3, 1, 2]
TO_CHANNELS_LAST = [0, 2, 3, 1]


def _perm(node) -> list[int] | None:
    attr = get_by_name(node.attribute, "perm")
    return None if attr is None else list(attr.ints)


def node_attr(node, name, default=None):
    attr = get_by_name(node.attribute, name)
    return default if attr is None else helper.get_attribute_value(attr)


def onnx_opset(model) -> int:
    return next((o.version for o in model.model.opset_import if o.domain in ("", "ai.onnx")), 0)


def only_consumer(model, tensor: str):
    """The single node reading `tensor`, or None (several readers, none, or a graph output)."""
    if tensor in [o.name for o in model.graph.output]:
        return None
    consumers = model.find_consumers(tensor)
    return consumers[0] if len(consumers) == 1 else None


def _replace(model, anchor, new_nodes, *also_removed) -> None:
    """Put new_nodes where `anchor` was (keeping the graph topologically sorted); drop the old ones."""
    at = list(model.graph.node).index(anchor)
    for i, n in enumerate(new_nodes):
        model.graph.node.insert(at + i, n)
    for n in (anchor, *also_removed):
        model.graph.node.remove(n)


class ChannelsLastConcat(Transformation):
    """Concat(axis=1) of NHWC->NCHW Transposes -> Concat on the channels-last axis.

    Works around: qonnx's ConvertToChannelsLastAndClean has no channels-last Concat, so every
    fire-module Concat stays channels-first between Transposes (NHWC->NCHW on each input, back
    after it), which hls4ml's io_stream cannot implement (it streams pixels with channels innermost).
    The Transposes move past the Concat; a Transpose pair that then meets cancels.
    """

    def apply(self, model):
        for node in model.graph.node:
            if node.op_type != "Concat":
                continue
            prods = [model.find_producer(t) for t in node.input]
            if not all(p is not None and p.op_type == "Transpose" and _perm(p) == TO_CHANNELS_FIRST
                       and only_consumer(model, p.output[0]) is node for p in prods):
                continue
            axis = node_attr(node, "axis") % 4
            new_axis = TO_CHANNELS_FIRST[axis]  # the same dimension, counted in NHWC
            out = node.output[0]
            shape_cf = model.get_tensor_shape(out)
            shape_cl = [shape_cf[i] for i in TO_CHANNELS_LAST]
            nxt = only_consumer(model, out)
            removed = list(prods)
            if nxt is not None and nxt.op_type == "Transpose" and _perm(nxt) == TO_CHANNELS_LAST:
                concat_out = nxt.output[0]  # the pair cancels
                removed.append(nxt)
                after = []
            else:
                concat_out = model.make_new_valueinfo_name()
                after = [helper.make_node("Transpose", [concat_out], [out], perm=TO_CHANNELS_FIRST)]
            model.set_tensor_shape(concat_out, shape_cl)
            concat = helper.make_node("Concat", [p.input[0] for p in prods], [concat_out], axis=new_axis,
                                      name=node.name)
            _replace(model, node, [concat, *after], *removed)
            return model, True  # the node list changed: start over
        return model, False


def _is_per_tensor_quant(model, node) -> bool:
    params = [model.get_initializer(t) for t in node.input[1:]]
    return node.op_type == "Quant" and all(p is not None and np.size(p) == 1 for p in params)


class MoveQuantActivationBeforeConcat(Transformation):
    """Concat -> Relu / per-tensor Quant  =>  Relu / Quant on each input -> Concat.

    Elementwise ops with per-tensor parameters commute with a concatenation, so this is exact. It
    gives the Concat two inputs of the one quantized type the shared quantizer defines, instead of
    two wide accumulators of different types (hls4ml's Concatenate has one output type and copies
    its inputs into it; moving the quantizer first keeps the concatenated stream narrow).
    """

    def apply(self, model):
        for node in model.graph.node:
            if node.op_type != "Concat":
                continue
            nxt = only_consumer(model, node.output[0])
            if nxt is None or not (nxt.op_type == "Relu" or _is_per_tensor_quant(model, nxt)):
                continue
            attrs = {a.name: helper.get_attribute_value(a) for a in nxt.attribute}
            new_nodes = []
            for i, t in enumerate(node.input):
                y = model.make_new_valueinfo_name()
                model.set_tensor_shape(y, model.get_tensor_shape(t))
                new_nodes.append(helper.make_node(nxt.op_type, [t, *nxt.input[1:]], [y], name=f"{nxt.name}_{i}",
                                                  domain=nxt.domain, **attrs))
            new_nodes.append(helper.make_node("Concat", [n.output[0] for n in new_nodes], [nxt.output[0]],
                                              name=node.name, axis=node_attr(node, "axis")))
            _replace(model, node, new_nodes, nxt)
            return model, True
        return model, False


class ChannelsLastGlobalAveragePool(Transformation):
    """NHWC->NCHW Transpose -> ReduceMean(H, W) or GlobalAveragePool [-> Quant] [-> flatten to [N, C]]
    =>  ReduceMean(axes 1, 2, keepdims=0) of the channels-last tensor [-> the Quant, on [N, C]].

    Works around: Brevitas exports AdaptiveAvgPool2d(1) as ReduceMean over NCHW axes with
    keepdims and a Reshape to [N, C]; qonnx's channels-last pass leaves it (and GlobalAveragePool)
    behind a Transpose, and hls4ml's io_stream cannot stream a Transpose nor repack a trailing
    Reshape (and its GlobalAveragePool handler reads NCHW shapes). The result reads the
    channels-last tensor directly and is [N, C]; hwcnn's hls4ml handler (`hls4ml_ext`) maps it to
    GlobalPooling2D. The axes stay an input (ONNX opset 18+).
    """

    def apply(self, model):
        if onnx_opset(model) < 18:  # the rewrite gives ReduceMean its axes as an input
            return model, False
        for node in model.graph.node:
            if node.op_type == "ReduceMean" and len(node.input) > 1:
                axes = model.get_initializer(node.input[1])
                if axes is None or sorted(int(a) % 4 for a in axes) != [2, 3]:
                    continue
            elif node.op_type != "GlobalAveragePool":
                continue
            tr = model.find_producer(node.input[0])
            if tr is None or tr.op_type != "Transpose" or _perm(tr) != TO_CHANNELS_FIRST \
                    or only_consumer(model, tr.output[0]) is not node:
                continue
            n, c = model.get_tensor_shape(node.input[0])[:2]
            out, removed, quant = node.output[0], [], None
            if node.op_type == "GlobalAveragePool" or node_attr(node, "keepdims", 1):
                flat = only_consumer(model, out)
                if flat is not None and flat.op_type == "Quant" and all(
                        model.get_initializer(t) is not None and np.size(model.get_initializer(t)) == 1
                        for t in flat.input[1:]):
                    quant, flat = flat, only_consumer(model, flat.output[0])  # a quantized average (7x7 maps)
                if flat is None or flat.op_type not in ("Reshape", "Flatten") \
                        or list(model.get_tensor_shape(flat.output[0])) != [n, c]:
                    continue
                out = flat.output[0]
                removed = [flat]
            new_axes = model.make_new_valueinfo_name()
            model.set_initializer(new_axes, np.array([1, 2], dtype=np.int64))
            if quant is not None:  # mean -> Quant -> [N, C]: the Quant now quantizes the [N, C] mean
                mean_out = model.make_new_valueinfo_name()
                model.set_tensor_shape(mean_out, [n, c])
                model.set_tensor_shape(out, [n, c])
                quant.input[0], quant.output[0] = mean_out, out
                out = mean_out
            mean = helper.make_node("ReduceMean", [tr.input[0], new_axes], [out], name=node.name, keepdims=0)
            _replace(model, node, [mean], tr, *removed)
            return model, True
        return model, False


class MaxPoolCeilToPads(Transformation):
    """MaxPool(ceil_mode=1) -> MaxPool(ceil_mode=0) with the extra end padding ceil mode implies.

    Exact for a max: ONNX pads a MaxPool with -inf, so the padded windows are the clipped windows
    of ceil mode (every window keeps at least one input: ONNX and PyTorch drop one that would start
    in the end padding). Works around: hls4ml 1.3.0's ONNX pooling handler ignores ceil_mode and
    sizes the layer with the floor formula (SqueezeNet 1.0's 54x54 map pools to 26 instead of 27,
    and the layers after it are built for the wrong size). Channels-last nodes (a user's converted
    graph) are taken too; their shapes are inferred by hwcnn's channels-last MaxPool (qonnx_ext).
    """

    def apply(self, model):
        for node in model.graph.node:
            if node.op_type != "MaxPool" or not node_attr(node, "ceil_mode", 0):
                continue
            shape = model.get_tensor_shape(node.input[0])
            spatial = shape[1:-1] if node.domain == "qonnx.custom_op.channels_last" else shape[2:]
            k, s = node_attr(node, "kernel_shape"), node_attr(node, "strides", [1] * len(spatial))
            nd = len(spatial)
            pads = list(node_attr(node, "pads", [0] * 2 * nd))
            for i, size in enumerate(spatial):
                out = pool_output_dim(size, k[i], s[i], pads[i], pads[nd + i], ceil_mode=1)
                # the input rows the last window covers past the end; none where a kernel smaller than
                # its stride leaves the last rows out (MaxPool2d(1, 2, ceil_mode=True) of 32: 16 outputs)
                pads[nd + i] = max((out - 1) * s[i] + k[i] - size - pads[i], 0)
            kept = [a for a in node.attribute if a.name not in ("ceil_mode", "pads")]
            del node.attribute[:]
            node.attribute.extend([*kept, helper.make_attribute("pads", pads)])
            return model, True
        return model, False


class GemmZeroBias(Transformation):
    """Gemm(A, B) without its optional C -> Gemm(A, B, 0), with a zero bias of the output width.

    Works around: qonnx 1.0.0's GemmToMatMul reads the third input unconditionally and fails with a
    bare IndexError on a Gemm without bias, which is what Brevitas exports for
    `QuantLinear(..., bias=False)`. Adding zero is exact; hls4ml then takes the MatMul + Add as one
    Dense layer whose bias is zero.
    """

    def apply(self, model):
        changed = False
        for node in model.graph.node:
            if node.op_type != "Gemm" or len(node.input) >= 3:
                continue
            b_shape = model.get_tensor_shape(node.input[1])
            if b_shape is None:
                continue
            n_out = b_shape[0] if node_attr(node, "transB", 0) else b_shape[1]
            name = model.make_new_valueinfo_name()
            model.set_initializer(name, np.zeros(n_out, dtype=np.float32))
            node.input.append(name)
            changed = True
        return model, changed


def _is_pow2(v: np.ndarray) -> bool:
    mant, _ = np.frexp(np.asarray(v, dtype=np.float64))
    return bool(np.all(mant == 0.5))


class PerChannelPow2WeightsToPerTensor(Transformation):
    """A weight Quant with one power-of-two scale per output channel -> one Quant with the finest
    of them for the whole tensor, on the quantized weights, with as many more bits as the scales
    span.

    Works around: hls4ml 1.3.0's QONNX frontend fails (a bare IndexError) on per-channel Quant
    scales. Each channel's weights n * 2^e_c lie on the grid of the finest scale 2^e_min, within
    (bits + e_max - e_min) bits, so the new Quant returns them unchanged: exact, and hls4ml takes
    the tensor as one fixed-point type.
    """

    def apply(self, model):
        from qonnx.custom_op.general.intquant import int_quant

        changed = False
        for node in model.graph.node:
            if node.op_type != "Quant":
                continue
            w, scale, zero, bits = (model.get_initializer(t) for t in node.input[:4])
            if w is None or scale is None or zero is None or bits is None or np.size(scale) <= 1:
                continue
            if not _is_pow2(scale) or np.any(zero != 0) or np.size(bits) != 1:
                continue
            signed, narrow = node_attr(node, "signed", 1), node_attr(node, "narrow", 0)
            rounding = node_attr(node, "rounding_mode", "ROUND")
            rounding = rounding.decode() if isinstance(rounding, bytes) else rounding
            q = int_quant(w, scale, zero, bits, signed, narrow, rounding).astype(np.float32)
            spread = int(np.log2(scale.max()) - np.log2(scale.min()))
            model.set_initializer(node.input[0], q)
            model.set_initializer(node.input[1], np.array(scale.min(), dtype=np.float32))
            model.set_initializer(node.input[2], np.array(0.0, dtype=np.float32))
            model.set_initializer(node.input[3], np.array(float(bits.ravel()[0]) + spread, dtype=np.float32))
            changed = True
        return model, changed


class BipolarQuantToQuant(Transformation):
    """BipolarQuant (1-bit, +-scale) -> the Quant node of the same function.

    Works around: hls4ml 1.3.0 maps BipolarQuant onto its XNOR types and binary_tanh, whose sign
    of zero (-1) is not QONNX's (+1). On weights, the +-scale values become a 2-bit narrow Quant
    that returns them unchanged; on activations, a 1-bit signed Quant, which QONNX executes as the
    same sign (x >= 0 -> +scale, else -scale) and hwcnn carries as a batch norm or constant scaling
    fitted onto the levels -1 and +1 (hwcnn/requant.py).
    """

    def apply(self, model):
        changed = False
        for node in list(model.graph.node):
            if node.op_type != "BipolarQuant":
                continue
            scale = model.get_initializer(node.input[1])
            if scale is None:
                continue
            w = model.get_initializer(node.input[0])
            zero, bits = model.make_new_valueinfo_name(), model.make_new_valueinfo_name()
            model.set_initializer(zero, np.array(0.0, dtype=np.float32))
            inputs = [node.input[0], node.input[1], zero, bits]
            if w is not None:
                model.set_initializer(node.input[0], (np.where(w >= 0, 1.0, -1.0) * scale).astype(np.float32))
                model.set_initializer(bits, np.array(2.0, dtype=np.float32))
                narrow = 1
            else:
                model.set_initializer(bits, np.array(1.0, dtype=np.float32))
                narrow = 0
            quant = helper.make_node("Quant", inputs, list(node.output), name=node.name,
                                     domain="qonnx.custom_op.general",
                                     signed=1, narrow=narrow, rounding_mode="ROUND")
            _replace(model, node, [quant])
            changed = True
        return model, changed


def _float_scale(model, node) -> float | None:
    """The scale of an activation Quant with one scale that is not a power of two and zero point
    0, else None."""
    if node.op_type != "Quant" or model.get_initializer(node.input[0]) is not None:
        return None
    scale, zero = model.get_initializer(node.input[1]), model.get_initializer(node.input[2])
    if scale is None or zero is None or np.size(scale) != 1 or np.any(zero != 0) or _is_pow2(scale):
        return None
    return float(np.ravel(scale)[0])


def _weight_scale(model, node) -> tuple[object, np.ndarray] | None:
    """(the weight Quant, its scale per output channel) of a MatMul or Conv whose weights a Quant
    of an initializer with zero point 0 and one scale, or one per output channel, makes; else None."""
    if node.op_type not in ("MatMul", "Conv") or len(node.input) > 2:
        return None
    quant = model.find_producer(node.input[1])
    if quant is None or quant.op_type != "Quant" or model.get_initializer(quant.input[0]) is None:
        return None
    scale, zero = model.get_initializer(quant.input[1]), model.get_initializer(quant.input[2])
    channels = model.get_tensor_shape(node.output[0])[-1]  # channels-last: MatMul [N, C], Conv [N, H, W, C]
    if scale is None or zero is None or np.size(scale) not in (1, channels) or np.any(zero != 0):
        return None
    return quant, np.asarray(scale, dtype=np.float32).ravel()


def _weights_movable(model, product) -> bool:
    """Whether a product's weights are a quantizer hwcnn reads: a power-of-two scale (kept), or a
    float one whose codes it may take (no other layer reads them)."""
    found = _weight_scale(model, product)
    return found is not None and (_is_pow2(found[1]) or len(model.find_consumers(found[0].output[0])) == 1)


# operations that commute with a positive scale: a tensor of codes passes through them as codes
PASS_CODES = {"Reshape", "Flatten", "Transpose", "MaxPool", "Relu"}


def _code_readers(model, tensor: str) -> list[tuple[str, object]] | None:
    """Where a tensor of codes ends, through PASS_CODES: ("product", MatMul or Conv reading it as
    data) or ("output", the graph output tensor); None where anything else reads it."""
    outputs = {o.name for o in model.graph.output}
    ends, todo = [], [tensor]
    while todo:
        t = todo.pop()
        readers = model.find_consumers(t)
        if t in outputs:
            if readers:
                return None
            ends.append(("output", t))
            continue
        if not readers:
            return None
        for r in readers:
            if r.input[0] != t:
                return None
            if r.op_type in PASS_CODES:
                todo.append(r.output[0])
            elif r.op_type in ("MatMul", "Conv"):
                ends.append(("product", r))
            else:
                return None
    return ends


def _code_source(model, tensor: str):
    """The activation Quant a tensor comes from through PASS_CODES, else None."""
    node = model.find_producer(tensor)
    while node is not None and node.op_type in PASS_CODES:
        node = model.find_producer(node.input[0])
    if node is None or node.op_type != "Quant" or model.get_initializer(node.input[0]) is not None:
        return None
    return node


class FloatScalesToCodes(Transformation):
    """Quantizers of float (not power-of-two) scales -> integer codes, their scales moved onto the
    sum of products that reads them: an activation Quant(x, s) (one scale) becomes Div(x, s),
    Quant(., 1), read as codes through reshapes, max pooling and ReLU by MatMul or Conv layers; a
    weight Quant of float scales (one, or one per output channel) gives its codes; each such
    product is followed by ExactScale(., s, s_w), the exact product rounded once (hwcnn/qonnx_ext.py).
    A float-scale quantizer at the graph output is followed by ExactScale(., s, 1): its code times s,
    as qonnx's Quant returns it.

    Why it is exact: qonnx's Quant computes the code as round(clip(x / s)) in float32 and returns
    code * s in float32, which Div(x, s) -> Quant(., 1) -> ExactScale computes step for step. A sum
    of products of codes (and of power-of-two values) is exact in float32 below 2^24 lsbs in any
    order, and ExactScale rounds it times the scales once: the sum of products computed exactly and
    rounded once to float32, the reference DESIGN.md defines for float scales. Plain float32
    execution rounds after every addition, in an order of its own: the two references can differ.

    Left alone (the support check refuses them, naming the quantizer): per-channel float scales on
    activations, float-scale weights shared by several layers, and a float-scale tensor read by
    anything but MatMul, Conv and the operations above, or the graph output (a residual addition
    of two float-scale branches, an average).
    """

    def apply(self, model):
        for node in list(model.graph.node):  # a float-scale activation: codes, wherever they are read
            s = _float_scale(model, node)
            ends = _code_readers(model, node.output[0]) if s is not None else None
            if ends is None or not all(kind == "output" or _weights_movable(model, r) for kind, r in ends):
                continue
            self._to_codes(model, node)
            for kind, end in ends:
                if kind == "output":
                    self._rescale(model, end, np.float32(s), np.ones(1, dtype=np.float32))
                else:
                    self._rescale(model, end.output[0], np.float32(s), self._weights_to_codes(model, end))
            return model, True
        for node in list(model.graph.node):  # float weight scales read by a power-of-two activation
            found = _weight_scale(model, node)
            if found is None or _is_pow2(found[1]) or not _weights_movable(model, node):
                continue
            source = _code_source(model, node.input[0])
            if source is None or _float_scale(model, source) is not None:
                continue
            self._rescale(model, node.output[0], np.float32(1.0), self._weights_to_codes(model, node))
            return model, True
        return model, False

    @classmethod
    def _weights_to_codes(cls, model, product) -> np.ndarray:
        """The weights of `product` as codes where their scale is not a power of two (returned: the
        scale per output channel), else unchanged (returned: 1)."""
        quant, s_w = _weight_scale(model, product)
        if _is_pow2(s_w):
            return np.ones(1, dtype=np.float32)
        cls._weight_codes(model, quant)
        return s_w

    @staticmethod
    def _to_codes(model, quant) -> None:
        """Div(x, s) -> Quant(., 1); before a ReLU that feeds the quantizer alone (ReLU(y) / s is
        ReLU(y / s) exactly for s > 0), so that the division joins the constant arithmetic before it."""
        at, x = quant, quant.input[0]
        relu = model.find_producer(x)
        if relu is not None and relu.op_type == "Relu" and len(model.find_consumers(x)) == 1:
            at, x = relu, relu.input[0]
        divided = f"{quant.name}_codes_in"  # names of their own (hls4ml makes C++ names of them)
        div = helper.make_node("Div", [x, quant.input[1]], [divided], name=f"{quant.name}_to_codes")
        one = f"{quant.name}_unit_scale"
        model.set_initializer(one, np.array(1.0, dtype=np.float32))
        at.input[0] = divided
        quant.input[1] = one
        model.graph.node.insert(list(model.graph.node).index(at), div)
        shape = model.get_tensor_shape(x)
        if shape is not None:
            model.set_tensor_shape(divided, shape)

    @staticmethod
    def _weight_codes(model, quant) -> None:
        from qonnx.custom_op.general.intquant import int_quant

        w, scale, zero, bits = (model.get_initializer(t) for t in quant.input[:4])
        rounding = node_attr(quant, "rounding_mode", "ROUND")
        rounding = rounding.decode() if isinstance(rounding, bytes) else rounding
        codes = int_quant(w, scale, zero, bits, node_attr(quant, "signed", 1), node_attr(quant, "narrow", 0), rounding)
        model.set_initializer(quant.input[0], np.rint(codes / scale).astype(np.float32))
        one = f"{quant.name}_unit_scale"
        model.set_initializer(one, np.array(1.0, dtype=np.float32))
        quant.input[1] = one

    @staticmethod
    def _rescale(model, tensor: str, scale_a: np.float32, scale_w: np.ndarray) -> None:
        """`tensor` becomes its producer's value times scale_a * scale_w, rounded once (ExactScale):
        the producer writes a new tensor, ExactScale writes `tensor` (its readers and a graph output
        keep their name)."""
        from hwcnn.qonnx_ext import EXACT_DOMAIN

        producer = model.find_producer(tensor)
        acc = f"{producer.name}_codes_out"
        producer.output[0] = acc
        node = helper.make_node("ExactScale", [acc], [tensor], name=f"{producer.name}_scale", domain=EXACT_DOMAIN,
                                scale_a=float(scale_a), scale_w=[float(v) for v in np.ravel(scale_w)])
        model.graph.node.insert(list(model.graph.node).index(producer) + 1, node)
        shape = model.get_tensor_shape(tensor)
        if shape is not None:
            model.set_tensor_shape(acc, shape)


def exact_reference(model):
    """The graph on integer codes that a core of float-scale quantizers computes (FloatScalesToCodes
    until nothing is left to move; DESIGN.md's exact reference), or `model` itself where every
    scale is a power of two."""
    import copy

    from qonnx.core.modelwrapper import ModelWrapper
    from qonnx.transformation.infer_shapes import InferShapes

    codes = ModelWrapper(copy.deepcopy(model.model)).transform(FloatScalesToCodes())
    if len(codes.graph.node) == len(model.graph.node):
        return model
    return codes.transform(InferShapes())


def code_tensors(plain, exact) -> set[str]:
    """The tensors that hold integer codes in `exact` (exact_reference of `plain`) where `plain`
    holds their values: float-scale quantizers' outputs and what PASS_CODES makes of them."""
    scale = {n.name: plain.get_initializer(n.input[1]) for n in plain.graph.node if n.op_type == "Quant"}
    codes: set[str] = set()
    for node in exact.graph.node:
        if node.op_type == "Quant":
            mine = exact.get_initializer(node.input[1])
            theirs = scale.get(node.name)
            if mine is not None and theirs is not None and not np.array_equal(mine, theirs):
                codes.add(node.output[0])
        elif node.op_type in PASS_CODES and node.input[0] in codes:
            codes.add(node.output[0])
    return codes
