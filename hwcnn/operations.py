"""The QONNX operations hwcnn takes: those its core carries to hardware, those the host runs in
float32 around the core, and the check that refuses the rest by name.

The check runs twice: on the graph as exported, before qonnx's passes (which take minutes on a
large model), refusing only what no pass can remove; and on the core after the passes
(hlsgen/convert.py), where every operation must be one the core carries.
"""

from __future__ import annotations

from hwcnn.errors import HwcnnError

# QONNX operations hwcnn's core (hls4ml conversion + simulator) handles
CORE_OPS = {
    "Quant", "Conv", "Relu", "Tanh", "MaxPool", "AveragePool", "GlobalAveragePool", "MatMul", "Add", "Flatten",
    "Reshape", "Transpose", "Concat", "ReduceMean", "BatchNormalization", "Mul", "Sub", "Div",
    "ExactScale",  # float scales of a sum of products (hwcnn.qonnx_transforms.FloatScalesToCodes)
}

# what the host's head and tail hold (hlsgen/partition.py); a tail is made only where one of
# FLOAT_TAIL_OPS needs it
SHAPE_OPS = {"Transpose", "Reshape", "Flatten"}
CONSTANT_ARITHMETIC = {"Mul", "Add", "Sub", "Div"}
HEAD_OPS = SHAPE_OPS | CONSTANT_ARITHMETIC
FLOAT_TAIL_OPS = CONSTANT_ARITHMETIC | {"BatchNormalization", "ExactScale", "Softmax", "LogSoftmax", "Sigmoid", "ArgMax"}
TAIL_OPS = SHAPE_OPS | FLOAT_TAIL_OPS

# what hwcnn's qonnx passes (export.qonnx_passes) rewrite into the operations above or fold away:
# Gemm becomes MatMul, BipolarQuant Quant; shape computations and identities fold into constants
REWRITTEN_OPS = {"Gemm", "BipolarQuant", "Identity", "Dropout", "Constant", "Shape", "Gather", "Unsqueeze",
                 "Squeeze", "Cast", "ConstantOfShape", "Slice", "Expand", "Range", "Equal", "Where"}


def check_exported(model) -> None:
    """Refuse, before the slow qonnx passes, an exported graph with an operation no pass removes
    and neither the core nor the host runs (an operation on constants only is folded: not refused)."""
    taken = CORE_OPS | TAIL_OPS | REWRITTEN_OPS
    constant = {i.name for i in model.graph.initializer}
    bad: dict[str, list[str]] = {}
    for node in model.graph.node:  # graph order is topological (ONNX requires it)
        if all(t in constant or not t for t in node.input):
            constant.update(node.output)
        elif node.op_type not in taken:  # an unnamed node (names come with qonnx's passes) by its output
            bad.setdefault(node.op_type, []).append(node.name or f"making {node.output[0]}")
    if bad:
        raise HwcnnError(unsupported(bad, host=True))


def unsupported(bad: dict[str, list[str]], host: bool = False) -> str:
    """The refusal of operations `bad` (op type -> node names), listing what hwcnn takes."""
    listed = "; ".join(f"{op} (node {names_of(names)})" for op, names in bad.items())
    where = (f" in the core, and {', '.join(sorted(FLOAT_TAIL_OPS - CONSTANT_ARITHMETIC))} on the host after it"
             if host else "")
    return (f"unsupported operation{'s' if len(bad) > 1 else ''} {listed}; hwcnn supports "
            f"{', '.join(sorted(CORE_OPS))}{where}")


def names_of(names: list[str]) -> str:
    """Node names for a one-line message: the first four."""
    return ", ".join(names[:4]) + (", ..." if len(names) > 4 else "")
