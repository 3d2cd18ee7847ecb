"""What the quantized model computes after a batch norm: the QONNX side of hwcnn/requant.py.

hls4ml 1.3.0 keeps a BatchNormalization between a layer with quantized weights and its quantizer
(FuseBatchNormalization refuses quantized weights, rightly: folding the scale into them changes
them) and gives it float scale and bias in its default fixed<32,16>, which does not compute the
quantized model. hwcnn evaluates the batch norm and its quantizer on every accumulator value
exactly as QONNX executes them (onnxruntime for the batch norm, qonnx's Quant) and fits the
fixed-point scale and bias to those levels.
"""

from __future__ import annotations

import numpy as np

from hwcnn.errors import HwcnnError


def _node(qmodel, name: str):
    for node in qmodel.graph.node:
        if node.name == name:
            return node
    raise HwcnnError(f"internal: no QONNX node {name}")


def _only_consumer(qmodel, tensor: str):
    readers = [n for n in qmodel.graph.node if tensor in n.input]
    return readers[0] if len(readers) == 1 else None


def chain(qmodel, name: str):
    """(batch norm node, ReLU node or None, Quant node) for the batch norm `name`, or refused."""
    bn = _node(qmodel, name)
    nxt = _only_consumer(qmodel, bn.output[0])
    relu = None
    if nxt is not None and nxt.op_type == "Relu":
        relu, nxt = nxt, _only_consumer(qmodel, nxt.output[0])
    if nxt is None or nxt.op_type != "Quant":
        raise HwcnnError(f"batch norm {name} is not followed by a quantizer (directly or after a ReLU): its float "
                         "output cannot be computed exactly in fixed point; put a Brevitas quantizer after it "
                         "(QuantIdentity, or QuantReLU) or fold it into the float weights before QAT")
    scale, zero = (qmodel.get_initializer(nxt.input[i]) for i in (1, 2))
    if scale is None or np.size(scale) != 1 or zero is None or np.any(zero != 0):
        raise HwcnnError(f"quantizer {nxt.name} after batch norm {name}: hwcnn needs one scale per tensor and "
                         "zero point 0")
    return bn, relu, nxt


def levels_of(qmodel, name: str):
    """values -> [values, channels] raw levels of the quantizer after batch norm `name`, where
    every channel's batch norm input takes each value (float64 values, exact in float32)."""
    import onnxruntime
    from onnx import TensorProto, helper
    from qonnx.custom_op.general.intquant import int_quant
    from qonnx.util.basic import get_by_name, qonnx_make_model

    bn, relu, quant = chain(qmodel, name)
    params = [np.asarray(qmodel.get_initializer(i), dtype=np.float32) for i in bn.input[1:]]
    channels = params[0].size
    rank = len(qmodel.get_tensor_shape(bn.input[0]))
    opset = next((o.version for o in qmodel.model.opset_import if o.domain in ("", "ai.onnx")), 11)
    node = helper.make_node("BatchNormalization", list(bn.input), list(bn.output[:1]), name=bn.name)
    node.attribute.extend(a for a in bn.attribute if a.name in ("epsilon", "momentum"))
    q_scale, q_zero, q_bits = (np.asarray(qmodel.get_initializer(i), dtype=np.float32) for i in quant.input[1:4])
    attr = {a: get_by_name(quant.attribute, a) for a in ("signed", "narrow", "rounding_mode")}
    signed = 1 if attr["signed"] is None else attr["signed"].i
    narrow = 0 if attr["narrow"] is None else attr["narrow"].i
    rounding = "ROUND" if attr["rounding_mode"] is None else attr["rounding_mode"].s.decode()

    def levels(values: np.ndarray) -> np.ndarray:
        x32 = values.astype(np.float32)
        if not np.array_equal(x32.astype(np.float64), values):
            raise HwcnnError(f"batch norm {name}: its input values are not exact in float32")
        # the layout QONNX runs the node in, channels first: [N, C] or [1, C, values, 1] (qonnx's
        # channels-last batch norm transposes to channels first and runs onnxruntime's)
        shape = (len(values), channels) if rank == 2 else (1, channels, len(values), 1)
        x = np.broadcast_to(x32[:, None] if rank == 2 else x32[None, None, :, None], shape).astype(np.float32)
        inputs = [helper.make_tensor_value_info(bn.input[0], TensorProto.FLOAT, list(shape))]
        inputs += [helper.make_tensor_value_info(i, TensorProto.FLOAT, list(p.shape)) for i, p in zip(bn.input[1:], params)]
        out = helper.make_tensor_value_info(bn.output[0], TensorProto.FLOAT, list(shape))
        model = qonnx_make_model(helper.make_graph([node], "bn", inputs, [out]),
                                 opset_imports=[helper.make_opsetid("", opset)])
        sess = onnxruntime.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
        y = sess.run(None, {bn.input[0]: x, **dict(zip(bn.input[1:], params))})[0]
        if relu is not None:
            y = np.maximum(y, np.float32(0))
        q = int_quant(y, q_scale, q_zero, q_bits, signed, narrow, rounding) / q_scale
        q = q.reshape(len(values), channels) if rank == 2 else q.reshape(channels, len(values)).T
        return np.rint(q).astype(np.int64)

    return levels, relu is not None
