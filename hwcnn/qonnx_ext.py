"""Channels-last pooling ops for qonnx, added through qonnx's own op registry.

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
