"""What the quantized model computes from a tensor through elementwise affine operations to its
quantizer: the QONNX side of hwcnn/requant.py.

The operations: a batch norm, and Mul/Add/Sub/Div by constants (input scaling such as `2x - 1`),
optionally a ReLU last, then a Quant. hls4ml 1.3.0 makes one layer of them: a BatchNormalization
(FuseBatchNormalization rightly refuses to fold it into quantized weights) or an ApplyAlpha
(merge_const.py), with float scale and bias in its default fixed<32,16>, which does not compute the
quantized model. hwcnn evaluates the operations and the quantizer on every value the layer's input
can take, as QONNX executes them (float32; onnxruntime for the batch norm, qonnx's Quant), and fits
the layer's fixed-point scale and bias to those levels.
"""

from __future__ import annotations

import numpy as np

from hwcnn.errors import HwcnnError
from hwcnn.qonnx_transforms import node_attr, only_consumer, onnx_opset

ARITHMETIC = {"Mul": np.multiply, "Add": np.add, "Sub": np.subtract, "Div": np.divide}
# ExactScale: a sum of products' float scales (hwcnn.qonnx_transforms.FloatScalesToCodes), one per channel
AFFINE = {"BatchNormalization", "ExactScale", *ARITHMETIC}


def constant_operand(qmodel, node):
    """(the constant, its index) of an arithmetic node with one constant input, else None."""
    consts = [(qmodel.get_initializer(t), i) for i, t in enumerate(node.input) if qmodel.get_initializer(t) is not None]
    return consts[0] if len(consts) == 1 and len(node.input) == 2 else None


def chain(qmodel, tensor: str, where: str):
    """(affine nodes, ReLU node or None, Quant node) from the consumer of `tensor` on, or refused."""
    nodes, relu = [], None
    nxt = only_consumer(qmodel, tensor)
    while nxt is not None and nxt.op_type in AFFINE and relu is None:
        operand = constant_operand(qmodel, nxt) if nxt.op_type in ARITHMETIC else None
        if nxt.op_type in ARITHMETIC and (operand is None or (nxt.op_type == "Div" and operand[1] == 0)):
            break  # c / y is neither affine nor monotone across 0 (the thresholds need one or the other)
        nodes.append(nxt)
        nxt = only_consumer(qmodel, nxt.output[0])
        if nxt is not None and nxt.op_type == "Relu":
            relu, nxt = nxt, only_consumer(qmodel, nxt.output[0])
    if not nodes or nxt is None or nxt.op_type != "Quant":
        raise HwcnnError(f"{where} is not followed by a quantizer (directly or after a ReLU): its float output "
                         "cannot be computed exactly in fixed point; put a Brevitas quantizer after it (QuantIdentity, "
                         "or QuantReLU) or fold it into the float weights before QAT")
    scale, zero = (qmodel.get_initializer(nxt.input[i]) for i in (1, 2))
    if scale is None or np.size(scale) != 1 or zero is None or np.any(zero != 0):
        raise HwcnnError(f"quantizer {nxt.name} after {where}: hwcnn needs one scale per tensor and zero point 0")
    return nodes, relu, nxt


def levels_of(qmodel, tensor: str, channels: int, where: str):
    """values -> [values, channels] raw levels of the quantizer after `tensor`, where every channel
    of `tensor` takes each value (float64 values, exact in float32; or [values, channels], channel c
    taking column c); and whether a ReLU is last."""
    from qonnx.custom_op.general.intquant import int_quant

    nodes, relu, quant = chain(qmodel, tensor, where)
    # one value each (chain checked it), of any rank: a [1, 1, 1, 1] scale would broadcast the levels to 4-D
    q_scale, q_zero, q_bits = (np.asarray(qmodel.get_initializer(i), dtype=np.float32).reshape(())
                               for i in quant.input[1:4])
    signed, narrow = node_attr(quant, "signed", 1), node_attr(quant, "narrow", 0)
    rounding = node_attr(quant, "rounding_mode", b"ROUND")
    rounding = rounding.decode() if isinstance(rounding, bytes) else rounding

    def levels(values: np.ndarray) -> np.ndarray:
        y = values.astype(np.float32)
        if not np.array_equal(y.astype(np.float64), values):
            raise HwcnnError(f"{where}: its input values are not exact in float32")
        y = np.ascontiguousarray(np.broadcast_to(y[:, None], (len(values), channels)) if y.ndim == 1 else y)
        for node in nodes:
            if node.op_type == "BatchNormalization":
                y = _batch_norm(qmodel, node, y)
            elif node.op_type == "ExactScale":
                y = _exact_scale(node, y)
            else:
                y = _arithmetic(qmodel, node, y)
        if relu is not None:
            y = np.maximum(y, np.float32(0))
        q = int_quant(y, q_scale, q_zero, q_bits, signed, narrow, rounding) / q_scale
        return np.rint(q).astype(np.int64)

    return levels, relu is not None


