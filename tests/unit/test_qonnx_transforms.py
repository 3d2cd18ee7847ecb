"""hwcnn's qonnx passes on small hand-built graphs: each rewrites its pattern and computes the same values."""

from __future__ import annotations

import numpy as np
from numpy.testing import assert_array_equal
from onnx import TensorProto, helper
from qonnx.core.modelwrapper import ModelWrapper
from qonnx.core.onnx_exec import execute_onnx
from qonnx.transformation.infer_shapes import InferShapes
from qonnx.util.basic import qonnx_make_model

from hwcnn.layers import pool_output_dim
from hwcnn.qonnx_transforms import (ChannelsLastConcat, ChannelsLastGlobalAveragePool, MaxPoolCeilToPads,
                                    MoveQuantActivationBeforeConcat, PerChannelPow2WeightsToPerTensor)

NHWC = [1, 4, 4, 3]


def _model(nodes, inputs, output, inits=()):
    graph = helper.make_graph(nodes, "g", [helper.make_tensor_value_info(n, TensorProto.FLOAT, s) for n, s in inputs],
                              [helper.make_tensor_value_info(*output)], initializer=list(inits))
    domains = {"", *(n.domain for n in nodes if n.domain == "qonnx.custom_op.channels_last")}  # wrapped ops run at 20
    model = ModelWrapper(qonnx_make_model(graph, opset_imports=[helper.make_opsetid(d, 20) for d in sorted(domains)]))
    return model.transform(InferShapes())


def _run(model, feed):
    return execute_onnx(model, feed)[model.graph.output[0].name]


def _init(name, value):
    return helper.make_tensor(name, TensorProto.FLOAT if np.asarray(value).dtype.kind == "f" else TensorProto.INT64,
                              np.shape(value), np.ravel(value))


def test_fire_concat_becomes_channels_last_with_the_quantizer_on_each_input():
    nodes = [
        helper.make_node("Transpose", ["a"], ["ta"], perm=[0, 3, 1, 2]),
        helper.make_node("Transpose", ["b"], ["tb"], perm=[0, 3, 1, 2]),
        helper.make_node("Concat", ["ta", "tb"], ["c"], axis=1),
        helper.make_node("Transpose", ["c"], ["cl"], perm=[0, 2, 3, 1]),
        helper.make_node("Relu", ["cl"], ["r"]),
        helper.make_node("Quant", ["r", "scale", "zero", "bits"], ["y"], domain="qonnx.custom_op.general",
                         signed=0, narrow=0, rounding_mode="ROUND"),
    ]
    inits = [_init("scale", np.float32(0.25)), _init("zero", np.float32(0.0)), _init("bits", np.float32(4.0))]
    model = _model(nodes, [("a", NHWC), ("b", NHWC)], ("y", TensorProto.FLOAT, [1, 4, 4, 6]), inits)
    rng = np.random.default_rng(0)
    feed = {k: rng.normal(0, 2, NHWC).astype(np.float32) for k in ("a", "b")}
    before = _run(model, feed)
    model = model.transform(ChannelsLastConcat()).transform(MoveQuantActivationBeforeConcat())
    ops = [n.op_type for n in model.graph.node]
    assert ops.count("Transpose") == 0 and ops[-1] == "Concat" and ops.count("Quant") == 2
    assert model.graph.node[-1].attribute[0].i == 3  # the channels of NHWC
    assert_array_equal(_run(model, feed), before)


def test_global_average_pool_becomes_a_channels_last_reduce_mean():
    for op, extra in (("ReduceMean", ["axes"]), ("GlobalAveragePool", [])):
        nodes = [
            helper.make_node("Transpose", ["x"], ["t"], perm=[0, 3, 1, 2]),
            helper.make_node(op, ["t", *extra], ["m"]),
            helper.make_node("Reshape", ["m", "shape"], ["y"]),
        ]
        inits = [_init("axes", np.array([-1, -2])), _init("shape", np.array([1, 3]))]
        model = _model(nodes, [("x", NHWC)], ("y", TensorProto.FLOAT, [1, 3]), inits)
        feed = {"x": (np.random.default_rng(1).integers(-64, 64, NHWC) / 8).astype(np.float32)}
        before = _run(model, feed)
        model = model.transform(ChannelsLastGlobalAveragePool())
        assert [n.op_type for n in model.graph.node] == ["ReduceMean"]
        assert list(model.get_initializer(model.graph.node[0].input[1])) == [1, 2]
        assert_array_equal(_run(model, feed), before)


