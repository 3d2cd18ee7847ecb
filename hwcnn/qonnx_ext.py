"""qonnx ops of hwcnn's, added through qonnx's own op registry: channels-last pooling, and
ExactScale (the float scales of a sum of products, applied exactly: below).

AveragePool:

Works around an upstream gap: qonnx 1.0.0's ConvertToChannelsLastAndClean knows only Conv,
MaxPool and BatchNormalization, so it leaves an AveragePool channels-first between two
Transposes, and hls4ml 1.3.0's ONNX AveragePool handler refuses any pooling node outside the
`qonnx.custom_op.channels_last` domain. Here AveragePool gets that domain (with the Transposes
qonnx would insert for MaxPool), and qonnx's channels-last pass then cancels the Transposes.

MaxPool: works around qonnx 1.0.0's channels-last MaxPool shape inference, which asserts equal
padding at both ends and ignores ceil_mode. hwcnn writes a ceil-mode pool as explicit end padding
(`qonnx_transforms.MaxPoolCeilToPads`, exact for a max), which is uneven; the classes here infer
the shape the way ONNX defines it, for any padding, and take ceil_mode as ONNX does.
"""

from __future__ import annotations

import numpy as np
from onnx import TensorProto, helper
from qonnx.custom_op.base import CustomOp
from qonnx.custom_op.channels_last.max_pool import MaxPool_v1
from qonnx.custom_op.registry import add_op_to_domain
from qonnx.transformation.base import Transformation

from hwcnn.layers import pool_output_dim

DOMAIN = "qonnx.custom_op.channels_last"
TO_LAST = [0, 2, 3, 1]  # NCHW -> NHWC
TO_FIRST = [0, 3, 1, 2]  # NHWC -> NCHW


class AveragePoolNHWC(MaxPool_v1):
    """Channels-last AveragePool: same attributes and shapes as MaxPool; executes (like every
    channels-last wrapper) as onnxruntime's AveragePool between transposes."""

    def verify_node(self):
        return ["AveragePool: channels-last wrapper registered by hwcnn"]


# qonnx reads op type and version from the class name ("AveragePool_v19") and runs the wrapped
# op at that version, so register one per ONNX opset that changed AveragePool's attributes
for _v in (1, 7, 10, 11, 19):
    add_op_to_domain(DOMAIN, type(f"AveragePool_v{_v}", (AveragePoolNHWC,), {}))


class MaxPoolNHWC(MaxPool_v1):
    """qonnx's channels-last MaxPool with ONNX's shape rule for uneven padding and ceil_mode."""

    def get_nodeattr_types(self):
        return {**super().get_nodeattr_types(), "ceil_mode": ("i", False, 0)}

    def make_shape_compatible_op(self, model):
        ishape = model.get_tensor_shape(self.onnx_node.input[0])
        k, s, pads = self.get_nodeattr("kernel_shape"), self.get_nodeattr("strides"), self.get_nodeattr("pads")
        nd = len(ishape) - 2
        spatial = [pool_output_dim(ishape[1 + i], k[i], s[i], pads[i], pads[nd + i], self.get_nodeattr("ceil_mode"))
                   for i in range(nd)]
        shape = [1, *spatial, ishape[-1]]
        return helper.make_node("Constant", [], [self.onnx_node.output[0]], name=self.onnx_node.name,
                                value=helper.make_tensor("const_tensor", TensorProto.FLOAT, shape, [0.0] * int(np.prod(shape))))


# the versions qonnx 1.0.0 defines (qonnx.custom_op.channels_last.MaxPool_v1, _v10), replaced
for _v in (1, 10):
    add_op_to_domain(DOMAIN, type(f"MaxPool_v{_v}", (MaxPoolNHWC,), {}))