def _exact_scale(node, y: np.ndarray) -> np.ndarray:
    """ExactScale on [values, channels] (its scale per channel on the last axis, as QONNX runs it)."""
    from hwcnn.qonnx_ext import product_to_f32

    scale_w = _per_column(np.asarray(node_attr(node, "scale_w"), dtype=np.float32), y.shape[1], node)
    return product_to_f32(y.astype(np.float64), node_attr(node, "scale_a"), scale_w)


def _per_column(const: np.ndarray, columns: int, node) -> np.ndarray:
    """A constant of one value or one per channel, for the [values, columns] the levels run on: the
    layer's channels, or (hls4ml broadcasts a constant over a feature map) every element of a
    channels-last map, whose channel is the element's index modulo the channel count."""
    const = np.ravel(const)
    if const.size == 1 or const.size == columns:
        return const
    if columns % const.size:
        raise HwcnnError(f"{node.op_type} {node.name}: {const.size} constants for a layer of {columns} values; hwcnn "
                         "carries one constant per tensor or per channel")
    return np.tile(const, columns // const.size)


def _arithmetic(qmodel, node, y: np.ndarray) -> np.ndarray:
    """One float32 operation with a constant (one, or one per channel), in the operand order of the
    node (IEEE arithmetic rounds it as onnxruntime does)."""
    const, index = constant_operand(qmodel, node)
    c = _per_column(np.asarray(const, dtype=np.float32), y.shape[1], node)
    out = ARITHMETIC[node.op_type](c, y) if index == 0 else ARITHMETIC[node.op_type](y, c)
    return out.astype(np.float32)


def _batch_norm(qmodel, bn, y: np.ndarray) -> np.ndarray:
    """onnxruntime's BatchNormalization on [values, channels], in the layout QONNX runs the node in:
    [N, C], or [1, C, values, 1] (qonnx's channels-last batch norm transposes to channels first)."""
    import onnxruntime
    from onnx import TensorProto, helper
    from qonnx.util.basic import qonnx_make_model

    params = [np.asarray(qmodel.get_initializer(i), dtype=np.float32) for i in bn.input[1:]]
    if params[0].size != y.shape[1]:
        raise HwcnnError(f"internal: batch norm {bn.name} has {params[0].size} channels, its layer {y.shape[1]}")
    rank = len(qmodel.get_tensor_shape(bn.input[0]))
    x = y if rank == 2 else np.ascontiguousarray(y.T[None, :, :, None])
    opset = onnx_opset(qmodel) or 11
    node = helper.make_node("BatchNormalization", list(bn.input), list(bn.output[:1]), name=bn.name)
    node.attribute.extend(a for a in bn.attribute if a.name in ("epsilon", "momentum"))
    inputs = [helper.make_tensor_value_info(bn.input[0], TensorProto.FLOAT, list(x.shape))]
    inputs += [helper.make_tensor_value_info(i, TensorProto.FLOAT, list(p.shape)) for i, p in zip(bn.input[1:], params)]
    out = helper.make_tensor_value_info(bn.output[0], TensorProto.FLOAT, list(x.shape))
    model = qonnx_make_model(helper.make_graph([node], "bn", inputs, [out]),
                             opset_imports=[helper.make_opsetid("", opset)])
    sess = onnxruntime.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    z = sess.run(None, {bn.input[0]: x, **dict(zip(bn.input[1:], params))})[0]
    return z if rank == 2 else np.ascontiguousarray(z[0, :, :, 0].T)


def scales_input(qmodel) -> bool:
    """Whether constant arithmetic (input scaling) comes between the graph input and its quantizer."""
    tensor = qmodel.graph.input[0].name
    node = only_consumer(qmodel, tensor)
    while node is not None and node.op_type == "Transpose":
        node = only_consumer(qmodel, node.output[0])
    return node is not None and node.op_type in ARITHMETIC and constant_operand(qmodel, node) is not None


def input_grid(qmodel, tensor: str, quant_type):
    """The input type that makes the affine chain after the graph input exact (`quant_type`: the
    quantizer's): with y = a * x + b, a a power of two and b on the quantizer's grid, the inputs on
    the grid lsb / |a| over the range that the quantizer's range comes from; else None."""
    from hwcnn.fixed import type_for_range

    nodes, relu, _ = chain(qmodel, tensor, "the input scaling")
    a, b = 1.0, 0.0
    for node in nodes:
        if node.op_type not in ARITHMETIC:
            return None
        const, index = constant_operand(qmodel, node)
        c = float(np.ravel(const)[0])
        if node.op_type == "Mul":
            a, b = a * c, b * c
        elif node.op_type == "Div" and index == 1:
            a, b = a / c, b / c
        elif node.op_type == "Add":
            b += c
        elif node.op_type == "Sub":
            a, b = (-a, c - b) if index == 0 else (a, b - c)
        else:
            return None
    mant, exp = np.frexp(abs(a))
    lsb = quant_type.lsb
    if a == 0 or mant != 0.5 or b / lsb != round(b / lsb) or relu is not None:
        return None
    frac = quant_type.frac + int(exp) - 1  # the grid lsb / |a|
    ends = sorted(((quant_type.min_raw * lsb - b) / a, (quant_type.max_raw * lsb - b) / a))
    return type_for_range(ends[0], ends[1], frac)