def test_per_channel_power_of_two_weight_scales_become_one_finer_scale_exactly():
    rng = np.random.default_rng(0)
    w = rng.normal(0, 1, (4, 6)).astype(np.float32)
    scale = np.array([[0.5], [0.0625], [0.125], [1.0]], dtype=np.float32)  # per output row, 2^-1 .. 2^-4 .. 2^0
    for narrow in (0, 1):
        nodes = [helper.make_node("Quant", ["w", "scale", "zero", "bits"], ["wq"], domain="qonnx.custom_op.general",
                                  signed=1, narrow=narrow, rounding_mode="ROUND"),
                 helper.make_node("MatMul", ["x", "wq"], ["y"])]
        inits = [_init("w", w * 4), _init("scale", scale), _init("zero", np.float32(0.0)), _init("bits", np.float32(3.0))]
        model = _model(nodes, [("x", [1, 4])], ("y", TensorProto.FLOAT, [1, 6]), inits)
        feed = {"x": np.eye(4, dtype=np.float32)[None, 0] + np.arange(4, dtype=np.float32)[None] * 0.25}
        before = _run(model, feed)
        model = model.transform(PerChannelPow2WeightsToPerTensor())
        assert np.size(model.get_initializer("scale")) == 1 and float(model.get_initializer("scale")) == 0.0625
        assert float(model.get_initializer("bits")) == 3 + 4  # the scales span 2^-4 .. 2^0
        assert_array_equal(_run(model, feed), before)
        assert len(np.unique(before)) > 3


def test_pool_output_dim_is_pytorchs():
    import torch

    for size in range(3, 20):
        for k, s, pad in ((2, 2, 0), (3, 2, 0), (3, 2, 1), (3, 1, 1), (5, 3, 2), (3, 3, 1)):
            for ceil in (False, True):
                want = torch.nn.functional.max_pool2d(torch.zeros(1, 1, size, size), k, s, pad, ceil_mode=ceil).shape[-1]
                assert pool_output_dim(size, k, s, pad, pad, int(ceil)) == want, (size, k, s, pad, ceil)


def test_ceil_mode_max_pool_becomes_end_padding_with_the_same_values():
    """NCHW and channels-last (hwcnn's channels-last MaxPool infers the uneven padding's shape)."""
    rng = np.random.default_rng(2)
    # (3, 2, 2, 1): PyTorch drops the last window (it would start in the padding); (32, 1, 2, 0): a kernel
    # smaller than its stride, whose last window ends before the input does
    for size, k, s, pad in ((54, 3, 2, 0), (15, 2, 2, 0), (10, 3, 2, 1), (7, 3, 3, 0), (3, 2, 2, 1), (32, 1, 2, 0)):
        out = pool_output_dim(size, k, s, pad, pad, 1)
        for domain, shape_in, shape_out in (("", [1, 3, size, size], [1, 3, out, out]),
                                            ("qonnx.custom_op.channels_last", [1, size, size, 3], [1, out, out, 3])):
            node = helper.make_node("MaxPool", ["x"], ["y"], domain=domain, kernel_shape=[k, k], strides=[s, s],
                                    pads=[pad] * 4, ceil_mode=1)
            model = _model([node], [("x", shape_in)], ("y", TensorProto.FLOAT, shape_out))
            feed = {"x": rng.normal(0, 1, shape_in).astype(np.float32)}
            before = _run(model, feed)
            model = model.transform(MaxPoolCeilToPads()).transform(InferShapes())
            (node,) = model.graph.node
            attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
            assert "ceil_mode" not in attrs and attrs["pads"][:2] == [pad, pad] and min(attrs["pads"][2:]) >= 0
            assert model.get_tensor_shape("y") == shape_out
            assert before.shape == tuple(shape_out)
            assert_array_equal(_run(model, feed), before)