class AveragePoolToChannelsLast(Transformation):
    """Each 4-D AveragePool -> Transpose(NHWC), channels-last AveragePool, Transpose(NCHW)."""

    def apply(self, model):
        graph = model.graph
        for pos, node in enumerate(graph.node):
            if node.op_type != "AveragePool" or node.domain != "":
                continue
            shape_in = model.get_tensor_shape(node.input[0])
            shape_out = model.get_tensor_shape(node.output[0])
            if shape_in is None or len(shape_in) != 4 or shape_out is None:
                continue
            x_last, y_last = model.make_new_valueinfo_name(), model.make_new_valueinfo_name()
            graph.value_info.append(helper.make_tensor_value_info(x_last, TensorProto.FLOAT,
                                                                  [shape_in[p] for p in TO_LAST]))
            graph.value_info.append(helper.make_tensor_value_info(y_last, TensorProto.FLOAT,
                                                                  [shape_out[p] for p in TO_LAST]))
            before = helper.make_node("Transpose", [node.input[0]], [x_last], perm=TO_LAST)
            after = helper.make_node("Transpose", [y_last], [node.output[0]], perm=TO_FIRST)
            node.input[0], node.output[0] = x_last, y_last
            node.domain = DOMAIN
            graph.node.insert(pos + 1, after)
            graph.node.insert(pos, before)
            return model, True
        return model, False


# ---- ExactScale: a sum of products times float scales, rounded once ------------------------------

EXACT_DOMAIN = "hwcnn.custom_op"
SPLIT = 134217729.0  # 2^27 + 1: Veltkamp's split of a float64 into two halves of 26 bits


def _two_product(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(p, e): p = fl64(a * b) and p + e == a * b exactly (Dekker's product; no overflow, no underflow)."""
    p = a * b
    ca, cb = SPLIT * a, SPLIT * b
    a_hi, b_hi = ca - (ca - a), cb - (cb - b)
    a_lo, b_lo = a - a_hi, b - b_hi
    return p, ((a_hi * b_hi - p) + a_hi * b_lo + a_lo * b_hi) + a_lo * b_lo


def product_to_f32(acc: np.ndarray, scale_a: float, scale_w: np.ndarray) -> np.ndarray:
    """acc * scale_a * scale_w (float32 scales; scale_w per channel on the last axis) computed
    exactly and rounded once to float32, to nearest, ties to even. acc: integers (or values on a
    power-of-two grid) exact in float64.

    Why exact: scale_a * scale_w has at most 48 significant bits, exact in float64; Dekker's
    product gives acc times it as p + e exactly. Rounding p to float32 rounds the exact value the
    same way unless p is itself a float32 midpoint (the exact value then lies beyond it or short of
    it by e, or on it): there e decides."""
    c = np.float64(np.float32(scale_a)) * np.asarray(scale_w, dtype=np.float32).astype(np.float64)
    p, e = _two_product(np.asarray(acc, dtype=np.float64), c)
    r = p.astype(np.float32)
    d = p - r.astype(np.float64)  # exact: p lies within half a float32 ulp of r
    other = np.nextafter(r, np.where(d > 0, np.float32(np.inf), np.float32(-np.inf)))
    tie = (d != 0) & (p == (r.astype(np.float64) + other.astype(np.float64)) / 2)
    return np.where(tie & (e != 0) & (np.sign(e) == np.sign(d)), other, r).astype(np.float32)


class ExactScale(CustomOp):
    """y = x * scale_a * scale_w[c], computed exactly and rounded once to float32 (channel c: the
    last axis). Follows a MatMul or Conv on integer codes (hwcnn.qonnx_transforms.FloatScalesToCodes):
    the sum of products of float-scale tensors as DESIGN.md's exact reference defines it."""

    def get_nodeattr_types(self):
        return {"scale_a": ("f", True, 1.0), "scale_w": ("floats", True, [1.0])}

    def make_shape_compatible_op(self, model):
        return helper.make_node("Identity", [self.onnx_node.input[0]], [self.onnx_node.output[0]])

    def infer_node_datatype(self, model):
        from qonnx.core.datatype import DataType

        model.set_tensor_datatype(self.onnx_node.output[0], DataType["FLOAT32"])

    def execute_node(self, context, graph):
        x = context[self.onnx_node.input[0]]
        context[self.onnx_node.output[0]] = product_to_f32(x, self.get_nodeattr("scale_a"),
                                                           np.array(self.get_nodeattr("scale_w"), dtype=np.float32))

    def verify_node(self):
        return []


add_op_to_domain(EXACT_DOMAIN, ExactScale)
