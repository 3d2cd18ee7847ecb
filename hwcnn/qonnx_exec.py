"""QONNX's own execution (qonnx's reference executor), batched where that is exact: the reference
every check compares with, and how the host runs its float32 head and tail (hwcnn/host.py)."""

from __future__ import annotations

import numpy as np


def execute_qonnx(qmodel, x: np.ndarray, chunk: int = 256) -> np.ndarray:
    """Run the QONNX graph (qonnx's reference executor) on x (float32 NCHW), `chunk` images at a time
    on a copy of the graph whose batch dimension is set to match; one image at a time where that
    copy fails or differs on the first image (qonnx runs every node as an onnxruntime session of its
    own, which makes image by image slow)."""
    import onnxruntime

    # qonnx runs each node as its own opset-1 model; onnxruntime warns about that on every node
    onnxruntime.set_default_logger_severity(3)
    x = x.astype(np.float32)
    one = _execute(qmodel, x[:1])
    if len(x) == 1:
        return one
    outs = []
    try:
        for i in range(0, len(x), chunk):
            outs.append(_execute(batched(qmodel, len(x[i : i + chunk])), x[i : i + chunk]))
    except Exception:  # noqa: BLE001 - a graph whose batch cannot be set: image by image below
        outs = None
    if outs is None or not np.array_equal(outs[0][:1], one):
        outs = [one] + [_execute(qmodel, x[i : i + 1]) for i in range(1, len(x))]
    return np.concatenate(outs, axis=0)


def _execute(qmodel, x: np.ndarray) -> np.ndarray:
    from qonnx.core.onnx_exec import execute_onnx

    out = execute_onnx(qmodel, {qmodel.graph.input[0].name: x})[qmodel.graph.output[0].name]
    return out.reshape(len(x), -1)


def batched(qmodel, n: int):
    """A copy of the graph for a batch of n: every tensor's leading 1 and every Reshape's leading 1
    become n (what the export fixed from its one example image)."""
    import copy

    from qonnx.core.modelwrapper import ModelWrapper

    m = ModelWrapper(copy.deepcopy(qmodel.model))
    for vi in [*m.graph.input, *m.graph.output, *m.graph.value_info]:
        dims = vi.type.tensor_type.shape.dim
        if len(dims) and dims[0].dim_value == 1:
            dims[0].dim_value = n
    for node in m.graph.node:
        shape = m.get_initializer(node.input[1]) if node.op_type == "Reshape" else None
        if shape is not None and len(shape) and shape[0] == 1:
            name = m.make_new_valueinfo_name()
            m.set_initializer(name, np.concatenate([[n], shape[1:]]).astype(shape.dtype))
            node.input[1] = name
    return m
